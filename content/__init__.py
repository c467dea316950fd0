"""Gongkai's pure core: disclosure content models, normalisers and rules.

Imports no Django, no Kivy and no network code, so the publisher, the kiosk
and the tests all share it. Entry points:

* ``content.models``: the entity models (``Leader``, ``PowerItem`` …);
* ``content.normalize``: raw page values to clean ones (dates, 文号, 索引号 …);
* ``content.validation``: batch validation that collects every issue;
* ``content.serialize``: canonical JSON Lines and content hashes;
* ``content.demo``: the deterministic demo county.
* ``content.records``: the typed shape of each record a release carries
  (TypedDicts: what the kiosk reads, without loading the models);
* ``content.release``: the release format (manifest, index trie, one walker);
* ``content.linebreak``: the Chinese line-breaking rules (禁则) of kiosk and boards;
* ``content.workdays``: the working-day calendar (holidays, 调休) of board
  schedules and the application register's deadlines;
* ``content.county_time``, ``content.atomicfile``, ``content.backoff``: the one
  county clock, atomic file write and retry back-off every package shares.
"""

import typing

from content import lazy
from content.enums import EntityType
from content.errors import ContentError, EntityValidationError, NormalizeError
from content.ids import stable_id
from content.serialize import content_hash, to_json_line

if typing.TYPE_CHECKING:
    from content.validation import BatchResult, ValidationIssue, validate_jsonl, validate_records

# Validation loads the pydantic models (~130 ms): only when it is used.
__getattr__ = lazy.exports(
    globals(),
    dict.fromkeys(
        ("BatchResult", "ValidationIssue", "validate_jsonl", "validate_records"),
        "content.validation",
    ),
)

__all__ = [
    "BatchResult",
    "ContentError",
    "EntityType",
    "EntityValidationError",
    "NormalizeError",
    "ValidationIssue",
    "content_hash",
    "stable_id",
    "to_json_line",
    "validate_jsonl",
    "validate_records",
]
