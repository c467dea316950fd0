"""The boards' durable state in the publisher store: rules, board state, content.

Schedules live in the store (``BoardRule``), not in a file: staff change them
from the CLI (and later the web UI) while ``gongkai serve`` reads them, and the
database gives both sides transactions, history (``created_at``, cancelled
emergencies are kept) and the same backup as everything else. Board
*configuration* stays in gongkai.toml, because it describes hardware.

Functions here convert between rows and the pure types of
:mod:`publisher.boards.schedule` and :mod:`publisher.boards.push`.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.db import transaction

from content.enums import EntityType, LeaderStatus
from content.errors import ContentError
from content.validation import validate_entity
from publisher.boards.compose import ContentSnapshot, sorted_notices
from publisher.boards.push import BoardStatus, Outcome
from publisher.boards.schedule import Content, Rule
from publisher.store.models import AuditLog, BoardRule, BoardState, Item

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date, datetime

    from content.models import Entity, Leader, Notice, Project
    from publisher.config import Config

__all__ = [
    "DjangoStates",
    "emergency_cancel",
    "emergency_create",
    "rule_create",
    "rule_list",
    "rule_remove",
    "snapshot_load",
    "state_rows",
]

log = logging.getLogger("gongkai.boards")
#: Emergencies that expired longer ago than this drop out of rule lists.
_EXPIRED_KEPT = timedelta(days=1)


def rule_list(*, now: datetime, include_expired: bool = False) -> list[Rule]:
    """The rules in force or scheduled, oldest first (cancelled emergencies left out)."""
    rows = BoardRule.objects.filter(cancelled_at__isnull=True)
    if not include_expired:
        rows = rows.exclude(emergency=True, expires_at__lt=now - _EXPIRED_KEPT)
    return [_rule(row) for row in rows]


def rule_create(rule: Rule, *, actor: str = "cli") -> Rule:
    """Store ``rule`` (its ``id`` is ignored); return it with its new id."""
    with transaction.atomic():
        row = BoardRule.objects.create(
            name=rule.name,
            boards=sorted(rule.boards),
            groups=sorted(rule.groups),
            content=[asdict(part) for part in rule.content],
            start_minute=rule.start,
            end_minute=rule.end,
            weekdays="".join(str(day) for day in sorted(rule.weekdays)),
            date_from=rule.date_from,
            date_to=rule.date_to,
            rrule=rule.rrule,
            priority=rule.priority,
            emergency=rule.emergency,
            expires_at=rule.expires_at,
            created_at=rule.created_at,
            created_by=actor,
        )
        AuditLog.objects.create(
            actor=actor,
            action="board_emergency" if rule.emergency else "board_rule_add",
            detail={"rule": row.pk, "name": rule.name, "boards": row.boards, "groups": row.groups},
        )
    return _rule(row)


def rule_remove(rule_id: int, *, actor: str = "cli") -> bool:
    """Delete a schedule rule; False when there is none with this id."""
    with transaction.atomic():
        deleted, _ = BoardRule.objects.filter(pk=rule_id, emergency=False).delete()
        if deleted:
            AuditLog.objects.create(
                actor=actor, action="board_rule_remove", detail={"rule": rule_id}
            )
    return bool(deleted)


def emergency_create(
    *, boards: Sequence[str], text: str, until: datetime, now: datetime, actor: str = "cli"
) -> Rule:
    """Issue an emergency override of ``boards`` showing ``text`` until ``until``."""
    rule = Rule(
        id=0,
        name=f"紧急通知 {text[:20]}",
        content=(Content("text", text, color="red", seconds=10.0),),
        created_at=now,
        boards=frozenset(boards),
        emergency=True,
        expires_at=until,
    )
    return rule_create(rule, actor=actor)


def emergency_cancel(*, boards: Sequence[str] | None, now: datetime, actor: str = "cli") -> int:
    """Cancel the running emergencies (of ``boards``, or all); return how many."""
    rows = BoardRule.objects.filter(emergency=True, cancelled_at__isnull=True, expires_at__gt=now)
    chosen = [row.pk for row in rows if boards is None or set(row.boards) & set(boards)]
    with transaction.atomic():
        BoardRule.objects.filter(pk__in=chosen).update(cancelled_at=now)
        if chosen:
            AuditLog.objects.create(
                actor=actor, action="board_emergency_cancel", detail={"rules": chosen}
            )
    return len(chosen)


class DjangoStates:
    """Board state kept in the ``BoardState`` table (the pusher's state store)."""

    def load(self, board_id: str) -> BoardStatus:
        """The board's last known state (a fresh one when never pushed)."""
        row = BoardState.objects.filter(board_id=board_id).first()
        if row is None:
            return BoardStatus(board_id)
        return BoardStatus(
            board_id=board_id,
            digest=row.digest,
            reason=row.reason,
            last_push_at=row.last_push_at,
            last_attempt_at=row.last_attempt_at,
            outcome=Outcome(row.result) if row.result else None,
            error=row.error,
            reachable=row.reachable,
            failures=row.failures,
            next_attempt_at=row.next_attempt_at,
        )

    def save(self, status: BoardStatus) -> None:
        """Write the board's state."""
        BoardState.objects.update_or_create(
            board_id=status.board_id,
            defaults={
                "digest": status.digest,
                "reason": status.reason[:500],
                "last_push_at": status.last_push_at,
                "last_attempt_at": status.last_attempt_at,
                "result": status.outcome.value if status.outcome else "",
                "error": status.error[:1000],
                "reachable": status.reachable,
                "failures": status.failures,
                "next_attempt_at": status.next_attempt_at,
            },
        )


def state_rows() -> dict[str, BoardStatus]:
    """Every stored board state, by board id."""
    states = DjangoStates()
    return {
        board_id: states.load(board_id)
        for board_id in BoardState.objects.values_list("board_id", flat=True)
    }


def snapshot_load(config: Config, *, today: date | None = None) -> ContentSnapshot:
    """Approved notices, projects and current leaders, in board order."""
    del today  # content is filtered by date when composed, per instant
    by_type: dict[str, list[Any]] = {"notice": [], "project": [], "leader": []}
    items = Item.objects.filter(
        state=Item.State.ACTIVE, current__isnull=False, entity_type__in=list(by_type)
    ).select_related("current")
    for item in items:
        revision = item.current
        if revision is None:
            continue
        entity = _entity(item.entity_type, revision.data, item.key, revision.pk)
        if entity is not None:
            by_type[item.entity_type].append(entity)
    notices: list[Notice] = by_type["notice"]
    projects: list[Project] = sorted(by_type["project"], key=lambda p: (p.year, p.id), reverse=True)
    leaders: list[Leader] = sorted(
        (x for x in by_type["leader"] if x.status == LeaderStatus.CURRENT),
        key=lambda x: (x.rank_order, x.id),
    )
    hosts = {urlsplit(source.site).netloc for source in config.sources}
    hosts.add(urlsplit(config.publisher.public_url).netloc)
    return ContentSnapshot(
        notices=sorted_notices(notices),
        projects=tuple(projects),
        leaders=tuple(leaders),
        allowed_hosts=frozenset(h for h in hosts if h),
    )


# --- helpers -------------------------------------------------------------------------

#: Validated entities by revision id: revisions never change, so every board
#: evaluation after the first validates only what changed.
_VALIDATED: dict[int, Entity] = {}


def _entity(entity_type: str, data: dict[str, Any], key: str, revision: int) -> Entity | None:
    cached = _VALIDATED.get(revision)
    if cached is not None:
        return cached
    try:
        entity = validate_entity(EntityType(entity_type), data)
    except ContentError as exc:  # stored data that no longer validates stays off the boards
        log.warning("%s left off the boards: %s", key, exc)
        return None
    if len(_VALIDATED) > 50_000:
        _VALIDATED.clear()
    _VALIDATED[revision] = entity
    return entity


def _rule(row: BoardRule) -> Rule:
    return Rule(
        id=row.pk,
        name=row.name,
        content=tuple(Content(**part) for part in row.content),
        created_at=row.created_at,
        boards=frozenset(row.boards),
        groups=frozenset(row.groups),
        start=row.start_minute,
        end=row.end_minute,
        weekdays=frozenset(int(day) for day in row.weekdays),
        date_from=row.date_from,
        date_to=row.date_to,
        rrule=row.rrule,
        priority=row.priority,
        emergency=row.emergency,
        expires_at=row.expires_at,
    )
