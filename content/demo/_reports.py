"""Annual reports of the demo county: the real 2008 figures and a 2025 report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from content.demo._context import Context, sealed
from content.demo._site import COLUMNS, article_path, attachment_path
from content.demo._vocab_texts import REPORT_2008, REPORT_2025
from content.enums import AnnualReportFormat, EntityType, FileType
from content.ids import stable_id
from content.models import (
    AnnualReport,
    ApplicantCounts,
    ApplicationChannels,
    ApplicationResults,
    ApplicationsTable,
    Attachment,
    DocCounts2021,
    LegacyStats2008,
    NotProcessedRows,
    OtherRows,
    Proactive2021,
    RefusedRows,
    ReportSections,
    ReviewLitigation,
    ReviewOutcome,
    RevisedStats2021,
    UnableRows,
)

if TYPE_CHECKING:
    from content.demo._agencies import AgencyInfo

#: The figures of the 2008 Dayu county report's own table (the issue's numbers).
STATS_2008 = LegacyStats2008(
    proactive_total=3946,
    proactive_via_website=3946,
    proactive_via_gazette=0,
    applications_total=11,
    # The report's table has no "other channel" row: that figure is unknown.
    applications_by_channel=ApplicationChannels(in_person=7, fax=0, email=0, online=0, letter=4),
    replies_total=11,
    replies_granted=7,
    replies_partially_granted=2,
    replies_refused=2,
    reconsiderations=0,
    lawsuits=0,
    complaints=0,
    raw_table=(
        ("指标名称", "单位", "数量"),
        ("一、主动公开政府信息数", "条", "3946"),
        ("其中：通过政府网站公开数", "条", "3946"),
        ("通过政府公报公开数", "条", "0"),
        ("二、依申请公开情况", "", ""),
        ("（一）申请总数", "件", "11"),
        ("其中：当面申请数", "件", "7"),
        ("传真申请数", "件", "0"),
        ("电子邮件申请数", "件", "0"),
        ("网上申请数", "件", "0"),
        ("信函申请数", "件", "4"),
        ("（二）对申请的答复总数", "件", "11"),
        ("其中：同意公开答复数", "件", "7"),
        ("同意部分公开答复数", "件", "2"),
        ("否决公开答复数", "件", "2"),
        ("三、行政复议数", "件", "0"),
        ("四、行政诉讼数", "件", "0"),
        ("五、行政申诉数", "件", "0"),
    ),
)


def build_annual_reports(ctx: Context, agencies: list[AgencyInfo]) -> list[AnnualReport]:
    """The county government's 2008 report (legacy format) and its 2025 report (2021 format)."""
    county = agencies[0].agency
    column = COLUMNS["gknb"]
    reports = []
    for year, published, stats, texts in (
        (2008, date(2009, 3, 31), STATS_2008, REPORT_2008),
        (ctx.as_of.year - 1, date(ctx.as_of.year, 1, 20), _stats_2021(), REPORT_2025),
    ):
        number = ctx.article_number()
        path = article_path(column, published, number)
        title = f"{county.name}{year}年政府信息公开工作年度报告"
        sections = ReportSections(
            overview=texts["overview"], problems=texts["problems"], other=texts["other"]
        )
        report = AnnualReport(
            id=stable_id(EntityType.ANNUAL_REPORT, county.name, year),
            provenance=ctx.provenance(column, path),
            organization=county.name,
            agency_id=county.id,
            year=year,
            format_version=stats.format,
            published_date=published,
            sections=sections,
            stats=stats,
            body_text=f"{sections.overview}\n{sections.problems}\n{sections.other}",
            attachments=(
                Attachment(
                    name=f"{title}.pdf",
                    url=ctx.url(attachment_path(column, published, number, 1)),
                    file_type=FileType.PDF,
                ),
            ),
        )
        reports.append(sealed(report))
    assert reports[0].format_version is AnnualReportFormat.LEGACY_2008  # noqa: S101
    return reports


def _row(**counts: int) -> ApplicantCounts:
    return ApplicantCounts(**counts, total=sum(counts.values()))


def _stats_2021() -> RevisedStats2021:
    result = ApplicationResults(
        disclosed=_row(natural_person=20, business=2, legal_service=1),
        partially_disclosed=_row(natural_person=6),
        refused=RefusedRows(
            third_party=_row(natural_person=2), process_info=_row(natural_person=1)
        ),
        unable=UnableRows(not_held=_row(natural_person=5, business=1)),
        not_processed=NotProcessedRows(repeat=_row(natural_person=2)),
        other=OtherRows(other=_row(natural_person=1)),
        total=_row(natural_person=37, business=3, legal_service=1),
    )
    return RevisedStats2021(
        proactive=Proactive2021(
            rules=DocCounts2021(),
            normative_docs=DocCounts2021(issued=6, repealed=2, in_force=41),
            licensing_decisions=5230,
            penalty_decisions=612,
            coercion_decisions=18,
            fee_amount_wan_yuan=Decimal(0),
        ),
        applications=ApplicationsTable(
            new=_row(natural_person=38, business=3, legal_service=1),
            carried_over=_row(natural_person=2),
            result=result,
            carried_forward=_row(natural_person=3),
        ),
        review_litigation=ReviewLitigation(
            reconsideration=ReviewOutcome(upheld=1, total=1),
            litigation_direct=ReviewOutcome(),
            litigation_after_reconsideration=ReviewOutcome(),
        ),
    )
