"""How a raw record's fields are read: declared once per entity type, read by name.

A ``Page`` subclass declares every field and table a profile may name for its
entity type, each with the way county pages write it::

    class AgencyPage(Page):
        name = Need()                 # text that must be there
        short_name = Text()           # text, or None when blank (``无``, ``—`` …)
        kind = Choice(AgencyKind)     # a label or value of the enum
        rank = Whole()                # a whole number, or None
        levels = Listed()             # ``A、B，C`` → ["A", "B", "C"]
        duties = Table()              # the rows of a table (column name → text)

Its builder reads ``page.name`` and gets the converted value; the same
declarations are what profiles are checked against (``Page.field_names``), so
the field table and the builders cannot drift apart. Every problem becomes an
``AssemblyError`` naming the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar, overload
from urllib.parse import unquote, urlsplit

from content.enums import EntityType
from content.errors import ContentError
from content.ids import stable_id
from publisher.sources.attachments import guess_type

if TYPE_CHECKING:
    from datetime import datetime

    from content.enums import Parser
    from content.scope import ScopeResolver
    from publisher.sources.records import RawRecord

__all__ = [
    "AssemblyContext",
    "AssemblyError",
    "Choice",
    "Column",
    "Listed",
    "Money",
    "Need",
    "Number",
    "Page",
    "Table",
    "Text",
    "Whole",
    "agency_id",
    "attachment",
    "by_label",
    "decimal",
    "wan_yuan",
]

_T = TypeVar("_T")
_E = TypeVar("_E", bound=StrEnum)
#: What county pages print in a cell that says nothing.
_EMPTY = frozenset({"", "无", "—", "-", "/", "——"})
_LIST_SPLIT = re.compile(r"[、，,；;]")
_MONEY_UNITS = (("亿元", "亿元"), ("万元", "万元"), ("元", "元"))


class AssemblyError(ContentError):
    """A record could not become an entity.

    Attributes:
        field: the entity field (or raw field) at fault.
        message: what is wrong.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True, slots=True)
class AssemblyContext:
    """What assembly needs beyond the record: where it came from, and the towns."""

    entity_type: EntityType
    scopes: ScopeResolver
    source_column: str
    parser: Parser
    fetched_at: datetime


class Page:
    """A raw record as one entity type reads it; subclasses declare its fields and build.

    Args:
        record: what was read off the page.
    """

    #: The entity type the page builds.
    entity_type: ClassVar[EntityType]

    def __init__(self, record: RawRecord) -> None:
        self.record = record

    @classmethod
    def field_names(cls) -> frozenset[str]:
        """The fields a profile may name for this page's entity type."""
        return frozenset(n for n, spec in _specs(cls).items() if not spec.table)

    @classmethod
    def required_names(cls) -> frozenset[str]:
        """The fields every page of this type must give (``missing on the page`` otherwise)."""
        return frozenset(
            n
            for n, spec in _specs(cls).items()
            if isinstance(spec, Need) or (isinstance(spec, Choice) and spec.default is None)
        )

    @classmethod
    def table_names(cls) -> frozenset[str]:
        """The tables a profile may name for this page's entity type."""
        return frozenset(n for n, spec in _specs(cls).items() if spec.table)

    def build(self, ctx: AssemblyContext) -> dict[str, Any]:
        """The entity's data, for the model to validate.

        Raises:
            AssemblyError: a field is missing or unreadable.
        """
        raise NotImplementedError

    def text(self, name: str) -> str | None:
        """A field's text, or None when the page leaves it out or blank."""
        value = self.record.fields.get(name)
        if value is None:
            return None
        text = str(value).strip()
        return None if text in _EMPTY else text


# --- how a field is read -------------------------------------------------------------


class _Spec(Generic[_T]):
    """A declared field (or table): reading it on a page gives the converted value."""

    table: ClassVar[bool] = False
    name: str

    def __set_name__(self, owner: type[Page], name: str) -> None:
        if hasattr(Page, name) or name in {"record", "entity_type"}:
            raise TypeError(f"a page field may not be named {name!r}: pages use that name")
        self.name = name

    @overload
    def __get__(self, page: None, owner: type[Page]) -> Self: ...
    @overload
    def __get__(self, page: Page, owner: type[Page]) -> _T: ...
    def __get__(self, page: Page | None, owner: type[Page]) -> Self | _T:
        return self if page is None else self.read(page)

    def read(self, page: Page) -> _T:
        """The field's value on ``page``."""
        raise NotImplementedError


class Text(_Spec[str | None]):
    """Text, or None when missing or blank."""

    def read(self, page: Page) -> str | None:  # noqa: D102
        return page.text(self.name)


class Need(_Spec[str]):
    """Text that must be on the page."""

    def read(self, page: Page) -> str:  # noqa: D102
        value = page.text(self.name)
        if value is None:
            raise AssemblyError(self.name, "missing on the page")
        return value


class Whole(_Spec[int | None]):
    """A whole number, or None when missing."""

    def read(self, page: Page) -> int | None:  # noqa: D102
        value = page.text(self.name)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            raise AssemblyError(self.name, f"{value!r} is not a whole number") from None


class Listed(_Spec[list[str]]):
    """A list written ``A、B，C`` (or with ``,`` ``；`` ``;``); empty when missing."""

    def read(self, page: Page) -> list[str]:  # noqa: D102
        value = page.text(self.name) or ""
        return [part.strip() for part in _LIST_SPLIT.split(value) if part.strip()]


class Number(_Spec[Decimal | None]):
    """A decimal number (``1,200``, ``45%``), or None when missing."""

    def read(self, page: Page) -> Decimal | None:  # noqa: D102
        return decimal(page.text(self.name), self.name)


class Money(_Spec[dict[str, Any] | None]):
    """An amount in 万元 unless the page says 元 or 亿元 (see ``wan_yuan``)."""

    def read(self, page: Page) -> dict[str, Any] | None:  # noqa: D102
        return wan_yuan(page.text(self.name), self.name)


class Choice(_Spec[_E]):
    """A member of an enum, given as its label or value.

    Args:
        enum: the enum.
        default: the label or value taken when the page leaves the field out;
            without one, the field must be there.
    """

    def __init__(self, enum: type[_E], *, default: str | None = None) -> None:
        self.enum = enum
        self.default = default

    def read(self, page: Page) -> _E:  # noqa: D102
        text = page.text(self.name) or self.default
        if text is None:
            raise AssemblyError(self.name, "missing on the page")
        return by_label(self.enum, text, self.name)


class Table(_Spec[list[dict[str, str]]]):
    """The rows of a table (column name → text); empty when the page has none."""

    table = True

    def read(self, page: Page) -> list[dict[str, str]]:  # noqa: D102
        return page.record.tables.get(self.name, [])


class Column(_Spec[list[str]]):
    """The first column of a one-column table, blank rows dropped."""

    table = True

    def read(self, page: Page) -> list[str]:  # noqa: D102
        rows = page.record.tables.get(self.name, [])
        return [text for row in rows if (text := next(iter(row.values()), ""))]


# --- values as county pages write them -------------------------------------------------


def by_label(enum: type[_E], text: str, field: str) -> _E:
    """The member of ``enum`` whose label or value ``text`` is.

    Raises:
        AssemblyError: no member has it.
    """
    for member in enum:
        if text in {member.label, member.value}:  # type: ignore[attr-defined]
            return member
    raise AssemblyError(field, f"{text!r} is not one of {[m.label for m in enum]}")  # type: ignore[attr-defined]


def decimal(text: str | None, field: str) -> Decimal | None:
    """A number written with thousands commas or a ``%``; None when blank.

    Raises:
        AssemblyError: it is not a number.
    """
    if text is None or text.strip() in _EMPTY:
        return None
    clean = text.replace(",", "").replace("%", "").strip()
    try:
        return Decimal(clean)
    except InvalidOperation:
        raise AssemblyError(field, f"{text!r} is not a number") from None


def wan_yuan(text: str | None, field: str) -> dict[str, Any] | None:
    """Money written as ``12000``, ``12000万元``, ``1.2亿元`` or ``500元`` (default 万元).

    Raises:
        AssemblyError: the amount is not a number.
    """
    if text is None or text.strip() in _EMPTY:
        return None
    clean = text.replace(",", "").strip()
    unit = "万元"
    for suffix, name in _MONEY_UNITS:
        if clean.endswith(suffix):
            clean, unit = clean.removesuffix(suffix).strip(), name
            break
    return {"value": decimal(clean, field), "unit": unit}


def attachment(name: str, url: str, *, from_alt: bool = False) -> dict[str, Any]:
    """An attachment; ``from_alt``: ``name`` is an image's alt text, named after its file."""
    if from_alt:
        ext = unquote(urlsplit(url).path).rsplit(".", 1)[-1].lower()
        name = f"{name}.{ext}" if name else unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return {"name": name, "url": url, "file_type": guess_type(url, name)}


def agency_id(name: str | None) -> str | None:
    """The id of the agency of that name (None for None)."""
    return stable_id(EntityType.AGENCY, name) if name else None


def _specs(page: type[Page]) -> dict[str, _Spec[Any]]:
    return {
        name: value
        for klass in reversed(page.__mro__)
        for name, value in vars(klass).items()
        if isinstance(value, _Spec)
    }
