"""The rules a schedule rule or an emergency must keep before it is saved: pure, no I/O.

Both faces (``gongkai board`` and the staff console) reach these through
:mod:`publisher.boards.services`, so a rule refused on one is refused on the
other with the same :class:`ProblemCode`. Each :class:`RuleProblem` names the
field of the form it belongs to (``show[0]``, ``until`` …), carries the data a
page needs (board, character and its position) and says it in English (the
CLI) and in Chinese (the console, beside the field)::

    problems = rule_problems(rule, boards, snapshot, at=now)
    if problems:
        raise BoardRuleError(problems)

Checks: targets (configured boards, at least one), window and dates, the
RRULE, every text drawable on every targeted board (the board's bitmap font,
and GB2312 on Onbon font cards; each bad character named with its position),
QR codes (full-colour boards, size, the county's own hosts), and whether the
rule would ever show at all (a day of its dates, weekdays, RRULE and kind of
day within a year, a window inside the board's operating hours). A rule
limited to a kind of day (``workdays``, ``holidays``, ``weekends-and-holidays``)
needs the working-day calendar to cover the year it starts in. Texts are
measured with each board's face (``publisher.boards.cardfont.face_for``: an
Onbon K card's own font metrics, the bitmap font elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from content.county_time import SHANGHAI
from publisher.boards.cardfont import face_for
from publisher.boards.compose import items_for
from publisher.boards.config import parse_hhmm
from publisher.boards.render import QrItem, qr_fits, unshowable
from publisher.boards.schedule import (
    DAY,
    DAY_RULES,
    Rule,
    check_day_rule,
    check_rrule,
    day_problem,
    targets,
)
from publisher.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from datetime import datetime

    from content.workdays import WorkdayCalendar
    from publisher.boards.cardfont import Face
    from publisher.boards.compose import ContentSnapshot
    from publisher.boards.program import BoardConfig
    from publisher.boards.schedule import Content

__all__ = [
    "MAX_EMERGENCY",
    "BoardRuleError",
    "ProblemCode",
    "RuleProblem",
    "content_problems",
    "emergency_problems",
    "never_shows",
    "rule_problems",
]

#: An emergency must end; a forgotten one would hold boards for ever.
MAX_EMERGENCY = timedelta(days=7)
#: How far ahead "would it ever show" looks for a day the rule runs on.
_HORIZON = timedelta(days=366)


class ProblemCode(StrEnum):
    """Why a rule or an emergency was refused: the same code on every face."""

    NO_NAME = "no_name"
    NO_TARGET = "no_target"
    UNKNOWN_BOARD = "unknown_board"
    BAD_TIME = "bad_time"
    EMPTY_WINDOW = "empty_window"
    BAD_DAYS = "bad_days"
    NO_CALENDAR = "no_calendar"
    BAD_DATE = "bad_date"
    DATES_REVERSED = "dates_reversed"
    BAD_RRULE = "bad_rrule"
    BAD_CONTENT = "bad_content"
    BAD_NUMBER = "bad_number"
    UNSHOWABLE = "unshowable"
    BAD_QR = "bad_qr"
    NEVER_SHOWS = "never_shows"
    NO_TEXT = "no_text"
    IN_THE_PAST = "in_the_past"
    TOO_LONG = "too_long"
    NOT_A_SCHEDULE = "not_a_schedule"
    NO_SUCH_RULE = "no_such_rule"


@dataclass(frozen=True)
class RuleProblem:
    """One reason a rule cannot be saved.

    Attributes:
        code: what kind of problem (stable; tests and pages match on it).
        field: the form field it belongs to: ``name``, ``boards``, ``show[2]``,
            ``start``, ``end``, ``days``, ``start_date``, ``end_date``, ``rrule``,
            ``priority``, ``seconds``, ``text``, ``until``, or ``""`` for the whole rule.
        message: in English, for the command line.
        message_zh: in Chinese, for the console.
        board_id: the board it concerns, when one does.
        char: the character that cannot be shown (``UNSHOWABLE``).
        position: where ``char`` first stands in the text, from 1 (0: not a text position).
    """

    code: ProblemCode
    field: str
    message: str
    message_zh: str
    board_id: str = ""
    char: str = ""
    position: int = 0

    def __str__(self) -> str:
        return self.message


class BoardRuleError(InputError):
    """A schedule rule or an emergency was refused; nothing was saved.

    Attributes:
        problems: every reason, as :class:`RuleProblem` (``str()`` of one is its words).
    """

    def __init__(self, problems: Iterable[RuleProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))

    @property
    def codes(self) -> tuple[ProblemCode, ...]:
        """The problems' codes, in order."""
        return tuple(problem.code for problem in self.problems)


def problem(
    code: ProblemCode, field: str, message: str, message_zh: str, **extra: str | int
) -> RuleProblem:
    """A :class:`RuleProblem` (a short constructor for the checks and the drafts)."""
    return RuleProblem(code, field, message, message_zh, **extra)  # type: ignore[arg-type]


def rule_problems(
    rule: Rule,
    boards: Sequence[BoardConfig],
    snapshot: ContentSnapshot,
    *,
    at: datetime,
    font_for: Callable[[BoardConfig], Face] = face_for,
    calendar: WorkdayCalendar | None = None,
) -> list[RuleProblem]:
    """Every reason the schedule rule ``rule`` cannot be saved (empty: fine).

    ``calendar``: the working-day calendar for a rule limited to a kind of day
    (default: the official one).
    """
    if rule.emergency:
        return [
            problem(
                ProblemCode.NOT_A_SCHEDULE,
                "",
                "an emergency is issued with emergency_create, not as a rule",
                "紧急通知请通过“紧急插播”发布，不能作为排程规则保存",
            )
        ]
    today = at.astimezone(SHANGHAI).date()
    found = _structure(rule, boards) + _calendar(rule, today, calendar)
    if found:
        return found  # the content checks need a sound rule
    found += content_problems(rule, boards, snapshot, at=at, font_for=font_for)
    found += never_shows(rule, boards, today=today, calendar=calendar)
    return found


def emergency_problems(
    *,
    board_ids: Sequence[str],
    text: str,
    until: datetime,
    boards: Sequence[BoardConfig],
    snapshot: ContentSnapshot,
    now: datetime,
    probe: Rule,
    font_for: Callable[[BoardConfig], Face] = face_for,
) -> list[RuleProblem]:
    """Every reason an emergency cannot be issued (``probe``: it as a rule of its text)."""
    found: list[RuleProblem] = []
    if not board_ids:
        found.append(
            problem(
                ProblemCode.NO_TARGET,
                "boards",
                "an emergency needs at least one board",
                "请至少选择一块屏幕",
            )
        )
    if not text.strip():
        found.append(
            problem(
                ProblemCode.NO_TEXT, "text", "an emergency needs a text", "请填写紧急通知的文字"
            )
        )
    local = until.astimezone(SHANGHAI)
    if until <= now:
        found.append(
            problem(
                ProblemCode.IN_THE_PAST,
                "until",
                f"the end {local:%Y-%m-%d %H:%M} is in the past",
                f"结束时间 {local:%Y-%m-%d %H:%M} 已经过去",
            )
        )
    elif until - now > MAX_EMERGENCY:
        found.append(
            problem(
                ProblemCode.TOO_LONG,
                "until",
                "an emergency lasts at most 7 days; issue a new one after",
                "紧急通知最长 7 天，到期后请重新发布",
            )
        )
    if found:
        return found
    problems = content_problems(probe, boards, snapshot, at=now, font_for=font_for)
    return [replace(p, field="text") for p in problems]


def content_problems(
    rule: Rule,
    boards: Iterable[BoardConfig],
    snapshot: ContentSnapshot,
    *,
    at: datetime,
    font_for: Callable[[BoardConfig], Face] = face_for,
) -> list[RuleProblem]:
    """What ``rule`` would show that a board it targets cannot (fonts, GB2312, QR codes)."""
    found: list[RuleProblem] = []
    chosen = [board for board in boards if targets(rule, board)]
    if not chosen:
        found.append(
            problem(
                ProblemCode.NO_TARGET,
                "boards",
                "targets no configured board",
                "没有选中任何已配置的屏幕",
            )
        )
    for board in chosen:
        font = font_for(board)
        for index, part in enumerate(rule.content):
            field = f"show[{index}]"
            if part.kind == "qr":
                found += _qr(board, part, snapshot, field)
            single = replace(rule, content=(part,))
            for item in items_for(board, single, snapshot, at, font):
                text = item.caption if isinstance(item, QrItem) else getattr(item, "text", "")
                typed = part.kind in ("text", "qr")
                found += _characters(board, font, text, field=field, typed=typed)
    return found


def never_shows(
    rule: Rule,
    boards: Sequence[BoardConfig],
    *,
    today: date,
    calendar: WorkdayCalendar | None = None,
) -> list[RuleProblem]:
    """Flags a schedule rule that would never be on a board it targets.

    It never shows when no day from today (or its start date) to its end date,
    at most a year ahead, is one of its weekdays, RRULE days and kind of day
    (on ``calendar``, default the official one); or, on one board, when its
    window lies wholly outside the board's operating hours.
    """
    first = max(today, rule.date_from) if rule.date_from else today
    last = min(rule.date_to, today + _HORIZON) if rule.date_to else today + _HORIZON
    day, runs = first, False
    while day <= last and not runs:
        runs = not day_problem(rule, day, calendar)
        day += timedelta(days=1)
    if not runs:
        kinds = f" and {rule.days}" if rule.days != "all" else ""
        kinds_zh = f"和日子类型（{rule.days}）" if rule.days != "all" else ""
        return [
            problem(
                ProblemCode.NEVER_SHOWS,
                "days",
                f"the rule would never show: no day from {first} to {last} is one of "
                f"its weekdays{' and RRULE days' if rule.rrule else ''}{kinds}",
                f"该规则永远不会显示：{first} 至 {last} 之间没有符合其星期"
                f"{'和重复规则' if rule.rrule else ''}{kinds_zh}的日子",
            )
        ]
    window = _minutes(rule.start, rule.end)
    found = []
    for board in boards:
        if not targets(rule, board):
            continue
        hours = _minutes(parse_hhmm(board.hours[0]), parse_hhmm(board.hours[1]))
        if not window & hours:
            found.append(
                problem(
                    ProblemCode.NEVER_SHOWS,
                    "start",
                    f"the rule would never show on {board.id}: its window {_hhmm(rule.start)}-"
                    f"{_hhmm(rule.end)} lies outside the board's operating hours "
                    f"{board.hours[0]}-{board.hours[1]}",
                    f"该规则在屏幕 {board.id} 上永远不会显示：时段 {_hhmm(rule.start)}-"
                    f"{_hhmm(rule.end)} 不在屏幕开放时间 {board.hours[0]}-{board.hours[1]} 之内",
                    board_id=board.id,
                )
            )
    return found


# --- helpers -------------------------------------------------------------------------


def _structure(rule: Rule, boards: Sequence[BoardConfig]) -> list[RuleProblem]:
    found: list[RuleProblem] = []
    if not rule.name.strip():
        found.append(problem(ProblemCode.NO_NAME, "name", "a rule needs a name", "请填写规则名称"))
    if not rule.boards and not rule.groups:
        found.append(
            problem(
                ProblemCode.NO_TARGET,
                "boards",
                "a rule needs boards or groups to show on (e.g. the group all)",
                "请选择要显示的屏幕或屏幕组（例如 all）",
            )
        )
    known = {board.id for board in boards}
    unknown = sorted(b for b in rule.boards if b not in known)
    if unknown:
        names = ", ".join(unknown)
        found.append(
            problem(
                ProblemCode.UNKNOWN_BOARD,
                "boards",
                f"no board {names} in [[boards]]",
                f"没有屏幕 {names}",
            )
        )
    if rule.rrule:
        try:
            check_rrule(rule.rrule)
        except ValueError as exc:
            found.append(problem(ProblemCode.BAD_RRULE, "rrule", str(exc), f"重复规则有误：{exc}"))
    if rule.start in (rule.end, DAY):
        found.append(
            problem(
                ProblemCode.EMPTY_WINDOW,
                "end",
                "the window's start and end must differ (the whole day is 00:00 to 24:00)",
                "时段的开始和结束不能相同（全天为 00:00 至 24:00）",
            )
        )
    if rule.date_from and rule.date_to and rule.date_to < rule.date_from:
        found.append(
            problem(
                ProblemCode.DATES_REVERSED,
                "end_date",
                "the end date is before the start date",
                "结束日期早于开始日期",
            )
        )
    if not rule.weekdays:
        found.append(
            problem(
                ProblemCode.BAD_DAYS, "days", "choose at least one weekday", "请至少选择一个星期几"
            )
        )
    return found


def _calendar(rule: Rule, today: date, calendar: WorkdayCalendar | None) -> list[RuleProblem]:
    """A kind of day the rule cannot have, or one the calendar cannot answer yet."""
    why = check_day_rule(rule.days, rule.date_from or today, calendar)
    if not why:
        return []
    if rule.days not in DAY_RULES:
        return [problem(ProblemCode.BAD_DAYS, "days", why, "日子类型有误：" + "、".join(DAY_RULES))]
    return [
        problem(
            ProblemCode.NO_CALENDAR,
            "days",
            why,
            f"工作日历还没有 {(rule.date_from or today).year} 年的国务院放假安排，"
            "请更新日历或改按星期排程",
        )
    ]


def _characters(
    board: BoardConfig, font: Face, text: str, *, field: str, typed: bool
) -> list[RuleProblem]:
    found = []
    limit = "GB2312 or the font" if board.driver == "onbon-k" else font.name
    limit_zh = "GB2312 字符集或字库" if board.driver == "onbon-k" else f"字库 {font.name}"
    for char in sorted(set(unshowable(board, font, text)), key=text.index):  # in reading order
        position = text.index(char) + 1
        excerpt = text[:40]
        where = (
            f"at position {position}" if typed else f"at position {position} of an approved item"
        )
        found.append(
            problem(
                ProblemCode.UNSHOWABLE,
                field,
                f"character {char!r} (U+{ord(char):04X}) {where} cannot be shown on board "
                f"{board.id} ({limit}) in: {excerpt}",
                f"第 {position} 个字符“{char}”（U+{ord(char):04X}）无法在屏幕 {board.id} 上显示"
                f"（{limit_zh}中没有）：{excerpt}",
                board_id=board.id,
                char=char,
                position=position,
            )
        )
    return found


def _qr(board: BoardConfig, part: Content, snap: ContentSnapshot, field: str) -> list[RuleProblem]:
    found = []
    parts = urlsplit(part.value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        found.append(
            problem(
                ProblemCode.BAD_QR,
                field,
                f"QR target {part.value!r} is not a URL",
                f"二维码地址 {part.value!r} 不是网址",
                board_id=board.id,
            )
        )
    elif snap.allowed_hosts and parts.netloc not in snap.allowed_hosts:
        allowed = ", ".join(sorted(snap.allowed_hosts))
        found.append(
            problem(
                ProblemCode.BAD_QR,
                field,
                f"QR codes point only at the county's documents ({allowed})",
                f"二维码只能指向本县的文件（{allowed}）",
                board_id=board.id,
            )
        )
    why = qr_fits(board, snap.short_links.get(part.value, part.value))
    if why:
        found.append(
            problem(
                ProblemCode.BAD_QR,
                field,
                why,
                f"二维码无法在屏幕 {board.id} 上显示：{why}",
                board_id=board.id,
            )
        )
    return found


def _minutes(start: int, end: int) -> set[int]:
    if start < end:
        return set(range(start, end))
    return set(range(start, DAY)) | set(range(end))


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
