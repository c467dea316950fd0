"""Turn raw records read off pages into validated content entities.

One function per entity type knows how county pages write that type's fields
(``02（行政处罚）``, ``1975年05月``, ``12000万元``, ``全县``, ``2026年1月5日至…``)
and uses the core's normalisers; the model then validates the result. Every
problem becomes an ``AssemblyError`` naming the field, so one bad page gives one
clear per-item error and never stops the run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote, urlsplit

from pydantic import ValidationError

from content.enums import (
    AgencyKind,
    ChartKind,
    EntityType,
    Parser,
    PowerStatus,
    ProjectCategory,
    RiskLevel,
)
from content.errors import ContentError, EntityValidationError, NormalizeError
from content.ids import stable_id
from content.normalize import (
    file_type_of,
    normalize_name,
    parse_deadline,
    parse_notice_kind,
    parse_power_type,
    parse_project_status,
    parse_validity,
    shorten,
    split_duty_units,
    split_keywords,
    split_legal_basis,
)
from content.report_tables import legacy_stats_from_rows, revised_stats_from_tables
from content.serialize import content_hash
from content.validation import validate_entity

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from content.models import Entity
    from content.scope import ScopeResolver
    from publisher.sources.records import RawRecord

__all__ = ["FIELDS", "TABLES", "AssemblyContext", "AssemblyError", "assemble"]

LED_CHARS = 40
_E = TypeVar("_E", bound=StrEnum)
_EMPTY = {"", "无", "—", "-", "/", "——"}
_YEAR_MONTH = re.compile(r"(\d{4})\D+(\d{1,2})")
_PERIOD_SPLIT = re.compile(r"\s*(?:至|到|～|~|—|－|\s-\s)\s*")
_MONEY_UNITS = (("亿元", "亿元"), ("万元", "万元"), ("元", "元"))

#: The fields a profile may name for each entity type (names starting with
#: ``_`` are read and ignored, e.g. a section heading that only ends another).
FIELDS: dict[EntityType, frozenset[str]] = {
    EntityType.AGENCY: frozenset(
        [
            "name",
            "short_name",
            "kind",
            "org_code",
            "credit_code",
            "address",
            "phone",
            "office_hours",
            "parent",
            "website",
            "rank",
            "functions",
        ]
    ),
    EntityType.LEADER: frozenset(
        [
            "organization",
            "name",
            "post",
            "rank",
            "gender",
            "ethnicity",
            "native_place",
            "birth_month",
            "education",
            "party",
            "responsibilities",
            "resume",
            "phone",
            "term_start",
            "updated_at",
        ]
    ),
    EntityType.POWER_ITEM: frozenset(
        [
            "item_code",
            "name",
            "power_type",
            "power_type_code",
            "implementing_body",
            "undertaking_unit",
            "levels",
            "statutory_time_limit",
            "promised_time_limit",
            "fee",
            "supervision_phone",
            "status",
            "list_year",
            "legal_basis",
            "chart_kind",
        ]
    ),
    EntityType.PROJECT: frozenset(
        [
            "name",
            "category",
            "year",
            "seq_no",
            "lead_unit",
            "responsible_units",
            "responsible_leader",
            "responsible_person",
            "location",
            "start_date",
            "deadline_text",
            "status",
            "progress_pct",
            "total_investment",
            "annual_planned_investment",
            "target_description",
        ]
    ),
    EntityType.CATALOGUE_ENTRY: frozenset(
        [
            "index_no",
            "title",
            "publisher",
            "doc_number",
            "created_date",
            "published_date",
            "effective_date",
            "expiry_date",
            "validity",
            "subject_category",
            "genre",
            "catalogue_category",
            "audience",
            "keywords",
            "summary",
        ]
    ),
    EntityType.GUIDE: frozenset(
        [
            "organization",
            "version_date",
            "categories_text",
            "how_to_obtain",
            "application_procedure",
            "office_name",
            "address",
            "office_hours",
            "postcode",
            "phone",
            "fax",
            "email",
            "website",
            "supervision",
        ]
    ),
    EntityType.NOTICE: frozenset(["publisher", "published_date", "kind", "publicity_period"]),
    EntityType.ANNUAL_REPORT: frozenset(
        ["organization", "published_date", "overview", "problems", "other"]
    ),
}
#: The tables a profile may name for each entity type.
TABLES: dict[EntityType, frozenset[str]] = {
    EntityType.POWER_ITEM: frozenset(
        ["duties", "accountability_cases", "accountability_basis", "risk_points", "flow_steps"]
    ),
    EntityType.PROJECT: frozenset({"targets", "updates"}),
    EntityType.ANNUAL_REPORT: frozenset({"legacy", "proactive", "applications", "review"}),
}
for _type in EntityType:
    TABLES.setdefault(_type, frozenset())


class AssemblyError(ContentError):
    """A record could not become an entity.

    Attributes:
        field: the entity field (or raw field) at fault.
        message: what is wrong.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True, slots=True)
class AssemblyContext:
    """What assembly needs beyond the record: where it came from, and the towns."""

    entity_type: EntityType
    scopes: ScopeResolver
    source_column: str
    parser: Parser
    fetched_at: datetime


def assemble(record: RawRecord, ctx: AssemblyContext) -> Entity:
    """Build and validate the entity a raw record describes.

    Raises:
        AssemblyError: a field is missing or unreadable (names the field).
    """
    try:
        data = _BUILDERS[ctx.entity_type](_Fields(record), record, ctx)
        data["provenance"] = _provenance(record, ctx)
        entity = validate_entity(ctx.entity_type, data)
    except EntityValidationError as exc:
        raise AssemblyError(exc.field, exc.message) from exc
    except NormalizeError as exc:
        raise AssemblyError(exc.kind, str(exc)) from exc
    except ValidationError as exc:  # a nested model (a statistics table) refused the data
        error = exc.errors(include_url=False)[0]
        field = ".".join(str(part) for part in error["loc"]) or exc.title
        raise AssemblyError(field, str(error["msg"]).removeprefix("Value error, ")) from exc
    provenance = entity.provenance.model_copy(update={"content_hash": content_hash(entity)})
    return entity.model_copy(update={"provenance": provenance})


class _Fields:
    """Read access to a record's fields with the conversions pages need."""

    def __init__(self, record: RawRecord) -> None:
        self._fields = record.fields

    def get(self, name: str) -> str | None:
        value = self._fields.get(name)
        if value is None:
            return None
        text = str(value).strip()
        return None if text in _EMPTY else text

    def need(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise AssemblyError(name, "missing on the page")
        return value

    def int(self, name: str) -> int | None:
        value = self.get(name)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            raise AssemblyError(name, f"{value!r} is not a whole number") from None

    def split(self, name: str) -> list[str]:
        value = self.get(name)
        return [part.strip() for part in re.split(r"[、，,；;]", value or "") if part.strip()]


def _provenance(record: RawRecord, ctx: AssemblyContext) -> dict[str, Any]:
    return {
        "source_url": record.url,
        "source_site": urlsplit(record.url).netloc,
        "source_column": ctx.source_column,
        "breadcrumb": record.breadcrumb,
        "fetched_at": ctx.fetched_at,
        "source_charset": record.charset or None,
        "parser": ctx.parser,
    }


def _by_label(enum: type[_E], text: str, field: str) -> _E:
    for member in enum:
        if text in {member.label, member.value}:  # type: ignore[attr-defined]
            return member
    raise AssemblyError(field, f"{text!r} is not one of {[m.label for m in enum]}")  # type: ignore[attr-defined]


def _decimal(text: str | None, field: str) -> Decimal | None:
    if text is None or text.strip() in _EMPTY:
        return None
    clean = text.replace(",", "").replace("%", "").strip()
    try:
        return Decimal(clean)
    except InvalidOperation:
        raise AssemblyError(field, f"{text!r} is not a number") from None


def _wan_yuan(text: str | None, field: str) -> dict[str, Any] | None:
    """Money written as ``12000``, ``12000万元``, ``1.2亿元`` or ``500元`` (default 万元)."""
    if text is None or text.strip() in _EMPTY:
        return None
    clean = text.replace(",", "").strip()
    unit = "万元"
    for suffix, name in _MONEY_UNITS:
        if clean.endswith(suffix):
            clean, unit = clean.removesuffix(suffix).strip(), name
            break
    return {"value": _decimal(clean, field), "unit": unit}


def _path(url: str) -> str:
    return urlsplit(url).path


def _attachment(name: str, url: str, *, from_alt: bool = False) -> dict[str, Any]:
    if from_alt:
        ext = unquote(urlsplit(url).path).rsplit(".", 1)[-1].lower()
        name = f"{name}.{ext}" if name else unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return {"name": name, "url": url, "file_type": file_type_of(url)}


def _seq(text: str, default: int) -> int:
    digits = re.sub(r"\D", "", text or "")
    return int(digits) if digits else default


def _column(record: RawRecord, table: str) -> list[str]:
    """The first column of a one-column table, blank rows dropped."""
    return [text for row in record.tables.get(table, []) if (text := next(iter(row.values()), ""))]


def _agency_id(name: str | None) -> str | None:
    return stable_id(EntityType.AGENCY, name) if name else None


# --- one builder per entity type ----------------------------------------------------


def _agency(f: _Fields, _record: RawRecord, ctx: AssemblyContext) -> dict[str, Any]:
    name = f.need("name")
    kind = _by_label(AgencyKind, f.need("kind"), "kind")
    town = kind in {AgencyKind.TOWN, AgencyKind.TOWNSHIP}
    return {
        "id": stable_id(EntityType.AGENCY, name),
        "scope": ctx.scopes.scope_of(name) if town else "county",
        "name": name,
        "short_name": f.get("short_name"),
        "kind": kind,
        "parent_id": _agency_id(f.get("parent")),
        "org_code": f.get("org_code"),
        "credit_code": f.get("credit_code"),
        "functions": f.get("functions") or "",
        "address": f.get("address"),
        "phone": f.get("phone"),
        "office_hours": f.get("office_hours"),
        "website": f.get("website"),
        "rank_order": f.int("rank") or 0,
    }


def _leader(f: _Fields, record: RawRecord, ctx: AssemblyContext) -> dict[str, Any]:
    organization = f.need("organization")
    name = normalize_name(f.need("name"))
    duties = f.need("responsibilities")
    supervised, liaison = split_duty_units(duties)
    birth = f.get("birth_month")
    month = _YEAR_MONTH.search(birth) if birth else None
    rank = f.int("rank")
    photo = record.images[0] if record.images else None
    return {
        "id": stable_id(EntityType.LEADER, organization, name),
        "scope": ctx.scopes.scope_of(organization),
        "organization": organization,
        "agency_id": _agency_id(organization),
        "name": name,
        "post": f.need("post"),
        "rank_order": (rank - 1) if rank else 0,
        "photo": _attachment(photo[0], photo[1], from_alt=True) if photo else None,
        "gender": f.get("gender"),
        "ethnicity": f.get("ethnicity"),
        "native_place": f.get("native_place"),
        "birth_month": f"{month.group(1)}-{int(month.group(2)):02d}" if month else None,
        "education": f.get("education"),
        "party": f.get("party"),
        "responsibilities": duties,
        "supervised_units": supervised,
        "liaison_units": liaison,
        "resume": f.get("resume"),
        "phone": f.get("phone"),
        "term_start": f.get("term_start"),
        "updated_at": f.get("updated_at") or ctx.fetched_at.date(),
    }


def _power_type(f: _Fields) -> tuple[Any, str | None]:
    code = f.get("power_type_code")
    shown = f.need("power_type")
    coded = re.match(r"^(\d{1,2})\s*[（(](.+?)[)）]$", shown)
    if coded:
        code = code or coded.group(1)
        shown = coded.group(2)
    return (parse_power_type(code) if code else parse_power_type(shown)), code


def _power_item(f: _Fields, record: RawRecord, ctx: AssemblyContext) -> dict[str, Any]:
    code = f.need("item_code")
    body = f.need("implementing_body")
    power_type, type_code = _power_type(f)
    flowchart = None
    kind_text = f.get("chart_kind")
    steps = record.tables.get("flow_steps", [])
    image = record.images[0] if record.images else None
    if kind_text or steps or image:
        flowchart = {
            "chart_kind": _by_label(ChartKind, kind_text, "chart_kind")
            if kind_text
            else ChartKind.GENERAL_PROCEDURE,
            "image": _attachment(image[0], image[1], from_alt=True) if image else None,
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
    return {
        "id": stable_id(EntityType.POWER_ITEM, code),
        "scope": ctx.scopes.scope_of(body),
        "item_code": code,
        "name": f.need("name"),
        "power_type": power_type,
        "power_type_code": type_code,
        "legal_basis": [
            {"level": p.level, "title": p.title, "article": p.article, "text": p.text}
            for p in split_legal_basis(f.need("legal_basis"))
        ],
        "implementing_body": body,
        "agency_id": _agency_id(body),
        "undertaking_unit": f.get("undertaking_unit"),
        "levels": f.split("levels"),
        "statutory_time_limit": f.get("statutory_time_limit"),
        "promised_time_limit": f.get("promised_time_limit"),
        "fee": f.get("fee"),
        "duties": [
            {
                "seq": _seq(row.get("seq", ""), index),
                "stage": row.get("stage", ""),
                "content": row.get("content", ""),
                "time_limit": row.get("time_limit") or None,
            }
            for index, row in enumerate(record.tables.get("duties", []), start=1)
        ],
        "accountability_cases": _column(record, "accountability_cases"),
        "accountability_basis": _column(record, "accountability_basis"),
        "risk_points": [
            {
                "stage": row.get("stage", ""),
                "manifestation": row.get("manifestation", ""),
                "level": _by_label(RiskLevel, row.get("level", ""), "risk_points.level"),
                "control_measures": row.get("control_measures", ""),
                "owner": row.get("owner") or None,
            }
            for row in record.tables.get("risk_points", [])
        ],
        "flowchart": flowchart,
        "supervision_phone": f.get("supervision_phone"),
        "status": _by_label(PowerStatus, f.get("status") or "实施中", "status"),
        "list_year": f.int("list_year"),
    }


def _project(f: _Fields, record: RawRecord, ctx: AssemblyContext) -> dict[str, Any]:
    category = _by_label(ProjectCategory, f.need("category"), "category")
    year = f.int("year") or ctx.fetched_at.year
    name = f.need("name")
    location = f.get("location")
    location = None if location in {None, "全县", "全县范围"} else location
    deadline_text = f.get("deadline_text")
    start = f.get("start_date")
    return {
        "id": stable_id(EntityType.PROJECT, year, category.value, name),
        "scope": ctx.scopes.scope_of(location),
        "year": year,
        "category": category,
        "seq_no": f.get("seq_no"),
        "name": name,
        "target_description": f.need("target_description"),
        "targets": [
            {
                "indicator": row.get("indicator", ""),
                "unit": row.get("unit", ""),
                "target_value": _decimal(row.get("target_value"), "targets.target_value"),
                "actual_value": _decimal(row.get("actual_value"), "targets.actual_value"),
                "completion_pct": _decimal(row.get("completion_pct"), "targets.completion_pct"),
            }
            for row in record.tables.get("targets", [])
        ],
        "total_investment": _wan_yuan(f.get("total_investment"), "total_investment"),
        "annual_planned_investment": _wan_yuan(
            f.get("annual_planned_investment"), "annual_planned_investment"
        ),
        "lead_unit": f.need("lead_unit"),
        "responsible_units": f.split("responsible_units"),
        "responsible_leader": f.get("responsible_leader"),
        "responsible_person": f.get("responsible_person"),
        "location": location,
        "start_date": None if start in {None, "未开工"} else start,
        "deadline": parse_deadline(deadline_text) if deadline_text else None,
        "deadline_text": deadline_text,
        "status": parse_project_status(f.need("status")),
        "progress_pct": _decimal(f.get("progress_pct"), "progress_pct"),
        "updates": [
            {
                "period": row.get("period", ""),
                "as_of_date": row.get("as_of_date", ""),
                "content": row.get("content", ""),
                "completion_pct": _decimal(row.get("completion_pct"), "updates.completion_pct"),
                "investment_completed": _wan_yuan(
                    row.get("investment_completed"), "updates.investment_completed"
                ),
                "status": parse_project_status(row["status"]) if row.get("status") else None,
            }
            for row in record.tables.get("updates", [])
        ],
    }


def _catalogue(f: _Fields, record: RawRecord, ctx: AssemblyContext) -> dict[str, Any]:
    index_no = f.get("index_no")
    publisher = f.need("publisher")
    key = index_no or _path(record.url)
    return {
        "id": stable_id(EntityType.CATALOGUE_ENTRY, key),
        "scope": ctx.scopes.scope_of(publisher),
        "index_no": index_no,
        "title": f.get("title") or record.title,
        "publisher": publisher,
        "agency_id": _agency_id(publisher),
        "doc_number": f.get("doc_number"),
        "created_date": f.get("created_date"),
        "published_date": f.get("published_date") or record.entry.date,
        "effective_date": f.get("effective_date"),
        "expiry_date": f.get("expiry_date"),
        "validity": parse_validity(f.get("validity")),
        "subject_category": f.get("subject_category"),
        "genre": f.get("genre"),
        "catalogue_category": f.get("catalogue_category"),
        "audience": f.get("audience"),
        "keywords": split_keywords(f.get("keywords") or ""),
        "summary": f.get("summary"),
        "body_text": "\n".join(record.body),
        "attachments": [_attachment(name, url) for name, url in record.attachments],
    }


def _guide(f: _Fields, record: RawRecord, ctx: AssemblyContext) -> dict[str, Any]:
    organization = f.need("organization")
    return {
        "id": stable_id(EntityType.GUIDE, organization),
        "scope": ctx.scopes.scope_of(organization),
        "organization": organization,
        "agency_id": _agency_id(organization),
        "version_date": f.need("version_date"),
        "categories_text": f.need("categories_text"),
        "how_to_obtain": f.need("how_to_obtain"),
        "application_procedure": f.need("application_procedure"),
        "office_name": f.need("office_name"),
        "address": f.need("address"),
        "office_hours": f.need("office_hours"),
        "postcode": f.get("postcode"),
        "phone": f.need("phone"),
        "fax": f.get("fax"),
        "email": f.get("email"),
        "website": f.get("website"),
        "supervision": f.need("supervision"),
        "body_text": "\n".join(record.body),
        "attachments": [_attachment(name, url) for name, url in record.attachments],
    }


def _notice(f: _Fields, record: RawRecord, ctx: AssemblyContext) -> dict[str, Any]:
    publisher = f.need("publisher")
    scope = ctx.scopes.scope_of(publisher)
    period = None
    if text := f.get("publicity_period"):
        parts = [part for part in _PERIOD_SPLIT.split(text) if part]
        if len(parts) != 2:
            raise AssemblyError("publicity_period", f"{text!r} is not a period like A至B")
        period = {"start": parts[0], "end": parts[1]}
    title = record.title or record.entry.title
    return {
        "id": stable_id(EntityType.NOTICE, _path(record.url)),
        "scope": scope,
        "title": title,
        "kind": parse_notice_kind(f.get("kind") or title),
        "publisher": publisher,
        "published_date": f.get("published_date") or record.entry.date,
        "publicity_period": period,
        # A notice published only as an attachment still says where its text is.
        "body_text": "\n".join(record.body)
        or "详见附件：" + "、".join(name for name, _ in record.attachments),
        "led_text": shorten(title, LED_CHARS),
        "attachments": [_attachment(name, url) for name, url in record.attachments],
        "towns": [scope] if scope != "county" else [],
        "pinned": record.entry.pinned,
    }


def _annual_report(f: _Fields, record: RawRecord, ctx: AssemblyContext) -> dict[str, Any]:
    organization = f.need("organization")
    year = re.search(r"(\d{4})\s*年", record.title)
    if not year:
        raise AssemblyError("year", f"no year in the title {record.title!r}")
    stats: Any
    if "legacy" in record.tables:
        header = record.headers.get("legacy", [])
        first = (header[0][0], *header[1][:2]) if len(header) > 1 and header[0] else ()
        stats = legacy_stats_from_rows(record.tables["legacy"], header=first)
    elif "applications" in record.tables:
        stats = revised_stats_from_tables(
            proactive=record.tables.get("proactive", []),
            applications=record.tables["applications"],
            review=record.tables.get("review", []),
        )
    else:
        raise AssemblyError("stats", "no statistics table found")
    sections = {name: f.get(name) or "" for name in ("overview", "problems", "other")}
    return {
        "id": stable_id(EntityType.ANNUAL_REPORT, organization, int(year.group(1))),
        "scope": ctx.scopes.scope_of(organization),
        "organization": organization,
        "agency_id": _agency_id(organization),
        "year": int(year.group(1)),
        "format_version": stats.format,
        "published_date": f.need("published_date"),
        "sections": sections,
        "stats": stats.model_dump(),
        "body_text": "\n".join(sections.values()),
        "attachments": [_attachment(name, url) for name, url in record.attachments],
    }


_BUILDERS: dict[EntityType, Callable[[_Fields, RawRecord, AssemblyContext], dict[str, Any]]] = {
    EntityType.AGENCY: _agency,
    EntityType.LEADER: _leader,
    EntityType.POWER_ITEM: _power_item,
    EntityType.PROJECT: _project,
    EntityType.CATALOGUE_ENTRY: _catalogue,
    EntityType.GUIDE: _guide,
    EntityType.NOTICE: _notice,
    EntityType.ANNUAL_REPORT: _annual_report,
}
