"""File responses: validators, single byte ranges, and how a phone should open a document.

A resident scans a kiosk's QR code and the phone fetches ``/docs/<sha256>``: it
should open the PDF, under its real name, and start showing it before a large
file is all in. So a document is served with its media type,
``Content-Disposition: inline`` with its file name (RFC 6266, the UTF-8 name in
``filename*`` per RFC 5987/8187 with an ASCII fallback), and byte ranges
(RFC 9110 §14: one range answered 206, an unsatisfiable one 416, several or
a stale ``If-Range`` answered whole). Only media types a browser shows
without running anything are served inline; any other (HTML, SVG, scripts) is
a download, and every document carries ``nosniff`` and a sandboxing CSP, so a
file mirrored from a county site can never run on the publisher's origin.
"""

from __future__ import annotations

import asyncio
import mimetypes
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from django.http import HttpRequest

__all__ = [
    "INLINE_TYPES",
    "ByteRange",
    "content_disposition",
    "file_response",
    "parse_range",
]

#: Media types a phone's browser shows itself without running code.
INLINE_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "text/plain",
        "video/mp4",
        "audio/mpeg",
    }
)
CHUNK = 256 * 1024
_RANGE = re.compile(r"^bytes=(\d{0,19})-(\d{0,19})$")
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


@dataclass(frozen=True, slots=True)
class ByteRange:
    """The bytes ``start`` .. ``end`` (inclusive) of a file."""

    start: int
    end: int

    @property
    def length(self) -> int:
        """How many bytes the range holds."""
        return self.end - self.start + 1


class _Unsatisfiable(Exception):  # noqa: N818 - a control-flow signal, not an error shown
    pass


def parse_range(header: str, size: int) -> ByteRange | None:
    """The one byte range a ``Range`` header asks of a ``size``-byte file.

    None means "send it whole": no header, a unit other than bytes, several
    ranges, or a malformed one (RFC 9110 lets a server ignore them).

    Raises:
        ValueError: the range is syntactically fine but no byte of it exists (416).
    """
    match = _RANGE.match(header.strip().replace(" ", ""))
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise ValueError("empty suffix range")
        return ByteRange(max(0, size - suffix), size - 1)
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # malformed: ignored
    if start >= size:
        raise ValueError("range starts past the end")
    return ByteRange(start, min(end, size - 1))


def content_disposition(name: str, *, inline: bool) -> str:
    """A ``Content-Disposition`` value naming ``name`` (RFC 6266 with RFC 5987 UTF-8)."""
    clean = _safe_name(name) or "document"
    stem, dot, extension = clean.rpartition(".")
    if not dot:
        stem, extension = clean, ""
    ascii_extension = _ascii(extension)
    ascii_name = (_ascii(stem) or "document") + (f".{ascii_extension}" if ascii_extension else "")
    kind = "inline" if inline else "attachment"
    value = f'{kind}; filename="{ascii_name}"'
    if ascii_name != clean:
        value += f"; filename*=UTF-8''{quote(clean, safe='')}"
    return value


async def file_response(
    request: HttpRequest,
    target: Path,
    *,
    headers: dict[str, str],
    media_type: str | None = None,
) -> HttpResponse | StreamingHttpResponse:
    """Serve ``target`` (which exists) with validators, ranges and ``headers``.

    Args:
        request: the GET or HEAD.
        target: the file.
        headers: extra headers (caching, disposition).
        media_type: its media type; guessed from the name when None.
    """
    stat = await asyncio.to_thread(target.stat)
    size = stat.st_size
    etag = f'"{int(stat.st_mtime_ns):x}-{size:x}"'
    base = {"ETag": etag, "Accept-Ranges": "bytes", **headers}
    if request.headers.get("If-None-Match") == etag:
        return HttpResponse(status=304, headers=base)
    kind = media_type or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    wanted: ByteRange | None = None
    if_range = request.headers.get("If-Range")
    if "Range" in request.headers and (if_range is None or if_range == etag):
        try:
            wanted = parse_range(request.headers["Range"], size)
        except ValueError:
            return HttpResponse(status=416, headers={**base, "Content-Range": f"bytes */{size}"})
    status, start, length = 200, 0, size
    if wanted is not None:
        status, start, length = 206, wanted.start, wanted.length
        base["Content-Range"] = f"bytes {wanted.start}-{wanted.end}/{size}"
    base["Content-Length"] = str(length)
    if request.method == "HEAD" or length == 0:
        return HttpResponse(status=status, content_type=kind, headers=base)
    if length <= CHUNK:
        body = await asyncio.to_thread(_read, target, start, length)
        return HttpResponse(body, status=status, content_type=kind, headers=base)
    return StreamingHttpResponse(
        _stream(target, start, length), status=status, content_type=kind, headers=base
    )


def _safe_name(name: str) -> str:
    """``name`` without folders, control characters or quotes, at most 150 characters."""
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    clean = _UNSAFE_NAME.sub("_", last).strip(" .")
    if len(clean) > 150:
        stem, dot, extension = clean.rpartition(".")
        clean = (stem[:140] + dot + extension[:9]) if dot and len(extension) < 10 else clean[:150]
    return clean


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _UNSAFE_NAME.sub("_", plain).strip(" .")


def _read(target: Path, start: int, length: int) -> bytes:
    with target.open("rb") as handle:
        handle.seek(start)
        return handle.read(length)


async def _stream(target: Path, start: int, length: int) -> AsyncIterator[bytes]:
    handle = await asyncio.to_thread(target.open, "rb")
    try:
        await asyncio.to_thread(handle.seek, start)
        left = length
        while left > 0:
            chunk = await asyncio.to_thread(handle.read, min(CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            yield chunk
    finally:
        handle.close()
