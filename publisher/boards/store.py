"""The boards' durable state in the publisher store: rules, board state, content.

Schedules live in the store (``BoardRule``), not in a file: staff change them
from the CLI (and later the web UI) while ``gongkai serve`` reads them, and the
database gives both sides transactions, history (``created_at``, cancelled
emergencies are kept) and the same backup as everything else. Board
*configuration* stays in gongkai.toml, because it describes hardware.

Functions here read rows as the pure types of :mod:`publisher.boards.schedule`
and :mod:`publisher.boards.push`; rules are written, with who did it, by
:mod:`publisher.boards.services`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, cast

from content.enums import EntityType, LeaderStatus
from content.models import Leader, Notice, Project
from publisher.boards.compose import ContentSnapshot, sorted_notices
from publisher.boards.push import BoardStatus, Outcome
from publisher.boards.schedule import Content, Rule
from publisher.store.approved import approved_entities
from publisher.store.links import short_links_by_url
from publisher.store.models import BoardRule, BoardState

if TYPE_CHECKING:
    from datetime import date, datetime

    from publisher.boards.program import DayRule
    from publisher.config import Config
    from publisher.store.approved import ApprovedCache

__all__ = [
    "DjangoStates",
    "rule_from_row",
    "rule_list",
    "snapshot_load",
    "state_rows",
]

#: Emergencies that expired longer ago than this drop out of rule lists.
_EXPIRED_KEPT = timedelta(days=1)
#: The content types boards show.
_BOARD_TYPES = (EntityType.NOTICE, EntityType.PROJECT, EntityType.LEADER)


def rule_list(*, now: datetime, include_expired: bool = False) -> list[Rule]:
    """The rules in force or scheduled, oldest first (cancelled emergencies left out)."""
    rows = BoardRule.objects.filter(cancelled_at__isnull=True)
    if not include_expired:
        rows = rows.exclude(emergency=True, expires_at__lt=now - _EXPIRED_KEPT)
    return [rule_from_row(row) for row in rows]


class DjangoStates:
    """Board state kept in the ``BoardState`` table (the pusher's state store)."""

    def load(self, board_id: str) -> BoardStatus:
        """The board's last known state (a fresh one when never pushed)."""
        row = BoardState.objects.filter(board_id=board_id).first()
        return BoardStatus(board_id) if row is None else _status(row)

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
    """Every stored board state, by board id (one query, however many boards)."""
    return {row.board_id: _status(row) for row in BoardState.objects.all()}


def snapshot_load(
    config: Config, *, approved: ApprovedCache | None = None, today: date | None = None
) -> ContentSnapshot:
    """Approved notices, projects and current leaders, in board order.

    Args:
        config: the configuration (its sites are where QR codes may point).
        approved: validated entities kept between calls (shared with releases).
        today: unused; content is filtered by date when composed, per instant.
    """
    del today
    entities = approved_entities(cache=approved, entity_types=_BOARD_TYPES)
    notices = [e for e in entities if isinstance(e, Notice)]
    projects = sorted(
        (e for e in entities if isinstance(e, Project)), key=lambda p: (p.year, p.id), reverse=True
    )
    leaders = sorted(
        (e for e in entities if isinstance(e, Leader) and e.status == LeaderStatus.CURRENT),
        key=lambda x: (x.rank_order, x.id),
    )
    return ContentSnapshot(
        notices=sorted_notices(notices),
        projects=tuple(projects),
        leaders=tuple(leaders),
        allowed_hosts=config.allowed_hosts(),
        short_links=short_links_by_url(config.publisher.public_url),
    )


def rule_from_row(row: BoardRule) -> Rule:
    """The schedule rule a ``BoardRule`` row stores."""
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
        days=cast("DayRule", row.days),
        date_from=row.date_from,
        date_to=row.date_to,
        rrule=row.rrule,
        priority=row.priority,
        emergency=row.emergency,
        expires_at=row.expires_at,
    )


def _status(row: BoardState) -> BoardStatus:
    return BoardStatus(
        board_id=row.board_id,
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
