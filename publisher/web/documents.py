"""What a mirrored document is called and what it is, for serving it to a phone.

The store keeps a document by its hash, with the media type and the URL it was
fetched from; the name a person knows it by is the attachment's, in the
published content that links it. :class:`DocumentFaces` finds that name (or
falls back to the URL's last segment, then the hash), settles the media type
(the stored one, else from the name) and remembers each answer for a minute,
so repeated fetches of a popular document cost no query.
"""

from __future__ import annotations

import mimetypes
import threading
import time
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from publisher.store.models import Document, Item, Revision
from publisher.web.files import INLINE_TYPES

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["DocumentFace", "DocumentFaces", "document_face"]

GENERIC = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class DocumentFace:
    """How to present one document: its file name, media type, and whether inline."""

    name: str
    media_type: str
    inline: bool


def document_face(sha256: str) -> DocumentFace:
    """The name and media type of the document with ``sha256`` (from the store)."""
    document = Document.objects.filter(sha256=sha256).first()
    url = document.source_url if document is not None else ""
    name = _attachment_name(sha256) or _url_name(url) or sha256
    stored = (document.media_type if document is not None else "").split(";")[0].strip().lower()
    kind = stored if stored and stored != GENERIC else ""
    kind = kind or mimetypes.guess_type(name)[0] or mimetypes.guess_type(_url_name(url))[0] or ""
    kind = kind or GENERIC
    if "." not in name and kind != GENERIC:
        extension = mimetypes.guess_extension(kind)
        name += extension or ""
    return DocumentFace(name=name, media_type=kind, inline=kind in INLINE_TYPES)


class DocumentFaces:
    """:func:`document_face` answers, kept ``ttl`` seconds (at most ``size`` of them)."""

    def __init__(
        self,
        *,
        ttl: float = 60.0,
        size: int = 1024,
        clock: Callable[[], float] = time.monotonic,
        look_up: Callable[[str], DocumentFace] = document_face,
    ) -> None:
        self._ttl = ttl
        self._size = size
        self._clock = clock
        self._look_up = look_up
        self._kept: dict[str, tuple[float, DocumentFace]] = {}
        self._lock = threading.Lock()

    def get(self, sha256: str) -> DocumentFace:
        """The face of ``sha256``, from the store at most once a ``ttl``."""
        now = self._clock()
        with self._lock:
            kept = self._kept.get(sha256)
        if kept is not None and now - kept[0] < self._ttl:
            return kept[1]
        face = self._look_up(sha256)
        with self._lock:
            if len(self._kept) >= self._size:
                self._kept.clear()  # a crude bound is enough: misses only cost a query
            self._kept[sha256] = (now, face)
        return face


def _attachment_name(sha256: str) -> str:
    """The name of the attachment with this hash in the published content, if any."""
    published = Item.objects.filter(state=Item.State.ACTIVE).values("current")
    rows = Revision.objects.filter(pk__in=published, data__icontains=sha256)
    for data in rows.order_by("-pk").values_list("data", flat=True)[:5]:
        for attachment in _attachments(data):
            if attachment.get("sha256") == sha256 and isinstance(attachment.get("name"), str):
                name = str(attachment["name"]).strip()
                if name:
                    if "." not in PurePosixPath(name).name:
                        url_name = _url_name(str(attachment.get("url", "")))
                        suffix = PurePosixPath(url_name).suffix if url_name else ""
                        name += suffix if 1 < len(suffix) <= 6 else ""
                    return name
    return ""


def _attachments(data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, dict):
        return []
    found = data.get("attachments")
    return [a for a in found if isinstance(a, dict)] if isinstance(found, list) else []


def _url_name(url: str) -> str:
    segment = unquote(urlsplit(url).path.rsplit("/", 1)[-1]) if url else ""
    return segment if "." in segment else ""
