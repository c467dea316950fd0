"""Reply deadlines (条例第三十至三十三条) on the State Council's calendar, and the tables."""

from __future__ import annotations

from datetime import date

import pytest

from content.applications import (
    GUESS_WARNING,
    AppealKind,
    AppealResult,
    AppealRow,
    ApplicantKind,
    Channel,
    EventKind,
    Outcome,
    RegisterRow,
    Status,
    TimelineEvent,
    applications_table,
    deadline,
    legacy_application_stats,
    lookup_digits,
    register_number,
    review_litigation,
    split_digits,
)
from content.workdays import official_calendar

CALENDAR = official_calendar()
E = EventKind

# Each expected date was counted by hand on the 2026 notice (see the comments).
CASES = [
    pytest.param(
        # 春节 2026: 2/15-2/23 off; Saturdays 2/14 and 2/28 worked (调休), both counted.
        date(2026, 2, 10),
        [],
        date(2026, 3, 16),
        Status.RECEIVED,
        id="spring-festival-makeup-saturdays",
    ),
    pytest.param(
        # 中秋 9/25-27 and 国庆 10/1-7 off, Saturday 10/10 worked.
        date(2026, 9, 24),
        [],
        date(2026, 10, 29),
        Status.RECEIVED,
        id="national-day",
    ),
    pytest.param(
        date(2026, 9, 24),
        [(E.EXTENDED, date(2026, 10, 20))],
        date(2026, 11, 26),
        Status.EXTENDED,
        id="extension-20-more",
    ),
    pytest.param(
        # The period starts again from the day the corrected application arrives.
        date(2026, 9, 24),
        [(E.CORRECTION_REQUESTED, date(2026, 9, 28)), (E.CORRECTION_RECEIVED, date(2026, 10, 12))],
        date(2026, 11, 9),
        Status.IN_PROGRESS,
        id="correction-restarts",
    ),
    pytest.param(
        # Consulting a third party 11/5-11/12 (5 working days) is not counted.
        date(2026, 11, 2),
        [
            (E.CONSULTATION_STARTED, date(2026, 11, 5)),
            (E.CONSULTATION_ANSWERED, date(2026, 11, 12)),
        ],
        date(2026, 12, 7),
        Status.IN_PROGRESS,
        id="third-party-pause",
    ),
]


@pytest.mark.parametrize(("received", "events", "due", "status"), CASES)
def test_deadline_table(received, events, due, status):
    result = deadline(
        received=received,
        events=[TimelineEvent(kind, on) for kind, on in events],
        calendar=CALENDAR,
        today=received,
    )
    assert result.due == due
    assert result.status is status
    assert not result.guessed
    assert result.warning == ""


def test_waiting_for_correction_runs_no_clock():
    result = deadline(
        received=date(2026, 9, 24),
        events=[TimelineEvent(E.CORRECTION_REQUESTED, date(2026, 9, 28))],
        calendar=CALENDAR,
        today=date(2026, 12, 1),
    )
    assert result.status is Status.NEEDS_CORRECTION
    assert result.due is None
    assert not result.overdue
    # 7 working days after 9/24 for telling the applicant (9/28-30, 10/8-10/10, 10/12).
    assert result.correction_notice_by == date(2026, 10, 12)


def test_open_consultation_moves_the_due_date_each_working_day():
    events = [TimelineEvent(E.CONSULTATION_STARTED, date(2026, 11, 5))]
    on_12 = deadline(
        received=date(2026, 11, 2), events=events, calendar=CALENDAR, today=date(2026, 11, 12)
    )
    assert on_12.paused
    assert on_12.due == date(2026, 12, 7)
    assert on_12.consultation_due == date(2026, 11, 26)  # 15 working days for the third party


def test_days_left_and_overdue():
    events: list[TimelineEvent] = []
    on_due = deadline(
        received=date(2026, 9, 24), events=events, calendar=CALENDAR, today=date(2026, 10, 29)
    )
    assert on_due.days_left == 0
    assert not on_due.overdue
    late = deadline(
        received=date(2026, 9, 24), events=events, calendar=CALENDAR, today=date(2026, 11, 2)
    )
    assert late.days_left == -2
    assert late.overdue
    replied = deadline(
        received=date(2026, 9, 24),
        events=[TimelineEvent(E.REPLIED, date(2026, 10, 30))],
        calendar=CALENDAR,
        today=date(2026, 11, 2),
    )
    assert replied.status is Status.REPLIED
    assert replied.days_left is None
    assert replied.overdue  # replied a day late


def test_deadline_in_a_year_without_a_notice_is_flagged():
    result = deadline(
        received=date(2026, 12, 10), events=[], calendar=CALENDAR, today=date(2026, 12, 10)
    )
    assert result.due == date(2027, 1, 7)  # weekday rule: 1 January 2027 counted as a working day
    assert result.guessed
    assert result.warning == GUESS_WARNING
    overridden = official_calendar(
        extra_holidays={date(2027, 1, 1): "元旦"}, extra_years=frozenset({2027})
    )
    again = deadline(
        received=date(2026, 12, 10), events=[], calendar=overridden, today=date(2026, 12, 10)
    )
    assert again.due == date(2027, 1, 8)
    assert not again.guessed


def test_labels_and_choices():
    assert Channel.LETTER.label == "信函"
    assert ApplicantKind.LEGAL_SERVICE.label == "法律服务机构"
    assert Outcome.REFUSED_THIRD_PARTY.label == "不予公开：保护第三方合法权益"
    assert Outcome.UNABLE_NOT_HELD.group == "unable"
    assert Status.NEEDS_CORRECTION.label == "需补正"
    assert ("in_person", "当面") in Channel.choices()
    assert Channel.from_text("网上") is Channel.ONLINE
    with pytest.raises(ValueError, match="飞鸽"):
        Channel.from_text("飞鸽")


def test_register_numbers():
    assert (
        register_number("余府依申〔{year}〕{serial}号", year=2026, serial=17)
        == "余府依申〔2026〕17号"
    )
    assert lookup_digits(year=2026, serial=17) == "202617"
    assert split_digits("202617") == (2026, 17)
    assert split_digits("12") is None
    assert split_digits("２０２６17") is None
    with pytest.raises(ValueError, match="serial"):
        register_number("依申〔{year}〕号", year=2026, serial=1)


def _row(
    received,
    kind=ApplicantKind.NATURAL_PERSON,
    replied=None,
    outcome=None,
    channel=Channel.IN_PERSON,
):
    return RegisterRow(
        received=received, channel=channel, applicant_kind=kind, replied_on=replied, outcome=outcome
    )


def test_applications_table_balances_across_years():
    rows = [
        _row(
            date(2025, 12, 20), replied=date(2026, 1, 10), outcome=Outcome.DISCLOSED
        ),  # carried over
        _row(date(2025, 12, 22), ApplicantKind.BUSINESS),  # carried over and forward, never replied
        _row(date(2026, 3, 1), replied=date(2026, 3, 20), outcome=Outcome.REFUSED_STATE_SECRET),
        _row(date(2026, 12, 28), ApplicantKind.LEGAL_SERVICE),  # new, carried forward
        _row(date(2026, 12, 29), replied=date(2027, 1, 5), outcome=Outcome.DISCLOSED),  # forward
        _row(date(2025, 6, 1), replied=date(2025, 6, 20), outcome=Outcome.DISCLOSED),  # last year's
    ]
    table = applications_table(rows, 2026)
    assert table.new.total == 3
    assert table.carried_over.total == 2
    assert table.carried_over.business == 1
    assert table.result.disclosed.total == 1
    assert table.result.refused.state_secret.natural_person == 1
    assert table.result.total.total == 2
    assert table.carried_forward.total == 3
    assert table.carried_forward.legal_service == 1


def test_review_litigation_pending_until_decided_in_the_year():
    appeals = (
        AppealRow(
            AppealKind.RECONSIDERATION, date(2026, 5, 1), AppealResult.UPHELD, date(2026, 7, 1)
        ),
        AppealRow(
            AppealKind.LITIGATION_DIRECT,
            date(2026, 11, 1),
            AppealResult.CORRECTED,
            date(2027, 2, 1),
        ),
    )
    row = RegisterRow(
        date(2026, 3, 1), Channel.LETTER, ApplicantKind.NATURAL_PERSON, appeals=appeals
    )
    table = review_litigation([row], 2026)
    assert table.reconsideration.upheld == 1
    assert table.reconsideration.total == 1
    assert table.litigation_direct.pending == 1
    assert table.litigation_direct.corrected == 0


def test_legacy_counts_channels_and_replies():
    rows = [
        _row(
            date(2008, 4, 1),
            replied=date(2008, 4, 20),
            outcome=Outcome.UNABLE_NOT_HELD,
            channel=Channel.LETTER,
        )
    ]
    rows.append(
        _row(date(2008, 5, 1), replied=date(2008, 5, 9), outcome=Outcome.OTHER_NO_CORRECTION)
    )
    stats = legacy_application_stats(rows, 2008)
    assert stats.applications_total == 2
    assert stats.applications_by_channel.letter == 1
    assert stats.replies_refused == 1
    assert stats.replies_total == 1  # a withdrawn application is no reply
