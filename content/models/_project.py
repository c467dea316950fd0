"""Key projects and practical matters (重点项目 / 民生实事) with their progress."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from content.enums import EntityType, ProjectCategory, ProjectStatus
from content.models._base import (
    Attachment,
    CnDate,
    Entity,
    EntityId,
    Line,
    Link,
    Model,
    Money,
    Percent,
    RuleViolation,
    Text,
)

if TYPE_CHECKING:
    from datetime import date

_Quantity = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=4)]


class Target(Model):
    """A quantified target of a project, e.g. 新增城镇就业 1300 人."""

    indicator: Line
    unit: Line
    target_value: _Quantity
    actual_value: _Quantity | None = None
    completion_pct: Annotated[Decimal, Field(ge=0, le=1000, decimal_places=2)] | None = None


class ProgressUpdate(Model):
    """One progress report (进展情况), typically monthly."""

    period: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    as_of_date: CnDate
    content: Text
    completion_pct: Percent | None = None
    investment_completed: Money | None = None
    status: ProjectStatus | None = None
    source_document: Link | None = None
    attachments: tuple[Attachment, ...] = ()


class Project(Entity):
    """A key project, practical matter or other tracked undertaking."""

    entity_type: Literal[EntityType.PROJECT] = EntityType.PROJECT
    year: Annotated[int, Field(ge=1990, le=2100)]
    category: ProjectCategory
    seq_no: Annotated[str, StringConstraints(pattern=r"^\d+(-\d+)*$")] | None = None
    name: Line
    target_description: Text
    targets: tuple[Target, ...] = ()
    total_investment: Money | None = None
    annual_planned_investment: Money | None = None
    lead_unit: Line
    responsible_units: tuple[Line, ...] = ()
    responsible_leader: Line | None = None
    responsible_leader_id: EntityId | None = None
    responsible_person: Line | None = None
    location: Line | None = None
    start_date: CnDate | None = None
    deadline: CnDate | None = None
    deadline_text: Line | None = None
    status: ProjectStatus
    progress_pct: Percent | None = None
    updates: tuple[ProgressUpdate, ...] = ()

    @model_validator(mode="after")
    def _timeline(self) -> Project:
        dates: list[date] = [update.as_of_date for update in self.updates]
        if dates != sorted(dates):
            raise RuleViolation("updates", "progress updates must be in date order")
        periods = [update.period for update in self.updates]
        if len(set(periods)) != len(periods):
            raise RuleViolation("updates", "a period is reported twice")
        if self.start_date and self.deadline and self.deadline < self.start_date:
            raise RuleViolation("deadline", "is before start_date")
        return self
