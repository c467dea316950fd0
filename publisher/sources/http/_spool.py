"""Spooling a download: stream the body into a temp file, hashing it as it comes."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from content import atomicfile
from publisher.sources.errors import EmptyDownloadError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

__all__ = ["spool"]

_SNIFF = 64 * 1024  # leading body bytes kept to recognise a challenge page


def spool(
    url: str, chunks: Iterable[bytes], folder: Path, *, check: Callable[[bytes, int], None]
) -> tuple[Path, str, int]:
    """Write ``chunks`` into a new temp file in ``folder``; return its path, sha256 and size.

    ``check`` sees the body's first 64 KiB and its size, and raises to
    refuse it (a challenge page); a refused or failed body leaves no file behind.

    Raises:
        EmptyDownloadError: the body is empty.
        OSError: the temp file could not be written.
    """
    digest, size, head = hashlib.sha256(), 0, bytearray()
    # A refused body (empty, a challenge page) raises inside the block,
    # which removes the spooled file.
    with atomicfile.spooled_file(folder, prefix=".download-") as (sink, path):
        for chunk in chunks:
            sink.write(chunk)
            digest.update(chunk)
            size += len(chunk)
            head += chunk[: max(0, _SNIFF - len(head))]
        if size == 0:
            raise EmptyDownloadError(url)
        check(bytes(head), size)
    return path, digest.hexdigest(), size
