"""文号 (document numbers) and 索引号 (catalogue index numbers)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from content.errors import NormalizeError
from content.normalize._text import normalize_space

_YEAR_IN_BRACKETS = re.compile(r"[\[［【(（〔﹝{]\s*(\d{4})\s*[\]］】)）〕﹞}]")
_ALL_SPACE = re.compile(r"\s+")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_DASHES = str.maketrans({"－": "-", "–": "-", "—": "-", "‐": "-", "／": "/", "＼": "/"})

# Organisation code: 8 characters and a check character, the hyphen optional
# (sites also drop a leading zero, hence 7 or 8).
_ORG_CODE = r"[0-9A-Z]{7,8}-?[0-9X]"
# Unified social credit code: 18 characters.
_CREDIT_CODE = r"[0-9A-HJ-NPQRTUWXY]{18}"
_PINYIN = r"[a-z][a-z0-9]{1,31}"
_YEAR_SERIAL = r"(?P<year>(?:19|20)\d{2})-(?P<serial>\d{3,7})"
_MONTH_SERIAL = r"(?P<year>(?:19|20)\d{2})(?P<month>0[1-9]|1[0-2])-(?P<serial>\d{3,7})"


class IndexNoScheme(StrEnum):
    """How an 索引号 is built, as far as lenient parsing can tell."""

    ORG_CODE_YEAR_SERIAL = "org_code_year_serial"
    CREDIT_CODE_MONTH_SERIAL = "credit_code_month_serial"
    CREDIT_CODE_YEAR_SERIAL = "credit_code_year_serial"
    ABBREVIATION_YEAR_SERIAL = "abbreviation_year_serial"
    OPAQUE = "opaque"


@dataclass(frozen=True, slots=True)
class IndexNumber:
    """A parsed 索引号. ``raw`` is always kept; the parts are best effort.

    Attributes:
        raw: the number as published, whitespace and dash variants tidied.
        scheme: which known layout it follows, or ``OPAQUE``.
        org_code: the publishing body's code (hyphen removed), credit code or
            pinyin abbreviation; None when opaque.
        year: the year part, when present.
        month: the month part of ``yyyymm-serial`` numbers.
        serial: the serial number, without leading zeros.
    """

    raw: str
    scheme: IndexNoScheme
    org_code: str | None = None
    year: int | None = None
    month: int | None = None
    serial: int | None = None


_INDEX_PATTERNS: tuple[tuple[IndexNoScheme, re.Pattern[str]], ...] = (
    (IndexNoScheme.ORG_CODE_YEAR_SERIAL, re.compile(rf"^(?P<org>{_ORG_CODE})/{_YEAR_SERIAL}$")),
    (
        IndexNoScheme.CREDIT_CODE_MONTH_SERIAL,
        re.compile(rf"^(?P<org>{_CREDIT_CODE})/{_MONTH_SERIAL}$"),
    ),
    (
        IndexNoScheme.CREDIT_CODE_YEAR_SERIAL,
        re.compile(rf"^(?P<org>{_CREDIT_CODE})/{_YEAR_SERIAL}$"),
    ),
    (IndexNoScheme.ABBREVIATION_YEAR_SERIAL, re.compile(rf"^(?P<org>{_PINYIN})/{_YEAR_SERIAL}$")),
)


def normalize_doc_number(text: str) -> str:
    """Normalise a 文号 so the year sits in 〔〕 and no spaces remain.

    ``余府字[2023]5号``, ``余府字【2023】5号``, ``余府字(2023)5号`` and
    ``余府字（2023）5号`` all become ``余府字〔2023〕5号``.

    Raises:
        NormalizeError: the text is empty.
    """
    compact = _ALL_SPACE.sub("", normalize_space(text)).translate(_FULLWIDTH_DIGITS)
    if not compact:
        raise NormalizeError("doc_number", text, "empty")
    return _YEAR_IN_BRACKETS.sub(r"〔\1〕", compact)


def parse_index_no(text: str) -> IndexNumber:
    """Parse an 索引号 leniently; unknown layouts are kept as opaque strings.

    Known layouts: ``000014349/2017-00110`` (organisation code),
    ``0142768-8/2022-00185`` (code with its hyphen),
    ``11341702486344515H/202110-00013`` (credit code, year and month) and
    ``sggzyjyzx/2024-00002`` (pinyin abbreviation). Anything else, such as
    ``320700-01-2008-0001``, is returned with scheme ``OPAQUE``.

    Raises:
        NormalizeError: the text is empty.
    """
    raw = _ALL_SPACE.sub("", unicodedata.normalize("NFKC", text).translate(_DASHES))
    if not raw:
        raise NormalizeError("index_no", text, "empty")
    for scheme, pattern in _INDEX_PATTERNS:
        match = pattern.match(raw)
        if match:
            parts = match.groupdict()
            org = parts["org"]
            if scheme is IndexNoScheme.ORG_CODE_YEAR_SERIAL:
                org = org.replace("-", "")
            month = parts.get("month")
            return IndexNumber(
                raw=raw,
                scheme=scheme,
                org_code=org,
                year=int(parts["year"]),
                month=int(month) if month else None,
                serial=int(parts["serial"]),
            )
    return IndexNumber(raw=raw, scheme=IndexNoScheme.OPAQUE)
