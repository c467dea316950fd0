"""Readable summaries and diffs of revisions for reviewers.

``record_diff`` is pure (two JSON records in, changed fields out); the
functions below it format a stored revision for `gongkai review`.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from publisher.store.models import Revision

__all__ = ["FieldChange", "record_diff", "revision_brief", "revision_report"]

_SKIP = {"provenance"}


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One changed top-level field: its name and its old and new values."""

    field: str
    old: Any
    new: Any


def record_diff(old: dict[str, Any] | None, new: dict[str, Any]) -> list[FieldChange]:
    """The top-level fields that differ between two entity records (provenance ignored)."""
    before = old or {}
    keys = [k for k in dict.fromkeys([*before, *new]) if k not in _SKIP]
    return [FieldChange(k, before.get(k), new.get(k)) for k in keys if before.get(k) != new.get(k)]


def revision_brief(revision: Revision) -> dict[str, Any]:
    """One line's worth of a revision, as plain data."""
    item = revision.item
    if revision.kind == "removal":
        change = "no longer on the site"
    elif item.current is None:
        change = "new"
    else:
        fields = [c.field for c in record_diff(item.current.data, revision.data)]
        change = f"{len(fields)} fields: {', '.join(fields[:4])}" + ("…" if len(fields) > 4 else "")
    return {
        "id": revision.pk,
        "item": item.key,
        "source": item.source.key,
        "entity_type": item.entity_type,
        "kind": revision.kind,
        "status": revision.status,
        "title": item.title or str(revision.data.get("title") or revision.data.get("name") or ""),
        "url": revision.source_url,
        "change": change,
        "change_share": round(revision.change_share, 3),
        "reason": revision.reason,
        "created_at": revision.created_at.isoformat(),
    }


def revision_report(revision: Revision) -> str:
    """The full text `gongkai review show` prints: header, reason and a diff."""
    brief = revision_brief(revision)
    lines = [
        f"revision {brief['id']}  {brief['status']}  {brief['kind']}  {brief['entity_type']}",
        f"item:    {brief['item']}  {brief['title']}",
        f"source:  {brief['source']}  {brief['url']}",
        f"fetched: {revision.fetched_at:%Y-%m-%d %H:%M}",
    ]
    if revision.reason:
        lines.append(f"reason:  {revision.reason}")
    if revision.kind == "removal":
        lines.append(
            "The item is no longer listed on the site. Approving takes it off the screens."
        )
        return "\n".join(lines)
    current = revision.item.current
    base = current.data if current and current.pk != revision.pk else None
    changes = record_diff(base, revision.data)
    lines.append(f"changes: {len(changes)} fields" + ("" if base else " (new item)"))
    for change in changes:
        lines.append(f"--- {change.field}")
        lines.extend(_field_diff(change.old, change.new))
    return "\n".join(lines)


def _field_diff(old: Any, new: Any) -> list[str]:
    before, after = _lines(old), _lines(new)
    if len(before) <= 1 and len(after) <= 1:
        return [
            f"  - {before[0] if before else '(none)'}",
            f"  + {after[0] if after else '(none)'}",
        ]
    return [
        f"  {line}"
        for line in difflib.unified_diff(before, after, lineterm="", n=1)
        if not line.startswith(("---", "+++"))
    ]


def _lines(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.splitlines() or [""]
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).splitlines()
