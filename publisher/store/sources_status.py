"""Each source as staff see it: its last runs, its state, and any anti-bot back-off.

Two queries however many sources and runs (the last runs of every source
come in one windowed query)::

    for row in source_rows(config=config, now=now):
        row.state.words, row.blocked_until, [run.status for run in row.runs]

Sources come from gongkai.toml (a source never synced yet is listed too);
the store adds what the sync learnt. "Sync now" is
``publisher.store.services.source_sync_now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from publisher.store.models import Source, SyncRun

if TYPE_CHECKING:
    from datetime import datetime

    from publisher.config import Config

__all__ = ["RunLine", "SourceRow", "SourceState", "source_rows"]


class SourceState(IntEnum):
    """A source's state; a smaller value is worse (rows sort worst first)."""

    BLOCKED = 0
    FAILING = 1
    PARTIAL = 2
    RUNNING = 3
    NEVER_RUN = 4
    OK = 5
    DISABLED = 6

    @property
    def words(self) -> str:
        """The state in Chinese."""
        return _WORDS[self]


_WORDS = {
    SourceState.BLOCKED: "被反爬拦截，暂停中",
    SourceState.FAILING: "同步失败",
    SourceState.PARTIAL: "部分失败",
    SourceState.RUNNING: "同步中",
    SourceState.NEVER_RUN: "尚未同步",
    SourceState.OK: "正常",
    SourceState.DISABLED: "已停用",
}
_BY_STATUS = {
    SyncRun.Status.FAILED: SourceState.FAILING,
    SyncRun.Status.BLOCKED: SourceState.FAILING,
    SyncRun.Status.INTERRUPTED: SourceState.FAILING,
    SyncRun.Status.PARTIAL: SourceState.PARTIAL,
    SyncRun.Status.RUNNING: SourceState.RUNNING,
    SyncRun.Status.OK: SourceState.OK,
}


@dataclass(frozen=True)
class RunLine:
    """One sync run, in brief."""

    id: int
    trigger: str
    status: str
    status_words: str
    started_at: datetime
    finished_at: datetime | None
    new: int
    changed: int
    removed: int
    failed: int
    message: str


@dataclass(frozen=True)
class SourceRow:
    """One configured source with its state and its last runs (newest first)."""

    id: str
    name: str
    site: str
    schedule: str
    enabled: bool
    state: SourceState
    blocked_until: datetime | None
    blocked_signal: str
    blocked_count: int
    runs: tuple[RunLine, ...]

    @property
    def words(self) -> str:
        """The state in Chinese."""
        return self.state.words


def source_rows(*, config: Config, now: datetime, runs: int = 5) -> list[SourceRow]:
    """Every source of gongkai.toml with its last ``runs`` runs, worst first."""
    stored = {source.key: source for source in Source.objects.all()}
    recent = (
        SyncRun.objects.annotate(
            rank=Window(RowNumber(), partition_by=F("source_id"), order_by=F("started_at").desc())
        )
        .filter(rank__lte=runs)
        .select_related("source")
        .order_by("source_id", "-started_at")
    )
    by_source: dict[str, list[RunLine]] = {}
    for run in recent:
        by_source.setdefault(run.source.key, []).append(_run(run))
    rows = []
    for source in config.sources:
        row = stored.get(source.id)
        lines = tuple(by_source.get(source.id, ()))
        blocked = (
            row.blocked_until if row and row.blocked_until and row.blocked_until > now else None
        )
        if not source.enabled:
            state = SourceState.DISABLED
        elif blocked is not None:
            state = SourceState.BLOCKED
        elif not lines:
            state = SourceState.NEVER_RUN
        else:
            state = _BY_STATUS.get(SyncRun.Status(lines[0].status), SourceState.OK)
        rows.append(
            SourceRow(
                id=source.id,
                name=row.name if row and row.name else source.id,
                site=source.site,
                schedule=source.schedule,
                enabled=source.enabled,
                state=state,
                blocked_until=blocked,
                blocked_signal=row.blocked_signal if row and blocked else "",
                blocked_count=row.blocked_count if row else 0,
                runs=lines,
            )
        )
    rows.sort(key=lambda r: (r.state, r.id))
    return rows


# --- helpers -------------------------------------------------------------------------


def _run(run: SyncRun) -> RunLine:
    return RunLine(
        id=run.pk,
        trigger=run.trigger,
        status=run.status,
        status_words=SyncRun.Status(run.status).label,
        started_at=run.started_at,
        finished_at=run.finished_at,
        new=run.new,
        changed=run.changed,
        removed=run.removed,
        failed=run.failed,
        message=run.message,
    )
