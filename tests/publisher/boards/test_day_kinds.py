"""Schedules on the Chinese working-day calendar: 工作日, 节假日, 周末, and the 调休 days."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content.county_time import SHANGHAI
from content.workdays import WorkdayCalendar, official_calendar
from publisher.boards.config import load_boards
from publisher.boards.demo import DEMO_BOARDS
from publisher.boards.explain import explain
from publisher.boards.program import Program
from publisher.boards.schedule import Content, Rule, check_day_rule, resolve

BOARD = next(board for board in DEMO_BOARDS if board.id == "lobby-preview")
CREATED = datetime(2026, 1, 1, tzinfo=SHANGHAI)
CALENDAR = official_calendar()


def rule(rule_id: int, days: str, *, start: int = 0, end: int = 24 * 60, **more: object) -> Rule:
    return Rule(
        rule_id,
        f"r{rule_id}",
        (Content("text", "办事请取号"),),
        CREATED,
        groups=frozenset({"all"}),
        start=start,
        end=end,
        days=days,  # type: ignore[arg-type]
        **more,  # type: ignore[arg-type]
    )


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def why_not(found, rule_id):
    return {r.id: why for r, why in found.inactive}.get(rule_id, "")


WORK = rule(1, "workdays", start=8 * 60 + 30, end=17 * 60 + 30)
WEEKDAYS = rule(2, "all", start=8 * 60 + 30, end=17 * 60 + 30, weekdays=frozenset(range(5)))
HOLIDAYS = rule(3, "holidays")
OFF_DAYS = rule(4, "weekends-and-holidays")


@pytest.mark.parametrize(
    ("moment", "work", "holiday", "off"),
    [
        ("2026-10-01 10:00", False, True, True),  # 国庆节, a Thursday
        ("2026-10-07 10:00", False, True, True),  # 国庆节, a Wednesday
        ("2026-10-08 10:00", True, False, False),  # back to work
        ("2026-10-10 10:00", True, False, False),  # Saturday worked for 国庆节 (调休)
        ("2026-09-20 10:00", True, False, False),  # Sunday worked for 国庆节
        ("2026-02-14 10:00", True, False, False),  # Saturday worked for 春节
        ("2026-02-16 10:00", False, True, True),  # 春节, a Monday
        ("2026-02-28 10:00", True, False, False),  # Saturday worked for 春节
        ("2026-03-07 10:00", False, False, True),  # an ordinary Saturday
        ("2026-03-09 10:00", True, False, False),  # an ordinary Monday
    ],
)
def test_day_kinds_follow_the_state_councils_notice(moment, work, holiday, off):
    found = resolve(BOARD, [WORK, HOLIDAYS, OFF_DAYS], at(moment), calendar=CALENDAR)
    active = {found.winner.id} if found.winner else set()
    active |= {r.id for r, _ in found.shadowed}
    assert (1 in active, 3 in active, 4 in active) == (work, holiday, off)


def test_a_workday_rule_is_off_on_a_holiday_and_says_which():
    found = resolve(BOARD, [WORK, WEEKDAYS], at("2026-10-01 10:00"), calendar=CALENDAR)
    assert why_not(found, 1) == "2026-10-01 国庆节, not a working day"
    assert found.winner == WEEKDAYS  # a plain Mon-Fri rule runs through the holiday
    saturday = resolve(BOARD, [WORK, WEEKDAYS], at("2026-10-10 10:00"), calendar=CALENDAR)
    assert saturday.winner == WORK
    assert why_not(saturday, 2).startswith("not on Sat")
    sunday = resolve(BOARD, [HOLIDAYS, OFF_DAYS], at("2026-09-20 10:00"), calendar=CALENDAR)
    assert why_not(sunday, 3) == "2026-09-20 国庆节调休上班, not a public holiday"
    assert why_not(sunday, 4) == "2026-09-20 国庆节调休上班, a working day"


def test_explain_shows_the_holiday():
    found = resolve(BOARD, [WORK], at("2026-10-01 10:30"), calendar=CALENDAR)
    text = explain(BOARD, found, Program(BOARD.id, ()), calendar=CALENDAR)
    assert "2026-10-01 10:30 星期四 国庆节 (Asia/Shanghai)" in text
    assert '#1 "r1" 08:30-17:30 workdays priority 0: 2026-10-01 国庆节, not a working day' in text
    text = explain(BOARD, resolve(BOARD, [WORK], at("2026-10-10 10:30")), Program(BOARD.id, ()))
    assert "星期六 国庆节调休上班" in text


def test_a_night_window_belongs_to_the_day_it_starts_on():
    night = rule(5, "workdays", start=22 * 60, end=6 * 60)
    # 02:00 on 国庆节 belongs to the night of 09-30, a working day.
    assert resolve(BOARD, [night], at("2026-10-01 02:00"), calendar=CALENDAR).winner == night
    off = resolve(BOARD, [night], at("2026-10-02 02:00"), calendar=CALENDAR)
    assert why_not(off, 5) == "2026-10-01 国庆节, not a working day"


def test_hall_hours_can_follow_the_calendar():
    hall = replace(BOARD, hours=("08:30", "17:30"), hours_days="workdays")
    always = rule(6, "all")
    closed = resolve(hall, [always], at("2026-10-01 10:00"), calendar=CALENDAR)
    assert closed.winner is None
    assert closed.off_hours
    assert closed.why == (
        "outside operating hours 08:30-17:30 on workdays "
        "(2026-10-01 国庆节, not a working day): the board is blank"
    )
    assert resolve(hall, [always], at("2026-10-10 10:00"), calendar=CALENDAR).winner == always
    alert = Rule(
        7,
        "暴雨",
        (Content("text", "暴雨红色预警"),),
        at("2026-10-01 09:00"),
        boards=frozenset({hall.id}),
        emergency=True,
        expires_at=at("2026-10-01 18:00"),
    )
    assert resolve(hall, [always, alert], at("2026-10-01 10:00")).winner == alert


def test_hours_days_is_read_from_the_board_table():
    table = {
        "id": "hall-1",
        "name": "大厅",
        "driver": "preview",
        "address": "p/a",
        "width": 64,
        "height": 16,
        "colors": "mono",
        "hours": "08:30-17:30",
        "hours_days": "workdays",
    }
    assert load_boards([table]).require("hall-1").hours_days == "workdays"
    (issue,) = load_boards([{**table, "hours_days": "weekdays"}]).issues
    assert issue.field == "hours_days"


def test_years_without_a_notice_are_a_clear_error_and_a_marked_guess():
    calendar = WorkdayCalendar(CALENDAR.holidays, CALENDAR.makeup_workdays, frozenset({2026}))
    assert check_day_rule("workdays", date(2026, 12, 1), calendar) == ""
    error = check_day_rule("workdays", date(2027, 1, 4), calendar)
    assert "no State Council notice for 2027" in error
    assert "covers 2026-2026" in error
    assert check_day_rule("all", date(2031, 1, 1), calendar) == ""
    found = resolve(BOARD, [WORK], at("2027-01-02 10:00"), calendar=calendar)  # a Saturday
    assert why_not(found, 1) == (
        "2027-01-02 周末, not a working day "
        "(no State Council notice for 2027 in the calendar: guessed by weekday)"
    )


# 2026's 春节 and 国庆 seasons, where the 调休 days are, and the rest of the year.
def _naive(text: str) -> datetime:
    return datetime.fromisoformat(text)  # hypothesis draws naive times; Shanghai is added below


_SEASONS = st.one_of(
    st.datetimes(_naive("2026-02-07"), _naive("2026-03-07")),
    st.datetimes(_naive("2026-09-15"), _naive("2026-10-15")),
    st.datetimes(_naive("2026-01-01"), _naive("2026-12-31 23:59")),
)


@settings(max_examples=200, deadline=None)
@given(_SEASONS, st.integers(0, 23 * 60), st.integers(1, 24 * 60))
def test_day_kinds_partition_every_day(moment, start, length):
    end = (start + length) % (24 * 60) or 24 * 60
    when = moment.replace(tzinfo=SHANGHAI)
    rules = [
        rule(1, "workdays", start=start, end=end),
        rule(3, "holidays", start=start, end=end),
        rule(4, "weekends-and-holidays", start=start, end=end),
        rule(8, "all", start=start, end=end),
    ]
    found = resolve(BOARD, rules, when, calendar=CALENDAR)
    active = {found.winner.id} if found.winner else set()
    active |= {r.id for r, _ in found.shadowed}
    if 8 not in active:  # outside the window: no kind of day is in effect
        assert not active
        return
    # The window's day: the day it starts on (a night window's tail is yesterday's).
    minute = when.hour * 60 + when.minute
    day = when.date() - timedelta(days=1) if start > end and minute < end else when.date()
    workday = CALENDAR.is_workday(day)
    assert (1 in active) == workday
    assert (4 in active) == (not workday)  # working days and the rest partition the days
    assert (3 in active) == (CALENDAR.day(day).kind == "holiday")
    assert not (3 in active and 1 in active)  # a holiday is never a working day


def test_explain_points_at_weekday_rules_on_holidays_and_makeup_days():
    found = resolve(BOARD, [WORK, WEEKDAYS], at("2026-10-01 10:30"), calendar=CALENDAR)
    text = explain(BOARD, found, Program(BOARD.id, ()), calendar=CALENDAR)
    assert "日历 calendar: 2026-10-01 国庆节; these rules go by weekday" in text
    assert text.rstrip().endswith("#2")
    ordinary = resolve(BOARD, [WORK, WEEKDAYS], at("2026-10-13 10:30"), calendar=CALENDAR)
    assert "日历" not in explain(BOARD, ordinary, Program(BOARD.id, ()), calendar=CALENDAR)
