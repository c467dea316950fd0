"""Reads of the register: summaries without personal data, statistics rows, the kiosk lookup.

Nothing here returns an applicant's name, ID number, phone or address: a
summary is safe to list, print, export as JSON or log. Deadlines are computed
on reading from the events, for ``today`` on the office's calendar (a register
holds hundreds of applications a year, so reading them whole is bounded).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from content.applications import (
    AppealKind,
    AppealResult,
    AppealRow,
    ApplicantKind,
    Channel,
    Deadline,
    EventKind,
    Outcome,
    RegisterRow,
    Status,
    TimelineEvent,
    deadline,
    split_digits,
)
from publisher.applications.models import Application

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date

    from content.workdays import WorkdayCalendar
    from publisher.applications.services import Viewer

__all__ = [
    "ApplicationSummary",
    "Dashboard",
    "PublicStatus",
    "application_summaries",
    "application_summary",
    "dashboard",
    "register_rows",
    "status_lookup",
]


@dataclass(frozen=True, slots=True)
class ApplicationSummary:
    """One application as lists show it: no personal data."""

    number: str
    agency: str
    received_on: date
    channel: Channel
    applicant_kind: ApplicantKind
    status: Status
    outcome: Outcome | None
    deadline: Deadline
    request_text: str
    events: tuple[tuple[EventKind, date, str], ...]

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (what ``--json`` prints)."""
        due = self.deadline
        return {
            "number": self.number,
            "agency": self.agency,
            "received_on": self.received_on.isoformat(),
            "channel": self.channel.value,
            "applicant_kind": self.applicant_kind.value,
            "status": self.status.value,
            "status_label": self.status.label,
            "outcome": self.outcome.value if self.outcome else None,
            "due": due.due.isoformat() if due.due else None,
            "days_left": due.days_left,
            "overdue": due.overdue,
            "extended": due.extended,
            "paused": due.paused,
            "warning": due.warning,
            "replied_on": due.replied_on.isoformat() if due.replied_on else None,
            "events": [
                {"kind": kind.value, "label": kind.label, "on": on.isoformat(), "note": note}
                for kind, on, note in self.events
            ],
        }


@dataclass(frozen=True, slots=True)
class Dashboard:
    """What needs doing: due within the week, overdue, waiting on the applicant."""

    due_this_week: list[ApplicationSummary]
    overdue: list[ApplicationSummary]
    waiting: list[ApplicationSummary]


@dataclass(frozen=True, slots=True)
class PublicStatus:
    """All the kiosk may show of an application: status and dates."""

    status: Status
    received_on: date
    due: date | None
    warning: str

    def as_json(self) -> dict[str, Any]:
        """The status API's answer."""
        return {
            "status": self.status.value,
            "status_label": self.status.label,
            "received_on": self.received_on.isoformat(),
            "due": self.due.isoformat() if self.due else None,
            "estimated": bool(self.warning),
        }


def application_summaries(
    *,
    viewer: Viewer,
    calendar: WorkdayCalendar,
    today: date,
    year: int | None = None,
    status: Status | None = None,
    due_within: int | None = None,
    overdue: bool = False,
    agency: str | None = None,
    channel: Channel | None = None,
) -> list[ApplicationSummary]:
    """The applications ``viewer`` may see, filtered, oldest first.

    ``due_within`` N: open applications due in at most N working days (overdue ones too).
    """
    query = Application.objects.prefetch_related("events")
    if viewer.agency is not None:
        query = query.filter(agency=viewer.agency)
    if agency is not None:
        query = query.filter(agency=agency)
    if year is not None:
        query = query.filter(year=year)
    if channel is not None:
        query = query.filter(channel=channel)
    if status is not None:
        query = query.filter(status=status)
    if due_within is not None or overdue:
        query = query.exclude(status=Status.REPLIED)
    found = []
    for application in query:
        summary = _summary(application, calendar, today)
        left = summary.deadline.days_left
        if due_within is not None and (left is None or left > due_within):
            continue
        if overdue and not summary.deadline.overdue:
            continue
        found.append(summary)
    return found


def application_summary(
    *, viewer: Viewer, number: str, calendar: WorkdayCalendar, today: date
) -> ApplicationSummary | None:
    """One application's summary and timeline, or None (none such, or out of scope)."""
    application = Application.objects.prefetch_related("events").filter(number=number).first()
    if application is None or not viewer.sees(application):
        return None
    return _summary(application, calendar, today)


def dashboard(*, viewer: Viewer, calendar: WorkdayCalendar, today: date) -> Dashboard:
    """Due within this week's working days, overdue, and waiting for a correction."""
    open_ones = [
        summary
        for summary in application_summaries(viewer=viewer, calendar=calendar, today=today)
        if summary.status is not Status.REPLIED
    ]
    week_end = today + timedelta(days=6 - today.weekday())
    left_this_week = calendar.workdays_between(today, week_end)
    return Dashboard(
        due_this_week=[
            s
            for s in open_ones
            if s.deadline.days_left is not None and 0 <= s.deadline.days_left <= left_this_week
        ],
        overdue=[s for s in open_ones if s.deadline.overdue],
        waiting=[s for s in open_ones if s.status is Status.NEEDS_CORRECTION],
    )


def register_rows(*, agency: str | None = None) -> list[RegisterRow]:
    """Every application as the statistics count it (no personal data)."""
    query = Application.objects.prefetch_related("appeals")
    if agency is not None:
        query = query.filter(agency=agency)
    return [
        RegisterRow(
            received=application.received_on,
            channel=Channel(application.channel),
            applicant_kind=ApplicantKind(application.applicant_kind),
            replied_on=application.replied_on,
            outcome=Outcome(application.outcome) if application.outcome else None,
            appeals=tuple(
                AppealRow(
                    kind=AppealKind(appeal.kind),
                    filed_on=appeal.filed_on,
                    result=AppealResult(appeal.result),
                    decided_on=appeal.decided_on,
                )
                for appeal in application.appeals.all()
            ),
        )
        for application in query
    ]


def status_lookup(
    *, digits: str, phone_tail: str, calendar: WorkdayCalendar, today: date
) -> PublicStatus | None:
    """The public status of the application with these number digits and phone tail.

    None unless both match exactly; an application without a phone on record
    cannot be looked up (it has no second half to match).
    """
    if split_digits(digits) is None or len(phone_tail) != 4 or not phone_tail.isdigit():
        return None
    application = (
        Application.objects.prefetch_related("events").filter(lookup_digits=digits).first()
    )
    if application is None or not application.phone_tail:
        return None
    if not hmac.compare_digest(application.phone_tail.encode(), phone_tail.encode()):
        return None
    due = _deadline(application, calendar, today)
    return PublicStatus(
        status=Status(application.status),
        received_on=application.received_on,
        due=due.due,
        warning=due.warning,
    )


def _deadline(application: Application, calendar: WorkdayCalendar, today: date) -> Deadline:
    return deadline(
        received=application.received_on,
        events=_timeline(application.events.all()),
        calendar=calendar,
        today=today,
    )


def _timeline(events: Iterable[Any]) -> list[TimelineEvent]:
    return [TimelineEvent(EventKind(event.kind), event.on) for event in events]


def _summary(
    application: Application, calendar: WorkdayCalendar, today: date
) -> ApplicationSummary:
    events = list(application.events.all())
    return ApplicationSummary(
        number=application.number,
        agency=application.agency,
        received_on=application.received_on,
        channel=Channel(application.channel),
        applicant_kind=ApplicantKind(application.applicant_kind),
        status=Status(application.status),
        outcome=Outcome(application.outcome) if application.outcome else None,
        deadline=_deadline(application, calendar, today),
        request_text=application.request_text,
        events=tuple((EventKind(e.kind), e.on, e.note) for e in events),
    )
