"""Writes to the boards' schedules: rules and emergencies, with who did it.

Every face that changes what boards show (the ``gongkai board`` CLI, the
staff console) calls these, so they enforce the same rules (the checks live in
:mod:`publisher.boards.rules`, the parsing of typed input in
:mod:`publisher.boards.drafts`) and record the acting
:class:`~publisher.actors.Actor` in the audit log. A town user's actor may
change only its town's boards. Keyword-only, ``<noun>_<verb>``::

    rule = rule_add(actor=actor, rule=RuleDraft(name="…", boards="hall-k", show=["clock"]),
                    boards=boards, snapshot=snapshot, now=now)
    emergency_create(actor=actor, board_ids=["hall-k"], text="…", until="2026-03-02 18:00",
                     boards=boards, snapshot=snapshot, now=now)

A refused write raises :class:`BoardRuleError` carrying every reason (each a
:class:`~publisher.boards.rules.RuleProblem` with a code and the field), or
:class:`~publisher.actors.OutOfScopeError`, and saves nothing.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import TYPE_CHECKING

from django.db import transaction

from publisher.boards.demo import demo_rules
from publisher.boards.drafts import RuleDraft, parse_local, rule_from_draft
from publisher.boards.rules import (
    MAX_EMERGENCY,
    BoardRuleError,
    ProblemCode,
    emergency_problems,
    problem,
    rule_problems,
)
from publisher.boards.schedule import Content, Rule, targets
from publisher.boards.store import rule_from_row, rule_list
from publisher.store.models import BoardRule
from publisher.store.services import audit_log

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from publisher.actors import Actor
    from publisher.boards.compose import ContentSnapshot
    from publisher.boards.config import BoardSet

__all__ = [
    "MAX_EMERGENCY",
    "BoardRuleError",
    "emergency_cancel",
    "emergency_create",
    "emergency_end",
    "rule_add",
    "rule_remove",
    "rule_update",
    "rules_seed_demo",
]


def rule_add(
    *,
    actor: Actor,
    rule: Rule | RuleDraft,
    boards: BoardSet,
    snapshot: ContentSnapshot,
    now: datetime,
) -> Rule:
    """Check a schedule rule against the boards and the content, and store it.

    Args:
        actor: who adds it (kept in the audit log and on the rule); a town
            user may target only its town's boards.
        rule: the rule (its ``id`` is ignored), or a draft as typed.
        boards: the configured boards.
        snapshot: the approved content the rule would show.
        now: the clock's time; the content is checked as it would show now.

    Returns:
        The rule as stored, with its id.

    Raises:
        BoardRuleError: a field does not parse, it targets nothing or an
            unknown board, its window or dates are empty, its RRULE is bad, a
            board cannot show its content (each character named with its
            position), or it would never show.
        OutOfScopeError: it targets a board outside the actor's scope.
    """
    checked = _checked(actor, rule, boards, snapshot, now)
    return _rule_save(replace(checked, created_at=now), actor=actor)


def rule_update(
    *,
    actor: Actor,
    rule_id: int,
    rule: Rule | RuleDraft,
    boards: BoardSet,
    snapshot: ContentSnapshot,
    now: datetime,
) -> Rule:
    """Replace schedule rule ``rule_id`` with ``rule``, checked as :func:`rule_add` checks.

    The rule keeps its id and its place in precedence (``created_at``).

    Raises:
        BoardRuleError: no schedule rule ``rule_id``, or the new rule is refused.
        OutOfScopeError: the old or the new rule reaches outside the actor's scope.
    """
    row = _schedule_row(rule_id)
    _require_scope(actor, rule_from_row(row), boards)
    checked = _checked(actor, rule, boards, snapshot, now)
    with transaction.atomic():
        for name, value in _columns(checked).items():
            setattr(row, name, value)
        row.save()
        audit_log(
            actor=actor,
            action="board_rule_update",
            detail={"rule": row.pk, "name": row.name, "boards": row.boards, "groups": row.groups},
        )
    return rule_from_row(row)


def rule_remove(*, actor: Actor, rule_id: int, boards: BoardSet) -> None:
    """Delete a schedule rule (an emergency is cancelled instead, and kept).

    Raises:
        BoardRuleError: there is no schedule rule with this id.
        OutOfScopeError: the rule reaches boards outside the actor's scope.
    """
    row = _schedule_row(rule_id)
    _require_scope(actor, rule_from_row(row), boards)
    with transaction.atomic():
        BoardRule.objects.filter(pk=row.pk).delete()
        audit_log(actor=actor, action="board_rule_remove", detail={"rule": rule_id})


def emergency_create(
    *,
    actor: Actor,
    board_ids: Sequence[str],
    text: str,
    until: datetime | str,
    boards: BoardSet,
    snapshot: ContentSnapshot,
    now: datetime,
) -> Rule:
    """Override ``board_ids`` with ``text`` in red until ``until`` (at most 7 days).

    ``until`` is an aware datetime or ``YYYY-MM-DD HH:MM`` in Asia/Shanghai.

    Raises:
        UnknownBoardError: a board is not configured, or misconfigured.
        BoardRuleError: no boards or no text, ``until`` does not parse, is past
            or more than :data:`MAX_EMERGENCY` away, or a board cannot show the text.
        OutOfScopeError: a board is outside the actor's scope.
    """
    for board_id in board_ids:
        actor.require_town(boards.require(board_id).town, what=f"board {board_id}")
    end = parse_local(until, field="until") if isinstance(until, str) else until
    rule = Rule(
        id=0,
        name=f"紧急通知 {text.strip()[:20]}",
        content=(Content("text", text.strip(), color="red", seconds=10.0),),
        created_at=now,
        boards=frozenset(board_ids),
        emergency=True,
        expires_at=end,
    )
    probe = Rule(0, "紧急通知", (Content("text", text.strip()),), now, boards=rule.boards)
    problems = emergency_problems(
        board_ids=board_ids,
        text=text,
        until=end,
        boards=boards.boards,
        snapshot=snapshot,
        now=now,
        probe=probe,
    )
    if problems:
        raise BoardRuleError(problems)
    return _rule_save(rule, actor=actor)


def emergency_cancel(
    *, actor: Actor, board_ids: Sequence[str] | None, boards: BoardSet, now: datetime
) -> int:
    """Cancel the running emergencies of ``board_ids`` (None: every board in the actor's scope).

    Returns:
        How many emergencies were cancelled.

    Raises:
        UnknownBoardError: a board is not configured, or misconfigured.
        OutOfScopeError: a board, or another board of a chosen emergency, is
            outside the actor's scope.
    """
    for board_id in board_ids or ():
        actor.require_town(boards.require(board_id).town, what=f"board {board_id}")
    if board_ids is None:
        board_ids = [b.id for b in boards.boards if actor.scope.covers_town(b.town)]
    rows = BoardRule.objects.filter(emergency=True, cancelled_at__isnull=True, expires_at__gt=now)
    chosen = [row for row in rows if set(row.boards) & set(board_ids)]
    for row in chosen:
        _require_scope(actor, rule_from_row(row), boards)
    return _cancel([row.pk for row in chosen], actor=actor, now=now)


def emergency_end(*, actor: Actor, rule_id: int, boards: BoardSet, now: datetime) -> None:
    """Cancel one running emergency by id (the console's "cancel" beside it).

    Raises:
        BoardRuleError: no running emergency ``rule_id`` (code ``no_such_rule``).
        OutOfScopeError: it reaches boards outside the actor's scope.
    """
    row = BoardRule.objects.filter(
        pk=rule_id, emergency=True, cancelled_at__isnull=True, expires_at__gt=now
    ).first()
    if row is None:
        raise BoardRuleError(
            [
                problem(
                    ProblemCode.NO_SUCH_RULE,
                    "",
                    f"no running emergency #{rule_id}",
                    f"没有正在生效的紧急通知 #{rule_id}",
                )
            ]
        )
    _require_scope(actor, rule_from_row(row), boards)
    _cancel([row.pk], actor=actor, now=now)


def rules_seed_demo(*, actor: Actor, site: str, now: datetime) -> int:
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


def _checked(
    actor: Actor,
    rule: Rule | RuleDraft,
    boards: BoardSet,
    snapshot: ContentSnapshot,
    now: datetime,
) -> Rule:
    """``rule`` parsed and checked, or the refusal."""
    parsed = rule_from_draft(rule, now=now) if isinstance(rule, RuleDraft) else rule
    _require_scope(actor, parsed, boards)
    problems = rule_problems(parsed, boards.boards, snapshot, at=now)
    if problems:
        raise BoardRuleError(problems)
    return parsed


def _require_scope(actor: Actor, rule: Rule, boards: BoardSet) -> None:
    """Refuse unless every board ``rule`` reaches is in the actor's scope."""
    if actor.scope.is_county:
        return
    for board in boards.boards:
        if targets(rule, board):
            actor.require_town(board.town, what=f"board {board.id} (of rule {rule.name!r})")


def _schedule_row(rule_id: int) -> BoardRule:
    row = BoardRule.objects.filter(pk=rule_id, emergency=False).first()
    if row is None:
        raise BoardRuleError(
            [
                problem(
                    ProblemCode.NO_SUCH_RULE,
                    "",
                    f"no schedule rule #{rule_id} (emergencies end by being cancelled)",
                    f"没有排程规则 #{rule_id}（紧急通知请用“取消”结束）",
                )
            ]
        )
    return row


def _cancel(ids: list[int], *, actor: Actor, now: datetime) -> int:
    with transaction.atomic():
        BoardRule.objects.filter(pk__in=ids).update(cancelled_at=now)
        if ids:
            audit_log(actor=actor, action="board_emergency_cancel", detail={"rules": ids})
    return len(ids)


def _columns(rule: Rule) -> dict[str, object]:
    return {
        "name": rule.name,
        "boards": sorted(rule.boards),
        "groups": sorted(rule.groups),
        "content": [asdict(part) for part in rule.content],
        "start_minute": rule.start,
        "end_minute": rule.end,
        "weekdays": "".join(str(day) for day in sorted(rule.weekdays)),
        "days": rule.days,
        "date_from": rule.date_from,
        "date_to": rule.date_to,
        "rrule": rule.rrule,
        "priority": rule.priority,
    }


def _rule_save(rule: Rule, *, actor: Actor) -> Rule:
    with transaction.atomic():
        row = BoardRule.objects.create(
            **_columns(rule),
            emergency=rule.emergency,
            expires_at=rule.expires_at,
            created_at=rule.created_at,
            created_by=str(actor),
        )
        audit_log(
            actor=actor,
            action="board_emergency" if rule.emergency else "board_rule_add",
            detail={"rule": row.pk, "name": rule.name, "boards": row.boards, "groups": row.groups},
        )
    return rule_from_row(row)
