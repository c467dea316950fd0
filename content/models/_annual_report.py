"""Annual reports on disclosure work (政府信息公开工作年度报告) and their statistics.

Three statistics formats exist (domain.md 1.4): the free-form 2008-2018 tables
(``LegacyStats2008``), the 2019 trial tables and the 2021 revised tables. Each
carries the arithmetic rules printed in its table, checked on validation.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from content.enums import AnnualReportFormat, EntityType
from content.models._base import (
    Attachment,
    Body,
    CnDate,
    Count,
    Entity,
    EntityId,
    Line,
    Model,
    RuleViolation,
)

_Amount = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4)]


def _sum_rule(model: Model, total_field: str, parts: dict[str, int | None], where: str) -> None:
    """Check ``total == sum(parts)``; with parts missing, check they do not exceed it."""
    total = getattr(model, total_field)
    if total is None:
        return
    found = sum(value for value in parts.values() if value is not None)
    complete = all(value is not None for value in parts.values())
    if found > total or (complete and found != total):
        raise RuleViolation(total_field, f"is {total} but {where} add up to {found}")


# --- 2008-2018 legacy statistics -------------------------------------------------


class ApplicationChannels(Model):
    """How disclosure applications arrived (申请方式)."""

    in_person: Count | None = None
    fax: Count | None = None
    email: Count | None = None
    online: Count | None = None
    letter: Count | None = None
    other: Count | None = None


class RefusalReasons(Model):
    """Why applications were refused (不予公开的理由), 2008 Regulations."""

    not_gov_info: Count | None = None
    not_exist: Count | None = None
    not_held: Count | None = None
    unclear: Count | None = None
    exempt_1: Count | None = None
    exempt_2: Count | None = None
    exempt_3: Count | None = None
    exempt_4: Count | None = None
    exempt_5: Count | None = None
    exempt_6: Count | None = None
    exempt_7: Count | None = None
    other: Count | None = None


class LegacyStats2008(Model):
    """The statistics of a 2008-2018 report; any figure may be missing (None)."""

    format: Literal[AnnualReportFormat.LEGACY_2008] = AnnualReportFormat.LEGACY_2008
    proactive_total: Count | None = None
    proactive_fulltext_electronic: Count | None = None
    proactive_via_website: Count | None = None
    proactive_via_gazette: Count | None = None
    new_normative_docs: Count | None = None
    onsite_visitors: Count | None = None
    online_enquiries: Count | None = None
    phone_enquiries: Count | None = None
    web_column_visits: Count | None = None
    applications_total: Count | None = None
    applications_by_channel: ApplicationChannels = ApplicationChannels()
    replies_total: Count | None = None
    replies_granted: Count | None = None
    replies_partially_granted: Count | None = None
    replies_refused: Count | None = None
    refusal_reasons: RefusalReasons = RefusalReasons()
    fees_collected_yuan: _Amount | None = None
    fees_waived_yuan: _Amount | None = None
    reconsiderations: Count | None = None
    lawsuits: Count | None = None
    complaints: Count | None = None
    staff_fulltime: Count | None = None
    staff_parttime: Count | None = None
    budget_yuan: _Amount | None = None
    raw_table: tuple[tuple[str, ...], ...] = ()

    @model_validator(mode="after")
    def _table_rules(self) -> LegacyStats2008:
        channels = self.applications_by_channel.model_dump()
        _sum_rule(self, "applications_total", channels, "the channels")
        replies = {
            "granted": self.replies_granted,
            "partially_granted": self.replies_partially_granted,
            "refused": self.replies_refused,
        }
        _sum_rule(self, "replies_total", replies, "granted, partly granted and refused")
        for part in (
            "proactive_via_website",
            "proactive_via_gazette",
            "proactive_fulltext_electronic",
        ):
            value = getattr(self, part)
            if (
                value is not None
                and self.proactive_total is not None
                and value > self.proactive_total
            ):
                raise RuleViolation(part, f"{value} exceeds proactive_total {self.proactive_total}")
        return self


# --- 2019 and 2021 tables ----------------------------------------------------------


class ApplicantCounts(Model):
    """One row of the applications table: the 6 applicant types and the total."""

    natural_person: Count = 0
    business: Count = 0
    research: Count = 0
    public_interest_org: Count = 0
    legal_service: Count = 0
    other_org: Count = 0
    total: Count = 0

    @model_validator(mode="after")
    def _row_total(self) -> ApplicantCounts:
        parts = self.model_dump(exclude={"total"})
        _sum_rule(self, "total", parts, "the six applicant columns")
        return self


#: The seven columns of the 2019/2021 applications table, in printed order.
APPLICANT_COLUMNS = (
    "natural_person",
    "business",
    "research",
    "public_interest_org",
    "legal_service",
    "other_org",
    "total",
)


def _add(rows: list[ApplicantCounts]) -> dict[str, int]:
    return {column: sum(getattr(row, column) for row in rows) for column in APPLICANT_COLUMNS}


class RefusedRows(Model):
    """(三)不予公开, eight reasons."""

    state_secret: ApplicantCounts = ApplicantCounts()
    other_law: ApplicantCounts = ApplicantCounts()
    three_security_one_stability: ApplicantCounts = ApplicantCounts()
    third_party: ApplicantCounts = ApplicantCounts()
    internal_affairs: ApplicantCounts = ApplicantCounts()
    process_info: ApplicantCounts = ApplicantCounts()
    enforcement_file: ApplicantCounts = ApplicantCounts()
    admin_query: ApplicantCounts = ApplicantCounts()


class UnableRows(Model):
    """(四)无法提供, three reasons."""

    not_held: ApplicantCounts = ApplicantCounts()
    needs_creation: ApplicantCounts = ApplicantCounts()
    unclear_after_correction: ApplicantCounts = ApplicantCounts()


class NotProcessedRows(Model):
    """(五)不予处理, five reasons."""

    petition: ApplicantCounts = ApplicantCounts()
    repeat: ApplicantCounts = ApplicantCounts()
    publication: ApplicantCounts = ApplicantCounts()
    excessive: ApplicantCounts = ApplicantCounts()
    confirm_or_reissue: ApplicantCounts = ApplicantCounts()


class OtherRows(Model):
    """(六)其他处理, three reasons."""

    no_correction: ApplicantCounts = ApplicantCounts()
    fee_unpaid: ApplicantCounts = ApplicantCounts()
    other: ApplicantCounts = ApplicantCounts()


class ApplicationResults(Model):
    """三、本年度办理结果: every outcome row and their total."""

    disclosed: ApplicantCounts = ApplicantCounts()
    partially_disclosed: ApplicantCounts = ApplicantCounts()
    refused: RefusedRows = RefusedRows()
    unable: UnableRows = UnableRows()
    not_processed: NotProcessedRows = NotProcessedRows()
    other: OtherRows = OtherRows()
    total: ApplicantCounts = ApplicantCounts()

    def outcome_rows(self) -> list[ApplicantCounts]:
        """Every leaf outcome row (everything the total must add up)."""
        rows = [self.disclosed, self.partially_disclosed]
        for group in (self.refused, self.unable, self.not_processed, self.other):
            rows.extend(getattr(group, name) for name in type(group).model_fields)
        return rows

    @model_validator(mode="after")
    def _total_is_sum(self) -> ApplicationResults:
        sums = _add(self.outcome_rows())
        for column in APPLICANT_COLUMNS:
            if getattr(self.total, column) != sums[column]:
                raise RuleViolation(
                    f"total.{column}",
                    f"is {getattr(self.total, column)} but the outcomes add up to {sums[column]}",
                )
        return self


class ApplicationsTable(Model):
    """收到和处理政府信息公开申请情况 (7 columns per row)."""

    new: ApplicantCounts = ApplicantCounts()
    carried_over: ApplicantCounts = ApplicantCounts()
    result: ApplicationResults = ApplicationResults()
    carried_forward: ApplicantCounts = ApplicantCounts()

    @model_validator(mode="after")
    def _balance(self) -> ApplicationsTable:
        # The check printed in the table: 一 + 二 = 三(七)总计 + 四, per column.
        for column in APPLICANT_COLUMNS:
            received = getattr(self.new, column) + getattr(self.carried_over, column)
            handled = getattr(self.result.total, column) + getattr(self.carried_forward, column)
            if received != handled:
                raise RuleViolation(
                    f"result.total.{column}",
                    f"new + carried_over = {received} "
                    f"but result.total + carried_forward = {handled}",
                )
        return self


class ReviewOutcome(Model):
    """Results of reconsideration or litigation: upheld, corrected, other, pending."""

    upheld: Count = 0
    corrected: Count = 0
    other: Count = 0
    pending: Count = 0
    total: Count = 0

    @model_validator(mode="after")
    def _total(self) -> ReviewOutcome:
        _sum_rule(self, "total", self.model_dump(exclude={"total"}), "the outcomes")
        return self


class ReviewLitigation(Model):
    """四、行政复议、行政诉讼情况 (15 numbers)."""

    reconsideration: ReviewOutcome = ReviewOutcome()
    litigation_direct: ReviewOutcome = ReviewOutcome()
    litigation_after_reconsideration: ReviewOutcome = ReviewOutcome()


class DocCounts2021(Model):
    """规章 / 行政规范性文件: issued, repealed and in force this year."""

    issued: Count = 0
    repealed: Count = 0
    in_force: Count = 0


class Proactive2021(Model):
    """二、主动公开政府信息情况 in the 2021 format."""

    rules: DocCounts2021 = DocCounts2021()
    normative_docs: DocCounts2021 = DocCounts2021()
    licensing_decisions: Count = 0
    penalty_decisions: Count = 0
    coercion_decisions: Count = 0
    fee_amount_wan_yuan: _Amount = Decimal(0)


class RevisedStats2021(Model):
    """The statistics of a report in the 2021 revised format."""

    format: Literal[AnnualReportFormat.REVISED_2021] = AnnualReportFormat.REVISED_2021
    proactive: Proactive2021 = Proactive2021()
    applications: ApplicationsTable = ApplicationsTable()
    review_litigation: ReviewLitigation = ReviewLitigation()


class DocCounts2019(Model):
    """规章 / 规范性文件 in the 2019 trial format."""

    new_made: Count = 0
    new_disclosed: Count = 0
    total_disclosed: Count = 0


class ItemDecisions2019(Model):
    """行政许可 … rows in the 2019 trial format."""

    prev_year_count: Count = 0
    change: int = 0
    decisions: Count = 0


class Procurement2019(Model):
    """政府集中采购: items and total amount (万元)."""

    items: Count = 0
    amount_wan_yuan: _Amount = Decimal(0)


class Proactive2019(Model):
    """二、主动公开政府信息情况 in the 2019 trial format."""

    rules: DocCounts2019 = DocCounts2019()
    normative_docs: DocCounts2019 = DocCounts2019()
    licensing: ItemDecisions2019 = ItemDecisions2019()
    other_services: ItemDecisions2019 = ItemDecisions2019()
    penalty: ItemDecisions2019 = ItemDecisions2019()
    coercion: ItemDecisions2019 = ItemDecisions2019()
    fees: ItemDecisions2019 = ItemDecisions2019()
    procurement: Procurement2019 = Procurement2019()


class TrialStats2019(Model):
    """The statistics of a report in the 2019 trial format.

    The applications table reuses the 2021 rows; a 2019 report's single
    其他处理 row goes into ``result.other.other``.
    """

    format: Literal[AnnualReportFormat.TRIAL_2019] = AnnualReportFormat.TRIAL_2019
    proactive: Proactive2019 = Proactive2019()
    applications: ApplicationsTable = ApplicationsTable()
    review_litigation: ReviewLitigation = ReviewLitigation()


class ReportSections(Model):
    """The narrative sections of a report."""

    overview: Body = ""
    problems: Body = ""
    other: Body = ""


AnyStats = Annotated[
    LegacyStats2008 | TrialStats2019 | RevisedStats2021, Field(discriminator="format")
]


class AnnualReport(Entity):
    """An annual report on government information disclosure work."""

    entity_type: Literal[EntityType.ANNUAL_REPORT] = EntityType.ANNUAL_REPORT
    organization: Line
    agency_id: EntityId | None = None
    year: Annotated[int, Field(ge=2007, le=2100)]
    format_version: AnnualReportFormat
    published_date: CnDate
    sections: ReportSections = ReportSections()
    stats: AnyStats
    body_text: Body = ""
    attachments: tuple[Attachment, ...] = ()

    @model_validator(mode="after")
    def _format_agrees(self) -> AnnualReport:
        if self.stats.format != self.format_version:
            raise RuleViolation(
                "stats.format",
                f"is {self.stats.format} but format_version is {self.format_version}",
            )
        if self.published_date.year <= self.year:
            raise RuleViolation("published_date", f"is before the end of report year {self.year}")
        return self
