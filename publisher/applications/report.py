"""The annual report on disclosure work (年度报告), generated from the store.

``gongkai report annual`` fills the 2021 format (国办公开办函〔2021〕30号), or
with ``--legacy-2008`` the 2008 table, for one year and either one agency or
the whole county:

* 二 主动公开: counted from the published catalogue (``content.applications.proactive_2021``),
  plus the decision and fee figures the office enters in its text file;
* 三 依申请公开: the 7-column table from the register (its rule 一 + 二 = 三 + 四
  checked by the content model);
* 四 复议、诉讼: from the register's appeals;
* 一, 五, 六 (prose): from the office's text file (TOML, see ``ReportText``).

The result is a ``content.models.AnnualReport`` (validated like any synced
report, so kiosks show it with its charts) written as ``annual-report-Y.json``,
an HTML page ready for the county site, and a PDF with the standard tables.
No personal data is read: the register's rows carry only dates and kinds.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from content.applications import (
    ProactiveFigures,
    applications_table,
    legacy_application_stats,
    legacy_proactive,
    proactive_2021,
    review_litigation,
)
from content.enums import EntityType, Parser
from content.ids import stable_id
from content.models import (
    AnnualReport,
    CatalogueEntry,
    LegacyStats2008,
    Provenance,
    ReportSections,
    RevisedStats2021,
)
from publisher.applications.selectors import register_rows
from publisher.store.approved import approved_entities
from publisher.tomlfile import load_toml

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["LegacyFigures", "ReportText", "build_annual_report", "load_report_text"]

_Count = Annotated[int, Field(ge=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Sections(_Strict):
    overview: str = ""
    problems: str = ""
    other: str = ""


class _Proactive(_Strict):
    licensing_decisions: _Count = 0
    penalty_decisions: _Count = 0
    coercion_decisions: _Count = 0
    fee_amount_wan_yuan: Annotated[Decimal, Field(ge=0)] = Decimal(0)


class LegacyFigures(_Strict):
    """2008-table figures the store does not hold (a year before Gongkai kept the catalogue)."""

    proactive_total: _Count | None = None
    proactive_via_website: _Count | None = None
    proactive_via_gazette: _Count | None = None
    complaints: _Count | None = None


class ReportText(_Strict):
    """The office's text file for one report (``report-2026.toml``).

    ``[sections]`` holds the prose of 一 总体情况, 五 存在的主要问题及改进情况 and
    六 其他需要报告的事项; ``[proactive]`` the decisions and fees of section 二;
    ``[legacy]`` 2008-table figures that are not in the store.
    """

    organization: str | None = None
    published_date: date | None = None
    sections: _Sections = _Sections()
    proactive: _Proactive = _Proactive()
    legacy: LegacyFigures = LegacyFigures()


def load_report_text(path: Path | None) -> ReportText:
    """The office's text file, or an empty one.

    Raises:
        publisher.tomlfile.ConfigError: naming the file, key and line.
    """
    return ReportText() if path is None else load_toml(path, ReportText)


def build_annual_report(
    *,
    year: int,
    organization: str,
    public_url: str,
    text: ReportText,
    agency: str | None = None,
    legacy: bool = False,
    today: date,
) -> AnnualReport:
    """The report for ``year`` (of ``agency``, or the county when None), validated.

    Raises:
        content.errors.EntityValidationError: the counts break a table rule
            (a register inconsistent with itself; never expected).
    """
    rows = register_rows(agency=agency)
    entries = [
        entity
        for entity in approved_entities(entity_types=[EntityType.CATALOGUE_ENTRY])
        if isinstance(entity, CatalogueEntry) and (agency is None or entity.publisher == agency)
    ]
    stats: LegacyStats2008 | RevisedStats2021
    if legacy:
        counted = legacy_application_stats(rows, year)
        store_total = legacy_proactive(entries, year)
        figures = text.legacy
        total = figures.proactive_total if figures.proactive_total is not None else store_total
        stats = counted.model_copy(
            update={
                "proactive_total": total,
                "proactive_via_website": figures.proactive_via_website
                if figures.proactive_via_website is not None
                else total,
                "proactive_via_gazette": figures.proactive_via_gazette,
                "complaints": figures.complaints if figures.complaints is not None else 0,
            }
        )
        stats = LegacyStats2008.model_validate(stats.model_dump())  # re-run the table rules
    else:
        proactive = text.proactive
        stats = RevisedStats2021(
            proactive=proactive_2021(
                entries,
                year,
                ProactiveFigures(
                    licensing_decisions=proactive.licensing_decisions,
                    penalty_decisions=proactive.penalty_decisions,
                    coercion_decisions=proactive.coercion_decisions,
                    fee_amount_wan_yuan=proactive.fee_amount_wan_yuan,
                ),
            ),
            applications=applications_table(rows, year),
            review_litigation=review_litigation(rows, year),
        )
    name = text.organization or agency or organization
    sections = ReportSections(
        overview=text.sections.overview,
        problems=text.sections.problems,
        other=text.sections.other,
    )
    published = text.published_date or max(today, date(year + 1, 1, 1))
    base = public_url.rstrip("/")
    return AnnualReport(
        id=stable_id(EntityType.ANNUAL_REPORT, name, year),
        provenance=Provenance(
            source_url=f"{base}/reports/annual-report-{year}.html",
            source_site=urlsplit(base).netloc or "gongkai",
            source_column="政府信息公开工作年度报告",
            fetched_at=datetime.now(tz=UTC),
            parser=Parser.GENERATOR,
        ),
        organization=name,
        year=year,
        format_version=stats.format,
        published_date=published,
        sections=sections,
        stats=stats,
        body_text="\n".join(part for part in sections.model_dump().values() if part),
    )
