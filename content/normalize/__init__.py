"""Normalisers: raw values from county pages to clean, typed values.

All are pure functions. Each raises ``content.errors.NormalizeError`` when a
value cannot be read, except where the docstring promises leniency (an
unparseable 索引号 is kept as an opaque string, never rejected).
"""

from content.county_time import SHANGHAI
from content.normalize._dates import parse_date, parse_datetime, parse_deadline
from content.normalize._identifiers import (
    IndexNoScheme,
    IndexNumber,
    normalize_doc_number,
    parse_index_no,
)
from content.normalize._text import (
    normalize_body,
    normalize_label,
    normalize_name,
    normalize_space,
    shorten,
)
from content.normalize._vocab import (
    LegalBasisPart,
    file_type_of,
    parse_notice_kind,
    parse_power_type,
    parse_project_status,
    parse_validity,
    split_duty_units,
    split_keywords,
    split_legal_basis,
)

__all__ = [
    "SHANGHAI",
    "IndexNoScheme",
    "IndexNumber",
    "LegalBasisPart",
    "file_type_of",
    "normalize_body",
    "normalize_doc_number",
    "normalize_label",
    "normalize_name",
    "normalize_space",
    "parse_date",
    "parse_datetime",
    "parse_deadline",
    "parse_index_no",
    "parse_notice_kind",
    "parse_power_type",
    "parse_project_status",
    "parse_validity",
    "shorten",
    "split_duty_units",
    "split_keywords",
    "split_legal_basis",
]
