"""The JSON records a release carries, as ``TypedDict`` types: what readers may rely on.

``content.models`` validates entities; ``content.serialize.to_record`` writes
each one as JSON (``None`` fields left out, dates and decimals as text, enums
as their values, tuples as lists). These types describe exactly those records,
one per model (``LeaderRecord`` for ``Leader``, ``FlowStepRecord`` for
``FlowStep`` …), plus the index entries and loop of a release
(``content.release_build``). A model field that may be ``None`` is a
``NotRequired`` key; every other field is always there.

The kiosk reads records through these types, so mypy checks every key it reads,
and ``tests/content/test_records.py`` checks them against the models: a renamed
model field fails a test, not a kiosk. This package imports nothing but
``typing``: a reader never loads pydantic for it.

Usage::

    record = cast("LeaderRecord", reader.json(entry["object"]))
    record["name"], record.get("phone")      # mypy knows both; .get for NotRequired keys
"""

from content.records._annual_report import (
    AnnualReportRecord,
    ApplicantCountsRecord,
    ApplicationChannelsRecord,
    ApplicationResultsRecord,
    ApplicationsTableRecord,
    DocCounts2019Record,
    DocCounts2021Record,
    ItemDecisions2019Record,
    LegacyStats2008Record,
    NotProcessedRowsRecord,
    OtherRowsRecord,
    Proactive2019Record,
    Proactive2021Record,
    Procurement2019Record,
    RefusalReasonsRecord,
    RefusedRowsRecord,
    ReportSectionsRecord,
    ReviewLitigationRecord,
    ReviewOutcomeRecord,
    RevisedStats2021Record,
    StatsRecord,
    TrialStats2019Record,
    UnableRowsRecord,
)
from content.records._base import (
    AttachmentRecord,
    DecimalText,
    IsoDate,
    IsoDateTime,
    LinkRecord,
    MoneyRecord,
    ProvenanceRecord,
    RecordBase,
)
from content.records._documents import (
    CatalogueEntryRecord,
    GuideRecord,
    NoticeRecord,
    PeriodRecord,
)
from content.records._people import AgencyRecord, LeaderRecord
from content.records._power import (
    DutyStepRecord,
    FlowchartRecord,
    FlowStepRecord,
    LegalBasisRecord,
    PowerItemRecord,
    RiskPointRecord,
)
from content.records._project import ProgressUpdateRecord, ProjectRecord, TargetRecord
from content.records._release import (
    EntrySummary,
    LoopFigures,
    LoopNotice,
    LoopRecord,
)

#: Any entity's record, told apart by ``entity_type``.
EntityRecord = (
    AgencyRecord
    | LeaderRecord
    | PowerItemRecord
    | ProjectRecord
    | CatalogueEntryRecord
    | GuideRecord
    | NoticeRecord
    | AnnualReportRecord
)


__all__ = [
    "AgencyRecord",
    "AnnualReportRecord",
    "ApplicantCountsRecord",
    "ApplicationChannelsRecord",
    "ApplicationResultsRecord",
    "ApplicationsTableRecord",
    "AttachmentRecord",
    "CatalogueEntryRecord",
    "DecimalText",
    "DocCounts2019Record",
    "DocCounts2021Record",
    "DutyStepRecord",
    "EntityRecord",
    "EntrySummary",
    "FlowStepRecord",
    "FlowchartRecord",
    "GuideRecord",
    "IsoDate",
    "IsoDateTime",
    "ItemDecisions2019Record",
    "LeaderRecord",
    "LegacyStats2008Record",
    "LegalBasisRecord",
    "LinkRecord",
    "LoopFigures",
    "LoopNotice",
    "LoopRecord",
    "MoneyRecord",
    "NotProcessedRowsRecord",
    "NoticeRecord",
    "OtherRowsRecord",
    "PeriodRecord",
    "PowerItemRecord",
    "Proactive2019Record",
    "Proactive2021Record",
    "Procurement2019Record",
    "ProgressUpdateRecord",
    "ProjectRecord",
    "ProvenanceRecord",
    "RecordBase",
    "RefusalReasonsRecord",
    "RefusedRowsRecord",
    "ReportSectionsRecord",
    "ReviewLitigationRecord",
    "ReviewOutcomeRecord",
    "RevisedStats2021Record",
    "RiskPointRecord",
    "StatsRecord",
    "TargetRecord",
    "TrialStats2019Record",
    "UnableRowsRecord",
]
