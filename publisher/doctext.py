"""The readable text of a mirrored document, extracted once, for its phone page.

WeChat's in-app browser opens no PDF, so a document's page (``/f/<code>``)
shows its text as HTML. Extracting is work no visitor should cause: the
release build extracts each linked document once (:func:`text_ensure`) into
its text file (``Home.text_path``: ``HOME/texts/``, apart from the
content-addressed documents), and the page only reads that file.
Untrusted PDFs are bounded: at most ``MAX_PAGES`` pages and ``MAX_CHARS``
characters are kept, and a file pypdf cannot read yields no text (the page
then offers the file itself).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from content import atomicfile

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["MAX_CHARS", "MAX_PAGES", "extract_text", "text_ensure", "text_read"]

log = logging.getLogger("gongkai.documents")
MAX_PAGES = 200
MAX_CHARS = 200_000
#: Media types whose text a page can show.
TEXT_TYPES = frozenset({"application/pdf", "text/plain"})


def extract_text(document: Path, media_type: str) -> str:
    """The text of a PDF or plain-text document, bounded; empty when it has none."""
    if media_type == "text/plain":
        raw = document.read_bytes()[: MAX_CHARS * 4]
        for encoding in ("utf-8", "gb18030"):
            try:
                return raw.decode(encoding)[:MAX_CHARS]
            except UnicodeDecodeError:
                continue
        return raw.decode("utf-8", "replace")[:MAX_CHARS]
    if media_type != "application/pdf":
        return ""
    import pypdf  # noqa: PLC0415 - only the release build extracts, rarely
    from pypdf.errors import PyPdfError  # noqa: PLC0415

    try:
        reader = pypdf.PdfReader(document)
        parts: list[str] = []
        size = 0
        for page in reader.pages[:MAX_PAGES]:
            text = (page.extract_text() or "").strip()
            parts.append(text)
            size += len(text)
            if size >= MAX_CHARS:
                break
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        log.warning("no text from %s: %s", document.name[:12], exc)
        return ""
    return "\n\n".join(p for p in parts if p)[:MAX_CHARS]


def text_ensure(document: Path, media_type: str, target: Path) -> bool:
    """Extract the document's text into ``target`` unless it is there; whether it did."""
    if target.exists() or not document.is_file() or media_type not in TEXT_TYPES:
        return False
    text = extract_text(document, media_type).encode()
    atomicfile.write_atomic(target, text, sync_dir=False, make_parents=True)
    return True


def text_read(target: Path) -> str | None:
    """The extracted text in ``target``, or None when none was extracted."""
    try:
        return target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
