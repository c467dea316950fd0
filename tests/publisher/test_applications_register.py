"""The register's services and selectors on a real (test) database."""

from __future__ import annotations

from datetime import date

import pytest

from content.applications import (
    AppealKind,
    AppealResult,
    ApplicantKind,
    Channel,
    EventKind,
    Outcome,
    Status,
)
from content.workdays import official_calendar
from publisher.applications.calendar import office_calendar
from publisher.applications.errors import ApplicationError
from publisher.applications.selectors import (
    application_summaries,
    application_summary,
    dashboard,
    register_rows,
    status_lookup,
)
from publisher.applications.services import (
    Applicant,
    Viewer,
    appeal_decide,
    appeal_file,
    application_event,
    application_register,
    application_reply,
    application_view,
)
from publisher.config import load_config
from publisher.store.models import AuditLog
from publisher.tomlfile import ConfigError

CAL = official_calendar()
OFFICE = Viewer(actor="cli:tester")
PATTERN = "余府依申〔{year}〕{serial}号"
PERSON = Applicant(
    name="柳青禾", id_number="360723199001010000", phone="139-0000-1234", address="虚构路1号"
)

pytestmark = pytest.mark.django_db


def register(received=date(2026, 9, 24), agency="县人民政府办公室", **kw):
    fields = {
        "actor": "cli:tester",
        "pattern": PATTERN,
        "agency": agency,
        "received_on": received,
        "channel": Channel.IN_PERSON,
        "applicant_kind": ApplicantKind.NATURAL_PERSON,
        "applicant": PERSON,
        "request_text": "申请公开某某道路改造项目的批复文件",
    }
    return application_register(**(fields | kw))


def test_numbers_count_per_year_and_audit_records_no_person():
    first = register()
    second = register()
    other_year = register(received=date(2027, 1, 4))
    assert first.number == "余府依申〔2026〕1号"
    assert second.number == "余府依申〔2026〕2号"
    assert other_year.number == "余府依申〔2027〕1号"
    assert first.phone_tail == "1234"
    assert first.lookup_digits == "20261"
    entries = list(AuditLog.objects.filter(action="application.register"))
    assert len(entries) == 3
    text = repr([(e.actor, e.action, e.detail) for e in entries])
    for secret in ("柳青禾", "1234", "360723", "虚构路"):
        assert secret not in text


def test_events_move_status_and_deadline():
    app = register()
    application_event(
        actor="a", application=app, kind=EventKind.CORRECTION_REQUESTED, on=date(2026, 9, 28)
    )
    assert app.status == Status.NEEDS_CORRECTION
    application_event(
        actor="a", application=app, kind=EventKind.CORRECTION_RECEIVED, on=date(2026, 10, 12)
    )
    assert app.status == Status.IN_PROGRESS
    application_event(
        actor="a",
        application=app,
        kind=EventKind.EXTENDED,
        on=date(2026, 10, 20),
        note="涉及多个部门",
    )
    assert app.status == Status.EXTENDED
    summary = application_summary(
        viewer=OFFICE, number=app.number, calendar=CAL, today=date(2026, 10, 20)
    )
    assert summary is not None
    assert summary.deadline.due == date(2026, 12, 7)  # 10/12 + 40 working days
    application_reply(
        actor="a", application=app, outcome=Outcome.PARTIALLY_DISCLOSED, on=date(2026, 11, 2)
    )
    assert app.status == Status.REPLIED
    assert app.outcome == Outcome.PARTIALLY_DISCLOSED


@pytest.mark.parametrize(
    ("steps", "field"),
    [
        ([(EventKind.CORRECTION_RECEIVED, date(2026, 9, 28), "")], "kind"),
        ([(EventKind.CONSULTATION_ANSWERED, date(2026, 9, 28), "")], "kind"),
        ([(EventKind.EXTENDED, date(2026, 9, 28), "")], "kind"),  # no reason
        (
            [
                (EventKind.EXTENDED, date(2026, 9, 28), "复杂"),
                (EventKind.EXTENDED, date(2026, 9, 29), "再延"),
            ],
            "kind",
        ),
        ([(EventKind.CONSULTATION_STARTED, date(2026, 9, 1), "")], "on"),  # before receipt
        (
            [
                (EventKind.CONSULTATION_STARTED, date(2026, 10, 9), ""),
                (EventKind.CONSULTATION_ANSWERED, date(2026, 10, 8), ""),
            ],
            "on",
        ),
    ],
)
def test_refused_steps_name_the_field(steps, field):
    app = register()
    *fine, (kind, on, note) = steps
    for step in fine:
        application_event(actor="a", application=app, kind=step[0], on=step[1], note=step[2])
    with pytest.raises(ApplicationError) as caught:
        application_event(actor="a", application=app, kind=kind, on=on, note=note)
    assert caught.value.field == field
    assert "柳青禾" not in str(caught.value)


def test_reply_once_and_appeals():
    app = register()
    application_reply(actor="a", application=app, outcome=Outcome.DISCLOSED, on=date(2026, 10, 9))
    with pytest.raises(ApplicationError):
        application_reply(
            actor="a", application=app, outcome=Outcome.DISCLOSED, on=date(2026, 10, 10)
        )
    with pytest.raises(ApplicationError):
        application_event(
            actor="a", application=app, kind=EventKind.EXTENDED, on=date(2026, 10, 10), note="x"
        )
    appeal = appeal_file(
        actor="a", application=app, kind=AppealKind.RECONSIDERATION, filed_on=date(2026, 11, 1)
    )
    appeal_decide(
        actor="a", appeal=appeal, result=AppealResult.UPHELD, decided_on=date(2026, 12, 1)
    )
    (row,) = register_rows()
    assert row.appeals[0].result is AppealResult.UPHELD
    assert row.outcome is Outcome.DISCLOSED


def test_scope_and_view_audit():
    app = register(agency="县教育体育局")
    register(agency="县民政局")
    education = Viewer(actor="web:clerk", agency="县教育体育局")
    assert [
        s.number
        for s in application_summaries(viewer=education, calendar=CAL, today=date(2026, 9, 25))
    ] == [app.number]
    assert (
        application_view(viewer=Viewer(actor="web:x", agency="县民政局"), number=app.number) is None
    )
    seen = application_view(viewer=education, number=app.number)
    assert seen is not None
    assert seen.applicant_name == "柳青禾"
    views = AuditLog.objects.filter(action="application.view")
    assert [(v.actor, v.detail["number"]) for v in views] == [("web:clerk", app.number)]


def test_dashboard_and_filters():
    late = register(received=date(2026, 9, 1))
    soon = register(received=date(2026, 10, 26))
    waiting = register(received=date(2026, 11, 2))
    application_event(
        actor="a", application=waiting, kind=EventKind.CORRECTION_REQUESTED, on=date(2026, 11, 3)
    )
    today = date(2026, 11, 20)  # a Friday
    board = dashboard(viewer=OFFICE, calendar=CAL, today=today)
    assert [s.number for s in board.overdue] == [late.number]
    assert [s.number for s in board.waiting] == [waiting.number]
    due_soon = application_summaries(viewer=OFFICE, calendar=CAL, today=today, due_within=5)
    assert {s.number for s in due_soon} == {late.number, soon.number}
    assert soon.number in {
        s.number
        for s in application_summaries(
            viewer=OFFICE, calendar=CAL, today=date(2026, 11, 23), due_within=0
        )
    }


def test_status_lookup_needs_both_halves():
    app = register()
    today = date(2026, 9, 25)
    found = status_lookup(digits="20261", phone_tail="1234", calendar=CAL, today=today)
    assert found is not None
    assert found.as_json() == {
        "status": "received",
        "status_label": "已受理",
        "received_on": "2026-09-24",
        "due": "2026-10-29",
        "estimated": False,
    }
    assert status_lookup(digits="20261", phone_tail="1235", calendar=CAL, today=today) is None
    assert status_lookup(digits="20262", phone_tail="1234", calendar=CAL, today=today) is None
    assert status_lookup(digits="2026", phone_tail="1234", calendar=CAL, today=today) is None
    assert app.number


def test_calendar_section_adds_next_years_notice(tmp_path):
    path = tmp_path / "gongkai.toml"
    path.write_text(
        '[calendar]\nholidays = { 2027-01-01 = "元旦" }\nyears = [2027]\n'
        '[applications]\nnumber_pattern = "余府依申〔{year}〕{serial}号"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    calendar = office_calendar(config.calendar)
    assert calendar.day(date(2027, 1, 1)).kind.value == "holiday"
    assert calendar.day(date(2027, 1, 1)).known
    path.write_text('[applications]\nnumber_pattern = "依申{serial}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="number_pattern"):
        load_config(path)
