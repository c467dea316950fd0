"""Agency and leader records (``content.models._people``)."""

from typing import Literal, NotRequired

from content.records._base import AttachmentRecord, IsoDate, LinkRecord, RecordBase

__all__ = ["AgencyRecord", "LeaderRecord"]


class AgencyRecord(RecordBase):
    """``Agency``: a government body: the county government, a department, or a town."""

    entity_type: Literal["agency"]
    name: str
    short_name: NotRequired[str]
    kind: str  # AgencyKind
    parent_id: NotRequired[str]
    org_code: NotRequired[str]
    credit_code: NotRequired[str]
    functions: str
    address: NotRequired[str]
    phone: NotRequired[str]
    office_hours: NotRequired[str]
    website: NotRequired[str]
    rank_order: int


class LeaderRecord(RecordBase):
    """``Leader``: a leader and the division of duties (领导分工)."""

    entity_type: Literal["leader"]
    organization: str
    agency_id: NotRequired[str]
    name: str
    post: str
    rank_order: int
    photo: NotRequired[AttachmentRecord]
    gender: NotRequired[Literal["男", "女"]]
    ethnicity: NotRequired[str]
    native_place: NotRequired[str]
    birth_month: NotRequired[str]  # 1975-05
    education: NotRequired[str]
    party: NotRequired[str]
    responsibilities: str
    supervised_units: list[str]
    liaison_units: list[str]
    resume: NotRequired[str]
    phone: NotRequired[str]
    speeches: list[LinkRecord]
    term_start: NotRequired[IsoDate]
    status: str  # LeaderStatus
    updated_at: IsoDate
