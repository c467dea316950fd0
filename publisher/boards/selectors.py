"""Reads of the boards for the staff console, as plain data: calendars, previews, emergencies.

Pages draw these; none of them writes. Each takes the boards (``BoardSet``)
and a :class:`~publisher.actors.Scope`: a town's scope sees only its town's
boards (asking for another's raises ``OutOfScopeError``, a 403)::

    week = board_week(boards=boards, target="hall-k", week_of=today, scope=scope)
    shown = board_preview(boards=boards, snapshot=runner.snapshot(), board_id="hall-k",
                          at=at, scope=scope)
    states = emergency_status(boards=boards, snapshot=runner.snapshot(), scope=scope, now=now)

* :func:`board_week`: a board's or a group's rules over one week as blocks
  (day, start and end minute, rule, priority), recurrence expanded, windows
  crossing midnight split at it, emergencies from issue to expiry.
* :func:`board_preview`: the exact pixels at a time (the preview driver's
  PNG per page, and an animated GIF of them) and why: the winner, the
  rules it shadowed, those not in effect.
* :func:`emergency_status`: per running emergency and board, pushed and
  acknowledged, waiting, or failed with the controller's reason.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from PIL import Image

from content.county_time import SHANGHAI
from publisher.actors import OutOfScopeError
from publisher.boards.compose import Composer
from publisher.boards.config import board_groups, parse_hhmm
from publisher.boards.drivers.preview import render_files
from publisher.boards.explain import explain
from publisher.boards.push import BoardStatus, Outcome
from publisher.boards.schedule import DAY, day_problem, next_change, resolve, targets
from publisher.boards.store import rule_list, state_rows

if TYPE_CHECKING:
    from collections.abc import Sequence

    from publisher.actors import Scope
    from publisher.boards.compose import ContentSnapshot
    from publisher.boards.config import BoardSet
    from publisher.boards.program import BoardConfig
    from publisher.boards.schedule import Rule

__all__ = [
    "BoardPreview",
    "CalendarBlock",
    "EmergencyBoard",
    "EmergencyState",
    "PreviewPage",
    "RuleLine",
    "WeekCalendar",
    "board_preview",
    "board_week",
    "boards_in_scope",
    "emergency_status",
]

_WEEK = 7
_MAX_SCALE = 16


@dataclass(frozen=True)
class RuleLine:
    """A rule as a page lists it: id, name, one-line summary, and (when it lost) why."""

    id: int
    name: str
    summary: str
    priority: int
    emergency: bool
    why: str = ""


@dataclass(frozen=True)
class CalendarBlock:
    """One stretch of one day that a rule covers (minutes after midnight, end exclusive)."""

    day: date
    weekday: int  # 0 = Monday
    start: int
    end: int
    rule: RuleLine
    #: The part after midnight of a window that opened the day before.
    continued: bool = False


@dataclass(frozen=True)
class WeekCalendar:
    """A board's or a group's week: its days, the blocks, and the operating hours."""

    target: str
    boards: tuple[str, ...]
    days: tuple[date, ...]
    blocks: tuple[CalendarBlock, ...]
    #: The board's operating hours as minutes (start, end); None for a group.
    hours: tuple[int, int] | None


@dataclass(frozen=True)
class PreviewPage:
    """One page (slide) of a program: its exact pixels and how long it stays."""

    png: bytes  # scaled up by the preview's scale, nearest-neighbour (LEDs stay square)
    seconds: float
    kind: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class BoardPreview:
    """What a board shows at an instant, and why."""

    board_id: str
    at: datetime
    width: int
    height: int
    pages: tuple[PreviewPage, ...]
    gif: bytes  # the pages as an animated GIF, each for its seconds (one frame: one page)
    winner: RuleLine | None
    why: str
    off_hours: bool
    shadowed: tuple[RuleLine, ...]
    inactive: tuple[RuleLine, ...]
    next_change: datetime
    explanation: str  # the words of ``gongkai board explain``


class EmergencyState(StrEnum):
    """Where an emergency stands on one board."""

    ACKNOWLEDGED = "acknowledged"
    PUSHED = "pushed"
    WAITING = "waiting"
    FAILED = "failed"
    PREEMPTED = "preempted"

    @property
    def words(self) -> str:
        """The state in Chinese, for staff."""
        return _EMERGENCY_WORDS[self]


_EMERGENCY_WORDS = {
    EmergencyState.ACKNOWLEDGED: "已显示（屏幕已确认）",
    EmergencyState.PUSHED: "已推送",
    EmergencyState.WAITING: "等待推送",
    EmergencyState.FAILED: "推送失败",
    EmergencyState.PREEMPTED: "被更新的紧急通知覆盖",
}


@dataclass(frozen=True)
class EmergencyBoard:
    """One running emergency on one board."""

    rule: RuleLine
    board_id: str
    board_name: str
    state: EmergencyState
    reason: str  # the controller's error when failed, else ""
    issued_at: datetime
    expires_at: datetime | None
    last_attempt_at: datetime | None

    @property
    def words(self) -> str:
        """The state in Chinese."""
        return self.state.words


def boards_in_scope(boards: BoardSet, scope: Scope) -> list[BoardConfig]:
    """The configured boards ``scope`` sees, in configuration order."""
    return [board for board in boards.boards if scope.covers_town(board.town)]


def board_week(
    *,
    boards: BoardSet,
    target: str,
    week_of: date,
    scope: Scope,
    rules: Sequence[Rule] | None = None,
) -> WeekCalendar:
    """The week (Monday to Sunday) holding ``week_of`` for a board id or a group name.

    A group's calendar holds the rules for the group and for its boards.

    Raises:
        UnknownBoardError: ``target`` is neither a board nor a group in scope.
        OutOfScopeError: the board is another town's.
    """
    board = boards.get(target)
    visible = boards_in_scope(boards, scope)
    if board is not None:
        if not scope.covers_town(board.town):
            raise OutOfScopeError(f"board {target} is outside the scope {scope}")
        members = [board]
    else:
        members = [b for b in visible if target in board_groups(b)]
        if not members:
            boards.require(target)  # raises UnknownBoardError naming the known boards
    monday = week_of - timedelta(days=week_of.weekday())
    days = tuple(monday + timedelta(days=n) for n in range(_WEEK))
    start = datetime.combine(monday, time(), tzinfo=SHANGHAI)
    chosen = [
        rule
        for rule in (rule_list(now=start) if rules is None else rules)
        if any(targets(rule, b) for b in members)
    ]
    blocks: list[CalendarBlock] = []
    for rule in chosen:
        blocks += _emergency_blocks(rule, days) if rule.emergency else _schedule_blocks(rule, days)
    blocks.sort(key=lambda b: (b.day, b.start, -b.rule.priority, b.rule.id))
    hours = None
    if board is not None:
        hours = (parse_hhmm(board.hours[0]), parse_hhmm(board.hours[1]))
    return WeekCalendar(target, tuple(b.id for b in members), days, tuple(blocks), hours)


def board_preview(
    *,
    boards: BoardSet,
    snapshot: ContentSnapshot,
    board_id: str,
    at: datetime,
    scope: Scope,
    scale: int = 4,
) -> BoardPreview:
    """The pixels ``board_id`` shows at ``at`` (per page), with the explanation.

    ``snapshot`` is the approved content (``BoardRunner.snapshot()``).

    Raises:
        UnknownBoardError: no such board.
        OutOfScopeError: the board is another town's.
        ValueError: ``scale`` is not 1 to 16.
    """
    if not 1 <= scale <= _MAX_SCALE:
        raise ValueError(f"scale is 1 to {_MAX_SCALE}, not {scale}")
    board = boards.require(board_id)
    if not scope.covers_town(board.town):
        raise OutOfScopeError(f"board {board_id} is outside the scope {scope}")
    rules = rule_list(now=at)
    resolution = resolve(board, rules, at)
    program = Composer(snapshot).program(board, resolution)
    files = render_files(program, scale=scale)
    pages = tuple(
        PreviewPage(_scaled(slide.image, scale), slide.seconds, slide.kind, slide.lines)
        for slide in program.slides
    )
    upcoming = next_change(board, rules, at)
    return BoardPreview(
        board_id=board.id,
        at=at,
        width=board.width,
        height=board.height,
        pages=pages,
        gif=files["program.gif"],
        winner=_line(resolution.winner) if resolution.winner else None,
        why=resolution.why,
        off_hours=resolution.off_hours,
        shadowed=tuple(_line(rule, why) for rule, why in resolution.shadowed),
        inactive=tuple(_line(rule, why) for rule, why in resolution.inactive),
        next_change=upcoming,
        explanation=explain(board, resolution, program, next_change=upcoming),
    )


def emergency_status(
    *, boards: BoardSet, snapshot: ContentSnapshot, scope: Scope, now: datetime
) -> list[EmergencyBoard]:
    """Every running emergency on every board in scope, and where it stands there.

    Acknowledged: the board's last acknowledged program is the one this
    emergency shows now. Pushed: a push succeeded since it was issued, but the
    board cycles slides itself or shows a newer program. Failed: the last
    attempt since it was issued failed (``reason`` says why). Waiting: no push
    since. Preempted: a newer emergency wins on that board.
    """
    rules = rule_list(now=now)
    running = [
        r for r in rules if r.emergency and r.created_at <= now < (r.expires_at or now)
    ]  # fmt: skip
    if not running:
        return []
    states = state_rows()
    composer = Composer(snapshot)
    found: list[EmergencyBoard] = []
    for board in boards_in_scope(boards, scope):
        mine = [rule for rule in running if targets(rule, board)]
        if not mine:
            continue
        resolution = resolve(board, rules, now)
        digest = composer.program(board, resolution).content_digest()
        state = states.get(board.id)
        found += [_emergency_board(r, board, resolution.winner, digest, state) for r in mine]
    return found


# --- helpers -------------------------------------------------------------------------


def _line(rule: Rule, why: str = "") -> RuleLine:
    return RuleLine(rule.id, rule.name, rule.describe(), rule.priority, rule.emergency, why)


def _schedule_blocks(rule: Rule, days: tuple[date, ...]) -> list[CalendarBlock]:
    """The rule's windows over ``days``, the day before included (its tail after midnight)."""
    line = _line(rule)
    blocks = []
    for day in (days[0] - timedelta(days=1), *days):
        if day_problem(rule, day):
            continue
        if rule.start < rule.end:
            blocks.append(CalendarBlock(day, day.weekday(), rule.start, rule.end, line))
            continue
        blocks.append(CalendarBlock(day, day.weekday(), rule.start, DAY, line))
        after = day + timedelta(days=1)
        if rule.end > 0:
            blocks.append(CalendarBlock(after, after.weekday(), 0, rule.end, line, continued=True))
    first, last = days[0], days[-1]
    return [block for block in blocks if first <= block.day <= last and block.start < block.end]


def _emergency_blocks(rule: Rule, days: tuple[date, ...]) -> list[CalendarBlock]:
    line = _line(rule)
    begin = rule.created_at.astimezone(SHANGHAI)
    end = (rule.expires_at or rule.created_at).astimezone(SHANGHAI)
    blocks = []
    for day in days:
        midnight = datetime.combine(day, time(), tzinfo=SHANGHAI)
        low, high = max(begin, midnight), min(end, midnight + timedelta(days=1))
        if low < high:
            start = (low - midnight) // timedelta(minutes=1)
            stop = -(-(high - midnight) // timedelta(minutes=1))  # round the end up
            blocks.append(
                CalendarBlock(
                    day, day.weekday(), start, min(stop, DAY), line, continued=low == midnight
                )
            )
    return blocks


def _scaled(image: Image.Image, scale: int) -> bytes:
    big = image.convert("RGB").resize(
        (image.width * scale, image.height * scale), Image.Resampling.NEAREST
    )
    out = io.BytesIO()
    big.save(out, format="PNG")
    return out.getvalue()


def _emergency_board(
    rule: Rule,
    board: BoardConfig,
    winner: Rule | None,
    digest: str,
    state: BoardStatus | None,
) -> EmergencyBoard:
    status = state or BoardStatus(board.id)
    attempted = status.last_attempt_at is not None and status.last_attempt_at >= rule.created_at
    pushed = status.last_push_at is not None and status.last_push_at >= rule.created_at
    reason = ""
    if winner is not None and winner.id != rule.id:
        kind = EmergencyState.PREEMPTED
    elif attempted and status.outcome not in (None, Outcome.OK):
        kind, reason = EmergencyState.FAILED, status.error
    elif pushed and status.digest == digest:
        kind = EmergencyState.ACKNOWLEDGED
    elif pushed:
        kind = EmergencyState.PUSHED
    else:
        kind = EmergencyState.WAITING
    return EmergencyBoard(
        rule=_line(rule),
        board_id=board.id,
        board_name=board.name,
        state=kind,
        reason=reason,
        issued_at=rule.created_at,
        expires_at=rule.expires_at,
        last_attempt_at=status.last_attempt_at,
    )
