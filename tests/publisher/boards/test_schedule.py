"""Schedule resolution: named cases for the rules of precedence, then properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.boards.program import BoardConfig
from publisher.boards.schedule import (
    SHANGHAI,
    Content,
    Rule,
    check_rrule,
    in_hours,
    next_change,
    resolve,
)

BOARD = BoardConfig(
    id="b1",
    name="大厅",
    town="nanan",
    place="",
    driver="preview",
    address="previews",
    width=64,
    height=16,
    colors="mono",
    group=("hall",),
)
T0 = datetime(2026, 1, 1, tzinfo=UTC)
TEXT = (Content("text", "x"),)


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


def rule(rule_id: int, **fields) -> Rule:
    fields.setdefault("boards", frozenset({"b1"}))
    fields.setdefault("created_at", T0 + timedelta(minutes=rule_id))
    return Rule(id=rule_id, name=f"r{rule_id}", content=TEXT, **fields)


def winner(rules, when, board=BOARD):
    won = resolve(board, rules, when).winner
    return won.id if won else None


# 2026-12-04 is a Friday.
CASES = {
    "window holds": ([rule(1, start=8 * 60, end=9 * 60)], "2026-12-04 08:30", 1),
    "window end is exclusive": ([rule(1, start=8 * 60, end=9 * 60)], "2026-12-04 09:00", None),
    "night window before midnight": ([rule(1, start=22 * 60, end=6 * 60)], "2026-12-04 23:59", 1),
    "night window after midnight": ([rule(1, start=22 * 60, end=6 * 60)], "2026-12-05 05:59", 1),
    "night window ends at its end": (
        [rule(1, start=22 * 60, end=6 * 60)],
        "2026-12-05 06:00",
        None,
    ),
    "crossing window belongs to its start day": (
        [rule(1, start=22 * 60, end=6 * 60, weekdays=frozenset({4}))],  # Friday nights
        "2026-12-05 01:00",  # Saturday morning
        1,
    ),
    "crossing window not on the next start day": (
        [rule(1, start=22 * 60, end=6 * 60, weekdays=frozenset({4}))],
        "2026-12-06 01:00",  # Sunday morning: Saturday night is not a Friday night
        None,
    ),
    "weekday": ([rule(1, weekdays=frozenset({0, 1, 2, 3}))], "2026-12-04 10:00", None),
    "date range first day": ([rule(1, date_from=date(2026, 12, 4))], "2026-12-04 00:00", 1),
    "date range last day": ([rule(1, date_to=date(2026, 12, 4))], "2026-12-04 23:59", 1),
    "after the date range": ([rule(1, date_to=date(2026, 12, 3))], "2026-12-04 00:00", None),
    "date range on the night tail": (
        [rule(1, start=22 * 60, end=6 * 60, date_to=date(2026, 12, 4))],
        "2026-12-05 03:00",
        1,
    ),
    "higher priority wins": ([rule(1, priority=5), rule(2, priority=1)], "2026-12-04 10:00", 1),
    "board beats group": (
        [
            rule(1, boards=frozenset({"b1"})),
            rule(2, boards=frozenset(), groups=frozenset({"hall"})),
        ],
        "2026-12-04 10:00",
        1,
    ),
    "newer wins a tie": ([rule(1), rule(2)], "2026-12-04 10:00", 2),
    "priority beats board-specific": (
        [rule(1, priority=0), rule(2, boards=frozenset(), groups=frozenset({"all"}), priority=1)],
        "2026-12-04 10:00",
        2,
    ),
    "implicit town group": (
        [rule(1, boards=frozenset(), groups=frozenset({"nanan"}))],
        "2026-12-04 10:00",
        1,
    ),
    "other town's group": (
        [rule(1, boards=frozenset(), groups=frozenset({"xincheng"}))],
        "2026-12-04 10:00",
        None,
    ),
    "emergency beats priority": (
        [
            rule(1, priority=99),
            rule(2, emergency=True, created_at=T0, expires_at=at("2026-12-05 00:00")),
        ],
        "2026-12-04 10:00",
        2,
    ),
    "emergency expires": (
        [rule(1), rule(2, emergency=True, created_at=T0, expires_at=at("2026-12-04 10:00"))],
        "2026-12-04 10:00",
        1,
    ),
    "monthly rrule on its day": (
        [rule(1, rrule="FREQ=MONTHLY;BYDAY=1FR", date_from=date(2026, 1, 1))],
        "2026-12-04 10:00",
        1,
    ),
    "monthly rrule off its day": (
        [rule(1, rrule="FREQ=MONTHLY;BYDAY=1FR", date_from=date(2026, 1, 1))],
        "2026-12-11 10:00",
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_resolution_cases(name):
    rules, when, expected = CASES[name]
    assert winner(rules, at(when)) == expected


def test_outside_hours_the_board_is_blank_unless_an_emergency():
    board = BoardConfig(**{**BOARD.__dict__, "hours": ("08:00", "18:00")})
    night = at("2026-12-04 20:00")
    result = resolve(board, [rule(1)], night)
    assert result.winner is None
    assert result.off_hours
    assert "outside operating hours" in result.why
    assert [r.id for r, _ in result.shadowed] == [1]
    emergency = rule(2, emergency=True, created_at=T0, expires_at=at("2026-12-05 00:00"))
    assert resolve(board, [rule(1), emergency], night).winner == emergency


def test_explanations_name_why_each_rule_lost():
    rules = [
        rule(1, priority=1),
        rule(2, priority=3),
        rule(3, boards=frozenset(), groups=frozenset({"hall"}), priority=3),
        rule(4, start=0, end=60),
    ]
    result = resolve(BOARD, rules, at("2026-12-04 10:00"))
    assert result.winner.id == 2
    reasons = {r.id: why for r, why in result.shadowed}
    assert "lower priority" in reasons[1]
    assert "group rule" in reasons[3]
    assert [r.id for r, _ in result.inactive] == [4]


def test_bad_rrules_are_refused():
    check_rrule("FREQ=WEEKLY;BYDAY=MO,WE")
    for text in ("FREQ=HOURLY", "FREQ=DAILY;BYHOUR=8", "nonsense"):
        with pytest.raises(ValueError, match=r"."):
            check_rrule(text)


# --- properties ----------------------------------------------------------------------

minutes = st.integers(0, 24 * 60)
# Naive bounds (hypothesis wants them so), given the zone right after.
FIRST, LAST = datetime(2026, 1, 1), datetime(2027, 12, 31)  # noqa: DTZ001
moments = st.datetimes(min_value=FIRST, max_value=LAST).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=SHANGHAI)
)


@st.composite
def rules(draw, rule_id=1):
    start, end = draw(minutes), draw(minutes)
    if start in (end, 24 * 60):
        start, end = 0, 24 * 60
    emergency = draw(st.booleans()) and draw(st.booleans())
    by_board = draw(st.booleans())
    date_from = draw(st.none() | st.dates(date(2026, 1, 1), date(2027, 12, 31)))
    return Rule(
        id=rule_id,
        name=f"r{rule_id}",
        content=TEXT,
        created_at=T0 + timedelta(minutes=draw(st.integers(0, 1000))),
        boards=frozenset({"b1"}) if by_board else frozenset(),
        groups=frozenset() if by_board else frozenset({"hall"}),
        start=start,
        end=end,
        weekdays=frozenset(draw(st.sets(st.integers(0, 6), min_size=1))),
        date_from=date_from,
        date_to=draw(st.none() | st.dates(date_from or date(2026, 1, 1), date(2027, 12, 31))),
        priority=draw(st.integers(-2, 2)),
        emergency=emergency,
        expires_at=(T0 + timedelta(days=draw(st.integers(0, 800)))) if emergency else None,
    )


rule_lists = st.integers(0, 6).flatmap(
    lambda n: st.tuples(*(rules(i + 1) for i in range(n))).map(list)
)


@settings(max_examples=200, deadline=None)
@given(rule_lists, moments)
def test_the_winner_is_active_and_outranks_every_shadowed_rule(rule_list, when):
    result = resolve(BOARD, rule_list, when)
    shadowed = [r for r, _ in result.shadowed]
    inactive = [r for r, _ in result.inactive]
    # Every rule for the board is accounted for exactly once.
    accounted = ([result.winner] if result.winner else []) + shadowed + inactive
    assert sorted(r.id for r in accounted) == sorted(r.id for r in rule_list)
    if result.winner is None:
        assert not shadowed
        return
    win = result.winner

    def rank(r):
        return (r.emergency, r.priority, "b1" in r.boards, r.created_at, r.id)

    assert all(rank(win) > rank(loser) for loser in shadowed)
    if any(r.emergency for r in shadowed):
        assert win.emergency
    # An emergency on the list that has not expired always wins.
    live = [r for r in rule_list if r.emergency and r.created_at <= when < r.expires_at]
    if live:
        assert win.emergency


@settings(max_examples=200, deadline=None)
@given(rules(), moments)
def test_emergencies_end_exactly_at_their_expiry(emergency_rule, when):
    if not emergency_rule.emergency:
        return
    expires = emergency_rule.expires_at
    before, after = expires - timedelta(minutes=1), expires
    if before >= emergency_rule.created_at:
        assert resolve(BOARD, [emergency_rule], before).winner == emergency_rule
    assert resolve(BOARD, [emergency_rule], after).winner is None


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 24 * 60 - 1), st.integers(1, 24 * 60 - 1), moments)
def test_a_midnight_window_is_the_union_of_its_two_halves(start, length, when):
    end = (start + length) % (24 * 60)
    crossing = rule(1, start=start, end=end)
    local = when.astimezone(SHANGHAI)
    minute = local.hour * 60 + local.minute
    inside = (start <= minute < start + length) or (minute < start + length - 24 * 60)
    assert (winner([crossing], when) == 1) == inside


@settings(max_examples=100, deadline=None)
@given(rule_lists, moments)
def test_nothing_changes_before_the_next_change(rule_list, when):
    """Between now and next_change the answer is constant (sampled each minute edge)."""
    upcoming = next_change(BOARD, rule_list, when)
    assert upcoming > when
    assert upcoming - when <= timedelta(days=1)
    first = resolve(BOARD, rule_list, when).winner
    probe = when + (upcoming - when) / 2
    probe = probe.replace(second=0, microsecond=0)
    if probe > when:
        assert resolve(BOARD, rule_list, probe).winner == first


@given(moments)
def test_shanghai_has_no_daylight_saving(when):
    assert when.utcoffset() == timedelta(hours=8)
    assert in_hours(BOARD, when)  # 00:00-24:00 is every minute
