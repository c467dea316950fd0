"""Shared building blocks: the base entity, provenance, attachments, value types."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from content.enums import EntityType, FileType, Parser
from content.ids import ID_PREFIXES
from content.normalize import (
    file_type_of,
    normalize_body,
    normalize_doc_number,
    normalize_name,
    normalize_space,
    parse_date,
    parse_datetime,
    parse_index_no,
)

COUNTY_SCOPE = "county"


class RuleViolation(ValueError):  # noqa: N818 - it is raised as a pydantic value error
    """A cross-field rule broken inside one model, naming the field to blame.

    Pydantic reports model-level errors at the model's own location; batch
    validation reads ``field`` to point at the exact field instead.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def _as_date(value: Any) -> Any:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return parse_date(value)
    return value


def _as_datetime(value: Any) -> Any:
    if isinstance(value, str | int | float | datetime) and not isinstance(value, bool):
        return parse_datetime(value)
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError("must be an absolute http(s) URL")
    return value


def _line(value: str) -> str:
    clean = normalize_space(value)
    if not clean:
        raise ValueError("must not be empty")
    return clean


def _text(value: str) -> str:
    clean = normalize_body(value)
    if not clean:
        raise ValueError("must not be empty")
    return clean


def _person_name(value: str) -> str:
    clean = normalize_name(value)
    if not clean:
        raise ValueError("must not be empty")
    return clean


def _index_no(value: str) -> str:
    return parse_index_no(value).raw


#: A date written in any county-site format, read as Beijing time.
CnDate = Annotated[date, BeforeValidator(_as_date)]
#: An aware datetime in Asia/Shanghai; naive input is taken as Beijing time.
CnDateTime = Annotated[datetime, BeforeValidator(_as_datetime)]
#: One line of text, spaces normalised, never empty.
Line = Annotated[str, AfterValidator(_line)]
#: Body text: lines tidied, paragraph breaks kept.
Body = Annotated[str, AfterValidator(normalize_body)]
#: Body text that must say something.
Text = Annotated[str, AfterValidator(_text)]
#: A personal name with the padding between characters removed.
PersonName = Annotated[str, AfterValidator(_person_name)]
#: A 文号 with its year in 〔〕.
DocNumber = Annotated[str, AfterValidator(normalize_doc_number)]
#: An 索引号, kept as published (tidied), parsed leniently on demand.
IndexNo = Annotated[str, AfterValidator(_index_no)]
HttpUrl = Annotated[str, AfterValidator(_http_url)]
Sha256Hex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
#: ``county`` or one town, ``town-<pinyin>`` (the same ids as release channels).
Scope = Annotated[str, StringConstraints(pattern=r"^(county|town-[a-z]{2,32})$")]
EntityId = Annotated[str, StringConstraints(pattern=r"^[a-z]+-[0-9a-z][0-9a-z_.-]{0,95}$")]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=6, decimal_places=2)]
Count = Annotated[int, Field(ge=0)]


class Model(BaseModel):
    """Base of every content model: immutable, no unknown fields.

    A blank string given for an optional field means "not given": county pages
    print empty cells, and an empty 索引号 cell is a missing 索引号, not a bad one.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_missing(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        blank = [
            key
            for key, value in data.items()
            if isinstance(value, str)
            and not value.strip()
            and key in cls.model_fields
            and cls.model_fields[key].default is None
        ]
        return {key: value for key, value in data.items() if key not in blank} if blank else data


class Provenance(Model):
    """Where an entity came from (来源信息), shown on screens and used to diff."""

    source_url: HttpUrl
    source_site: Line
    source_column: Line | None = None
    breadcrumb: tuple[Line, ...] = ()
    fetched_at: CnDateTime
    content_hash: Sha256Hex | None = None
    source_charset: str | None = None
    parser: Parser


class Attachment(Model):
    """A document or image linked from an entity (附件)."""

    name: Line
    url: HttpUrl
    file_type: FileType = FileType.OTHER
    size_bytes: Count | None = None
    local_path: str | None = None
    sha256: Sha256Hex | None = None

    @model_validator(mode="before")
    @classmethod
    def _guess_type(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("file_type"):
            url, name = str(data.get("url", "")), str(data.get("name", ""))
            guess = file_type_of(url)
            if guess is FileType.OTHER:
                guess = file_type_of(name)
            return {**data, "file_type": guess}
        return data


class Link(Model):
    """A titled link, e.g. a speech or a policy interpretation."""

    title: Line
    url: HttpUrl


class MoneyUnit(StrEnum):
    """Units that money amounts are published in."""

    YUAN = "元"
    WAN_YUAN = "万元"
    YI_YUAN = "亿元"


_UNIT_FACTORS = {MoneyUnit.YUAN: 1, MoneyUnit.WAN_YUAN: 10_000, MoneyUnit.YI_YUAN: 100_000_000}


class Money(Model):
    """An amount as the source gave it (value and unit); ``yuan`` converts."""

    value: Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4)]
    unit: MoneyUnit = MoneyUnit.YUAN

    @property
    def yuan(self) -> Decimal:
        """The amount in yuan."""
        return self.value * _UNIT_FACTORS[self.unit]


class Entity(Model):
    """Base of every disclosure entity: a stable id, a scope and provenance.

    Subclasses declare ``entity_type`` as a literal field so that every
    serialised record says what it is.
    """

    entity_type: EntityType
    id: EntityId
    scope: Scope = COUNTY_SCOPE
    provenance: Provenance

    @model_validator(mode="after")
    def _id_prefix_matches_type(self) -> Entity:
        prefix = ID_PREFIXES[self.entity_type]
        if not self.id.startswith(f"{prefix}-"):
            raise RuleViolation("id", f"must start with '{prefix}-'")
        return self
