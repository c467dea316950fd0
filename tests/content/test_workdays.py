"""The working-day calendar: the State Council's 2026 notice, and the weekday rule beyond it."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content.workdays import DayKind, WorkdayCalendar, official_calendar

CALENDAR = official_calendar()


def test_national_day_week_2026_is_off_and_its_makeup_saturday_is_worked() -> None:
    assert CALENDAR.day(date(2026, 10, 1)).kind is DayKind.HOLIDAY
    assert CALENDAR.day(date(2026, 10, 1)).holiday == "国庆节"
    assert CALENDAR.day(date(2026, 10, 5)).kind is DayKind.HOLIDAY  # a Monday
    saturday = CALENDAR.day(date(2026, 10, 10))
    assert saturday.kind is DayKind.MAKEUP_WORKDAY
    assert saturday.is_workday
    assert saturday.kind.label == "调休上班"


def test_an_ordinary_week() -> None:
    assert CALENDAR.day(date(2026, 11, 20)).kind is DayKind.WORKDAY  # Friday
    assert CALENDAR.day(date(2026, 11, 21)).kind is DayKind.WEEKEND
    assert CALENDAR.day(date(2026, 11, 21)).holiday is None


def test_twenty_working_days_from_before_the_national_day_holiday() -> None:
    # Received Thursday 24 September 2026: 中秋节 (25-27 Sep) and 国庆节 (1-7 Oct)
    # do not count, the make-up Saturday 10 Oct does.
    due = CALENDAR.add_workdays(date(2026, 9, 24), 20)
    assert due == date(2026, 10, 29)
    assert CALENDAR.workdays_between(date(2026, 9, 24), due) == 20


def test_zero_and_negative_counts() -> None:
    assert CALENDAR.add_workdays(date(2026, 3, 1), 0) == date(2026, 3, 1)
    with pytest.raises(ValueError, match="negative"):
        CALENDAR.add_workdays(date(2026, 3, 1), -1)
    assert CALENDAR.workdays_between(date(2026, 11, 23), date(2026, 11, 16)) == -5


def test_a_year_without_a_notice_is_the_weekday_rule_and_says_so() -> None:
    day = CALENDAR.day(date(2027, 1, 1))  # a Friday: 元旦 once the notice is out
    assert day.kind is DayKind.WORKDAY
    assert not day.known
    assert CALENDAR.guessed_between(date(2026, 12, 20), date(2027, 1, 20))
    assert not CALENDAR.guessed_between(date(2026, 1, 5), date(2026, 12, 31))


def test_an_office_adds_the_next_years_notice() -> None:
    calendar = official_calendar(
        extra_holidays={date(2027, 1, 1): "元旦"},
        extra_makeup_workdays={date(2027, 1, 2): "元旦"},  # invented for the test
        extra_years=frozenset({2027}),
    )
    assert calendar.day(date(2027, 1, 1)).kind is DayKind.HOLIDAY
    assert calendar.day(date(2027, 1, 1)).known
    assert calendar.day(date(2027, 1, 2)).kind is DayKind.MAKEUP_WORKDAY
    # An override wins over the package's own entry for the same day.
    corrected = official_calendar(extra_makeup_workdays={date(2026, 10, 1): "国庆节"})
    assert corrected.day(date(2026, 10, 1)).kind is DayKind.MAKEUP_WORKDAY


@given(st.dates(date(2004, 1, 1), date(2026, 12, 31)))
def test_agrees_with_chinese_calendar_in_every_published_year(day: date) -> None:
    import chinese_calendar  # noqa: PLC0415 - the oracle, only here

    assert CALENDAR.is_workday(day) == chinese_calendar.is_workday(day)
    assert CALENDAR.day(day).known


@given(st.dates(date(2025, 1, 1), date(2028, 12, 31)), st.integers(0, 60))
def test_add_and_count_are_inverse(start: date, count: int) -> None:
    due = CALENDAR.add_workdays(start, count)
    assert CALENDAR.workdays_between(start, due) == count
    assert count == 0 or CALENDAR.is_workday(due)


def test_a_calendar_of_ones_own() -> None:
    empty = WorkdayCalendar({}, {})
    assert empty.add_workdays(date(2026, 10, 1), 1) == date(2026, 10, 2)
    assert not empty.day(date(2026, 10, 1)).known
