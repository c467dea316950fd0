"""One page type per entity type: the fields county pages give it, and how they become data.

Each class declares the fields and tables a profile may name for its type
(``publisher.sources.page_fields``) and builds the entity's data from them,
knowing how county pages write that type (``02（行政处罚）``, ``1975年05月``,
``12000万元``, ``全县``, ``2026年1月5日至…``); the model then validates it.
Agencies, leaders, power items and projects are here; the published documents
are in ``publisher.sources.document_pages``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from content.enums import (
    AgencyKind,
    ChartKind,
    EntityType,
    PowerStatus,
    ProjectCategory,
    RiskLevel,
)
from content.ids import stable_id
from content.normalize import (
    normalize_name,
    parse_deadline,
    parse_power_type,
    parse_project_status,
    split_duty_units,
    split_legal_basis,
)
from publisher.sources.document_pages import DOCUMENT_PAGES
from publisher.sources.page_fields import (
    Choice,
    Column,
    Listed,
    Money,
    Need,
    Number,
    Page,
    Table,
    Text,
    Whole,
    agency_id,
    attachment,
    by_label,
    decimal,
    wan_yuan,
)

if TYPE_CHECKING:
    from content.enums import PowerType
    from publisher.sources.page_fields import AssemblyContext

__all__ = ["PAGES"]

_YEAR_MONTH = re.compile(r"(\d{4})\D+(\d{1,2})")
_POWER_TYPE_CODED = re.compile(r"^(\d{1,2})\s*[（(](.+?)[)）]$")


class _AgencyPage(Page):
    entity_type = EntityType.AGENCY
    name = Need()
    short_name = Text()
    kind = Choice(AgencyKind)
    org_code = Text()
    credit_code = Text()
    address = Text()
    phone = Text()
    office_hours = Text()
    parent = Text()
    website = Text()
    rank = Whole()
    functions = Text()

    def build(self, ctx: AssemblyContext) -> dict[str, Any]:
        name = self.name
        kind = self.kind
        town = kind in {AgencyKind.TOWN, AgencyKind.TOWNSHIP}
        return {
            "id": stable_id(EntityType.AGENCY, name),
            "scope": ctx.scopes.scope_of(name) if town else "county",
            "name": name,
            "short_name": self.short_name,
            "kind": kind,
            "parent_id": agency_id(self.parent),
            "org_code": self.org_code,
            "credit_code": self.credit_code,
            "functions": self.functions or "",
            "address": self.address,
            "phone": self.phone,
            "office_hours": self.office_hours,
            "website": self.website,
            "rank_order": self.rank or 0,
        }


class _LeaderPage(Page):
    entity_type = EntityType.LEADER
    organization = Need()
    name = Need()
    post = Need()
    rank = Whole()
    gender = Text()
    ethnicity = Text()
    native_place = Text()
    birth_month = Text()
    education = Text()
    party = Text()
    responsibilities = Need()
    resume = Text()
    phone = Text()
    term_start = Text()
    updated_at = Text()

    def build(self, ctx: AssemblyContext) -> dict[str, Any]:
        organization = self.organization
        name = normalize_name(self.name)
        duties = self.responsibilities
        supervised, liaison = split_duty_units(duties)
        birth = self.birth_month
        month = _YEAR_MONTH.search(birth) if birth else None
        rank = self.rank
        photo = self.record.images[0] if self.record.images else None
        return {
            "id": stable_id(EntityType.LEADER, organization, name),
            "scope": ctx.scopes.scope_of(organization),
            "organization": organization,
            "agency_id": agency_id(organization),
            "name": name,
            "post": self.post,
            "rank_order": (rank - 1) if rank else 0,
            "photo": attachment(photo[0], photo[1], from_alt=True) if photo else None,
            "gender": self.gender,
            "ethnicity": self.ethnicity,
            "native_place": self.native_place,
            "birth_month": f"{month.group(1)}-{int(month.group(2)):02d}" if month else None,
            "education": self.education,
            "party": self.party,
            "responsibilities": duties,
            "supervised_units": supervised,
            "liaison_units": liaison,
            "resume": self.resume,
            "phone": self.phone,
            "term_start": self.term_start,
            "updated_at": self.updated_at or ctx.fetched_at.date(),
        }


class _PowerItemPage(Page):
    entity_type = EntityType.POWER_ITEM
    item_code = Need()
    name = Need()
    power_type = Need()
    power_type_code = Text()
    implementing_body = Need()
    undertaking_unit = Text()
    levels = Listed()
    statutory_time_limit = Text()
    promised_time_limit = Text()
    fee = Text()
    supervision_phone = Text()
    status = Choice(PowerStatus, default="实施中")
    list_year = Whole()
    legal_basis = Need()
    chart_kind = Text()
    duties = Table()
    accountability_cases = Column()
    accountability_basis = Column()
    risk_points = Table()
    flow_steps = Table()

    def build(self, ctx: AssemblyContext) -> dict[str, Any]:
        code = self.item_code
        body = self.implementing_body
        power_type, type_code = self._power_type()
        flowchart = self._flowchart()
        return {
            "id": stable_id(EntityType.POWER_ITEM, code),
            "scope": ctx.scopes.scope_of(body),
            "item_code": code,
            "name": self.name,
            "power_type": power_type,
            "power_type_code": type_code,
            "legal_basis": [
                {"level": p.level, "title": p.title, "article": p.article, "text": p.text}
                for p in split_legal_basis(self.legal_basis)
            ],
            "implementing_body": body,
            "agency_id": agency_id(body),
            "undertaking_unit": self.undertaking_unit,
            "levels": self.levels,
            "statutory_time_limit": self.statutory_time_limit,
            "promised_time_limit": self.promised_time_limit,
            "fee": self.fee,
            "duties": [
                {
                    "seq": _seq(row.get("seq", ""), index),
                    "stage": row.get("stage", ""),
                    "content": row.get("content", ""),
                    "time_limit": row.get("time_limit") or None,
                }
                for index, row in enumerate(self.duties, start=1)
            ],
            "accountability_cases": self.accountability_cases,
            "accountability_basis": self.accountability_basis,
            "risk_points": [
                {
                    "stage": row.get("stage", ""),
                    "manifestation": row.get("manifestation", ""),
                    "level": by_label(RiskLevel, row.get("level", ""), "risk_points.level"),
                    "control_measures": row.get("control_measures", ""),
                    "owner": row.get("owner") or None,
                }
                for row in self.risk_points
            ],
            "flowchart": flowchart,
            "supervision_phone": self.supervision_phone,
            "status": self.status,
            "list_year": self.list_year,
        }

    def _power_type(self) -> tuple[PowerType, str | None]:
        code = self.power_type_code
        shown = self.power_type
        coded = _POWER_TYPE_CODED.match(shown)
        if coded:
            code = code or coded.group(1)
            shown = coded.group(2)
        return (parse_power_type(code) if code else parse_power_type(shown)), code

    def _flowchart(self) -> dict[str, Any] | None:
        kind_text = self.chart_kind
        steps = self.flow_steps
        image = self.record.images[0] if self.record.images else None
        if not (kind_text or steps or image):
            return None
        return {
            "chart_kind": by_label(ChartKind, kind_text, "chart_kind")
            if kind_text
            else ChartKind.GENERAL_PROCEDURE,
            "image": attachment(image[0], image[1], from_alt=True) if image else None,
            "steps": [
                {
                    "step_id": row.get("step_id", ""),
                    "name": row.get("name", ""),
                    "actor": row.get("actor") or None,
                    "description": row.get("description", ""),
                    "time_limit": row.get("time_limit") or None,
                    "outputs": [o for o in re.split(r"[、,，]", row.get("outputs", "")) if o],
                    "next": [n for n in re.split(r"[,，、\s]+", row.get("next", "")) if n],
                    "condition": row.get("condition") or None,
                }
                for row in steps
            ],
        }


class _ProjectPage(Page):
    entity_type = EntityType.PROJECT
    name = Need()
    category = Choice(ProjectCategory)
    year = Whole()
    seq_no = Text()
    lead_unit = Need()
    responsible_units = Listed()
    responsible_leader = Text()
    responsible_person = Text()
    location = Text()
    start_date = Text()
    deadline_text = Text()
    status = Need()
    progress_pct = Number()
    total_investment = Money()
    annual_planned_investment = Money()
    target_description = Need()
    targets = Table()
    updates = Table()

    def build(self, ctx: AssemblyContext) -> dict[str, Any]:
        category = self.category
        year = self.year or ctx.fetched_at.year
        name = self.name
        location = self.location
        location = None if location in {None, "全县", "全县范围"} else location
        deadline_text = self.deadline_text
        start = self.start_date
        return {
            "id": stable_id(EntityType.PROJECT, year, category.value, name),
            "scope": ctx.scopes.scope_of(location),
            "year": year,
            "category": category,
            "seq_no": self.seq_no,
            "name": name,
            "target_description": self.target_description,
            "targets": [
                {
                    "indicator": row.get("indicator", ""),
                    "unit": row.get("unit", ""),
                    "target_value": decimal(row.get("target_value"), "targets.target_value"),
                    "actual_value": decimal(row.get("actual_value"), "targets.actual_value"),
                    "completion_pct": decimal(row.get("completion_pct"), "targets.completion_pct"),
                }
                for row in self.targets
            ],
            "total_investment": self.total_investment,
            "annual_planned_investment": self.annual_planned_investment,
            "lead_unit": self.lead_unit,
            "responsible_units": self.responsible_units,
            "responsible_leader": self.responsible_leader,
            "responsible_person": self.responsible_person,
            "location": location,
            "start_date": None if start in {None, "未开工"} else start,
            "deadline": parse_deadline(deadline_text) if deadline_text else None,
            "deadline_text": deadline_text,
            "status": parse_project_status(self.status),
            "progress_pct": self.progress_pct,
            "updates": [
                {
                    "period": row.get("period", ""),
                    "as_of_date": row.get("as_of_date", ""),
                    "content": row.get("content", ""),
                    "completion_pct": decimal(row.get("completion_pct"), "updates.completion_pct"),
                    "investment_completed": wan_yuan(
                        row.get("investment_completed"), "updates.investment_completed"
                    ),
                    "status": parse_project_status(row["status"]) if row.get("status") else None,
                }
                for row in self.updates
            ],
        }


_REGISTER_PAGES: tuple[type[Page], ...] = (_AgencyPage, _LeaderPage, _PowerItemPage, _ProjectPage)
#: The page type of each entity type.
PAGES: dict[EntityType, type[Page]] = {
    page.entity_type: page for page in (*_REGISTER_PAGES, *DOCUMENT_PAGES)
}


def _seq(text: str, default: int) -> int:
    digits = re.sub(r"\D", "", text or "")
    return int(digits) if digits else default
