"""Readable summaries and diffs of revisions for reviewers.

``record_diff`` is pure (two JSON records in, changed fields out); the
functions below it format a stored revision for `gongkai review`.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from publisher.store.models import Revision

__all__ = [
    "FieldChange",
    "Segment",
    "as_text",
    "record_diff",
    "revision_brief",
    "revision_report",
    "word_diff",
]

_SKIP = {"provenance"}
#: A Latin word or number, a run of spaces, or any one other character (a hanzi
#: is a word of its own: Chinese has no spaces to split on).
_TOKEN = re.compile(r"[A-Za-z0-9_.%-]+|\s+|.", re.DOTALL)
#: Longer texts are compared line by line first, then word by word within lines.
_CHAR_LIMIT = 4000


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


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text in a diff, ``changed`` when it is not on the other side."""

    text: str
    changed: bool = False


def as_text(value: Any) -> str:
    """A field's value as readable text (JSON for lists and tables, "" for none)."""
    return "\n".join(_lines(value))


def word_diff(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    """``old`` and ``new`` as segments, the words each does not share marked changed.

    Long texts are matched line by line first, so the work stays near linear.
    """
    if len(old) + len(new) > _CHAR_LIMIT:
        return _line_diff(old.splitlines(keepends=True), new.splitlines(keepends=True))
    return _token_diff(_TOKEN.findall(old), _TOKEN.findall(new))


def _token_diff(before: list[str], after: list[str]) -> tuple[list[Segment], list[Segment]]:
    left: list[Segment] = []
    right: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:
            left.append(Segment("".join(before[i1:i2]), op != "equal"))
        if j2 > j1:
            right.append(Segment("".join(after[j1:j2]), op != "equal"))
    return left, right


def _line_diff(before: list[str], after: list[str]) -> tuple[list[Segment], list[Segment]]:
    left: list[Segment] = []
    right: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = "".join(before[i1:i2]), "".join(after[j1:j2])
        if op == "equal":
            left.append(Segment(old))
            right.append(Segment(new))
        elif op == "replace" and len(old) + len(new) <= _CHAR_LIMIT:
            words = _token_diff(_TOKEN.findall(old), _TOKEN.findall(new))
            left.extend(words[0])
            right.extend(words[1])
        else:
            left.extend([Segment(old, changed=True)] if old else [])
            right.extend([Segment(new, changed=True)] if new else [])
    return left, right


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
