"""What every record shares: provenance, attachments, links, money, the entity keys.

No ``from __future__ import annotations`` in this package: ``TypedDict`` reads
``NotRequired`` from the evaluated annotations, and strings would hide it.
"""

from typing import NotRequired, TypedDict

__all__ = [
    "AttachmentRecord",
    "DecimalText",
    "IsoDate",
    "IsoDateTime",
    "LinkRecord",
    "MoneyRecord",
    "ProvenanceRecord",
    "RecordBase",
]

#: A date as JSON carries it: ``2026-01-04``.
IsoDate = str
#: An aware datetime as JSON carries it: ``2026-10-31T09:00:00+08:00``.
IsoDateTime = str
#: A decimal number as JSON carries it (pydantic writes ``Decimal`` as text): ``"12.5"``.
DecimalText = str


class ProvenanceRecord(TypedDict):
    """``Provenance``: where an entity came from."""

    source_url: str
    source_site: str
    source_column: NotRequired[str]
    breadcrumb: list[str]
    fetched_at: IsoDateTime
    content_hash: NotRequired[str]
    source_charset: NotRequired[str]
    parser: str  # Parser


class AttachmentRecord(TypedDict):
    """``Attachment``: a document or image linked from an entity."""

    name: str
    url: str
    file_type: str  # FileType
    size_bytes: NotRequired[int]
    local_path: NotRequired[str]
    sha256: NotRequired[str]


class LinkRecord(TypedDict):
    """``Link``: a titled link."""

    title: str
    url: str


class MoneyRecord(TypedDict):
    """``Money``: an amount as the source gave it."""

    value: DecimalText
    unit: str  # MoneyUnit: 元, 万元 or 亿元


class RecordBase(TypedDict):
    """``Entity``: the keys every entity record has (its ``entity_type`` is its own)."""

    id: str
    scope: str
    provenance: ProvenanceRecord
