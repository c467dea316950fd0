"""A small fake county site on the loopback server, and a sync engine pointed at it.

``CountySite`` is one TRS-style column of notices (通知公告) the way county CMSs
publish it: ``index.shtml`` with a ``createPageHTML(N, 0, "index", "shtml")``
pager, ``index_1.shtml`` …, article pages ``./202601/t20260105_N.shtml`` with a
``table.gkxl-top`` meta table (``td.tit`` labels 发布单位 / 发布日期 / 信息类别), an
``h1.title`` and a ``.TRS_Editor`` body of ``<p>`` paragraphs, and PDF
attachments beside the articles. Every page and file has an ETag and a
Last-Modified and answers a current conditional GET with 304. Editing or
removing an article republishes the column, as a static CMS does: the list
pages get new validators even when their HTML did not change.

The site is the loopback server's ``fallback``; a test scripts faults (500,
resets, challenge pages) on single paths with ``server.script`` and lifts them
with ``server.unscript``. The server records every request and reply.

``SyncKit`` builds the real ``SyncEngine`` on a temp home with a profile written
as TOML, a fixed clock and a client that records every URL it is asked for.
"""

from __future__ import annotations

import hashlib
import html
import os
import sqlite3
import subprocess
import sys
import threading
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING

from publisher.config import Config, ReviewSection, SourceConfig
from publisher.home import Home
from publisher.sources.http import HttpConfig, PoliteClient
from publisher.sync import SyncEngine

if TYPE_CHECKING:
    from .conftest import Reply, ScriptedServer, Seen

COLUMN = "/zwgk/tzgg/"
SOURCE_ID = "county-tzgg"
PUBLISHER = "大余县人民政府办公室"
HTML_TYPE = "text/html; charset=utf-8"
PDF_TYPE = "application/pdf"
ROBOTS = b"User-agent: *\nDisallow: /admin/\n"
_FIRST_MODIFIED = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)

NOTICE_PROFILE = """\
# 通知公告 of the fake county site (tests/publisher/sitekit.py).
name = "通知公告"
entity_type = "notice"
parser = "trs_static"

[list]
url = "{site}/zwgk/tzgg/index.shtml"
pagination = "trs"
links = "ul.list li a"
link_pattern = '/t\\d{8}_\\d+\\.shtml$'

[detail]
title = "h1.title"

[detail.fields]
publisher = "发布单位"
published_date = "发布日期"
kind = "信息类别"
"""

# Two disjoint alphabets: a text from one shares no character with a text from
# the other, so rewriting a body with the second really rewrites it.
ALPHABET_A = "县政府办公室关于开展年度工作检查的通知各乡镇人民单位按照要求认真组织落实"
ALPHABET_B = "森林防火期间严禁野外用火请广大群众自觉遵守相应规定共同守护绿色家园平安"


def prose(seed: int, length: int, *, alphabet: str = ALPHABET_A) -> str:
    """Deterministic Chinese-looking text of ``length`` characters."""
    return "".join(alphabet[(seed * 7 + i * 13) % len(alphabet)] for i in range(length)) + "。"


@dataclass(frozen=True)
class Article:
    """One notice on the fake site."""

    number: int
    title: str
    paragraphs: tuple[str, ...]
    publisher: str = PUBLISHER
    date: str = "2026-01-05"
    kind: str = "通知"
    #: (file name beside the article, link text)
    attachments: tuple[tuple[str, str], ...] = ()

    @property
    def path(self) -> str:
        return f"{COLUMN}202601/t20260105_{self.number}.shtml"

    @property
    def href(self) -> str:
        """The link as the list page writes it: relative to the column folder."""
        return f"./202601/t20260105_{self.number}.shtml"


def make_article(number: int, *, paragraphs: int = 4, length: int = 60) -> Article:
    return Article(
        number=number,
        title=f"关于做好第{number}批事项办理工作的通知",
        paragraphs=tuple(prose(number * 10 + i, length) for i in range(paragraphs)),
    )


class CountySite:
    """The fake county column, answering as the loopback server's fallback."""

    def __init__(self, server: ScriptedServer, *, articles: int = 8, per_page: int = 5) -> None:
        self.server = server
        self.per_page = per_page
        self.articles: dict[int, Article] = {n: make_article(n) for n in range(1, articles + 1)}
        self.files: dict[str, bytes] = {}
        self.external: list[str] = []  # off-site hrefs shown on the first list page
        self.generation = 0  # bumped by every edit: the CMS republishes the column
        self._stamps: dict[str, tuple[str, str]] = {}  # path -> (etag, last-modified)
        self._ticks = 0
        self._lock = threading.Lock()
        server.fallback = self.handle

    # --- what a test sees and changes ---------------------------------------------

    @property
    def root(self) -> str:
        """The site URL (``site`` of the source)."""
        return self.server.url("")

    def url(self, path: str) -> str:
        return self.server.url(path)

    def article_path(self, number: int) -> str:
        return self.articles[number].path if number in self.articles else make_path(number)

    def article_url(self, number: int) -> str:
        return self.url(self.article_path(number))

    def list_paths(self) -> list[str]:
        pages = self.page_count()
        return [f"{COLUMN}index.shtml"] + [f"{COLUMN}index_{i}.shtml" for i in range(1, pages)]

    def page_count(self) -> int:
        return max(1, -(-len(self.articles) // self.per_page))

    def edit(self, number: int, **changes: object) -> Article:
        """Change an article in place (same URL); the column is republished."""
        with self._lock:
            self.articles[number] = replace(self.articles[number], **changes)  # type: ignore[arg-type]
            self.generation += 1
            return self.articles[number]

    def remove(self, *numbers: int) -> None:
        with self._lock:
            for number in numbers:
                del self.articles[number]
            self.generation += 1

    def put_back(self, article: Article) -> None:
        """List a removed article again, in its place by number."""
        with self._lock:
            self.articles[article.number] = article
            self.articles = dict(sorted(self.articles.items()))
            self.generation += 1

    def attach(self, number: int, name: str, content: bytes, text: str) -> str:
        """Link a file beside article ``number``; return the file's path."""
        path = f"{COLUMN}202601/{name}"
        with self._lock:
            self.files[path] = content
            article = self.articles[number]
            self.articles[number] = replace(
                article, attachments=(*article.attachments, (name, text))
            )
            self.generation += 1
        return path

    # --- serving ------------------------------------------------------------------------

    def handle(self, seen: Seen) -> Reply:
        path = seen.path.split("?", 1)[0]
        with self._lock:
            if path == "/robots.txt":
                return self.server.reply(200, ROBOTS, content_type="text/plain")
            if path in {COLUMN, f"{COLUMN}index.shtml"}:
                return self._conditional(seen, path, self._list_page(0), HTML_TYPE, listing=True)
            if path.startswith(f"{COLUMN}index_") and path.endswith(".shtml"):
                number = path.removeprefix(f"{COLUMN}index_").removesuffix(".shtml")
                if number.isdigit() and 0 < int(number) < self.page_count():
                    body = self._list_page(int(number))
                    return self._conditional(seen, path, body, HTML_TYPE, listing=True)
            for article in self.articles.values():
                if article.path == path:
                    return self._conditional(seen, path, self._detail(article), HTML_TYPE)
            if path in self.files:
                return self._conditional(seen, path, self.files[path], PDF_TYPE)
        return self.server.reply(404, _page("404", "<p>页面不存在</p>"))

    def _conditional(
        self, seen: Seen, path: str, body: bytes, content_type: str, *, listing: bool = False
    ) -> Reply:
        salt = str(self.generation).encode() if listing else b""
        etag = '"' + hashlib.sha1(body + salt, usedforsecurity=False).hexdigest()[:16] + '"'
        stamp = self._stamps.get(path)
        if stamp is None or stamp[0] != etag:
            self._ticks += 1
            modified = _FIRST_MODIFIED + timedelta(minutes=self._ticks)
            stamp = self._stamps[path] = (etag, format_datetime(modified, usegmt=True))
        headers = (("ETag", etag), ("Last-Modified", stamp[1]))
        match = seen.headers.get("If-None-Match")
        since = seen.headers.get("If-Modified-Since")
        if (match is not None and match == etag) or (match is None and since == stamp[1]):
            return self.server.reply(304, b"", content_type=None, headers=headers)
        return self.server.reply(200, body, content_type=content_type, headers=headers)

    def _list_page(self, index: int) -> bytes:
        chunk = list(self.articles.values())[index * self.per_page : (index + 1) * self.per_page]
        items = [
            f'<li><a href="{a.href}" target="_blank" title="{html.escape(a.title)}">'
            f"{html.escape(a.title[:14])}…</a><span>{a.date}</span></li>"
            for a in chunk
        ]
        if index == 0:
            items += [
                f'<li><a href="{html.escape(href)}" target="_blank" title="微信文章">微信文章</a>'
                "<span>2026-01-04</span></li>"
                for href in self.external
            ]
        pager = (
            f'<div class="page"><script>\nvar countPage = {self.page_count()}//共多少页\n'
            f'createPageHTML({self.page_count()}, {index}, "index", "shtml");\n</script></div>'
        )
        return _page("通知公告", '<ul class="list">\n' + "\n".join(items) + "\n</ul>\n" + pager)

    def _detail(self, article: Article) -> bytes:
        meta = (
            '<div class="xxgk-info"><table class="gkxl-top">\n'
            f'<tr><td class="tit">发布单位：</td><td>{html.escape(article.publisher)}</td>'
            f'<td class="tit">发布日期：</td><td>{article.date}</td></tr>\n'
            f'<tr><td class="tit">信息类别：</td><td colspan="3">{article.kind}</td></tr>\n'
            "</table></div>\n"
        )
        body = "".join(f"<p>{html.escape(p)}</p>\n" for p in article.paragraphs)
        if article.attachments:
            body += "<p>附件：</p>\n" + "".join(
                f'<p><a href="./{name}" target="_blank">{html.escape(text)}</a></p>\n'
                for name, text in article.attachments
            )
        content = (
            f'{meta}<h1 class="title">{html.escape(article.title)}</h1>\n'
            f'<div class="info">发布时间：{article.date} &nbsp; 来源：{article.publisher}</div>\n'
            f'<div class="TRS_Editor">\n{body}</div>'
        )
        return _page(article.title, content)


def make_path(number: int) -> str:
    return f"{COLUMN}202601/t20260105_{number}.shtml"


def _page(title: str, content: str) -> bytes:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
        '<meta name="SiteName" content="大余县人民政府">\n'
        f"<title>{html.escape(title)}_大余县人民政府</title>\n</head>\n<body>\n"
        '<div class="header"><a href="/">大余县人民政府</a></div>\n'
        '<div class="position">当前位置：<a href="/">首页</a> &gt; 政务公开 &gt; '
        f'<a href="{COLUMN}">通知公告</a></div>\n<div class="main">\n{content}\n</div>\n'
        '<div class="footer">主办：大余县人民政府办公室 &nbsp; 演示数据，仅供测试</div>\n'
        "</body>\n</html>\n"
    ).encode()


def garbage_page() -> bytes:
    """A 200 HTML page, big enough not to look like a rate-limit page, with no fields."""
    return _page(
        "维护中", "<div class='notice'>" + "<p>系统升级维护中，请稍后访问。</p>" * 20 + "</div>"
    )


# --- the engine ---------------------------------------------------------------------------


class Clock:
    """The engine's clock: fixed until a test moves it."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


class RecordingClient(PoliteClient):
    """The real client, noting every URL the engine asks it for (loopback or not)."""

    def __init__(self, config: HttpConfig, asked: list[str]) -> None:
        super().__init__(config)
        self._asked = asked

    def get(self, url, **options):  # type: ignore[override]
        self._asked.append(url)
        return super().get(url, **options)

    def download(self, url, folder, **options):  # type: ignore[override]
        self._asked.append(url)
        return super().download(url, folder, **options)


@dataclass
class SyncKit:
    """The real sync engine on a temp home, aimed at a ``CountySite``."""

    site: CountySite
    root: Path
    clock: Clock = field(default_factory=Clock)
    asked: list[str] = field(default_factory=list)
    max_bytes: int = 1024 * 1024

    def __post_init__(self) -> None:
        self.home = Home(self.root / "home")
        self.profile_path = self.root / "notice.toml"
        self.profile_path.write_text(NOTICE_PROFILE, encoding="utf-8")

    def config(
        self,
        *,
        site: str | None = None,
        auto_approve: bool | None = None,
        max_rewrite_share: float = 0.5,
        max_removal_share: float = 0.2,
    ) -> Config:
        source = SourceConfig(
            id=SOURCE_ID,
            profile=str(self.profile_path),
            site=site or self.site.root,
            auto_approve=auto_approve,
        )
        review = ReviewSection(
            max_rewrite_share=max_rewrite_share, max_removal_share=max_removal_share
        )
        return Config(review=review, sources=(source,))

    def engine(self, **config_options: object) -> SyncEngine:
        settings = HttpConfig(
            user_agent="test",
            min_interval=0,
            retries=1,
            backoff_factor=0,
            connect_timeout=2,
            read_timeout=2,
            max_bytes=self.max_bytes,
        )
        return SyncEngine(
            home=self.home,
            config=self.config(**config_options),  # type: ignore[arg-type]
            client_factory=lambda: RecordingClient(settings, self.asked),
            now=self.clock,
        )

    def run(self, *, force: bool = False, **config_options: object):
        """Run the one source once; return its ``RunSummary``."""
        (summary,) = self.engine(**config_options).run(force=force)
        return summary


# --- the `gongkai` command ----------------------------------------------------------------

GONGKAI = Path(sys.executable).parent / "gongkai"
_LEAKY_VARIABLES = ("GONGKAI_HOME", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def cli_env() -> dict[str, str]:
    """The environment for `gongkai` subprocesses: no home or proxy leaking in."""
    leaky = {name for variable in _LEAKY_VARIABLES for name in (variable, variable.lower())}
    return {name: value for name, value in os.environ.items() if name not in leaky}


def cli(
    *args: object, timeout: float = 60, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `gongkai ARGS…` to completion (within ``timeout`` seconds)."""
    return subprocess.run(
        [str(GONGKAI), *(str(a) for a in args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(),
        cwd=cwd,
        check=False,
    )


def sqlite_rows(database: Path, query: str, *params: object) -> list[tuple[object, ...]]:
    """Rows of a read-only query on a home's SQLite store."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    try:
        return connection.execute(query, params).fetchall()
    finally:
        connection.close()


def write_home(
    home: Path, *, site: str, profile: str = NOTICE_PROFILE, initialised: bool = False
) -> Path:
    """A home whose one source is the notices column of ``site`` (profile in the home).

    ``initialised``: the home was made by `gongkai init`; only its sources and its
    pace are changed. Otherwise a minimal gongkai.toml is written.
    """
    (home / "profiles").mkdir(parents=True, exist_ok=True)
    (home / "profiles" / "notice.toml").write_text(profile, encoding="utf-8")
    source = (
        f'\n[[sources]]\nid = "{SOURCE_ID}"\nprofile = "profiles/notice.toml"\n'
        f'site = "{site}"\nschedule = "every 6h"\n'
    )
    config = home / "gongkai.toml"
    if initialised:
        text = config.read_text(encoding="utf-8")
        text = text.replace("min_interval = 1.5", "min_interval = 0.0")
        text = text.replace("retries = 4", "retries = 1").replace(
            "read_timeout = 60.0", "read_timeout = 5.0"
        )
        config.write_text(text + source, encoding="utf-8")
    else:
        config.write_text(
            '[publisher]\nname = "大余县人民政府"\n\n[http]\nuser_agent = "GongkaiTest/0.1"\n'
            "min_interval = 0.0\nretries = 1\nconnect_timeout = 2.0\nread_timeout = 5.0\n" + source,
            encoding="utf-8",
        )
    return home
