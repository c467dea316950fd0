"""Power item records with their duty steps and flowcharts (``content.models._power``)."""

from typing import Literal, NotRequired, TypedDict

from content.records._base import AttachmentRecord, RecordBase

__all__ = [
    "DutyStepRecord",
    "FlowStepRecord",
    "FlowchartRecord",
    "LegalBasisRecord",
    "PowerItemRecord",
    "RiskPointRecord",
]


class LegalBasisRecord(TypedDict):
    """``LegalBasis``: one legal basis of a power (实施依据)."""

    level: str  # LegalBasisLevel
    title: NotRequired[str]
    article: NotRequired[str]
    text: str


class DutyStepRecord(TypedDict):
    """``DutyStep``: one stage of the responsibility sequence (责任事项)."""

    seq: int
    stage: str
    content: str
    time_limit: NotRequired[str]


class RiskPointRecord(TypedDict):
    """``RiskPoint``: an integrity risk point (廉政风险点) of one stage."""

    stage: str
    manifestation: str
    level: str  # RiskLevel
    control_measures: str
    owner: NotRequired[str]


class FlowStepRecord(TypedDict):
    """``FlowStep``: a box of a power's flowchart; ``next`` lists the boxes it leads to."""

    step_id: str
    name: str
    actor: NotRequired[str]
    description: str
    time_limit: NotRequired[str]
    outputs: list[str]
    next: list[str]
    condition: NotRequired[str]


class FlowchartRecord(TypedDict):
    """``Flowchart``: structured steps, an image, or both."""

    chart_kind: str  # ChartKind
    image: NotRequired[AttachmentRecord]
    steps: list[FlowStepRecord]


class PowerItemRecord(RecordBase):
    """``PowerItem``: an item of the power and responsibility list (权责事项)."""

    entity_type: Literal["power_item"]
    item_code: str
    name: str
    subitem_name: NotRequired[str]
    power_type: str  # PowerType
    power_type_code: NotRequired[str]
    legal_basis: list[LegalBasisRecord]
    implementing_body: str
    agency_id: NotRequired[str]
    undertaking_unit: NotRequired[str]
    levels: list[str]
    statutory_time_limit: NotRequired[str]
    promised_time_limit: NotRequired[str]
    fee: NotRequired[str]
    duties: list[DutyStepRecord]
    accountability_cases: list[str]
    accountability_basis: list[str]
    risk_points: list[RiskPointRecord]
    flowchart: NotRequired[FlowchartRecord]
    supervision_phone: NotRequired[str]
    remark: NotRequired[str]
    status: str  # PowerStatus
    list_year: NotRequired[int]
