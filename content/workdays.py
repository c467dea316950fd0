"""The Chinese working-day calendar: weekends, public holidays and make-up working days (调休).

Two things in this project count working days: the application register's
statutory deadlines (20 working days to answer, 20 more on extension; 条例第三十三条)
and the LED boards' schedules ("working days 08:30-17:30"). Both must agree
with the State Council's yearly holiday notice (国务院办公厅关于…部分节假日安排的通知),
in which a Saturday or Sunday can be a working day (调休上班) and a weekday a
holiday. The notice's data comes from the ``chinese-calendar`` package, which
covers the years it has been published for; an office can add a year the
package does not have yet (the notice comes out in November) as overrides.

Outside the known years a day is a working day exactly when it is Monday to
Friday, and :attr:`Day.known` says the answer is a guess, so a deadline can be
shown with a warning instead of silently wrong.

Pure: the calendar is data; nothing here reads files or the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Final

import chinese_calendar

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

__all__ = ["HOLIDAY_NAMES", "Day", "DayKind", "WorkdayCalendar", "official_calendar"]


class DayKind(StrEnum):
    """What a date is on the working-day calendar."""

    WORKDAY = "workday"  # Monday to Friday, no holiday
    WEEKEND = "weekend"  # Saturday or Sunday, no make-up working day
    HOLIDAY = "holiday"  # a public holiday (or a day off in lieu), any weekday
    MAKEUP_WORKDAY = "makeup_workday"  # a Saturday or Sunday worked in exchange (调休上班)

    @property
    def label(self) -> str:
        """The kind in the words staff read (zh-hans)."""
        return _KIND_LABELS[self]

    @property
    def is_workday(self) -> bool:
        """Whether offices are open on a day of this kind."""
        return self in {DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY}


_KIND_LABELS: Final = {
    DayKind.WORKDAY: "工作日",
    DayKind.WEEKEND: "周末",
    DayKind.HOLIDAY: "节假日",
    DayKind.MAKEUP_WORKDAY: "调休上班",
}

#: The package's English holiday names, in the words of the State Council's notice.
HOLIDAY_NAMES: Final[Mapping[str, str]] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass(frozen=True, slots=True)
class Day:
    """One date on the calendar.

    ``holiday`` names the holiday a day off or a make-up working day belongs
    to (``"国庆节"``), ``None`` on an ordinary day. ``known`` is false for a
    year the calendar has no notice for: the kind is then the plain weekday rule.
    """

    date: date
    kind: DayKind
    holiday: str | None
    known: bool

    @property
    def is_workday(self) -> bool:
        """Whether offices are open on this day."""
        return self.kind.is_workday


@dataclass(frozen=True, slots=True)
class WorkdayCalendar:
    """Holidays and make-up working days for the years in ``years``.

    Build one with :func:`official_calendar` (the published notices, plus an
    office's overrides); the fields are plain mappings so a test can build a
    calendar of its own.
    """

    #: Days off (weekday or not) -> the holiday's name.
    holidays: Mapping[date, str]
    #: Saturdays and Sundays worked in exchange -> the holiday's name.
    makeup_workdays: Mapping[date, str]
    #: The years whose notice these mappings hold completely.
    years: frozenset[int] = field(default_factory=frozenset)

    def day(self, when: date) -> Day:
        """What ``when`` is: its kind, the holiday it belongs to, and whether that is known."""
        known = when.year in self.years
        if (name := self.holidays.get(when)) is not None:
            return Day(when, DayKind.HOLIDAY, name, known)
        if (name := self.makeup_workdays.get(when)) is not None:
            return Day(when, DayKind.MAKEUP_WORKDAY, name, known)
        kind = DayKind.WEEKEND if when.weekday() >= _SATURDAY else DayKind.WORKDAY
        return Day(when, kind, None, known)

    def is_workday(self, when: date) -> bool:
        """Whether offices are open on ``when``."""
        return self.day(when).is_workday

    def add_workdays(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted).

        This is how the Regulations count a time limit: an application received
        on a Friday before the National Day week has its first working day after
        the holiday. ``count`` 0 is ``start`` itself.

        Raises:
            ValueError: ``count`` is negative.
        """
        if count < 0:
            raise ValueError(f"count must not be negative: {count}")
        when, left = start, count
        while left:
            when += _ONE_DAY
            if self.is_workday(when):
                left -= 1
        return when

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative before it)."""
        if end < start:
            return -self.workdays_between(end, start)
        return sum(1 for day in _days(start + _ONE_DAY, end) if self.is_workday(day))

    def guessed_between(self, start: date, end: date) -> bool:
        """Whether any day from ``start`` to ``end`` lies in a year with no notice."""
        return any(year not in self.years for year in range(start.year, end.year + 1))


def official_calendar(
    *,
    extra_holidays: Mapping[date, str] | None = None,
    extra_makeup_workdays: Mapping[date, str] | None = None,
    extra_years: frozenset[int] = frozenset(),
) -> WorkdayCalendar:
    """The State Council's notices as ``chinese-calendar`` has them, plus an office's overrides.

    ``extra_*`` add (or correct) days, named in Chinese; ``extra_years`` are the
    years the overrides hold a whole notice for (so their days count as known).
    """
    holidays = {
        day: HOLIDAY_NAMES.get(name, name) for day, name in chinese_calendar.holidays.items()
    }
    makeup = {day: HOLIDAY_NAMES.get(name, name) for day, name in chinese_calendar.workdays.items()}
    for day, name in (extra_holidays or {}).items():
        makeup.pop(day, None)
        holidays[day] = name
    for day, name in (extra_makeup_workdays or {}).items():
        holidays.pop(day, None)
        makeup[day] = name
    published = {day.year for day in chinese_calendar.holidays}
    return WorkdayCalendar(holidays, makeup, frozenset(published) | extra_years)


_SATURDAY: Final = 5
_ONE_DAY: Final = timedelta(days=1)


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += _ONE_DAY
