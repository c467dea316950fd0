"""Deterministic changes to the demo county, so incremental sync can be tested.

Each round edits items in place (same URL, new text; one catalogue entry is
marked 失效), adds new items and removes others. A round only touches items
that no earlier round touched, so the changes of rounds 1..K never cancel out;
when a kind has no untouched item left, a round edits fewer (it still adds).
"""

from __future__ import annotations

import calendar
import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from content.demo._context import Context, sealed
from content.demo._documents import catalogue_entry, notice
from content.enums import EntityType, ProjectStatus, Validity
from content.models import CatalogueEntry, Entity, Notice, ProgressUpdate, Project
from content.normalize import SHANGHAI

if TYPE_CHECKING:
    from collections.abc import Sequence

    from content.demo._county import DemoCounty

_E = TypeVar("_E", bound=Entity)

EDIT_CATALOGUE = 3
ADD_CATALOGUE = 5
REMOVE_CATALOGUE = 2
ADD_NOTICES = 2
REMOVE_NOTICES = 1
EDIT_PROJECTS = 2


@dataclass(slots=True)
class ChangeSet:
    """Which ids were edited, added and removed, by entity type."""

    rounds: int = 0
    edited: dict[EntityType, list[str]] = field(default_factory=dict)
    added: dict[EntityType, list[str]] = field(default_factory=dict)
    removed: dict[EntityType, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Plain data, e.g. for the demo site's ``/__demo__/changes`` endpoint."""
        return {
            "rounds": self.rounds,
            **{
                name: {str(kind): sorted(ids) for kind, ids in sorted(getattr(self, name).items())}
                for name in ("edited", "added", "removed")
            },
        }

    def total(self) -> int:
        """How many changes in all."""
        groups = (self.edited, self.added, self.removed)
        return sum(len(ids) for group in groups for ids in group.values())


def mutate_county(county: DemoCounty, *, rounds: int) -> tuple[DemoCounty, ChangeSet]:
    """Apply ``rounds`` more rounds of changes to ``county``.

    Returns:
        The changed county and the changes these rounds made.

    Raises:
        ValueError: ``rounds`` is negative.
    """
    if rounds < 0:
        raise ValueError("rounds must be 0 or more")
    changes = ChangeSet(rounds=rounds)
    for _ in range(rounds):
        county = _Round(county, changes).apply()
    return county, changes


class _Round:
    """One round of changes; a throwaway object to keep the shared state tidy."""

    def __init__(self, county: DemoCounty, changes: ChangeSet) -> None:
        self.county = county
        self.changes = changes
        self.number = county.round + 1
        self.today = county.as_of + timedelta(days=1)
        self.ctx = Context(
            seed=county.seed,
            base_url=county.base_url,
            as_of=self.today,
            _next_article=county.next_article,
        )
        self.rng = self.ctx.rng(f"mutate:{self.number}")
        self.stamp = datetime.combine(self.today, time(9, 0), tzinfo=SHANGHAI)
        # Agencies never change, so theirs is the base data's fetch time.
        self.base_stamp = county.agencies[0].provenance.fetched_at

    def apply(self) -> DemoCounty:
        county = self.county
        catalogue = self._catalogue()
        notices = self._notices()
        leaders = self._edit(county.leaders, 1, self._leader_update)
        power_items = self._edit(
            county.power_items, 1, lambda _: {"promised_time_limit": "3个工作日"}
        )
        projects = self._edit(county.projects, EDIT_PROJECTS, self._project_update)
        return dataclasses.replace(
            county,
            as_of=self.today,
            round=self.number,
            next_article=self.ctx.article_number(),
            catalogue=tuple(catalogue),
            notices=tuple(notices),
            leaders=tuple(leaders),
            power_items=tuple(power_items),
            projects=tuple(projects),
        )

    def _catalogue(self) -> list[CatalogueEntry]:
        picks = self._sample(
            self._untouched(self.county.catalogue), EDIT_CATALOGUE + REMOVE_CATALOGUE
        )
        edits, removals = picks[:EDIT_CATALOGUE], picks[EDIT_CATALOGUE:]
        replaced: dict[str, CatalogueEntry] = {}
        for index, entry in enumerate(edits):
            note = f"（{self.today:%Y年%m月%d日}更正：第{self.number}轮修订，补充了执行口径说明。）"
            update: dict[str, Any] = {"body_text": f"{entry.body_text}\n{note}"}
            if index == 0:
                update["validity"] = Validity.INVALID  # the 失效 flag set in place
            replaced[entry.id] = self._fresh(entry, **update)
            self._note(self.changes.edited, entry)
        gone = {entry.id for entry in removals}
        for entry in removals:
            self._note(self.changes.removed, entry)
        result = [replaced.get(e.id, e) for e in self.county.catalogue if e.id not in gone]
        infos = self.county.agency_infos
        # Serials far above the base data's, so new 索引号 never collide.
        serials = {(info.number, self.today.year): 90000 + self.number * 10 for info in infos}
        for _ in range(ADD_CATALOGUE):
            info = self.rng.choice(infos)
            entry = catalogue_entry(
                self.ctx, self.rng, info, self.today, serials=serials, doc_numbers={}
            )
            result.append(self._fresh(entry))
            self._note(self.changes.added, entry)
        return result

    def _notices(self) -> list[Notice]:
        candidates = [n for n in self._untouched(self.county.notices) if not n.pinned]
        dropped = {n.id for n in self._sample(candidates, REMOVE_NOTICES)}
        for item in self.county.notices:
            if item.id in dropped:
                self._note(self.changes.removed, item)
        result = [n for n in self.county.notices if n.id not in dropped]
        for _ in range(ADD_NOTICES):
            item = notice(self.ctx, self.rng, list(self.county.agency_infos), self.today)
            result.append(self._fresh(item))
            self._note(self.changes.added, item)
        return result

    def _edit(self, items: Sequence[_E], count: int, update: Any) -> list[_E]:
        chosen = {item.id for item in self._sample(self._untouched(items), count)}
        result = []
        for item in items:
            if item.id in chosen:
                self._note(self.changes.edited, item)
                item = self._fresh(item, **update(item))  # noqa: PLW2901
            result.append(item)
        return result

    def _leader_update(self, leader: Any) -> dict[str, Any]:
        duty = f"{leader.responsibilities}（{self.today:%Y年%m月}起）协助做好全县安全生产工作。"
        return {"responsibilities": duty, "updated_at": self.today}

    def _project_update(self, project: Project) -> dict[str, Any]:
        last = project.updates[-1] if project.updates else None
        previous = last.completion_pct if last and last.completion_pct is not None else Decimal(0)
        pct = min(Decimal(100), previous + 5)
        status = ProjectStatus.COMPLETED if pct >= 100 else project.status
        period = f"{self.today:%Y-%m}"
        updates = [u for u in project.updates if u.period != period]
        month_end = date(
            self.today.year,
            self.today.month,
            calendar.monthrange(self.today.year, self.today.month)[1],
        )
        as_of = max([self.today, *(u.as_of_date for u in updates)])
        updates.append(
            ProgressUpdate(
                period=period,
                as_of_date=min(as_of, month_end) if as_of <= month_end else as_of,
                content=f"{self.today.month}月，{project.name}加快推进，累计完成{pct}%。",
                completion_pct=pct,
                status=status,
            )
        )
        return {"updates": tuple(updates), "progress_pct": pct, "status": status}

    def _sample(self, items: Sequence[_E], count: int) -> list[_E]:
        """``count`` of ``items`` at random, or all of them when fewer are left.

        After many rounds (a long soak) the untouched items of a kind run out;
        the round then edits what is left and still adds new items.
        """
        return self.rng.sample(items, min(count, len(items)))

    def _untouched(self, items: Sequence[_E]) -> list[_E]:
        return [item for item in items if item.provenance.fetched_at == self.base_stamp]

    def _fresh(self, entity: _E, **update: Any) -> _E:
        provenance = entity.provenance.model_copy(update={"fetched_at": self.stamp})
        return sealed(entity.model_copy(update={**update, "provenance": provenance}))

    @staticmethod
    def _note(group: dict[EntityType, list[str]], entity: Entity) -> None:
        group.setdefault(entity.entity_type, []).append(entity.id)
