"""Read list pages and detail pages of county sites (selectolax, Lexbor engine).

Pure functions: HTML text and a profile in, ``ListPage`` / ``RawRecord`` out.
They survive the pitfalls of domain.md section 4: links inside
``document.write``, relative links resolved against the page (``./``,
``../``, ``//host``), off-site items, truncated list titles, labels typeset with
full-width spaces, and body containers that differ from page to page.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from content.normalize import normalize_label, normalize_space
from publisher.sources.attachments import is_candidate, scan_links
from publisher.sources.records import ListEntry, ListPage, RawRecord

if TYPE_CHECKING:
    from publisher.sources.profiles import DetailSpec, ListSpec, TableSpec

__all__ = ["parse_detail", "parse_hanweb_records", "parse_list_page", "trs_page_urls"]

_PAGER = re.compile(
    r"createPageHTML\(\s*(?:['\"][^'\"]*['\"]\s*,\s*)?(\d+)\s*,\s*(\d+)\s*,"
    r"\s*['\"]([^'\"]+)['\"]\s*,\s*['\"]([^'\"]+)['\"]"
)
_SCRIPT_ANCHOR = re.compile(
    r"""<a\s[^>]*?href\s*=\s*["']([^"'+]+)["'][^>]*?>(.*?)</a>""", re.IGNORECASE | re.DOTALL
)
_TITLE_ATTR = re.compile(r"""title\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_STR_LINK = re.compile(r"""strLink\s*=\s*["']([^"']+)["']""")
_TAGS = re.compile(r"<[^>]+>")
_SPLIT_CRUMBS = re.compile(r"\s*[>›»/]\s*")
_DATE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}")
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL | re.IGNORECASE)
_TOTAL = re.compile(r"(?:totalRecord\s*[:=]\s*['\"]?|<totalrecord>\s*)(\d+)", re.IGNORECASE)


def parse_list_page(html: str, page_url: str, spec: ListSpec) -> ListPage:
    """Read the article links of one HTML list page.

    Links off the site are reported as ``external``; links outside the list's
    folder (when ``same_folder``) or not matching ``link_pattern`` are ignored.
    """
    tree = LexborHTMLParser(html)
    page = ListPage()
    seen: set[str] = set()
    for anchor in tree.css(spec.links):
        href = anchor.attributes.get("href")
        if href:
            title = anchor.attributes.get("title") or _text(anchor)
            _add(page, seen, page_url, spec, href=href, title=title, date=_date_near(anchor),
                 shown=_text(anchor))  # fmt: skip
    if spec.script_links:
        for script in tree.css("script"):
            source = script.text(deep=True)
            for match in _STR_LINK.finditer(source):
                _add(page, seen, page_url, spec, href=match.group(1), title="", date="", shown="")
            for match in _SCRIPT_ANCHOR.finditer(source):
                inner = _TAGS.sub("", match.group(2))
                title_attr = _TITLE_ATTR.search(match.group(0))
                title = title_attr.group(1) if title_attr else inner
                _add(page, seen, page_url, spec, href=match.group(1), title=title,
                     date=_date_near(script), shown=inner)  # fmt: skip
    if spec.breadcrumb:
        page.breadcrumb = _crumbs(tree, spec.breadcrumb)
    pager = _PAGER.search(html)
    if pager:
        page.page_count = int(pager.group(1))
        page.page_name = (pager.group(3), pager.group(4))
    return page


def parse_hanweb_records(text: str, page_url: str, spec: ListSpec) -> ListPage:
    """Read Hanweb JCMS records from a first page or a ``dataproxy.jsp`` answer.

    The first page hides them in ``<script type="text/xml">``; each ``<record>``
    holds an HTML fragment in CDATA, invisible to an HTML parser. ``total``
    comes from ``totalRecord``.
    """
    page = ListPage()
    seen: set[str] = set()
    for fragment in _RECORD.findall(text):
        tree = LexborHTMLParser(fragment)
        anchor = tree.css_first("a")
        if anchor is None or not (href := anchor.attributes.get("href")):
            continue
        span = tree.css_first("span")
        title = anchor.attributes.get("title") or _text(anchor)
        _add(page, seen, page_url, spec, href=href, title=title,
             date=_text(span) if span else "", shown=_text(anchor))  # fmt: skip
    total = _TOTAL.search(text)
    page.total = int(total.group(1)) if total else None
    return page


def trs_page_urls(
    first_url: str, page_count: int, name: str, ext: str, *, first: int = 1
) -> list[str]:
    """URLs of TRS pages 2..N: ``index_1.shtml`` … ``index_{N-1}.shtml``.

    ``first`` is the number in page 2's file name: 1 on most sites, 2 on some.
    """
    folder = urljoin(first_url, "./")
    return [f"{folder}{name}_{number}.{ext}" for number in range(first, first + page_count - 1)]


def parse_detail(html: str, page_url: str, spec: DetailSpec, entry: ListEntry) -> RawRecord:
    """Read every configured field of a detail page into a ``RawRecord``."""
    tree = LexborHTMLParser(html)
    record = RawRecord(url=page_url, entry=entry)
    record.fields.update({k: _scalar(v) for k, v in entry.fields.items() if _scalar(v)})
    record.fields.update({k: v for k, v in spec.defaults.items() if k not in record.fields})
    title_node = tree.css_first(spec.title)
    record.title = _text(title_node) if title_node else entry.title
    if spec.labels:
        record.labels = _label_values(tree, spec.labels)
        record.fields.update(_mapped(record.labels, spec))
    body = _first(tree, spec.body)
    if body is not None:
        _read_body(body, page_url, spec, record)
    scope = body if body is not None else tree.body
    if scope is not None:
        scan = scan_links(scope, page_url, spec)
        record.attachments, record.unmirrored = scan.found, scan.unmirrored
    if spec.breadcrumb:
        record.breadcrumb = _crumbs(tree, spec.breadcrumb)
    return record


# --- helpers ------------------------------------------------------------------------


def _crumbs(tree: LexborHTMLParser, selector: str) -> list[str]:
    """The trail of the first element matching ``selector``, after its ``当前位置：``."""
    crumb = tree.css_first(selector)
    if crumb is None:
        return []
    text = _text(crumb).split("：", 1)[-1]
    return [part for part in _SPLIT_CRUMBS.split(text) if part]


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str | int | float):
        return str(value)
    return ""


def _text(node: LexborNode | None) -> str:
    return normalize_space(node.text(deep=True)) if node is not None else ""


def _add(
    page: ListPage,
    seen: set[str],
    page_url: str,
    spec: ListSpec,
    *,
    href: str,
    title: str,
    date: str,
    shown: str,
) -> None:
    url = urljoin(page_url, href.strip()).split("#", 1)[0]
    parts, base = urlsplit(url), urlsplit(page_url)
    if parts.scheme not in {"http", "https"}:
        return
    if parts.netloc != base.netloc:
        if url not in page.external:
            page.external.append(url)
        return
    folder = base.path.rsplit("/", 1)[0] + "/"
    if spec.same_folder and not parts.path.startswith(folder):
        return
    if spec.link_pattern and not re.search(spec.link_pattern, parts.path):
        return
    if url in seen:
        return
    seen.add(url)
    pinned = bool(spec.pinned_marker and spec.pinned_marker in shown)
    clean = normalize_space(title)
    if spec.pinned_marker:
        clean = clean.removeprefix(spec.pinned_marker).strip()
    page.entries.append(ListEntry.make(url, title=clean, date=normalize_space(date), pinned=pinned))


def _date_near(node: LexborNode) -> str:
    """The date shown beside a link: in its list item or table row."""
    row = node.parent
    while row is not None and row.tag not in {"li", "tr", "dd", "div"}:
        row = row.parent
    if row is None:
        return ""
    for cell in row.css("span, td, em, i"):
        text = _text(cell)
        if _DATE.search(text) and len(text) <= 32:
            return text
    return ""


def _mapped(labels: dict[str, str], spec: DetailSpec) -> dict[str, str]:
    wanted = {
        normalize_label(label): name
        for name, choices in spec.fields.items()
        for label in ((choices,) if isinstance(choices, str) else choices)
    }
    # An empty cell does not overwrite what the list already gave.
    return {wanted[label]: value for label, value in labels.items() if label in wanted and value}


def _read_body(body: LexborNode, page_url: str, spec: DetailSpec, record: RawRecord) -> None:
    record.body = _claim(_paragraphs(body, spec), spec, record.fields)
    for name, table in spec.tables.items():
        node = _table(body, table)
        if node is not None:
            record.tables[name] = _rows(node, table)
            record.captions[name] = _caption_of(node)
            record.headers[name] = [
                [_text(cell) for cell in row.css("th, td")]
                for row in node.css("tr")[: table.header_rows]
            ]
    if spec.images:
        record.images = [
            (img.attributes.get("alt") or "", urljoin(page_url, src))
            for img in body.css(spec.images)
            if (src := img.attributes.get("src"))
        ]


def _label_values(tree: LexborHTMLParser, selector: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for cell in tree.css(selector):
        value = cell.next
        while value is not None and value.tag in {"-text", "-comment"}:
            value = value.next
        if value is None:
            continue
        label = normalize_label(_text(cell))
        if label and label not in values:
            values[label] = _text(value)
    return values


def _first(tree: LexborHTMLParser, selectors: tuple[str, ...]) -> LexborNode | None:
    for selector in selectors:
        node = tree.css_first(selector)
        if node is not None:
            return node
    return None


def _paragraphs(body: LexborNode, spec: DetailSpec) -> list[str]:
    out = []
    for paragraph in body.css("p"):
        if paragraph.css_first("img") is not None:
            continue
        if any(
            is_candidate(a.attributes.get("href") or "", _text(a), spec) for a in paragraph.css("a")
        ):
            continue
        text = _text(paragraph)
        if text and text not in {"附件：", "附件:"}:
            out.append(text)
    return out


def _claim(paragraphs: list[str], spec: DetailSpec, fields: dict[str, str]) -> list[str]:
    """Take prefixed lines and sections out of ``paragraphs``; return the rest."""
    rest = []
    prefixes = {name: normalize_label(prefix) for name, prefix in spec.prefixed.items()}
    for paragraph in paragraphs:
        split = min((i for i in (paragraph.find("："), paragraph.find(":")) if i >= 0), default=-1)
        head, tail = (paragraph[:split], paragraph[split + 1 :]) if split >= 0 else ("", "")
        compact = normalize_label(head) if split >= 0 else ""
        for name, prefix in prefixes.items():
            if compact == prefix:
                fields[name] = tail.strip()
                break
        else:
            rest.append(paragraph)
    headings = {normalize_label(heading): name for name, heading in spec.sections.items()}
    body: list[str] = []
    current: list[str] | None = None
    sections: dict[str, list[str]] = {}
    for paragraph in rest:
        heading = headings.get(normalize_label(paragraph))
        if heading is not None:
            current = sections.setdefault(heading, [])
            continue
        (current if current is not None else body).append(paragraph)
    for section, lines in sections.items():
        fields[section] = "\n".join(lines)
    return body


def _table(body: LexborNode, spec: TableSpec) -> LexborNode | None:
    if spec.selector:
        return body.css_first(spec.selector)
    for table in body.css("table"):
        if spec.caption and spec.caption in _caption_of(table):
            return table
    return None


def _caption_of(table: LexborNode) -> str:
    node = table.prev
    while node is not None and node.tag in {"-text", "-comment"}:
        node = node.prev
    if node is not None and node.tag in {"h2", "h3", "h4", "p", "caption"}:
        return _text(node)
    caption = table.css_first("caption")
    return _text(caption) if caption is not None else ""


def _rows(table: LexborNode, spec: TableSpec) -> list[dict[str, str]]:
    rows = []
    for row in table.css("tr")[spec.header_rows :]:
        cells = [_text(cell) for cell in row.css("td")]
        if not cells:
            continue
        rows.append({name: value for name, value in zip(spec.columns, cells, strict=False) if name})
    return rows
