"""A Hanweb JCMS column: records hidden in the first page's XML, the rest POSTed for."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from publisher.config import Config, SourceConfig
from publisher.home import Home
from publisher.sources.html import parse_hanweb_records
from publisher.sources.http import HttpConfig, PoliteClient
from publisher.sources.profiles import ListSpec
from publisher.store.models import Item
from publisher.sync import SyncEngine

TOTAL = 50
PER_PAGE = 15


def _record(number: int, column: int = 4227) -> str:
    day = 1 + number % 28
    return (
        f'<record><![CDATA[<li><a href="/art/2025/1/{day}/art_{column}_{1000 + number}.html" '
        f'title="关于第{number}批事项的通知（全文标题）" target="_blank">关于第{number}批…</a>'
        f"<span>2025-01-{day:02d}</span></li>]]></record>"
    )


def _first_page() -> str:
    records = "".join(_record(n) for n in range(1, PER_PAGE + 1))
    return (
        '<html><head><meta charset="utf-8"></head><body><div id="380055">'
        '<script type="text/xml"><datastore><recordset>'
        f"{records}{_record(999, column=9999)}"
        "</recordset></datastore></script>"
        f"<script>var pageConfig = {{proxyUrl:'/module/web/jpage/dataproxy.jsp', "
        f"totalRecord:{TOTAL}, perPage:{PER_PAGE}}};</script></div>"
        "<p>" + "政务公开" * 100 + "</p></body></html>"
    )


def _detail(number: int) -> str:
    return (
        '<html><head><meta charset="utf-8"></head><body><h1 class="title">'
        f"关于第{number}批事项的通知（全文标题）</h1>"
        '<table class="gkxl-top"><tr><td class="tit">发布单位：</td><td>大余县人民政府办公室</td>'
        '<td class="tit">发布日期：</td><td>2025-01-05</td></tr>'
        '<tr><td class="tit">信息类别：</td><td>通知</td></tr></table>'
        f'<div class="TRS_Editor"><p>第{number}批事项的正文。</p>'
        "<p>" + "正文内容" * 60 + "</p></div></body></html>"
    )


class _Hanweb(BaseHTTPRequestHandler):
    posts: list[dict[str, str]] = []  # noqa: RUF012 - shared by the test

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/robots.txt":
            self._send(404, b"")
        elif path == "/col/col4227/index.html":
            self._send(200, _first_page().encode())
        elif path.startswith("/art/"):
            number = int(path.rsplit("_", 1)[-1].removesuffix(".html")) - 1000
            self._send(200, _detail(number).encode())
        else:
            self._send(404, b"not found")

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if parts.path != "/module/web/jpage/dataproxy.jsp" or "col4227" not in (
            self.headers.get("Referer") or ""
        ):
            self._send(404, b"not found")  # like some sites, no Referer, no answer
            return
        query = {k: int(v[0]) for k, v in parse_qs(parts.query).items()}
        type(self).posts.append({**form, **{k: str(v) for k, v in query.items()}})
        first, last = query["startrecord"], min(query["endrecord"], TOTAL)
        records = "".join(_record(n) for n in range(first, last + 1))
        body = (
            f"<datastore><totalrecord>{TOTAL}</totalrecord><totalpage>4</totalpage>"
            f"<recordset>{records}</recordset></datastore>"
        )
        self._send(200, body.encode(), "text/xml; charset=utf-8")

    def _send(self, status: int, body: bytes, kind: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hanweb_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hanweb)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Hanweb.posts = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


PROFILE = """
name = "政策文件"
entity_type = "notice"
parser = "hanweb_jpage"

[list]
url = "{site}/col/col4227/index.html"
pagination = "hanweb"
proxy_url = "{site}/module/web/jpage/dataproxy.jsp"
per_page = 15
same_folder = false
link_pattern = 'art_4227_'

[list.form]
col = "1"
appid = "1"
webid = "12"
path = "/"
columnid = "4227"
unitid = "380055"
permissiontype = "0"

[detail]
title = "h1.title"

[detail.fields]
publisher = "发布单位"
published_date = "发布日期"
kind = "信息类别"
"""


def test_first_page_records_are_read_from_the_hidden_xml():
    spec = ListSpec(
        url="{site}/col/col4227/index.html", same_folder=False, link_pattern="art_4227_"
    )
    page = parse_hanweb_records(_first_page(), "http://x.example/col/col4227/index.html", spec)
    assert len(page.entries) == PER_PAGE  # the art_9999_ record of another column is dropped
    assert page.total == TOTAL
    assert page.entries[0].title == "关于第1批事项的通知（全文标题）"
    assert page.entries[0].date == "2025-01-02"


@pytest.mark.django_db
def test_a_hanweb_column_syncs_every_record_and_rests_when_unchanged(hanweb_site, tmp_path):
    profile = tmp_path / "hanweb.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    config = Config(sources=(SourceConfig(id="hanweb", profile=str(profile), site=hanweb_site),))
    http = HttpConfig(user_agent="test", min_interval=0, retries=0, backoff_factor=0)
    home = Home(tmp_path / "home")
    home.make_folders()
    engine = SyncEngine(home=home, config=config, client_factory=lambda: PoliteClient(http))

    [first] = engine.run()
    assert first.status == "ok", first.errors
    assert first.new == TOTAL
    assert Item.objects.count() == TOTAL
    # 50 records, 45 per POST: two proxy requests carrying the column's form.
    assert [p["startrecord"] for p in _Hanweb.posts] == ["1", "46"]
    assert all(p["columnid"] == "4227" for p in _Hanweb.posts)
    [again] = engine.run()
    assert (again.new, again.changed, again.removed, again.failed) == (0, 0, 0, 0)
