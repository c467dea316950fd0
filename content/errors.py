"""Errors raised by the content core.

Hierarchy::

    ContentError                 root: the content itself is bad
    ├── NormalizeError           a value could not be normalised (date, 文号, code …)
    └── EntityValidationError    one problem in one entity, naming type, id and field

Batch validation never raises for a bad record; it collects ``ValidationIssue``
values (see ``content.validation``) so one bad record never hides the others.
"""

from __future__ import annotations

__all__ = ["ContentError", "EntityValidationError", "NormalizeError"]


class ContentError(Exception):
    """Root of every error about bad content (as opposed to I/O failures)."""


class NormalizeError(ContentError, ValueError):
    """A raw value could not be normalised.

    Attributes:
        kind: what was being normalised, e.g. ``"date"`` or ``"power_type"``.
        value: the raw value, as given.
        reason: why, when more can be said than "unreadable".
    """

    def __init__(self, kind: str, value: object, reason: str = "") -> None:
        self.kind = kind
        self.value = value
        self.reason = reason
        detail = f": {reason}" if reason else ""
        super().__init__(f"cannot read {value!r} as {kind}{detail}")


class EntityValidationError(ContentError):
    """One entity failed validation.

    Attributes:
        entity_type: the entity type, e.g. ``"power_item"``.
        entity_id: the entity's id, or a placeholder such as ``"<line 7>"``.
        field: dotted path of the offending field, e.g. ``"provenance.fetched_at"``.
        message: what is wrong with it.
    """

    def __init__(self, entity_type: str, entity_id: str, field: str, message: str) -> None:
        self.entity_type = entity_type
        self.entity_id = entity_id
        self.field = field
        self.message = message
        super().__init__(f"{entity_type} {entity_id}: {field}: {message}")
