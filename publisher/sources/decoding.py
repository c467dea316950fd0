"""Turning the bytes of a county web page into text (domain.md pitfalls 1-2).

County sites lie about their charset: the header says utf-8 while the page is
GBK, or the ``<meta>`` says gb2312 while the text holds characters GB2312
lacks (镕, 堃 in leader names). So every declared charset is only a candidate,
tried strictly, in this order:

1. a byte order mark, which wins over everything;
2. the ``charset`` of the Content-Type header;
3. a ``<meta charset=…>`` or ``<meta http-equiv="Content-Type" content="…charset=…">``
   in the first 4096 bytes;
4. utf-8, then gb18030.

gb2312, gbk and their aliases are read as gb18030, their superset. Unknown
charset names are skipped. If nothing decodes strictly, gb18030 with
replacement characters is the last resort. Charset guessing (chardet,
``requests``' ``apparent_encoding``) is never used: it is slow and wrong on
short pages.

Example::

    text, codec = decode_html(body, response.headers.get("Content-Type"))
"""

from __future__ import annotations

import codecs
import re
from email.message import Message

__all__ = ["charset_of", "decode_html"]

_SNIFF_BYTES = 4096
_FALLBACKS = ("utf-8", "gb18030")
_REPLACE_CODEC = "gb18030"
# Labels of the GB2312/GBK family (WHATWG maps all of them to GBK); read as gb18030.
_GB_FAMILY = frozenset(
    {
        "gb2312",
        "gbk",
        "gb_2312-80",
        "gb_2312",
        "x-gbk",
        "cp936",
        "ms936",
        "windows-936",
        "csgb2312",
        "chinese",
        "iso-ir-58",
        "euc-cn",
        "gb18030",
    }
)
# UTF-8 first: its BOM cannot be confused with the others.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)


_SERVER_DEFAULTS = frozenset({"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"})


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Decode a page body, trusting no declaration blindly.

    Args:
        body: the raw response body.
        content_type: the Content-Type header, if any.

    Returns:
        The text and the name of the codec that decoded it: a Python codec name
        such as ``"utf-8"`` or ``"gb18030"``, or ``"<codec>-replace"`` when
        nothing decoded strictly and undecodable bytes were replaced.
    """
    for bom, bom_codec in _BOMS:
        if body.startswith(bom):
            payload = body[len(bom) :]
            try:
                return payload.decode(bom_codec), bom_codec
            except UnicodeDecodeError:
                return payload.decode(bom_codec, errors="replace"), f"{bom_codec}-replace"

    header, meta = charset_of(content_type), _meta_charset(body)
    # Servlet containers stamp ISO-8859-1 on pages they never looked at, and
    # Latin-1 decodes any bytes: a page's own meta tag is the better witness.
    if header in _SERVER_DEFAULTS and meta:
        header = None
    candidates = (header, meta, *_FALLBACKS)
    tried: set[str] = set()
    for label in candidates:
        codec = _codec(label)
        if codec is None or codec in tried:
            continue
        tried.add(codec)
        try:
            return body.decode(codec), codec
        except (UnicodeDecodeError, LookupError):  # LookupError: not a text codec (base64)
            continue
    return body.decode(_REPLACE_CODEC, errors="replace"), f"{_REPLACE_CODEC}-replace"


def charset_of(content_type: str | None) -> str | None:
    """Return the lower-cased ``charset`` parameter of a Content-Type header.

    Args:
        content_type: a header value such as ``'text/html; charset="GBK"'``, or None.

    Returns:
        The charset label as declared (``"gbk"``), or None if there is none.
    """
    if not content_type:
        return None
    message = Message()
    message["Content-Type"] = content_type
    charset = message.get_content_charset()
    return (charset.strip() or None) if charset else None


def _meta_charset(body: bytes) -> str | None:
    """Return the charset declared by a ``<meta>`` tag in the first 4096 bytes."""
    match = _META_CHARSET.search(body[:_SNIFF_BYTES])
    return match.group(1).decode("ascii").lower() if match else None


def _codec(label: str | None) -> str | None:
    """Map a charset label to a Python codec name, or None if it is unknown."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        codec = codecs.lookup(name).name
    except (LookupError, ValueError):
        return None
    return "gb18030" if codec in {"gb2312", "gbk"} else codec
