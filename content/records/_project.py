"""Project records with their targets and progress (``content.models._project``)."""

from typing import Literal, NotRequired, TypedDict

from content.records._base import (
    AttachmentRecord,
    DecimalText,
    IsoDate,
    LinkRecord,
    MoneyRecord,
    RecordBase,
)

__all__ = ["ProgressUpdateRecord", "ProjectRecord", "TargetRecord"]


class TargetRecord(TypedDict):
    """``Target``: a quantified target, e.g. 新增城镇就业 1300 人."""

    indicator: str
    unit: str
    target_value: DecimalText
    actual_value: NotRequired[DecimalText]
    completion_pct: NotRequired[DecimalText]


class ProgressUpdateRecord(TypedDict):
    """``ProgressUpdate``: one progress report (进展情况)."""

    period: str
    as_of_date: IsoDate
    content: str
    completion_pct: NotRequired[DecimalText]
    investment_completed: NotRequired[MoneyRecord]
    status: NotRequired[str]  # ProjectStatus
    source_document: NotRequired[LinkRecord]
    attachments: list[AttachmentRecord]


class ProjectRecord(RecordBase):
    """``Project``: a key project, practical matter or other tracked undertaking."""

    entity_type: Literal["project"]
    year: int
    category: str  # ProjectCategory
    seq_no: NotRequired[str]
    name: str
    target_description: str
    targets: list[TargetRecord]
    total_investment: NotRequired[MoneyRecord]
    annual_planned_investment: NotRequired[MoneyRecord]
    lead_unit: str
    responsible_units: list[str]
    responsible_leader: NotRequired[str]
    responsible_leader_id: NotRequired[str]
    responsible_person: NotRequired[str]
    location: NotRequired[str]
    start_date: NotRequired[IsoDate]
    deadline: NotRequired[IsoDate]
    deadline_text: NotRequired[str]
    status: str  # ProjectStatus
    progress_pct: NotRequired[DecimalText]
    updates: list[ProgressUpdateRecord]
