"""The mirrored documents: downloads moved into the content-addressed folder."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

from content import atomicfile
from publisher.store.models import Document

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

__all__ = ["document_store", "temp_files_clear"]


def document_store(
    *, temp_path: Path, sha256: str, size: int, media_type: str, url: str, final_path: Path,
    relative: str,
) -> Document:  # fmt: skip
    """Move a finished download into the content-addressed folder and record it.

    The file is renamed into place (same filesystem) before the row is written,
    so a row never points at a missing file; a crash leaves at most an orphan.
    """
    if final_path.exists():
        temp_path.unlink(missing_ok=True)
    else:
        final_path.parent.mkdir(parents=True, exist_ok=True)
        temp_path.replace(final_path)
        atomicfile.fsync_dir(final_path.parent)
    document, _ = Document.objects.get_or_create(
        sha256=sha256,
        defaults={"size": size, "media_type": media_type, "path": relative, "source_url": url},
    )
    return document


def temp_files_clear(folder: Path, *, older_than: datetime) -> int:
    """Remove downloads a killed run left half-written."""
    removed = 0
    if not folder.is_dir():
        return 0
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < older_than.timestamp():
            path.unlink(missing_ok=True)
            removed += 1
        elif path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
    return removed
