"""Small pure rules about release records: the updater, the collector and the check share them."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["SHA256", "file_sizes"]

SHA256 = re.compile(r"^[0-9a-f]{64}$")


def file_sizes(record: Any) -> dict[str, int]:
    """``sha256 -> size_bytes`` of every file (photo, flowchart) an entity record describes."""
    found: dict[str, int] = {}
    if isinstance(record, dict):
        sha, size = record.get("sha256"), record.get("size_bytes")
        if isinstance(sha, str) and isinstance(size, int) and size >= 0:
            found[sha] = size
        for value in record.values():
            found.update(file_sizes(value))
    elif isinstance(record, list):
        for value in record:
            found.update(file_sizes(value))
    return found
