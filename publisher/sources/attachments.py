"""Attachments: which body links are documents, and what a downloaded one really is.

Many county sites serve their documents through a download script
(``/module/download/downfile.jsp?classid=0&filename=0f3a….pdf`` on Hanweb,
``/attach/download?id=…``, ``DownLoad.aspx?…``), so the link's path says
nothing. As a browser does, a link is a candidate by its extension in the
path, in a query parameter, in its link text, or by a profile pattern; the
download's type and file name then come from ``Content-Disposition``
(RFC 6266), then ``Content-Type``, then the bytes' signature.

A body link that is labelled as an attachment but that the profile did not
take is reported, never dropped in silence (``LinkScan.unmirrored``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message
from email.utils import collapse_rfc2231_value
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, unquote_to_bytes, urljoin, urlsplit

import filetype

from content.enums import FileType
from content.normalize import file_type_of, normalize_space

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

    from publisher.sources.profiles import DetailSpec

__all__ = [
    "GENERIC_NAMES",
    "FileIdentity",
    "LinkScan",
    "disposition_filename",
    "guess_type",
    "identify",
    "is_candidate",
    "scan_links",
    "sniff",
]

#: Link texts that say nothing about the file: its name comes from elsewhere.
GENERIC_NAMES = frozenset({"点击下载", "下载", "附件", "下载附件", "附件下载", "点击查看", "查看"})
_LABEL = re.compile(r"^(?:相关)?附件\s*\d*\s*[：:．.、]?")
_TWO_BYTE_UTF8 = re.compile(r"[\u0080-\u07ff]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ffff]")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_MEDIA_TYPES = {
    "application/pdf": FileType.PDF,
    "application/ofd": FileType.OFD,
    "application/msword": FileType.DOC,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": FileType.DOCX,
    "application/vnd.ms-excel": FileType.XLS,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": FileType.XLSX,
    "application/kswps": FileType.WPS,
    "application/vnd.ms-works": FileType.WPS,
    "application/kset": FileType.ET,
    "application/zip": FileType.ZIP,
    "application/x-zip-compressed": FileType.ZIP,
    "application/vnd.rar": FileType.RAR,
    "application/x-rar-compressed": FileType.RAR,
    "application/x-7z-compressed": FileType.SEVEN_Z,
    "image/jpeg": FileType.JPG,
    "image/png": FileType.PNG,
}
_SNIFFED = {
    "pdf": FileType.PDF,
    "doc": FileType.DOC,
    "docx": FileType.DOCX,
    "xls": FileType.XLS,
    "xlsx": FileType.XLSX,
    "zip": FileType.ZIP,
    "rar": FileType.RAR,
    "7z": FileType.SEVEN_Z,
    "jpg": FileType.JPG,
    "png": FileType.PNG,
}
#: OLE2 compound files are Word, Excel, WPS or ET alike: the name tells them apart.
_OLE_TYPES = {FileType.DOC, FileType.XLS, FileType.WPS, FileType.ET}
_MAX_NAME = 200


@dataclass(slots=True)
class LinkScan:
    """The document links of one page.

    Attributes:
        found: (name, absolute URL) of each attachment, in page order.
        unmirrored: (link text, absolute URL) of links labelled as attachments
            (附件…, 相关附件, a text ending in a document extension) that were
            not taken: the run warns about each.
    """

    found: list[tuple[str, str]] = field(default_factory=list)
    unmirrored: list[tuple[str, str]] = field(default_factory=list)


def is_candidate(href: str, text: str, spec: DetailSpec) -> bool:
    """Whether a link is a document.

    By its path's, a query value's or its text's extension, or by one of the
    profile's ``attachment_patterns``.
    """
    extensions = spec.attachment_extensions
    parts = urlsplit(href)
    if _has_extension(unquote(parts.path), extensions):
        return True
    if any(_has_extension(value, extensions) for _, value in parse_qsl(parts.query)):
        return True
    if _has_extension(text, extensions):
        return True
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return any(re.search(pattern, target) for pattern in spec.attachment_patterns)


def scan_links(scope: LexborNode, page_url: str, spec: DetailSpec) -> LinkScan:
    """The attachments inside ``scope`` (the body, or the whole page)."""
    scan = LinkScan()
    taken: set[str] = set()
    for anchor in scope.css(spec.attachments):
        href = (anchor.attributes.get("href") or "").strip()
        text = normalize_space(anchor.text(deep=True))
        if not href or not is_candidate(href, text, spec):
            continue
        url = urljoin(page_url, href).split("#", 1)[0]
        if urlsplit(url).scheme not in {"http", "https"} or url in taken:
            continue
        taken.add(url)
        scan.found.append((_link_name(text, url, spec), url))
    for anchor in scope.css("a[href]"):
        href = (anchor.attributes.get("href") or "").strip()
        text = normalize_space(anchor.text(deep=True))
        url = urljoin(page_url, href).split("#", 1)[0]
        if url in taken or href.startswith(("javascript:", "mailto:", "#")):
            continue
        if _labelled(anchor, text, spec.attachment_extensions):
            taken.add(url)
            scan.unmirrored.append((text or href, url))
    return scan


@dataclass(frozen=True, slots=True)
class FileIdentity:
    """What a downloaded attachment is: its type, and its file name when the answer gave one."""

    file_type: FileType
    name: str | None = None


def identify(
    *, disposition: str | None, media_type: str | None, head: bytes, hint: str
) -> FileIdentity:
    """The type and name of a download, as a browser would work them out.

    Args:
        disposition: the ``Content-Disposition`` header (as received).
        media_type: the ``Content-Type`` without parameters.
        head: the file's first bytes (8 KiB is plenty).
        hint: the link's name or URL, whose extension is the last resort.
    """
    name = disposition_filename(disposition) if disposition else None
    hinted = _type_of_name(hint)
    for guess in (
        _type_of_name(name) if name else FileType.OTHER,
        _MEDIA_TYPES.get(media_type or "", FileType.OTHER),
        sniff(head, hint=hinted),
        hinted,
    ):
        if guess is not FileType.OTHER:
            return FileIdentity(guess, name)
    return FileIdentity(FileType.OTHER, name)


def sniff(head: bytes, *, hint: FileType = FileType.OTHER) -> FileType:
    """The type the bytes' signature says (PDF, OFD, Office, WPS/ET, ZIP, RAR, 7z, images).

    ``hint`` (from the name) tells apart what the bytes cannot: an OLE2 file
    is Word, Excel, WPS or ET.
    """
    if head.startswith(_ZIP) and b"OFD.xml" in head[:4096]:
        return FileType.OFD  # GB/T 33190: a ZIP package with OFD.xml at its root
    if head.startswith(_OLE) and hint in _OLE_TYPES:
        return hint
    kind = filetype.guess_extension(head)
    if kind is None:
        return FileType.OTHER
    return _SNIFFED.get(kind, FileType.OTHER)


def disposition_filename(header: str) -> str | None:
    """The file name of a ``Content-Disposition`` header, or None.

    The stdlib's MIME parser does the quoting, RFC 2231 continuations and
    ``filename*=UTF-8''…`` decoding; on top of it, RFC 6266's rule that
    ``filename*`` wins over ``filename``, and what county servers really send:
    raw GBK (or UTF-8) bytes, and percent-encoded names in a plain ``filename``.
    Only the last path segment is kept, so a name never climbs out of a folder.
    """
    message = Message()
    message["Content-Disposition"] = header
    # Typed as pairs of strings, but an RFC 2231 value comes as a (charset, lang, text) tuple.
    params: list[tuple[str, Any]] = message.get_params(header="content-disposition", failobj=[])
    params = params[1:]
    extended = [v for k, v in params if k.lower() == "filename" and isinstance(v, tuple)]
    plain = [v for k, v in params if k.lower() == "filename" and isinstance(v, str)]
    name: str | None = None
    if extended:
        name = collapse_rfc2231_value(extended[0], errors="replace", fallback_charset="gb18030")
    elif plain:
        name = _raw_name(plain[0])
    if not name:
        return None
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable()).strip().strip(".")
    return name[:_MAX_NAME] or None


def _raw_name(value: str) -> str:
    """A plain ``filename`` value: undo percent-encoding and latin-1-read GBK bytes."""
    if re.search(r"%[0-9A-Fa-f]{2}", value):
        return _decode_bytes(unquote_to_bytes(value))
    try:
        raw = value.encode("latin-1")  # http.client reads header bytes as latin-1
    except UnicodeEncodeError:
        return value
    return _decode_bytes(raw) if any(byte >= 0x80 for byte in raw) else value


def _decode_bytes(raw: bytes) -> str:
    """UTF-8 or GB18030 (gbk and gb2312 too), whichever it really is.

    Short GBK names can be valid UTF-8 too (通知 is ``CD A8 D6 AA``, which
    UTF-8 reads as two combining marks): UTF-8 that yields two-byte
    characters (accents, Greek, Hebrew…) where GB18030 yields Chinese is GBK.
    """
    gbk = raw.decode("gb18030", errors="replace")
    try:
        utf8 = raw.decode("utf-8")
    except UnicodeDecodeError:
        return gbk
    return gbk if _TWO_BYTE_UTF8.search(utf8) and _CJK.search(gbk) else utf8


def guess_type(url: str, name: str = "") -> FileType:
    """The type a link's URL (path, then query values) or name promises, before download."""
    kind = _type_of_name(url)
    return kind if kind is not FileType.OTHER else file_type_of(name)


def _has_extension(text: str, extensions: tuple[str, ...]) -> bool:
    _, dot, ext = text.strip().rpartition(".")
    return bool(dot) and ext.lower() in extensions


def _type_of_name(name: str) -> FileType:
    kind = file_type_of(name)
    if kind is FileType.OTHER and "?" in name:
        for _, value in parse_qsl(urlsplit(name).query):
            kind = file_type_of(value)
            if kind is not FileType.OTHER:
                break
    return kind


def _link_name(text: str, url: str, spec: DetailSpec) -> str:
    """The attachment's name: the link text, unless it says nothing."""
    if text and text not in GENERIC_NAMES:
        return text
    parts = urlsplit(url)
    for _, value in parse_qsl(parts.query):
        if _has_extension(value, spec.attachment_extensions):
            return value.rsplit("/", 1)[-1]
    return unquote(parts.path.rsplit("/", 1)[-1])


def _labelled(anchor: LexborNode, text: str, extensions: tuple[str, ...]) -> bool:
    """Whether the page presents this link as an attachment."""
    if _LABEL.match(text) or _has_extension(text, extensions):
        return True
    paragraph = anchor.parent
    while paragraph is not None and paragraph.tag not in {"p", "li", "div", "td"}:
        paragraph = paragraph.parent
    if paragraph is None:
        return False
    if _LABEL.match(normalize_space(paragraph.text(deep=True))):
        return True
    before = paragraph.prev
    while before is not None and before.tag in {"-text", "-comment"}:
        before = before.prev
    return before is not None and bool(_LABEL.fullmatch(normalize_space(before.text(deep=True))))
