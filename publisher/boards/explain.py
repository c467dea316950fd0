"""Say in words what a board shows at an instant, and why (``gongkai board explain``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from content.county_time import SHANGHAI
from publisher.boards.schedule import default_calendar, describe_day

if TYPE_CHECKING:
    from datetime import datetime

    from content.workdays import WorkdayCalendar
    from publisher.boards.program import BoardConfig, Program
    from publisher.boards.schedule import Resolution

__all__ = ["explain"]

_WEEKDAYS = "一二三四五六日"


def explain(
    board: BoardConfig,
    resolution: Resolution,
    program: Program,
    *,
    next_change: datetime | None = None,
    calendar: WorkdayCalendar | None = None,
) -> str:
    """A few lines for staff: the board, the winning rule, its slides, what it shadowed.

    The time line says what the day is on the working-day calendar (工作日, 周末,
    国庆节, 国庆节调休上班); a rule off because of it says so among the rules not in effect.
    """
    at = resolution.at.astimezone(SHANGHAI)
    lines = [
        (
            f"{board.id} {board.name}（{board.place or board.town}）"
            f" {board.width}x{board.height} {board.colors} {board.driver}"
        ),
        f"时间 at: {at:%Y-%m-%d %H:%M} 星期{_WEEKDAYS[at.weekday()]} "
        f"{_day_words(at, calendar)} (Asia/Shanghai); "
        f"operating hours {board.hours[0]}-{board.hours[1]}"
        + (f" on {board.hours_days}" if board.hours_days != "all" else "")
        + (" — OUTSIDE" if resolution.off_hours else ""),
    ]
    if resolution.winner is None:
        lines.append(f"显示 shows: nothing (blank) — {resolution.why}")
    else:
        lines.append(f"显示 shows: {resolution.winner.describe()}")
        lines.append(f"  why: {resolution.why}")
    lines.append(f"  program: {len(program.slides)} slides, digest {program.content_digest()[:12]}")
    if program.clock_box is not None:
        lines.append(
            "  clock: a live strip above every slide; each new minute refreshes it alone "
            "(the slides' loop goes on)"
        )
    if resolution.winner is not None and program.reason != resolution.winner.describe():
        lines.append(f"  note: {program.reason} (nothing approved to show yet?)")
    for number, slide in enumerate(program.slides, 1):
        text = " / ".join(slide.lines) if slide.lines else "(blank)"
        lines.append(
            f"  {number:>2}. {slide.kind:<5} {slide.color:<6} {slide.seconds:>4.0f}s  {text}"
        )
    if resolution.shadowed:
        lines.append("被覆盖 shadowed (in effect, but lost):")
        lines += [f"  {rule.describe()}: {why}" for rule, why in resolution.shadowed]
    if resolution.inactive:
        lines.append("不生效 not in effect now:")
        lines += [f"  {rule.describe()}: {why}" for rule, why in resolution.inactive]
    lines += _weekday_notes(resolution, calendar)
    if next_change is not None:
        lines.append(
            f"下次可能变化 next possible change: {next_change.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
        )
    return "\n".join(lines)


def _day_words(at: datetime, calendar: WorkdayCalendar | None) -> str:
    """工作日, 周末, 国庆节 or 国庆节调休上班: the day on the working-day calendar."""
    day = (calendar or default_calendar()).day(at.date())
    words = describe_day(day).removeprefix(f"{day.date} ")
    return words if day.known else f"{words} (no State Council notice for {at.year}: guessed)"


def _weekday_notes(resolution: Resolution, calendar: WorkdayCalendar | None) -> list[str]:
    """On a holiday or a 调休 day: the rules that run by weekday names, blind to the calendar."""
    at = resolution.at.astimezone(SHANGHAI)
    day = (calendar or default_calendar()).day(at.date())
    if day.kind.value not in ("holiday", "makeup_workday"):
        return []
    rules = [resolution.winner] if resolution.winner else []
    rules += [rule for rule, _ in (*resolution.shadowed, *resolution.inactive)]
    blind = [r for r in rules if r.days == "all" and len(r.weekdays) < 7 and not r.emergency]
    if not blind:
        return []
    return [
        f"日历 calendar: {describe_day(day)}; these rules go by weekday, not by the "
        "working-day calendar (--days workdays would): "
        + ", ".join(f"#{rule.id}" for rule in blind)
    ]
