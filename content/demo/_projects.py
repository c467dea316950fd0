"""The demo county's 50 key projects and 50 practical matters, with monthly progress."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from content.demo._context import Context, sealed
from content.demo._people import NameBook
from content.demo._site import COLUMNS, PROJECT_COLUMNS, article_path
from content.demo._vocab_texts import PROGRESS_PHRASES, PROJECTS, ProjectSpec
from content.enums import EntityType, ProjectCategory, ProjectStatus
from content.ids import stable_id
from content.models import Leader, Money, MoneyUnit, ProgressUpdate, Project, Target

if TYPE_CHECKING:
    import random

    from content.demo._agencies import AgencyInfo

PER_CATEGORY = 50

# How a project's year unfolds: (final status, final percentage range).
_ARCHETYPES = (
    (ProjectStatus.COMPLETED, (100, 100)),
    (ProjectStatus.ON_SCHEDULE, (62, 88)),
    (ProjectStatus.ON_SCHEDULE, (62, 88)),
    (ProjectStatus.AHEAD, (85, 97)),
    (ProjectStatus.BEHIND, (25, 55)),
    (ProjectStatus.PREPARING, (3, 12)),
)


def build_projects(
    ctx: Context, agencies: list[AgencyInfo], leaders: list[Leader]
) -> list[Project]:
    """Build the year's projects with one progress update per month up to ``as_of``."""
    rng = ctx.rng("projects")
    people = NameBook(ctx.rng("project-people"))
    by_short = {info.agency.short_name: info.agency for info in agencies}
    towns = {
        info.agency.short_name: info.agency for info in agencies if info.agency.scope != "county"
    }
    deputies = [leader for leader in leaders if leader.supervised_units]
    projects: list[Project] = []
    for category, kind in (
        (ProjectCategory.KEY_PROJECT, "key_project"),
        (ProjectCategory.LIVELIHOOD, "livelihood"),
    ):
        specs = [spec for spec in PROJECTS if spec.kind == kind][:PER_CATEGORY]
        column = COLUMNS[PROJECT_COLUMNS[category]]
        for seq, spec in enumerate(specs, start=1):
            lead = by_short.get(spec.lead_unit_short) or agencies[0].agency
            leader = next(
                (d for d in deputies if spec.lead_unit_short in d.supervised_units),
                rng.choice(deputies),
            )
            town = towns.get(spec.location_hint or "")
            units = [lead.name]
            if town is not None:
                units.append(town.name)
            status, (low, high) = rng.choice(_ARCHETYPES)
            final_pct = rng.randrange(low, high + 1)
            updates = _updates(ctx, rng, spec, status, final_pct)
            published = updates[-1].as_of_date if updates else date(ctx.as_of.year, 1, 31)
            path = article_path(column, published, ctx.article_number())
            actual = Decimal(spec.target) * final_pct / 100
            project = Project(
                id=stable_id(EntityType.PROJECT, ctx.as_of.year, category.value, spec.name),
                scope="county" if town is None else town.scope,
                provenance=ctx.provenance(column, path),
                year=ctx.as_of.year,
                category=category,
                seq_no=str(seq),
                name=spec.name,
                target_description=spec.description,
                targets=(
                    Target(
                        indicator=spec.indicator,
                        unit=spec.unit,
                        target_value=Decimal(spec.target),
                        actual_value=actual.quantize(Decimal(1)),
                        completion_pct=Decimal(final_pct),
                    ),
                ),
                total_investment=_money(spec.investment_wan),
                annual_planned_investment=_money(
                    spec.investment_wan * 2 // 5 if spec.investment_wan else None
                ),
                lead_unit=lead.name,
                responsible_units=tuple(units),
                responsible_leader=leader.name,
                responsible_person=people.name(),
                location=spec.location_hint,
                start_date=date(ctx.as_of.year, 1, 1)
                if status is not ProjectStatus.PREPARING
                else None,
                deadline=date(ctx.as_of.year, 12, 31),
                deadline_text=f"{ctx.as_of.year}年12月底",
                status=status,
                progress_pct=Decimal(final_pct),
                updates=updates,
            )
            projects.append(sealed(project))
    return projects


def _money(wan: int | None) -> Money | None:
    return None if wan is None else Money(value=Decimal(wan), unit=MoneyUnit.WAN_YUAN)


def _updates(
    ctx: Context, rng: random.Random, spec: ProjectSpec, final: ProjectStatus, final_pct: int
) -> tuple[ProgressUpdate, ...]:
    months = ctx.as_of.month if ctx.as_of.day >= 28 else ctx.as_of.month - 1
    updates: list[ProgressUpdate] = []
    for month in range(1, months + 1):
        pct = round(final_pct * month / months)
        if final is ProjectStatus.COMPLETED:
            pct = min(100, round(100 * month / max(1, months - 2)))
        status = final if month == months else _interim(final, pct)
        if status is ProjectStatus.COMPLETED and pct < 100:
            status = ProjectStatus.ON_SCHEDULE
        phrase = rng.choice(PROGRESS_PHRASES[_phrase_key(status)])
        last_day = calendar.monthrange(ctx.as_of.year, month)[1]
        invested = None
        if spec.investment_wan:
            planned = Decimal(spec.investment_wan * 2 // 5)
            invested = Money(
                value=(planned * pct / 100).quantize(Decimal("0.01")), unit=MoneyUnit.WAN_YUAN
            )
        updates.append(
            ProgressUpdate(
                period=f"{ctx.as_of.year}-{month:02d}",
                as_of_date=date(ctx.as_of.year, month, last_day),
                content=phrase.format(name=spec.name, pct=pct, month=month),
                completion_pct=Decimal(pct),
                investment_completed=invested,
                status=status,
            )
        )
    return tuple(updates)


def _interim(final: ProjectStatus, pct: int) -> ProjectStatus:
    if final is ProjectStatus.PREPARING:
        return ProjectStatus.PREPARING
    if pct >= 100:
        return ProjectStatus.COMPLETED
    if final is ProjectStatus.BEHIND and pct > 15:
        return ProjectStatus.BEHIND
    return ProjectStatus.ON_SCHEDULE if pct else ProjectStatus.PREPARING


def _phrase_key(status: ProjectStatus) -> str:
    if status in {ProjectStatus.NOT_STARTED, ProjectStatus.PREPARING}:
        return "preparing"
    if status is ProjectStatus.SUSPENDED:
        return "behind"
    return status.value
