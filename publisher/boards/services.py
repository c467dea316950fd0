"""Writes to the boards' schedules: rules and emergencies, with who did it.

Every face that changes what boards show (the ``gongkai board`` CLI, the
staff console) calls these, so they enforce the same rules and record the
acting user in the audit log. Keyword-only, ``<noun>_<verb>``::

    rule = rule_add(actor="cli:zhang", rule=rule, boards=boards, snapshot=snapshot, now=now)
    emergency_create(actor="cli:zhang", board_ids=["hall-k"], text="…", until=until,
                     boards=boards, snapshot=snapshot, now=now)

A refused write raises :class:`BoardRuleError` carrying every reason, and
saves nothing.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction

from content.county_time import SHANGHAI
from publisher.boards.compose import check_rule
from publisher.boards.demo import demo_rules
from publisher.boards.schedule import DAY, Content, Rule, check_day_rule, check_rrule
from publisher.boards.store import rule_from_row, rule_list
from publisher.errors import InputError
from publisher.store.models import BoardRule
from publisher.store.services import audit_log

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import datetime

    from publisher.boards.compose import ContentSnapshot
    from publisher.boards.config import BoardSet

__all__ = [
    "MAX_EMERGENCY",
    "BoardRuleError",
    "emergency_cancel",
    "emergency_create",
    "rule_add",
    "rule_remove",
    "rules_seed_demo",
]

#: An emergency must end; a forgotten one would hold boards for ever.
MAX_EMERGENCY = timedelta(days=7)


class BoardRuleError(InputError):
    """A schedule rule or an emergency was refused; nothing was saved.

    Attributes:
        problems: every reason, in words staff can act on.
    """

    def __init__(self, problems: Iterable[object]) -> None:
        self.problems = tuple(str(problem) for problem in problems)
        super().__init__("; ".join(self.problems))


def rule_add(
    *, actor: str, rule: Rule, boards: BoardSet, snapshot: ContentSnapshot, now: datetime
) -> Rule:
    """Check a schedule rule against the boards and the content, and store it.

    Args:
        actor: who adds it (kept in the audit log and on the rule).
        rule: the rule; its ``id`` is ignored.
        boards: the configured boards.
        snapshot: the approved content the rule would show.
        now: the clock's time; the content is checked as it would show now.

    Returns:
        The rule as stored, with its id.

    Raises:
        BoardRuleError: it targets nothing or an unknown board, its window or
            dates are empty, its RRULE is bad, or a board cannot show its
            content (one problem per board and reason).
    """
    if rule.emergency:
        raise BoardRuleError(["an emergency is issued with emergency_create, not as a rule"])
    if not rule.boards and not rule.groups:
        raise BoardRuleError(["a rule needs boards or groups to show on (e.g. the group all)"])
    unknown = sorted(b for b in rule.boards if boards.get(b) is None)
    if unknown:
        raise BoardRuleError([f"no board {', '.join(unknown)} in [[boards]]"])
    if rule.rrule:
        try:
            check_rrule(rule.rrule)
        except ValueError as exc:
            raise BoardRuleError([str(exc)]) from exc
    if rule.start in (rule.end, DAY):
        raise BoardRuleError(
            ["the window's start and end must differ (the whole day is 00:00 to 24:00)"]
        )
    if rule.date_from and rule.date_to and rule.date_to < rule.date_from:
        raise BoardRuleError(["the end date is before the start date"])
    uncovered = check_day_rule(rule.days, rule.date_from or now.astimezone(SHANGHAI).date())
    if uncovered:
        raise BoardRuleError([uncovered])
    problems = check_rule(rule, boards.boards, snapshot, at=now)
    if problems:
        raise BoardRuleError(problems)
    return _rule_save(rule, actor=actor)


def rule_remove(*, actor: str, rule_id: int) -> None:
    """Delete a schedule rule (an emergency is cancelled instead, and kept).

    Raises:
        BoardRuleError: there is no schedule rule with this id.
    """
    with transaction.atomic():
        deleted, _ = BoardRule.objects.filter(pk=rule_id, emergency=False).delete()
        if not deleted:
            raise BoardRuleError(
                [f"no schedule rule #{rule_id} (emergencies end by being cancelled)"]
            )
        audit_log(actor=actor, action="board_rule_remove", detail={"rule": rule_id})


def emergency_create(
    *,
    actor: str,
    board_ids: Sequence[str],
    text: str,
    until: datetime,
    boards: BoardSet,
    snapshot: ContentSnapshot,
    now: datetime,
) -> Rule:
    """Override ``board_ids`` with ``text`` in red until ``until`` (at most 7 days).

    Raises:
        UnknownBoardError: a board is not configured, or misconfigured.
        BoardRuleError: no boards or no text, ``until`` is past or more than
            :data:`MAX_EMERGENCY` away, or a board cannot show the text.
    """
    for board_id in board_ids:
        boards.require(board_id)
    if not board_ids:
        raise BoardRuleError(["an emergency needs at least one board"])
    if not text.strip():
        raise BoardRuleError(["an emergency needs a text"])
    if until <= now:
        local = until.astimezone(SHANGHAI)
        raise BoardRuleError([f"the end {local:%Y-%m-%d %H:%M} is in the past"])
    if until - now > MAX_EMERGENCY:
        raise BoardRuleError(["an emergency lasts at most 7 days; issue a new one after"])
    rule = Rule(
        id=0,
        name=f"紧急通知 {text[:20]}",
        content=(Content("text", text, color="red", seconds=10.0),),
        created_at=now,
        boards=frozenset(board_ids),
        emergency=True,
        expires_at=until,
    )
    probe = Rule(0, "紧急通知", (Content("text", text),), now, boards=rule.boards)
    problems = check_rule(probe, boards.boards, snapshot, at=now)
    if problems:
        raise BoardRuleError(problems)
    return _rule_save(rule, actor=actor)


def emergency_cancel(
    *, actor: str, board_ids: Sequence[str] | None, boards: BoardSet, now: datetime
) -> int:
    """Cancel the running emergencies of ``board_ids`` (of every board when None).

    Returns:
        How many emergencies were cancelled.

    Raises:
        UnknownBoardError: a board is not configured, or misconfigured.
    """
    for board_id in board_ids or ():
        boards.require(board_id)
    rows = BoardRule.objects.filter(emergency=True, cancelled_at__isnull=True, expires_at__gt=now)
    chosen = [row.pk for row in rows if board_ids is None or set(row.boards) & set(board_ids)]
    with transaction.atomic():
        BoardRule.objects.filter(pk__in=chosen).update(cancelled_at=now)
        if chosen:
            audit_log(actor=actor, action="board_emergency_cancel", detail={"rules": chosen})
    return len(chosen)


def rules_seed_demo(*, actor: str, site: str, now: datetime) -> int:
    """Store the demo's schedules unless the store has rules already; say how many.

    They are stored as written (not checked against content): a fresh demo home
    has no approved content yet.
    """
    if rule_list(now=now):
        return 0
    rules = demo_rules(now=now, site=site)
    for rule in rules:
        _rule_save(rule, actor=actor)
    return len(rules)


# --- helpers -------------------------------------------------------------------------


def _rule_save(rule: Rule, *, actor: str) -> Rule:
    with transaction.atomic():
        row = BoardRule.objects.create(
            name=rule.name,
            boards=sorted(rule.boards),
            groups=sorted(rule.groups),
            content=[asdict(part) for part in rule.content],
            start_minute=rule.start,
            end_minute=rule.end,
            weekdays="".join(str(day) for day in sorted(rule.weekdays)),
            days=rule.days,
            date_from=rule.date_from,
            date_to=rule.date_to,
            rrule=rule.rrule,
            priority=rule.priority,
            emergency=rule.emergency,
            expires_at=rule.expires_at,
            created_at=rule.created_at,
            created_by=actor,
        )
        audit_log(
            actor=actor,
            action="board_emergency" if rule.emergency else "board_rule_add",
            detail={"rule": row.pk, "name": rule.name, "boards": row.boards, "groups": row.groups},
        )
    return rule_from_row(row)
