"""Section 二 of the annual report (主动公开) counted from the published catalogue.

The 2021 table counts 规章 and 行政规范性文件 issued, repealed and in force
(第二十条第(一)项). A catalogue entry is counted as

* a 规章 when its genre or category names 规章 (county governments make none,
  so a county's row is normally 0);
* a 行政规范性文件 when its genre, category or title names 规范性文件, or it
  is a numbered (文号) document of the 政策文件 category;

issued in the year it was published; repealed in the year its expiry date falls
when its validity is 废止 or 失效; in force at the year's end when published by
then and not repealed by then. The licence, penalty, compulsory-measure and fee
figures come from the office's own text file (the publisher does not hold them).

The 2008 table counts every catalogue entry published in the year as a
proactive disclosure, all of them on the website.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from content.enums import Validity
from content.models import DocCounts2021, Proactive2021

if TYPE_CHECKING:
    from collections.abc import Iterable

    from content.models import CatalogueEntry

__all__ = ["ProactiveFigures", "legacy_proactive", "proactive_2021"]

_ENDED = frozenset({Validity.REPEALED, Validity.INVALID})


@dataclass(frozen=True, slots=True)
class ProactiveFigures:
    """What the office enters itself: decisions made and fees collected in the year."""

    licensing_decisions: int = 0
    penalty_decisions: int = 0
    coercion_decisions: int = 0
    fee_amount_wan_yuan: Decimal = Decimal(0)


def proactive_2021(
    entries: Iterable[CatalogueEntry], year: int, figures: ProactiveFigures = ProactiveFigures()
) -> Proactive2021:
    """Section 二 of the 2021 format for ``year``."""
    rules: list[CatalogueEntry] = []
    normative: list[CatalogueEntry] = []
    for entry in entries:
        if _is_rule(entry):
            rules.append(entry)
        elif _is_normative(entry):
            normative.append(entry)
    return Proactive2021(
        rules=_doc_counts(rules, year),
        normative_docs=_doc_counts(normative, year),
        licensing_decisions=figures.licensing_decisions,
        penalty_decisions=figures.penalty_decisions,
        coercion_decisions=figures.coercion_decisions,
        fee_amount_wan_yuan=figures.fee_amount_wan_yuan,
    )


def legacy_proactive(entries: Iterable[CatalogueEntry], year: int) -> int:
    """The 2008 table's 主动公开政府信息数: catalogue entries published in ``year``."""
    return sum(1 for entry in entries if entry.published_date.year == year)


def _doc_counts(entries: list[CatalogueEntry], year: int) -> DocCounts2021:
    year_end = date(year, 12, 31)
    issued = sum(1 for e in entries if e.published_date.year == year)
    repealed = sum(1 for e in entries if (end := _ended_on(e)) is not None and end.year == year)
    in_force = sum(
        1
        for e in entries
        if e.published_date <= year_end and ((end := _ended_on(e)) is None or end > year_end)
    )
    return DocCounts2021(issued=issued, repealed=repealed, in_force=in_force)


def _ended_on(entry: CatalogueEntry) -> date | None:
    if entry.validity not in _ENDED:
        return None
    return entry.expiry_date or entry.published_date


def _words(entry: CatalogueEntry) -> str:
    return f"{entry.genre or ''} {entry.catalogue_category or ''}"


def _is_rule(entry: CatalogueEntry) -> bool:
    return "规章" in _words(entry)


def _is_normative(entry: CatalogueEntry) -> bool:
    if "规范性文件" in f"{_words(entry)} {entry.title}":
        return True
    return entry.catalogue_category == "政策文件" and entry.doc_number is not None
