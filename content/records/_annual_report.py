"""Annual report records and their three statistics formats (``content.models._annual_report``).

A legacy (2008-2018) figure may be missing, so its key may be absent; every
figure of the 2019 and 2021 tables is always there (zero when nothing happened).
"""

from typing import Literal, NotRequired, TypedDict

from content.records._base import AttachmentRecord, DecimalText, IsoDate, RecordBase

__all__ = [
    "AnnualReportRecord",
    "ApplicantCountsRecord",
    "ApplicationChannelsRecord",
    "ApplicationResultsRecord",
    "ApplicationsTableRecord",
    "DocCounts2019Record",
    "DocCounts2021Record",
    "ItemDecisions2019Record",
    "LegacyStats2008Record",
    "NotProcessedRowsRecord",
    "OtherRowsRecord",
    "Proactive2019Record",
    "Proactive2021Record",
    "Procurement2019Record",
    "RefusalReasonsRecord",
    "RefusedRowsRecord",
    "ReportSectionsRecord",
    "ReviewLitigationRecord",
    "ReviewOutcomeRecord",
    "RevisedStats2021Record",
    "StatsRecord",
    "TrialStats2019Record",
    "UnableRowsRecord",
]

# --- 2008-2018 legacy statistics -------------------------------------------------


class ApplicationChannelsRecord(TypedDict):
    """``ApplicationChannels``: how disclosure applications arrived (申请方式)."""

    in_person: NotRequired[int]
    fax: NotRequired[int]
    email: NotRequired[int]
    online: NotRequired[int]
    letter: NotRequired[int]
    other: NotRequired[int]


class RefusalReasonsRecord(TypedDict):
    """``RefusalReasons``: why applications were refused, 2008 Regulations."""

    not_gov_info: NotRequired[int]
    not_exist: NotRequired[int]
    not_held: NotRequired[int]
    unclear: NotRequired[int]
    exempt_1: NotRequired[int]
    exempt_2: NotRequired[int]
    exempt_3: NotRequired[int]
    exempt_4: NotRequired[int]
    exempt_5: NotRequired[int]
    exempt_6: NotRequired[int]
    exempt_7: NotRequired[int]
    other: NotRequired[int]


class LegacyStats2008Record(TypedDict):
    """``LegacyStats2008``: the statistics of a 2008-2018 report."""

    format: Literal["legacy_2008"]
    proactive_total: NotRequired[int]
    proactive_fulltext_electronic: NotRequired[int]
    proactive_via_website: NotRequired[int]
    proactive_via_gazette: NotRequired[int]
    new_normative_docs: NotRequired[int]
    onsite_visitors: NotRequired[int]
    online_enquiries: NotRequired[int]
    phone_enquiries: NotRequired[int]
    web_column_visits: NotRequired[int]
    applications_total: NotRequired[int]
    applications_by_channel: ApplicationChannelsRecord
    replies_total: NotRequired[int]
    replies_granted: NotRequired[int]
    replies_partially_granted: NotRequired[int]
    replies_refused: NotRequired[int]
    refusal_reasons: RefusalReasonsRecord
    fees_collected_yuan: NotRequired[DecimalText]
    fees_waived_yuan: NotRequired[DecimalText]
    reconsiderations: NotRequired[int]
    lawsuits: NotRequired[int]
    complaints: NotRequired[int]
    staff_fulltime: NotRequired[int]
    staff_parttime: NotRequired[int]
    budget_yuan: NotRequired[DecimalText]
    raw_table: list[list[str]]


# --- 2019 and 2021 tables ----------------------------------------------------------


class ApplicantCountsRecord(TypedDict):
    """``ApplicantCounts``: one row of the applications table (6 applicant types, total)."""

    natural_person: int
    business: int
    research: int
    public_interest_org: int
    legal_service: int
    other_org: int
    total: int


class RefusedRowsRecord(TypedDict):
    """``RefusedRows``: (三)不予公开, eight reasons."""

    state_secret: ApplicantCountsRecord
    other_law: ApplicantCountsRecord
    three_security_one_stability: ApplicantCountsRecord
    third_party: ApplicantCountsRecord
    internal_affairs: ApplicantCountsRecord
    process_info: ApplicantCountsRecord
    enforcement_file: ApplicantCountsRecord
    admin_query: ApplicantCountsRecord


class UnableRowsRecord(TypedDict):
    """``UnableRows``: (四)无法提供, three reasons."""

    not_held: ApplicantCountsRecord
    needs_creation: ApplicantCountsRecord
    unclear_after_correction: ApplicantCountsRecord


class NotProcessedRowsRecord(TypedDict):
    """``NotProcessedRows``: (五)不予处理, five reasons."""

    petition: ApplicantCountsRecord
    repeat: ApplicantCountsRecord
    publication: ApplicantCountsRecord
    excessive: ApplicantCountsRecord
    confirm_or_reissue: ApplicantCountsRecord


class OtherRowsRecord(TypedDict):
    """``OtherRows``: (六)其他处理, three reasons."""

    no_correction: ApplicantCountsRecord
    fee_unpaid: ApplicantCountsRecord
    other: ApplicantCountsRecord


class ApplicationResultsRecord(TypedDict):
    """``ApplicationResults``: 三、本年度办理结果, every outcome row and their total."""

    disclosed: ApplicantCountsRecord
    partially_disclosed: ApplicantCountsRecord
    refused: RefusedRowsRecord
    unable: UnableRowsRecord
    not_processed: NotProcessedRowsRecord
    other: OtherRowsRecord
    total: ApplicantCountsRecord


class ApplicationsTableRecord(TypedDict):
    """``ApplicationsTable``: 收到和处理政府信息公开申请情况."""

    new: ApplicantCountsRecord
    carried_over: ApplicantCountsRecord
    result: ApplicationResultsRecord
    carried_forward: ApplicantCountsRecord


class ReviewOutcomeRecord(TypedDict):
    """``ReviewOutcome``: upheld, corrected, other, pending and their total."""

    upheld: int
    corrected: int
    other: int
    pending: int
    total: int


class ReviewLitigationRecord(TypedDict):
    """``ReviewLitigation``: 四、行政复议、行政诉讼情况."""

    reconsideration: ReviewOutcomeRecord
    litigation_direct: ReviewOutcomeRecord
    litigation_after_reconsideration: ReviewOutcomeRecord


class DocCounts2021Record(TypedDict):
    """``DocCounts2021``: issued, repealed and in force this year."""

    issued: int
    repealed: int
    in_force: int


class Proactive2021Record(TypedDict):
    """``Proactive2021``: 二、主动公开政府信息情况 in the 2021 format."""

    rules: DocCounts2021Record
    normative_docs: DocCounts2021Record
    licensing_decisions: int
    penalty_decisions: int
    coercion_decisions: int
    fee_amount_wan_yuan: DecimalText


class RevisedStats2021Record(TypedDict):
    """``RevisedStats2021``: the statistics of a report in the 2021 revised format."""

    format: Literal["revised_2021"]
    proactive: Proactive2021Record
    applications: ApplicationsTableRecord
    review_litigation: ReviewLitigationRecord


class DocCounts2019Record(TypedDict):
    """``DocCounts2019``: 规章 / 规范性文件 in the 2019 trial format."""

    new_made: int
    new_disclosed: int
    total_disclosed: int


class ItemDecisions2019Record(TypedDict):
    """``ItemDecisions2019``: 行政许可 … rows in the 2019 trial format."""

    prev_year_count: int
    change: int
    decisions: int


class Procurement2019Record(TypedDict):
    """``Procurement2019``: 政府集中采购, items and total amount (万元)."""

    items: int
    amount_wan_yuan: DecimalText


class Proactive2019Record(TypedDict):
    """``Proactive2019``: 二、主动公开政府信息情况 in the 2019 trial format."""

    rules: DocCounts2019Record
    normative_docs: DocCounts2019Record
    licensing: ItemDecisions2019Record
    other_services: ItemDecisions2019Record
    penalty: ItemDecisions2019Record
    coercion: ItemDecisions2019Record
    fees: ItemDecisions2019Record
    procurement: Procurement2019Record


class TrialStats2019Record(TypedDict):
    """``TrialStats2019``: the statistics of a report in the 2019 trial format."""

    format: Literal["trial_2019"]
    proactive: Proactive2019Record
    applications: ApplicationsTableRecord
    review_litigation: ReviewLitigationRecord


#: A report's statistics, told apart by ``format``.
StatsRecord = LegacyStats2008Record | TrialStats2019Record | RevisedStats2021Record


class ReportSectionsRecord(TypedDict):
    """``ReportSections``: the narrative sections of a report."""

    overview: str
    problems: str
    other: str


class AnnualReportRecord(RecordBase):
    """``AnnualReport``: an annual report on government information disclosure work."""

    entity_type: Literal["annual_report"]
    organization: str
    agency_id: NotRequired[str]
    year: int
    format_version: str  # AnnualReportFormat
    published_date: IsoDate
    sections: ReportSectionsRecord
    stats: StatsRecord
    body_text: str
    attachments: list[AttachmentRecord]
