"""From what a person typed to a schedule rule or an emergency time: pure, no I/O.

The command line's options and the console's form fields are the same words
(``--from 07:30`` is the field ``start = "07:30"``), so both hand a
:class:`RuleDraft` to :func:`rule_from_draft` and get the same rule, or the
same :class:`~publisher.boards.rules.BoardRuleError` naming every bad field at
once (a form shows each beside its field and keeps what was typed)::

    draft = RuleDraft(name="早间公告", boards="hall-k", show=("notices:3", "clock"),
                      start="07:00", end="09:00", days="mon-fri")
    rule = rule_from_draft(draft, now=now)

``--show`` specs, in order: ``notices[:N]``, ``projects[:N]``, ``leaders[:N]``,
``text:WORDS``, ``qr:URL[|caption]`` (full-colour boards), ``clock``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from content.county_time import SHANGHAI
from publisher.boards.config import parse_hhmm
from publisher.boards.rules import BoardRuleError, ProblemCode, RuleProblem, problem
from publisher.boards.schedule import DAY_RULES, Content, Rule

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from publisher.boards.program import DayRule

__all__ = [
    "COLORS",
    "RuleDraft",
    "parse_content",
    "parse_day_kind",
    "parse_days",
    "parse_ids",
    "parse_local",
    "rule_from_draft",
]

COLORS = ("red", "green", "yellow")
_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MAX_SECONDS = 3600.0


@dataclass(frozen=True)
class RuleDraft:
    """A schedule rule as typed: strings (or, from a form, already chosen values).

    ``boards`` and ``groups`` are comma-separated or sequences; ``days`` is
    ``mon-fri``/``sat,sun``/``daily``, weekday numbers (0 = Monday), or a kind
    of day on the official working-day calendar, 调休 included (``workdays``,
    ``holidays``, ``weekends-and-holidays``); dates are ISO (``2026-03-01``) or empty.
    """

    name: str
    show: Sequence[str]
    boards: str | Sequence[str] = ""
    groups: str | Sequence[str] = ""
    start: str = "00:00"
    end: str = "24:00"
    days: str | Iterable[int] = "mon-sun"
    start_date: str | date | None = None
    end_date: str | date | None = None
    rrule: str = ""
    priority: str | int = 0
    color: str = "red"
    seconds: str | float = 8.0


def rule_from_draft(draft: RuleDraft, *, now: datetime, rule_id: int = 0) -> Rule:
    """The rule ``draft`` describes (not yet checked against boards and content).

    Raises:
        BoardRuleError: a field does not parse; every such field is named.
    """
    found: list[RuleProblem] = []

    def attempt(field: str, parse: Any) -> Any:
        try:
            return parse()
        except BoardRuleError as exc:
            found.extend(exc.problems)
        except ValueError as exc:
            found.append(
                problem(
                    ProblemCode.BAD_TIME,
                    field,
                    f"{field}: {exc}",
                    f"时间格式有误，请写成 HH:MM：{exc}",
                )
            )
        return None

    start = attempt("start", lambda: parse_hhmm(draft.start))
    end = attempt("end", lambda: parse_hhmm(draft.end))
    kind = parse_day_kind(draft.days)
    days = attempt("days", lambda: parse_days(draft.days)) if kind == "all" else frozenset(range(7))
    date_from = attempt("start_date", lambda: _date(draft.start_date, "start_date"))
    date_to = attempt("end_date", lambda: _date(draft.end_date, "end_date"))
    priority = attempt("priority", lambda: _number(draft.priority, "priority", -1000, 1000, int))
    seconds = attempt("seconds", lambda: _number(draft.seconds, "seconds", 1, _MAX_SECONDS, float))
    color = draft.color if draft.color in COLORS else None
    if color is None:
        found.append(
            problem(
                ProblemCode.BAD_CONTENT,
                "color",
                f"color {draft.color!r}: use {', '.join(COLORS)}",
                "颜色只能是红、绿或黄",
            )
        )
    content: list[Content] = []
    if not draft.show:
        found.append(
            problem(
                ProblemCode.BAD_CONTENT,
                "show",
                "a rule needs something to show",
                "请至少添加一项显示内容",
            )
        )
    for index, spec in enumerate(draft.show):
        part = attempt(
            f"show[{index}]",
            lambda spec=spec, index=index: parse_content(
                spec, color=color or "red", seconds=seconds or 8.0, field=f"show[{index}]"
            ),
        )
        if part is not None:
            content.append(part)
    if found:
        raise BoardRuleError(found)
    return Rule(
        id=rule_id,
        name=draft.name.strip(),
        content=tuple(content),
        created_at=now,
        boards=frozenset(parse_ids(draft.boards)),
        groups=frozenset(parse_ids(draft.groups)),
        start=start,
        end=end,
        weekdays=days,
        days=kind,
        date_from=date_from,
        date_to=date_to,
        rrule=draft.rrule.strip(),
        priority=priority,
    )


def parse_ids(value: str | Sequence[str]) -> list[str]:
    """Board ids or group names, from ``"a, b"`` or a sequence, blanks dropped."""
    parts = value.split(",") if isinstance(value, str) else value
    return [part.strip() for part in parts if part.strip()]


def parse_local(text: str, *, field: str = "until") -> datetime:
    """``YYYY-MM-DD HH:MM`` (a ``T`` may stand for the space) in Asia/Shanghai.

    Raises:
        BoardRuleError: another format (code ``bad_time``, naming ``field``).
    """
    try:
        naive = datetime.strptime(text.strip().replace("T", " "), "%Y-%m-%d %H:%M")  # noqa: DTZ007
    except ValueError:
        raise BoardRuleError(
            [
                problem(
                    ProblemCode.BAD_TIME,
                    field,
                    f'{text!r}: write the time as "YYYY-MM-DD HH:MM"',
                    "时间格式有误，请写成“年-月-日 时:分”，例如 2026-03-01 18:00",
                )
            ]
        ) from None
    return naive.replace(tzinfo=SHANGHAI)


def parse_day_kind(value: str | Iterable[int]) -> DayRule:
    """The kind of day ``value`` names (``workdays`` …), or ``all`` for weekdays."""
    if not isinstance(value, str):
        return "all"
    kind = value.strip().lower()
    return cast("DayRule", kind) if kind in DAY_RULES else "all"


def parse_days(value: str | Iterable[int]) -> frozenset[int]:
    """``mon-fri``, ``sat,sun``, ``mon-sun``/``daily``, or weekday numbers (0 = Monday).

    Raises:
        BoardRuleError: an unknown day name or number (code ``bad_days``).
    """
    if not isinstance(value, str):
        days = frozenset(value)
        if not days <= frozenset(range(7)):
            raise BoardRuleError([_bad_days(str(sorted(days)))])
        return days
    if value.strip().lower() in ("daily", "all", "*"):
        return frozenset(range(7))
    found: set[int] = set()
    for part in value.lower().replace(" ", "").split(","):
        ends = part.split("-")
        try:
            numbers = [_DAY_NAMES.index(end[:3]) for end in ends]
        except ValueError:
            raise BoardRuleError([_bad_days(value)]) from None
        if len(numbers) == 1:
            found.add(numbers[0])
        else:
            first, last = numbers[0], numbers[-1]
            span = (last - first) % 7
            found.update((first + step) % 7 for step in range(span + 1))
    return frozenset(found)


def parse_content(spec: str, *, color: str, seconds: float, field: str = "show") -> Content:
    """One ``--show`` spec as a :class:`~publisher.boards.schedule.Content`.

    Raises:
        BoardRuleError: an unknown kind, a bad count, no words (code ``bad_content``).
    """
    kind, _, rest = spec.partition(":")
    kind = kind.strip().lower()
    style: dict[str, Any] = {"color": color, "seconds": seconds}
    if kind in ("notices", "projects", "leaders"):
        if rest and not re.fullmatch(r"\d{1,3}", rest):
            raise _bad_content(
                field, f"{spec}: the count after {kind}: is a number", "条数必须是数字"
            )
        return Content(kind, limit=int(rest or 5), **style)  # type: ignore[arg-type]
    if kind == "text":
        if not rest.strip():
            raise _bad_content(field, "text:WORDS needs words", "文字内容不能为空")
        return Content("text", rest.replace("\\n", "\n"), **style)
    if kind == "qr":
        url, _, caption = rest.partition("|")
        return Content("qr", url.strip(), caption=caption.strip(), **style)
    if kind == "clock":
        return Content("clock", **style)
    raise _bad_content(
        field,
        f"{spec}: use notices[:N], projects[:N], leaders[:N], text:WORDS, qr:URL, clock",
        "显示内容只能是通知公告、项目、领导、文字、二维码或时钟",
    )


# --- helpers -------------------------------------------------------------------------


def _bad_days(text: str) -> RuleProblem:
    return problem(
        ProblemCode.BAD_DAYS,
        "days",
        f"days {text!r}: use mon,tue,…, ranges like mon-fri, or a kind of day "
        f"({', '.join(DAY_RULES[1:])})",
        "星期格式有误，例如 mon-fri 或 sat,sun，或 workdays、holidays、weekends-and-holidays",
    )


def _bad_content(field: str, message: str, message_zh: str) -> BoardRuleError:
    return BoardRuleError([problem(ProblemCode.BAD_CONTENT, field, message, message_zh)])


def _date(value: str | date | None, field: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BoardRuleError(
            [
                problem(
                    ProblemCode.BAD_DATE,
                    field,
                    f"{field} {value!r}: write the date as YYYY-MM-DD",
                    "日期格式有误，请写成 年-月-日",
                )
            ]
        ) from None


def _number(value: str | float, field: str, low: float, high: float, kind: type) -> Any:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise BoardRuleError(
            [
                problem(
                    ProblemCode.BAD_NUMBER,
                    field,
                    f"{field} {value!r}: a number from {low:g} to {high:g}",
                    f"请填写 {low:g} 到 {high:g} 之间的数字",
                )
            ]
        )
    return number
