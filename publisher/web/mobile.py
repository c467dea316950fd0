"""The phone pages behind the short links: ``/d/<code>`` (an item), ``/f/<code>`` (a document).

A resident scans a kiosk's or a board's QR code, mostly with WeChat, whose
in-app browser opens pages but not PDFs. So an item opens as one small,
readable page (``publisher.web.itempage``: what it is, who issued it, its
文号, dates, text, attachments) and each attachment as a page of its text,
with the file itself behind a second link. The pages are public: they show
only approved, released content (``publisher.store.links``), every value
escaped by the template, with no third-party resource, a strict CSP naming
the page's one style and one script by hash, and cache headers so nginx or a
CDN in front can answer repeat visits. A rendered page is kept a minute in
the process (:class:`PageCache`), so a QR code scanned by a crowd costs one
render, and a request never extracts, converts or walks anything: document
text was extracted at release time (``publisher.doctext``).
"""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit

from asgiref.sync import sync_to_async
from django.http import HttpResponse
from django.template import Context, Engine
from django.utils import timezone

from content.shortlink import normalize_code
from publisher.doctext import text_read
from publisher.store.links import (
    document_sizes,
    public_document,
    public_item,
    short_codes,
    short_link_get,
)
from publisher.web.documents import DocumentFaces
from publisher.web.guard import accepts
from publisher.web.itempage import cn_date, item_page
from publisher.web.mobile_assets import CSP, SCRIPT, STYLE

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest

    from publisher.store.links import PublicItem

__all__ = [
    "PAGE_CHARS",
    "PageCache",
    "Rendered",
    "configure",
    "document",
    "item",
    "paragraphs",
]

#: Characters of a document's text per page (``?p=N``): about 60 KB of UTF-8.
PAGE_CHARS = 20_000
FOUND = "public, max-age=300"
MISSING = "public, max-age=60"
_IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_KINDS = {
    "application/pdf": "PDF 文档",
    "text/plain": "文本文件",
    "application/msword": "Word 文档",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档",
    "application/vnd.ms-excel": "Excel 表格",
    **dict.fromkeys(_IMAGES, "图片"),
}
#: A line ending so ends its paragraph (a PDF breaks lines wherever the page is full).
_PARAGRAPH_END = (*"。！？：；…”」）", ":")
_ENGINE = Engine(dirs=[str(Path(__file__).parent / "templates")], autoescape=True)


class Rendered(NamedTuple):
    """A rendered page: its status, its bytes and their ETag."""

    status: int
    body: bytes
    etag: str


class PageCache:
    """Rendered pages by key, each kept ``ttl`` seconds, at most ``size`` of them."""

    def __init__(
        self, *, ttl: float = 60.0, size: int = 2048, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._size = size
        self._clock = clock
        self._kept: dict[tuple[str, str, int], tuple[float, Rendered]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, int], render: Callable[[], Rendered]) -> Rendered:
        """The page of ``key``, rendered at most once a ``ttl``."""
        now = self._clock()
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and now - kept[0] < self._ttl:
            return kept[1]
        page = render()
        with self._lock:
            if len(self._kept) >= self._size:
                self._kept.clear()  # crude, and enough: a miss costs one render
            self._kept[key] = (now, page)
        return page


class _State:
    texts: Path = Path("texts")
    faces: DocumentFaces = DocumentFaces()
    cache: PageCache = PageCache()


def configure(*, texts: Path) -> None:
    """Tell the pages where the documents' extracted texts are (done once by `serve`)."""
    _State.texts = texts.resolve()
    _State.faces = DocumentFaces()
    _State.cache = PageCache()


@accepts("GET", "HEAD")
async def item(request: HttpRequest, code: str) -> HttpResponse:
    """The phone page of a released item (404 unknown, 410 withdrawn)."""
    canonical = normalize_code(code)
    if canonical is None:
        return _respond(request, _missing())
    key = ("d", canonical, 1)
    page = await sync_to_async(_State.cache.get)(key, lambda: render_item(canonical))
    return _respond(request, page)


@accepts("GET", "HEAD")
async def document(request: HttpRequest, code: str) -> HttpResponse:
    """The phone page of a mirrored document: its text as HTML, the file behind a link."""
    canonical = normalize_code(code)
    wanted = request.GET.get("p", "1")
    number = int(wanted) if wanted.isdigit() and len(wanted) < 6 else 0
    if canonical is None or number < 1:
        return _respond(request, _missing())
    key = ("f", canonical, number)
    page = await sync_to_async(_State.cache.get)(key, lambda: render_document(canonical, number))
    return _respond(request, page)


def render_item(code: str) -> Rendered:
    """The page of the item with short code ``code`` (reads the store)."""
    link = short_link_get("d", code)
    found = public_item(link.target) if link is not None else None
    if found is None:
        return _missing()
    if found.withdrawn_at is not None:
        when = timezone.localtime(found.withdrawn_at)
        withdrawn = f"{cn_date(when.date())} {when:%H:%M}"
        page = item_page(found.entity_type, {}, lambda _: ("", "", None))
        page.title = found.title or "已撤回的信息"
        context = {"title": page.title, "withdrawn": withdrawn, "page": page}
        return _render("mobile_item.html", context, status=410)
    page = item_page(found.entity_type, found.record, _files_of(found.record))
    source = _public_url(_source_url(found))
    fetched = cn_date(timezone.localtime(found.fetched_at).date()) if found.fetched_at else ""
    context = {
        "title": page.title,
        "page": page,
        "source": source,
        "site": urlsplit(source).netloc if source else "",
        "fetched": fetched,
    }
    return _render("mobile_item.html", context)


def render_document(code: str, number: int) -> Rendered:
    """Page ``number`` of the document with short code ``code`` (reads the store)."""
    link = short_link_get("f", code)
    found = public_document(link.target) if link is not None else None
    if found is None:
        return _missing()
    face = _State.faces.get(found.sha256)
    text = text_read(_State.texts / found.sha256[:2] / f"{found.sha256}.txt") or ""
    chunks = _pages(text)
    if number > max(1, len(chunks)):
        return _missing()
    shown = chunks[number - 1] if chunks else ""
    source = _public_url(found.source_url)
    context: dict[str, Any] = {
        "title": face.name,
        "name": face.name,
        "kind": _KINDS.get(face.media_type, face.media_type),
        "size": _size(found.size),
        "file": f"/docs/{found.sha256}",
        "image": face.media_type in _IMAGES,
        "paragraphs": paragraphs(shown),
        "pages": len(chunks),
        "number": number,
        "source": source,
        "site": urlsplit(source).netloc if source else "",
    }
    return _render("mobile_document.html", context)


# --- helpers -------------------------------------------------------------------------


def _files_of(record: dict[str, Any]) -> Callable[[dict[str, Any]], tuple[str, str, int | None]]:
    """The attachment → (page, file, size) lookup of one record, two queries in all."""
    hashes = _hashes(record)
    codes = short_codes("f", hashes)
    sizes = document_sizes(hashes)

    def files(attachment: dict[str, Any]) -> tuple[str, str, int | None]:
        sha = str(attachment.get("sha256") or "")
        if sha in sizes:
            page = f"/f/{codes[sha]}" if sha in codes else ""
            return page, f"/docs/{sha}", sizes[sha]
        is_image = str(attachment.get("file_type")) in {"png", "jpg"}
        return "", "" if is_image else _public_url(str(attachment.get("url") or "")), None

    return files


def _hashes(value: Any) -> set[str]:
    """Every ``sha256`` of a record's attachments and images."""
    found: set[str] = set()
    if isinstance(value, dict):
        sha = value.get("sha256")
        if isinstance(sha, str) and len(sha) == 64:
            found.add(sha)
        for inner in value.values():
            found |= _hashes(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _hashes(inner)
    return found


def _source_url(found: PublicItem) -> str:
    provenance = found.record.get("provenance")
    url = provenance.get("source_url") if isinstance(provenance, dict) else None
    return str(url or found.url)


def _public_url(url: str) -> str:
    """``url`` if it is a plain http(s) link, else empty (never ``javascript:``)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    ok = parts.scheme in {"http", "https"} and parts.netloc and "@" not in parts.netloc
    return url if ok else ""


def paragraphs(text: str) -> list[str]:
    """A PDF's lines joined back into paragraphs.

    A PDF breaks a line wherever the page is full; a line ends its paragraph
    when it ends in 。！？： and the like, is followed by a gap, or is clearly
    shorter than a full line (a heading, a "文号：…" row).
    """
    lines = [raw.strip() for raw in text.split("\n")]
    full = max((len(line) for line in lines), default=0)
    found: list[str] = []
    current = ""
    for line in lines:
        if not line:
            if current:
                found.append(current)
            current = ""
            continue
        current += line
        if line.endswith(_PARAGRAPH_END) or len(line) < full * 0.75:
            found.append(current)
            current = ""
    if current:
        found.append(current)
    return found


def _pages(text: str) -> list[str]:
    """The text cut into pages of about ``PAGE_CHARS``, at line ends where it can."""
    pages: list[str] = []
    while text:
        if len(text) <= PAGE_CHARS:
            pages.append(text)
            break
        cut = text.rfind("\n", PAGE_CHARS // 2, PAGE_CHARS)
        cut = cut if cut > 0 else PAGE_CHARS
        pages.append(text[:cut])
        text = text[cut:]
    return pages


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _missing() -> Rendered:
    context = {
        "title": "未找到",
        "message": "没有这个链接。请核对地址，或在政务公开触摸屏上重新扫码。",
    }
    return _render("mobile_missing.html", context, status=404)


def _render(template: str, context: dict[str, Any], *, status: int = 200) -> Rendered:
    body = _ENGINE.get_template(template).render(
        Context({**context, "style": STYLE, "script": SCRIPT})
    )
    raw = body.encode()
    return Rendered(status, raw, '"' + hashlib.sha256(raw).hexdigest()[:32] + '"')


def _respond(request: HttpRequest, page: Rendered) -> HttpResponse:
    headers = {
        "Cache-Control": FOUND if page.status != 404 else MISSING,
        "ETag": page.etag,
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
    if page.status == 200 and request.headers.get("If-None-Match") == page.etag:
        return HttpResponse(status=304, headers=headers)
    body = b"" if request.method == "HEAD" else page.body
    response = HttpResponse(
        body, status=page.status, content_type="text/html; charset=utf-8", headers=headers
    )
    response["Content-Length"] = str(len(page.body))
    return response
