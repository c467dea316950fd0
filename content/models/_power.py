"""Power and responsibility list items (权责清单) with duty steps and flowcharts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from content.enums import ChartKind, EntityType, LegalBasisLevel, PowerStatus, PowerType, RiskLevel
from content.models._base import (
    Attachment,
    Body,
    Entity,
    EntityId,
    Line,
    Model,
    RuleViolation,
    Text,
)

StepId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")]


class LegalBasis(Model):
    """One legal basis of a power (实施依据), cut at its 【法律】… marker."""

    level: LegalBasisLevel = LegalBasisLevel.OTHER
    title: Line | None = None
    article: Line | None = None
    text: Text


class DutyStep(Model):
    """One stage of the responsibility sequence (责任事项), e.g. 立案责任."""

    seq: Annotated[int, Field(ge=1)]
    stage: Line
    content: Text
    time_limit: Line | None = None


class RiskPoint(Model):
    """An integrity risk point (廉政风险点) of one stage."""

    stage: Line
    manifestation: Body
    level: RiskLevel
    control_measures: Body
    owner: Line | None = None


class FlowStep(Model):
    """A box of a power's flowchart; ``next`` lists the boxes it leads to."""

    step_id: StepId
    name: Line
    actor: Line | None = None
    description: Body = ""
    time_limit: Line | None = None
    outputs: tuple[Line, ...] = ()
    next: tuple[StepId, ...] = ()
    condition: Line | None = None


class Flowchart(Model):
    """A power's flowchart (权力运行流程图): structured steps, an image, or both."""

    chart_kind: ChartKind = ChartKind.GENERAL_PROCEDURE
    image: Attachment | None = None
    steps: tuple[FlowStep, ...] = ()

    @model_validator(mode="after")
    def _steps_are_a_graph(self) -> Flowchart:
        if self.image is None and not self.steps:
            raise RuleViolation("steps", "a flowchart needs steps or an image")
        ids = [step.step_id for step in self.steps]
        if len(set(ids)) != len(ids):
            raise RuleViolation("steps", "step ids repeat")
        known = set(ids)
        for index, step in enumerate(self.steps):
            missing = [target for target in step.next if target not in known]
            if missing:
                raise RuleViolation(f"steps.{index}.next", f"unknown step ids {missing}")
        return self


class PowerItem(Entity):
    """An item of the power and responsibility list (职权/权责事项)."""

    entity_type: Literal[EntityType.POWER_ITEM] = EntityType.POWER_ITEM
    item_code: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z-]{4,40}$")]
    name: Line
    subitem_name: Line | None = None
    power_type: PowerType
    power_type_code: Annotated[str, StringConstraints(pattern=r"^\d{1,2}$")] | None = None
    legal_basis: Annotated[tuple[LegalBasis, ...], Field(min_length=1)]
    implementing_body: Line
    agency_id: EntityId | None = None
    undertaking_unit: Line | None = None
    levels: tuple[Line, ...] = ()
    statutory_time_limit: Line | None = None
    promised_time_limit: Line | None = None
    fee: Line | None = None
    duties: tuple[DutyStep, ...] = ()
    accountability_cases: tuple[Line, ...] = ()
    accountability_basis: tuple[Line, ...] = ()
    risk_points: tuple[RiskPoint, ...] = ()
    flowchart: Flowchart | None = None
    supervision_phone: Line | None = None
    remark: Body | None = None
    status: PowerStatus = PowerStatus.IN_FORCE
    list_year: Annotated[int, Field(ge=1990, le=2100)] | None = None

    @model_validator(mode="after")
    def _duties_in_order(self) -> PowerItem:
        seqs = [duty.seq for duty in self.duties]
        if seqs != sorted(set(seqs)):
            raise RuleViolation("duties", "steps must be numbered in increasing order")
        return self
