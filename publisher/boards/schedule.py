"""Which rule a board follows at a given moment, and why: pure, no I/O.

A :class:`Rule` targets boards by id and/or by group and says when it applies:
a daily window (``start``-``end``, minutes after midnight, which may cross
midnight), weekdays, an optional date range and an optional RRULE (RFC 5545,
by python-dateutil) choosing the days. A window that crosses midnight belongs
to the day it starts on: "Fri 22:00-06:00" runs Friday night into Saturday.
Times are Asia/Shanghai (no daylight saving time).

A rule (and a board's operating hours) may also be limited to a kind of day
on the official working-day calendar (``content.workdays``, which follows the
State Council's yearly notice, 调休 included): ``workdays`` (working days,
make-up working Saturdays and Sundays included, public holidays excluded),
``holidays`` (the public holidays and days off in lieu) or
``weekends-and-holidays`` (every day that is not a working day). For a year
the calendar has no notice for, the weekday rule is used and the explanation
says it is a guess.

Precedence, highest first (docs/boards.md):

1. an emergency (until it expires or is cancelled) preempts everything,
   operating hours included;
2. outside the board's operating hours the board is blank;
3. higher ``priority``;
4. a rule naming the board beats a rule for one of its groups;
5. the newer rule (``created_at``, then the larger id).

:func:`resolve` returns the winner, the active rules it shadowed (and why each
lost) and the rules not in effect (and why); :func:`next_change` gives the next
instant at which the answer may change, so callers need not poll every second.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Literal

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr

from content.county_time import SHANGHAI
from content.workdays import DayKind, official_calendar
from publisher.boards.config import board_groups, parse_hhmm

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from content.workdays import Day, WorkdayCalendar
    from publisher.boards.program import BoardConfig, DayRule, TextColor

__all__ = [
    "DAY_RULES",
    "Content",
    "ContentKind",
    "Resolution",
    "Rule",
    "check_day_rule",
    "check_rrule",
    "day_problem",
    "day_rule_why_not",
    "default_calendar",
    "describe_day",
    "hours_why_not",
    "in_hours",
    "next_change",
    "resolve",
    "targets",
]

DAY = 24 * 60
ContentKind = Literal["text", "notices", "projects", "leaders", "qr", "clock"]
_WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: The kinds of day a rule or a board's hours can be limited to ("all": no limit).
DAY_RULES: tuple[DayRule, ...] = ("all", "workdays", "holidays", "weekends-and-holidays")


@dataclass(frozen=True)
class Content:
    """One part of what a rule shows, in order.

    ``text``: ``value`` is the words; ``qr``: ``value`` is the document URL and
    ``caption`` the words beside it; ``notices``, ``projects``, ``leaders``: the
    ``limit`` latest approved items of the board's county and town; ``clock``:
    the date and time.
    """

    kind: ContentKind
    value: str = ""
    caption: str = ""
    limit: int = 5
    color: TextColor = "red"
    seconds: float = 8.0


@dataclass(frozen=True)
class Rule:
    """A schedule rule, or an emergency override when ``emergency`` is set."""

    id: int
    name: str
    content: tuple[Content, ...]
    created_at: datetime
    boards: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    start: int = 0  # minutes after midnight
    end: int = DAY  # may be smaller than start: the window crosses midnight
    weekdays: frozenset[int] = frozenset(range(7))  # 0 = Monday
    days: DayRule = "all"  # a kind of day on the working-day calendar
    date_from: date | None = None
    date_to: date | None = None
    rrule: str = ""
    priority: int = 0
    emergency: bool = False
    expires_at: datetime | None = None  # emergencies: required

    def describe(self) -> str:
        """A one-line summary for listings and explanations."""
        if self.emergency:
            until = self.expires_at.astimezone(SHANGHAI) if self.expires_at else None
            return f'#{self.id} EMERGENCY "{self.name}" until {until:%Y-%m-%d %H:%M}'
        days = "daily" if len(self.weekdays) == 7 else _weekdays(self.weekdays)
        if self.days != "all":
            days = self.days if len(self.weekdays) == 7 else f"{self.days} {days}"
        window = f"{_hhmm(self.start)}-{_hhmm(self.end)}"
        extra = ""
        if self.date_from or self.date_to:
            extra += f" {self.date_from or '…'}..{self.date_to or '…'}"
        if self.rrule:
            extra += f" {self.rrule}"
        return f'#{self.id} "{self.name}" {window} {days}{extra} priority {self.priority}'


@dataclass(frozen=True)
class Resolution:
    """What one board follows at one instant, and why.

    ``winner`` is None when the board is blank: outside operating hours
    (``off_hours``) or with no rule in effect.
    """

    board_id: str
    at: datetime
    winner: Rule | None
    off_hours: bool
    why: str
    shadowed: tuple[tuple[Rule, str], ...] = ()
    inactive: tuple[tuple[Rule, str], ...] = field(default=(), compare=False)


def targets(rule: Rule, board: BoardConfig) -> bool:
    """Whether ``rule`` is for ``board`` (by id or by one of its groups)."""
    return board.id in rule.boards or bool(rule.groups & board_groups(board))


@functools.cache
def default_calendar() -> WorkdayCalendar:
    """The official working-day calendar (``content.workdays``), built once per process."""
    return official_calendar()


def describe_day(day: Day) -> str:
    """A day in staff's words: ``2026-10-01 国庆节``, ``2026-10-10 国庆节调休上班``, ``… 周末``."""
    if day.kind is DayKind.HOLIDAY and day.holiday:
        return f"{day.date} {day.holiday}"
    if day.kind is DayKind.MAKEUP_WORKDAY and day.holiday:
        return f"{day.date} {day.holiday}{day.kind.label}"
    return f"{day.date} {day.kind.label}"


def day_rule_why_not(days: DayRule, day: date, calendar: WorkdayCalendar | None = None) -> str:
    """Empty when ``day`` is one of the ``days`` kind, else why not (``2026-10-01 国庆节, …``)."""
    if days == "all":
        return ""
    info = (calendar or default_calendar()).day(day)
    if days == "workdays" and not info.is_workday:
        why = f"{describe_day(info)}, not a working day"
    elif days == "holidays" and info.kind is not DayKind.HOLIDAY:
        why = f"{describe_day(info)}, not a public holiday"
    elif days == "weekends-and-holidays" and info.is_workday:
        why = f"{describe_day(info)}, a working day"
    else:
        return ""
    if not info.known:
        why += f" (no State Council notice for {day.year} in the calendar: guessed by weekday)"
    return why


def check_day_rule(days: DayRule, first: date, calendar: WorkdayCalendar | None = None) -> str:
    """Empty when the calendar can answer ``days`` from ``first`` on, else the error to show."""
    if days not in DAY_RULES:
        return f"days {days!r}: use {', '.join(DAY_RULES)}"
    known = (calendar or default_calendar()).years
    if days == "all" or first.year in known:
        return ""
    span = f"{min(known)}-{max(known)}" if known else "none"
    return (
        f"the working-day calendar has no State Council notice for {first.year} "
        f"(it covers {span}); update chinese-calendar, or use weekdays (--days mon-fri)"
    )


def hours_why_not(board: BoardConfig, at: datetime, calendar: WorkdayCalendar | None = None) -> str:
    """Empty when ``at`` falls in the board's operating hours, else why not."""
    start, end = (parse_hhmm(part) for part in board.hours)
    local = at.astimezone(SHANGHAI)
    minute = local.hour * 60 + local.minute
    inside = start <= minute < end if start < end else minute >= start or minute < end
    if inside and board.hours_days == "all":
        return ""  # the common case, every evaluation: no words to build
    hours = f"{board.hours[0]}-{board.hours[1]}"
    if board.hours_days != "all":
        hours += f" on {board.hours_days}"
    if not inside:
        return f"outside operating hours {hours}"
    # Hours that cross midnight belong to the day they start on, as rules' windows do.
    day = local.date() - timedelta(days=1) if start > end and minute < end else local.date()
    why = day_rule_why_not(board.hours_days, day, calendar)
    return f"outside operating hours {hours} ({why})" if why else ""


def in_hours(board: BoardConfig, at: datetime, calendar: WorkdayCalendar | None = None) -> bool:
    """Whether ``at`` falls in the board's operating hours (on its kind of day)."""
    return not hours_why_not(board, at, calendar)


def resolve(
    board: BoardConfig,
    rules: Iterable[Rule],
    at: datetime,
    *,
    calendar: WorkdayCalendar | None = None,
) -> Resolution:
    """The rule ``board`` follows at ``at`` (an aware datetime), with the reasons.

    ``calendar`` is the working-day calendar for rules and hours limited to a
    kind of day (default: the official one).
    """
    active: list[Rule] = []
    inactive: list[tuple[Rule, str]] = []
    for rule in rules:
        if not targets(rule, board):
            continue
        why_not = _why_inactive(rule, at, calendar)
        if why_not:
            inactive.append((rule, why_not))
        else:
            active.append(rule)
    active.sort(key=lambda rule: _rank(rule, board), reverse=True)
    closed = hours_why_not(board, at, calendar)
    off_hours = bool(closed)
    if not active:
        why = "no rule is in effect: the board is blank"
        if off_hours:
            why = f"{closed}: the board is blank"
        return Resolution(board.id, at, None, off_hours, why, (), tuple(inactive))
    winner = active[0]
    if off_hours and not winner.emergency:
        why = f"{closed}: the board is blank"
        shadowed = tuple((rule, closed) for rule in active)
        return Resolution(board.id, at, None, off_hours, why, shadowed, tuple(inactive))
    shadowed = tuple((rule, _lost(rule, winner, board)) for rule in active[1:])
    return Resolution(
        board.id, at, winner, off_hours, _won(winner, board, active[1:]), shadowed, tuple(inactive)
    )


def next_change(board: BoardConfig, rules: Iterable[Rule], at: datetime) -> datetime:
    """The first instant after ``at`` at which :func:`resolve` may answer differently.

    Every window edge, operating-hours edge and expiry nearby, and the next
    midnight (dates, weekdays and recurrences change there), are candidates.
    """
    local = at.astimezone(SHANGHAI)
    today = local.date()
    candidates = [_local(today + timedelta(days=1), 0)]
    edges = {parse_hhmm(board.hours[0]), parse_hhmm(board.hours[1])}
    for rule in rules:
        if not targets(rule, board):
            continue
        if rule.emergency:
            if rule.expires_at:
                candidates.append(rule.expires_at)
            candidates.append(rule.created_at)
            continue
        edges.update((rule.start, rule.end))
    candidates += [_local(today, minute) for minute in edges]
    later = [moment for moment in candidates if moment > at]
    return min(later)


def check_rrule(text: str) -> None:
    """Check an RRULE for a rule's days.

    Raises:
        ValueError: it does not parse, repeats more often than daily, or sets
            times of day (the rule's window gives those).
    """
    if any(part in text.upper() for part in ("BYHOUR", "BYMINUTE", "BYSECOND")):
        raise ValueError("the RRULE picks days only; the window (--from/--to) gives the times")
    try:
        parsed = rrulestr(text, dtstart=datetime(2000, 1, 1))  # noqa: DTZ001 - local dates
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not an RRULE: {exc}") from exc
    freq = getattr(parsed, "_freq", None)  # dateutil keeps FREQ private
    if not isinstance(parsed, rrule) or freq not in (DAILY, WEEKLY, MONTHLY, YEARLY):
        raise ValueError("use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY")


def day_problem(rule: Rule, day: date, calendar: WorkdayCalendar | None = None) -> str:
    """Empty when a schedule rule's window opens on ``day``, else why it does not.

    The day must lie in the rule's dates, be one of its weekdays, with an
    RRULE be one of its days, and be of its kind on the working-day calendar
    (``calendar``; default: the official one). Emergencies are not scheduled by day.
    """
    if rule.date_from and day < rule.date_from:
        return f"starts on {rule.date_from}"
    if rule.date_to and day > rule.date_to:
        return f"ended on {rule.date_to}"
    if day.weekday() not in rule.weekdays:
        return f"not on {_WEEKDAY_NAMES[day.weekday()]} (only {_weekdays(rule.weekdays)})"
    if rule.rrule and not _recurs_on(rule.rrule, rule.date_from or rule.created_at.date(), day):
        return f"{day} is not a day of {rule.rrule}"
    return day_rule_why_not(rule.days, day, calendar)


# --- helpers -------------------------------------------------------------------------


def _rank(rule: Rule, board: BoardConfig) -> tuple[bool, int, bool, datetime, int]:
    return (rule.emergency, rule.priority, board.id in rule.boards, rule.created_at, rule.id)


def _why_inactive(rule: Rule, at: datetime, calendar: WorkdayCalendar | None) -> str:
    """Empty when ``rule`` is in effect at ``at``, else the reason it is not."""
    if rule.emergency:
        if rule.created_at > at:
            return "emergency not yet issued"
        if rule.expires_at is None or at >= rule.expires_at:
            return "emergency expired"
        return ""
    local = at.astimezone(SHANGHAI)
    day = _occurrence_day(rule, local)
    if day is None:
        return f"outside its window {_hhmm(rule.start)}-{_hhmm(rule.end)}"
    return day_problem(rule, day, calendar)


def _occurrence_day(rule: Rule, local: datetime) -> date | None:
    """The day whose window covers ``local``, or None when no window does.

    A window crossing midnight belongs to the day it starts on, so its tail
    after midnight is yesterday's occurrence.
    """
    minute = local.hour * 60 + local.minute
    day = local.date()
    if rule.start < rule.end:
        return day if rule.start <= minute < rule.end else None
    if minute >= rule.start:
        return day
    if minute < rule.end:
        return day - timedelta(days=1)
    return None


@functools.lru_cache(maxsize=1024)
def _rrule(text: str, start: date) -> rrule:
    parsed = rrulestr(text, dtstart=datetime.combine(start, time()), cache=True)
    assert isinstance(parsed, rrule)  # noqa: S101 - check_rrule refused rule sets
    return parsed


def _recurs_on(text: str, start: date, day: date) -> bool:
    midnight = datetime.combine(day, time())
    found = _rrule(text, start).after(midnight, inc=True)
    return found is not None and found.date() == day


def _won(winner: Rule, board: BoardConfig, others: Sequence[Rule]) -> str:
    if winner.emergency:
        return "emergency override: preempts every schedule and operating hours"
    how = "names this board" if board.id in winner.boards else _group_of(winner, board)
    if not others:
        return f"the only rule in effect ({how})"
    return f"highest precedence among {len(others) + 1} rules in effect ({how})"


def _lost(loser: Rule, winner: Rule, board: BoardConfig) -> str:
    if winner.emergency:
        return f"preempted by emergency #{winner.id}"
    if winner.priority != loser.priority:
        return f"lower priority ({loser.priority} < {winner.priority}) than #{winner.id}"
    if (board.id in winner.boards) != (board.id in loser.boards):
        return f"a group rule ({_group_of(loser, board)}); #{winner.id} names this board"
    return f"older than #{winner.id} at the same priority"


def _group_of(rule: Rule, board: BoardConfig) -> str:
    groups = sorted(rule.groups & board_groups(board))
    return f"group {', '.join(groups)}"


def _local(day: date, minute: int) -> datetime:
    return datetime.combine(day, time(), tzinfo=SHANGHAI) + timedelta(minutes=minute)


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _weekdays(days: frozenset[int]) -> str:
    return ",".join(_WEEKDAY_NAMES[day] for day in sorted(days))
