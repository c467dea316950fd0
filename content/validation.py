"""Validate batches of raw records, collecting every problem.

One bad record never hides another: each problem becomes a ``ValidationIssue``
naming the entity type, the entity's id (or its line), the field and what is
wrong, while every good record is kept.

Example::

    result = validate_jsonl(EntityType.LEADER, path.read_text().splitlines(),
                            source="leaders.jsonl")
    for issue in result.issues:
        print(issue)      # leaders.jsonl:7: leader leader-…: name: …
    store(result.entities)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from content.enums import AnnualReportFormat, EntityType
from content.errors import EntityValidationError
from content.models import ENTITY_MODELS, Entity, RuleViolation

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = [
    "BatchResult",
    "ValidationIssue",
    "validate_entity",
    "validate_jsonl",
    "validate_records",
]

# Discriminator tags pydantic puts into error locations; they are not fields.
_TAGS = frozenset(member.value for member in AnnualReportFormat)


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """One problem with one record.

    Attributes:
        entity_type: the entity type being validated.
        entity_id: the record's id, or ``<line N>`` / ``<record N>`` without one.
        field: dotted path of the field, ``<record>`` for the record as a whole.
        message: what is wrong.
        source: the file (or other source) the record came from, if known.
        line: the 1-based line or record number within the source.
    """

    entity_type: str
    entity_id: str
    field: str
    message: str
    source: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.source is not None:
            where = f"{self.source}:{self.line}: " if self.line else f"{self.source}: "
        return f"{where}{self.entity_type} {self.entity_id}: {self.field}: {self.message}"

    def as_error(self) -> EntityValidationError:
        """This issue as an exception."""
        return EntityValidationError(self.entity_type, self.entity_id, self.field, self.message)


@dataclass(slots=True)
class BatchResult:
    """The outcome of validating a batch: the good entities and every issue."""

    entities: list[Entity] = field(default_factory=list)
    issues: list[ValidationIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no record had a problem."""
        return not self.issues


def validate_entity(entity_type: EntityType, record: Mapping[str, Any]) -> Entity:
    """Validate one record as ``entity_type``.

    Raises:
        EntityValidationError: the first problem found (all of them are in
            ``validate_records``).
    """
    result = validate_records(entity_type, [record])
    if result.issues:
        raise result.issues[0].as_error()
    return result.entities[0]


def validate_records(
    entity_type: EntityType,
    records: Iterable[Mapping[str, Any]],
    *,
    source: str | None = None,
) -> BatchResult:
    """Validate every record, keeping the good ones and collecting every issue.

    Ids must be unique within the batch; a repeated id is an issue of the later
    record. Records whose ``entity_type`` names another type are rejected.
    """
    result = BatchResult()
    seen: dict[str, int] = {}
    for number, record in enumerate(records, start=1):
        _validate_one(
            entity_type,
            record,
            number,
            source=source,
            seen=seen,
            result=result,
            placeholder="record",
        )
    return result


def validate_jsonl(
    entity_type: EntityType, lines: Iterable[str], *, source: str | None = None
) -> BatchResult:
    """Validate JSON Lines text; blank lines are skipped, bad JSON is an issue."""
    result = BatchResult()
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            result.issues.append(
                ValidationIssue(
                    entity_type,
                    f"<line {number}>",
                    "<record>",
                    f"not valid JSON: {exc.msg} at column {exc.colno}",
                    source,
                    number,
                )
            )
            continue
        if not isinstance(record, dict):
            result.issues.append(
                ValidationIssue(
                    entity_type,
                    f"<line {number}>",
                    "<record>",
                    "must be a JSON object",
                    source,
                    number,
                )
            )
            continue
        _validate_one(
            entity_type, record, number, source=source, seen=seen, result=result, placeholder="line"
        )
    return result


def _validate_one(
    entity_type: EntityType,
    record: Mapping[str, Any],
    number: int,
    *,
    source: str | None,
    seen: dict[str, int],
    result: BatchResult,
    placeholder: str,
) -> None:
    raw_id = record.get("id")
    entity_id = raw_id if isinstance(raw_id, str) and raw_id else f"<{placeholder} {number}>"

    def issue(field_path: str, message: str) -> None:
        result.issues.append(
            ValidationIssue(entity_type, entity_id, field_path, message, source, number)
        )

    declared = record.get("entity_type", entity_type.value)
    if declared != entity_type.value:
        issue("entity_type", f"is {declared!r}, expected {entity_type.value!r}")
        return
    try:
        entity = ENTITY_MODELS[entity_type].model_validate(record)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            issue(*_describe(error))
        return
    if entity.id in seen:
        issue("id", f"repeats the id of {placeholder} {seen[entity.id]}")
        return
    seen[entity.id] = number
    result.entities.append(entity)


def _describe(error: Any) -> tuple[str, str]:
    path = [str(part) for part in error["loc"] if str(part) not in _TAGS]
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, RuleViolation):
        return ".".join([*path, cause.field]), cause.message
    message = str(error["msg"]).removeprefix("Value error, ")
    return ".".join(path) or "<record>", message
