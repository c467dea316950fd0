"""Four more columns of the demo county, built the ways real county sites serve lists and files.

Each one carries a case that county sites really have (issue 17):

* ``zcwj`` 政策文件, a Hanweb JCMS column: the first records in the page's
  ``<script type="text/xml">``, the rest POSTed for at ``dataproxy.jsp``, and
  every document behind ``/module/download/downfile.jsp?classid=0&filename=…``.
  The script names the file in ``Content-Disposition``: ``filename*=UTF-8''…``
  for PDFs, raw GBK bytes for Word files, and nothing at all for OFD files,
  whose link has no extension either (the bytes tell).
* ``rsxx`` 人事信息, a JSP column that sends no ``ETag`` or ``Last-Modified``
  and a visit counter that changes on every request; its breadcrumb is shown
  only on the list page.
* ``czzj`` 财政资金, a JSON API asked by POSTing ``{"pageNo":1,"pageSize":10,
  "channelId":"5144"}``.
* ``gsgg`` 公示公告, a JSONP list: ``callback({"result": {...}})``.

The items are notices of fictional content, drawn from the seed; each mutation
round publishes one more in every column.
"""

from __future__ import annotations

import html
import io
import json
import random
import threading
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote

from demosite import files

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["EXTRA_COLUMNS", "Answer", "ExtraColumns"]

#: (key, name, item count) of the extra columns.
EXTRA_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("zcwj", "政策文件", 40),
    ("rsxx", "人事信息", 45),
    ("czzj", "财政资金", 25),
    ("gsgg", "公示公告", 25),
)
HANWEB_COLUMN = "/col/col4227/index.html"
HANWEB_PROXY = "/module/web/jpage/dataproxy.jsp"
DOWNFILE = "/module/download/downfile.jsp"
HANWEB_FIRST = 15  # records in the first page's script
RSXX_LIST = "/zwgk/rsxx/list.jsp"
RSXX_PAGE = 20
JSON_POST_API = "/api/zwgk/list"
JSONP_API = "/api/jsonp/gsgg"
_TOPICS = (
    "农村人居环境整治", "城乡低保资金管理", "森林防火责任落实", "河长制工作考核",
    "义务教育阶段招生", "高标准农田建设", "城镇老旧小区改造", "脐橙产业发展扶持",
    "安全生产专项整治", "医疗保障基金监管", "乡村振兴衔接资金", "中小企业纾困帮扶",
    "城区停车秩序管理", "农村饮水安全巩固",
)  # fmt: skip
_KINDS = ("通知", "公告")


@dataclass(frozen=True, slots=True)
class Answer:
    """What an extra column answers: ``validated`` says whether ETag/Last-Modified go on it."""

    status: int
    body: bytes
    headers: dict[str, str]
    validated: bool = True


@dataclass(frozen=True, slots=True)
class _Item:
    column: str
    number: int
    title: str
    publisher: str
    published: date
    kind: str
    paragraphs: tuple[str, ...]
    file_id: str  # the download script's id ("" for none)
    file_kind: str  # "pdf", "docx" or "ofd"

    @property
    def path(self) -> str:
        day = self.published
        if self.column == "zcwj":
            return f"/art/{day.year}/{day.month}/{day.day}/art_4227_{self.number}.html"
        if self.column == "rsxx":
            return f"/zwgk/rsxx/content.jsp?id={self.number}"
        if self.column == "czzj":
            return f"/czzj/{day:%Y%m}/{self.file_id or f'{self.number:032x}'}.shtml"
        return f"/gsgg/{day:%Y/%m/%d}/content_{self.number}.html"

    @property
    def file_name(self) -> str:
        return f"{self.title}.{self.file_kind}"


class ExtraColumns:
    """The four extra columns: answers requests for their lists, pages and files.

    Args:
        seed: the demo county's seed.
        publishers: the agency names the notices are published by.
        as_of: the county's "today"; items are dated before it.
    """

    def __init__(self, *, seed: int, publishers: Sequence[str], as_of: date) -> None:
        self._seed, self._publishers, self._as_of = seed, tuple(publishers), as_of
        self._lock = threading.Lock()
        self._visits = 0
        self._items: dict[str, list[_Item]] = {}
        self._by_path: dict[str, _Item] = {}
        self._files: dict[str, _Item] = {}
        number = 4_000_000
        for key, _, count in EXTRA_COLUMNS:
            rng = random.Random(f"{seed}-{key}")
            items = [self._item(rng, key, number + i, i) for i in range(count)]
            number += count
            self._items[key] = sorted(items, key=lambda i: (i.published, i.number), reverse=True)
        self._next = number
        self._reindex()

    def grow(self, rounds: int) -> None:
        """Publish one more item in every column per round (a mutation of the site)."""
        with self._lock:
            for _ in range(rounds):
                for key, _, _ in EXTRA_COLUMNS:
                    rng = random.Random(f"{self._seed}-{key}-{self._next}")
                    item = self._item(rng, key, self._next, 0, fresh=True)
                    self._next += 1
                    self._items[key].insert(0, item)
            self._reindex()

    def answer(
        self, method: str, path: str, query: Mapping[str, list[str]], body: bytes
    ) -> Answer | None:
        """The answer to a request for an extra column, or None when it is not one's."""
        if path == HANWEB_PROXY:
            return self._hanweb_proxy(method, query, body)
        if path == JSON_POST_API:
            return self._json_post(method, body)
        if method not in {"GET", "HEAD"}:
            return None
        if path == HANWEB_COLUMN:
            return self._hanweb_column()
        if path == DOWNFILE:
            return self._download(query)
        if path == RSXX_LIST:
            return self._rsxx_list(query)
        if path == JSONP_API:
            return self._jsonp(query)
        target = path if path != "/zwgk/rsxx/content.jsp" else f"{path}?id={_one(query, 'id')}"
        item = self._by_path.get(target)
        return None if item is None else self._detail(item)

    # --- generation -------------------------------------------------------------------

    def _item(
        self, rng: random.Random, key: str, number: int, index: int, *, fresh: bool = False
    ) -> _Item:
        topic = rng.choice(_TOPICS)
        kind = rng.choice(_KINDS)
        published = self._as_of - timedelta(days=0 if fresh else 3 + index * 5 + rng.randrange(4))
        title = {
            "zcwj": f"大余县人民政府办公室关于印发《大余县{topic}实施方案》的{kind}",
            "rsxx": f"大余县2026年{topic}岗位工作人员拟聘用人员{kind}（第{index + 1}批）",
            "czzj": f"大余县{topic}资金分配结果{kind}",
            "gsgg": f"关于{topic}有关事项的{kind}",
        }[key]
        paragraphs = (
            f"为做好{topic}工作，根据有关规定，现将有关事项{kind}如下。",
            f"各乡镇、县直各单位要高度重视，明确专人负责，确保{topic}各项任务落到实处。",
            f"联系人：县政府办公室，联系电话：0797-87{rng.randrange(10000, 99999)}（演示号码）。",
        )
        file_id, file_kind = "", "pdf"
        if key == "zcwj":
            file_id = f"{rng.getrandbits(128):032x}"
            file_kind = ("pdf", "docx", "ofd")[number % 3]
        return _Item(key, number, title, rng.choice(self._publishers), published, kind,
                     paragraphs, file_id, file_kind)  # fmt: skip

    def _reindex(self) -> None:
        self._by_path = {item.path: item for items in self._items.values() for item in items}
        self._files = {item.file_id: item for item in self._items["zcwj"]}

    # --- answers ----------------------------------------------------------------------

    def _hanweb_column(self) -> Answer:
        items = self._items["zcwj"]
        records = "".join(_hanweb_record(item) for item in items[:HANWEB_FIRST])
        script = (
            '<script type="text/xml"><datastore><nextgroup><![CDATA[]]></nextgroup>'
            f"<recordset>{records}</recordset></datastore></script>"
            f"<script>var totalRecord={len(items)};</script>"
        )
        body = _page("政策文件", '<div class="default_pgContainer">' + script + "</div>",
                     crumb=True)  # fmt: skip
        return _html(body, self._stamp("zcwj"))

    def _hanweb_proxy(self, method: str, query: Mapping[str, list[str]], body: bytes) -> Answer:
        if method != "POST":
            return _plain(405, "POST only")
        form = parse_qs(body.decode("utf-8", errors="replace"))
        if _one(form, "columnid") != "4227":
            return _plain(400, "unknown columnid")
        try:
            start, end = int(_one(query, "startrecord")), int(_one(query, "endrecord"))
        except ValueError:
            return _plain(400, "startrecord and endrecord are numbers")
        items = self._items["zcwj"]
        chunk = items[max(start, 1) - 1 : min(end, len(items))]
        records = "".join(_hanweb_record(item) for item in chunk)
        xml = (
            f"<datastore><totalrecord>{len(items)}</totalrecord>"
            f"<recordset>{records}</recordset></datastore>"
        )
        return Answer(
            200, xml.encode(), {"Content-Type": "text/xml;charset=UTF-8"}, validated=False
        )

    def _download(self, query: Mapping[str, list[str]]) -> Answer:
        item = self._files.get(_one(query, "filename").rsplit(".", 1)[0])
        if item is None:
            return _plain(404, "文件不存在")
        headers = {"Content-Type": "application/octet-stream"}
        if item.file_kind == "pdf":
            body = files.pdf_document(item.title, list(item.paragraphs))
            headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(item.file_name)}"
        elif item.file_kind == "docx":
            body = _package("docx", item)
            # Raw GBK bytes, as many JSP download scripts send them (http.server writes latin-1).
            raw = item.file_name.encode("gbk").decode("latin-1")
            headers["Content-Disposition"] = f'attachment; filename="{raw}"'
        else:
            body = _package("ofd", item)  # no name at all: only the bytes tell
        return Answer(200, body, headers, validated=False)

    def _rsxx_list(self, query: Mapping[str, list[str]]) -> Answer:
        items = self._items["rsxx"]
        pages = max(1, -(-len(items) // RSXX_PAGE))
        try:
            page = int(_one(query, "pageNum") or "1")
        except ValueError:
            page = 1
        with self._lock:
            self._visits += 1
            visits = self._visits
        chunk = items[(page - 1) * RSXX_PAGE : page * RSXX_PAGE] if 1 <= page <= pages else []
        rows = "".join(
            f'<li><a href="content.jsp?id={item.number}" title="{html.escape(item.title)}">'
            f"{html.escape(item.title[:24])}</a><span>{item.published:%Y-%m-%d}</span></li>"
            for item in chunk
        )
        pager = f'<div class="pager">共{pages}页 第{page}页</div>'
        counter = f'<div class="visits">访问量：{visits}</div>'  # changes on every request
        body = _page(
            "人事信息", f'<ul class="list">{rows}</ul>{pager}{counter}', crumb=True, charset="gbk"
        )
        return Answer(200, body.encode("gbk", errors="xmlcharrefreplace"),
                      {"Content-Type": "text/html; charset=GBK"}, validated=False)  # fmt: skip

    def _json_post(self, method: str, body: bytes) -> Answer:
        if method != "POST":
            return _plain(405, "POST only")
        try:
            asked = json.loads(body or b"{}")
            page, size = int(asked.get("pageNo", 1)), int(asked.get("pageSize", 10))
        except (ValueError, TypeError, AttributeError):
            return _json({"code": 400, "msg": "请求体须为JSON"}, status=400)
        if asked.get("channelId") != "5144" or not 1 <= size <= 100:
            return _json({"code": 400, "msg": "参数错误"}, status=400)
        items = self._items["czzj"]
        chunk = items[(page - 1) * size : page * size] if page >= 1 else []
        rows = [
            {
                "id": item.number,
                "title": item.title,
                "url": item.path,
                "publisher": item.publisher,
                "publishTime": f"{item.published:%Y-%m-%d} 09:30:00",
            }
            for item in chunk
        ]
        data = {"total": len(items), "pageNo": page, "pageSize": size, "list": rows}
        return _json({"code": 200, "msg": "success", "data": data})

    def _jsonp(self, query: Mapping[str, list[str]]) -> Answer:
        callback = _one(query, "callback") or "callback"
        if not callback.replace("_", "").replace(".", "").isalnum():
            return _plain(400, "bad callback")
        items = self._items["gsgg"]
        try:
            page = int(_one(query, "page") or "1")
        except ValueError:
            page = 1
        chunk = items[(page - 1) * 10 : page * 10] if page >= 1 else []
        rows = [
            {
                "title": item.title,
                "docPubUrl": item.path,
                "pubDate": f"{item.published:%Y-%m-%d}",
                "organ": item.publisher,
            }
            for item in chunk
        ]
        text = json.dumps({"result": {"total": len(items), "rows": rows}}, ensure_ascii=False)
        return Answer(200, f"{callback}({text});".encode(),
                      {"Content-Type": "application/javascript; charset=utf-8"})  # fmt: skip

    def _detail(self, item: _Item) -> Answer:
        meta = "".join(
            f'<tr><td class="tit">{label}</td><td>{html.escape(value)}</td></tr>'
            for label, value in (
                ("发布机构", item.publisher),
                ("发布日期", f"{item.published:%Y-%m-%d}"),
                ("信息类别", item.kind),
            )
        )
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in item.paragraphs)
        if item.file_id:
            suffix = "" if item.file_kind == "ofd" else f".{item.file_kind}"
            href = f"{DOWNFILE}?classid=0&amp;filename={item.file_id}{suffix}"
            paragraphs += f'<p>附件：<a href="{href}">点击下载</a></p>'
        body = (
            f'<h1 class="title">{html.escape(item.title)}</h1>'
            f'<table class="gkxl-top">{meta}</table><div id="zoom">{paragraphs}</div>'
        )
        name = {key: name for key, name, _ in EXTRA_COLUMNS}[item.column]
        gbk = item.column == "rsxx"  # its pages are GBK and only its list has a breadcrumb
        page = _page(name, body, crumb=not gbk, charset="gbk" if gbk else "utf-8")
        if item.column == "rsxx":
            return Answer(200, page.encode("gbk", errors="xmlcharrefreplace"),
                          {"Content-Type": "text/html; charset=GBK"}, validated=False)  # fmt: skip
        return _html(page, item.published)

    def _stamp(self, key: str) -> date:
        return max(item.published for item in self._items[key])


def _hanweb_record(item: _Item) -> str:
    title = html.escape(item.title)
    return (
        f'<record><![CDATA[<li><a href="{item.path}" title="{title}" target="_blank">'
        f"{title[:20]}</a><span>{item.published:%Y-%m-%d}</span></li>]]></record>"
    )


def _page(column: str, content: str, *, crumb: bool, charset: str = "utf-8") -> str:
    trail = (
        f'<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a>'
        f" &gt; <span>{column}</span></div>"
        if crumb
        else ""
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}">'
        f"<title>{column}_大余县人民政府</title></head><body>"
        f'<div class="demo">演示网站：内容均为虚构</div>{trail}{content}{_FOOTER}</body></html>'
    )


_FOOTER = (
    '<div class="footer"><p>主办：大余县人民政府办公室　承办：大余县信息中心（演示）</p>'
    "<p>地址：大余县南安镇东山路1号　邮编：341500　网站标识码：3607230000（演示）</p>"
    "<p>赣ICP备00000000号（演示）　建议使用1024×768以上分辨率浏览</p></div>"
)


def _package(kind: str, item: _Item) -> bytes:
    """A small, valid DOCX or OFD package (both are ZIP files) with fixed timestamps."""
    names = (
        ("[Content_Types].xml", "word/document.xml")
        if kind == "docx"
        else ("OFD.xml", "Doc_0/Document.xml")
    )
    text = html.escape(" ".join((item.title, *item.paragraphs)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            archive.writestr(info, f'<?xml version="1.0" encoding="UTF-8"?><doc>{text}</doc>')
    return buffer.getvalue()


def _one(query: Mapping[str, list[str]], name: str) -> str:
    return (query.get(name) or [""])[0]


def _html(text: str, stamp: date) -> Answer:
    moment = datetime(stamp.year, stamp.month, stamp.day, 1, 0, tzinfo=UTC)
    headers = {"Content-Type": "text/html; charset=utf-8",
               "Last-Modified": format_datetime(moment, usegmt=True)}  # fmt: skip
    return Answer(200, text.encode(), headers)


def _json(data: Any, *, status: int = 200) -> Answer:
    body = json.dumps(data, ensure_ascii=False).encode()
    return Answer(status, body, {"Content-Type": "application/json;charset=UTF-8"}, validated=False)


def _plain(status: int, message: str) -> Answer:
    return Answer(status, f"{message}\n".encode(), {"Content-Type": "text/plain; charset=utf-8"})
