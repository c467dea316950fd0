"""Agencies (单位, including the towns) and leaders (领导分工)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from content.enums import AgencyKind, EntityType, LeaderStatus
from content.models._base import (
    COUNTY_SCOPE,
    Attachment,
    Body,
    CnDate,
    Entity,
    EntityId,
    HttpUrl,
    Line,
    Link,
    PersonName,
    RuleViolation,
    Text,
)

_TOWN_KINDS = frozenset({AgencyKind.TOWN, AgencyKind.TOWNSHIP})


class Agency(Entity):
    """A government body: the county government, a department, or a town.

    A town or township agency's scope is its own town (``town-<pinyin>``);
    every other agency is county-wide.
    """

    entity_type: Literal[EntityType.AGENCY] = EntityType.AGENCY
    name: Line
    short_name: Line | None = None
    kind: AgencyKind
    parent_id: EntityId | None = None
    org_code: Annotated[str, StringConstraints(pattern=r"^[0-9A-Z]{8}-?[0-9X]$")] | None = None
    credit_code: Annotated[str, StringConstraints(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$")] | None = (
        None
    )
    functions: Body = ""
    address: Line | None = None
    phone: Line | None = None
    office_hours: Line | None = None
    website: HttpUrl | None = None
    rank_order: Annotated[int, Field(ge=0)] = 0

    @model_validator(mode="after")
    def _town_scope(self) -> Agency:
        is_town = self.kind in _TOWN_KINDS
        if is_town and self.scope == COUNTY_SCOPE:
            raise RuleViolation("scope", f"a {self.kind} must be scoped to its town")
        if not is_town and self.scope != COUNTY_SCOPE:
            raise RuleViolation("scope", f"a {self.kind} is county-wide")
        return self


class Leader(Entity):
    """A leader and the division of duties (领导分工)."""

    entity_type: Literal[EntityType.LEADER] = EntityType.LEADER
    organization: Line
    agency_id: EntityId | None = None
    name: PersonName
    post: Line
    rank_order: Annotated[int, Field(ge=0)]
    photo: Attachment | None = None
    gender: Literal["男", "女"] | None = None
    ethnicity: Line | None = None
    native_place: Line | None = None
    birth_month: (
        Annotated[str, StringConstraints(pattern=r"^(19|20)\d{2}-(0[1-9]|1[0-2])$")] | None
    ) = None
    education: Line | None = None
    party: Line | None = None
    responsibilities: Text
    supervised_units: tuple[Line, ...] = ()
    liaison_units: tuple[Line, ...] = ()
    resume: Body | None = None
    phone: Line | None = None
    speeches: tuple[Link, ...] = ()
    term_start: CnDate | None = None
    status: LeaderStatus = LeaderStatus.CURRENT
    updated_at: CnDate
