"""Typed, validated models of county disclosure content (domain.md section 2).

Every entity has a stable ``id``, a ``scope`` (``county`` or ``town-<pinyin>``)
and ``provenance``. Models are immutable pydantic v2 models; they accept the
raw formats of county pages for dates, 文号 and 索引号 and normalise them.
"""

from content.models._annual_report import (
    AnnualReport,
    ApplicantCounts,
    ApplicationChannels,
    ApplicationResults,
    ApplicationsTable,
    DocCounts2019,
    DocCounts2021,
    ItemDecisions2019,
    LegacyStats2008,
    NotProcessedRows,
    OtherRows,
    Proactive2019,
    Proactive2021,
    Procurement2019,
    RefusalReasons,
    RefusedRows,
    ReportSections,
    ReviewLitigation,
    ReviewOutcome,
    RevisedStats2021,
    TrialStats2019,
    UnableRows,
)
from content.models._base import (
    COUNTY_SCOPE,
    Attachment,
    Entity,
    Link,
    Money,
    MoneyUnit,
    Provenance,
    RuleViolation,
)
from content.models._documents import CatalogueEntry, Guide, Notice, Period
from content.models._people import Agency, Leader
from content.models._power import DutyStep, Flowchart, FlowStep, LegalBasis, PowerItem, RiskPoint
from content.models._project import ProgressUpdate, Project, Target
from content.models._registry import ANY_ENTITY, ENTITY_MODELS, JSONL_FILES, AnyEntity

__all__ = [
    "ANY_ENTITY",
    "COUNTY_SCOPE",
    "ENTITY_MODELS",
    "JSONL_FILES",
    "Agency",
    "AnnualReport",
    "AnyEntity",
    "ApplicantCounts",
    "ApplicationChannels",
    "ApplicationResults",
    "ApplicationsTable",
    "Attachment",
    "CatalogueEntry",
    "DocCounts2019",
    "DocCounts2021",
    "DutyStep",
    "Entity",
    "FlowStep",
    "Flowchart",
    "Guide",
    "ItemDecisions2019",
    "Leader",
    "LegacyStats2008",
    "LegalBasis",
    "Link",
    "Money",
    "MoneyUnit",
    "NotProcessedRows",
    "Notice",
    "OtherRows",
    "Period",
    "PowerItem",
    "Proactive2019",
    "Proactive2021",
    "Procurement2019",
    "ProgressUpdate",
    "Project",
    "Provenance",
    "RefusalReasons",
    "RefusedRows",
    "ReportSections",
    "ReviewLitigation",
    "ReviewOutcome",
    "RevisedStats2021",
    "RiskPoint",
    "RuleViolation",
    "Target",
    "TrialStats2019",
    "UnableRows",
]
