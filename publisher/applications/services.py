"""Writes to the register. Keyword-only, typed, each one atomic, each into the audit log.

Every service takes ``actor`` (who acts: ``cli:<login>``, later a console
user) and records what it did in the store's audit log by register number,
never with the applicant's personal data. ``application_view`` is here, not
in the selectors, because reading personal data is itself recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max

from content.applications import (
    AppealKind,
    AppealResult,
    ApplicantKind,
    Channel,
    EventKind,
    Outcome,
    Status,
    is_open,
    kinds_since_restart,
    lookup_digits,
    register_number,
    status_of,
)
from publisher.applications.errors import ApplicationError
from publisher.applications.models import Appeal, Application, ApplicationEvent
from publisher.store.services import audit_log

if TYPE_CHECKING:
    from datetime import date
    from decimal import Decimal

__all__ = [
    "Applicant",
    "Viewer",
    "appeal_decide",
    "appeal_file",
    "application_event",
    "application_register",
    "application_reply",
    "application_view",
]

_MAX_TEXT = 4000


@dataclass(frozen=True, slots=True)
class Applicant:
    """Who applies: personal information, kept only in the register."""

    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True, slots=True)
class Viewer:
    """Someone reading the register: their name for the audit log and their scope.

    ``agency`` None is the county's disclosure office, which sees every agency's
    applications; otherwise only that agency's. The command line acts as the
    county office (whoever runs it can read the database anyway).
    """

    actor: str
    agency: str | None = None

    def sees(self, application: Application) -> bool:
        """Whether this viewer may see ``application``."""
        return self.agency is None or application.agency == self.agency


def application_register(
    *,
    actor: str,
    pattern: str,
    agency: str,
    received_on: date,
    channel: Channel,
    applicant_kind: ApplicantKind,
    applicant: Applicant,
    request_text: str,
    form_wanted: str = "",
    serial: int | None = None,
) -> Application:
    """Register an application; the serial is the year's next unless given (an import).

    Raises:
        ApplicationError: an empty request or applicant, a serial already taken.
    """
    if not applicant.name.strip():
        raise ApplicationError("the applicant's name is empty", field="applicant_name")
    if not request_text.strip():
        raise ApplicationError("the request text is empty", field="request_text")
    if len(request_text) > _MAX_TEXT:
        raise ApplicationError(
            f"the request text is over {_MAX_TEXT} characters", field="request_text"
        )
    if not agency.strip():
        raise ApplicationError("no handling agency", field="agency")
    year = received_on.year
    with transaction.atomic():
        if serial is None:
            top = Application.objects.filter(year=year).aggregate(top=Max("serial"))["top"]
            serial = (top or 0) + 1
        elif serial < 1:
            raise ApplicationError(f"serial {serial} is not positive", field="serial")
        elif Application.objects.filter(year=year, serial=serial).exists():
            raise ApplicationError(f"serial {serial} of {year} is taken", field="serial")
        number = register_number(pattern, year=year, serial=serial)
        application = Application.objects.create(
            year=year,
            serial=serial,
            number=number,
            lookup_digits=lookup_digits(year=year, serial=serial),
            agency=agency.strip(),
            received_on=received_on,
            channel=channel,
            applicant_kind=applicant_kind,
            applicant_name=applicant.name.strip(),
            applicant_id_number=applicant.id_number.strip(),
            applicant_phone=applicant.phone.strip(),
            applicant_address=applicant.address.strip(),
            phone_tail=_phone_tail(applicant.phone),
            request_text=request_text.strip(),
            form_wanted=form_wanted.strip(),
        )
        _audit(actor, "application.register", application, channel=channel.value)
    return application


def application_event(
    *, actor: str, application: Application, kind: EventKind, on: date, note: str = ""
) -> ApplicationEvent:
    """Record a step that moves the clock (补正, consultation, extension).

    A reply goes through :func:`application_reply`.

    Raises:
        ApplicationError: the step does not fit where the application stands.
    """
    if kind is EventKind.REPLIED:
        raise ApplicationError("record a reply with its outcome (reply)", field="kind")
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        kinds = [event.kind for event in locked.events.all()]
        _check_event(locked, kinds, kind, on, note)
        event = ApplicationEvent.objects.create(
            application=locked, kind=kind, on=on, note=note.strip(), actor=actor
        )
        locked.status = status_of([*kinds, kind])
        locked.save(update_fields=["status", "updated_at"])
        _audit(actor, f"application.{kind.value}", locked, on=on.isoformat())
    application.refresh_from_db()
    return event


def application_reply(
    *,
    actor: str,
    application: Application,
    outcome: Outcome,
    on: date,
    fee_yuan: Decimal | None = None,
    note: str = "",
) -> Application:
    """Record the reply and its result (a row of the 2021 table).

    Raises:
        ApplicationError: replied already, dated before receipt, or a negative fee.
    """
    if fee_yuan is not None and fee_yuan < 0:
        raise ApplicationError("a fee cannot be negative", field="fee_yuan")
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.replied_on is not None:
            raise ApplicationError(
                f"{locked.number} was replied on {locked.replied_on}", field="kind"
            )
        _check_date(locked, on)
        ApplicationEvent.objects.create(
            application=locked, kind=EventKind.REPLIED, on=on, note=note.strip(), actor=actor
        )
        locked.status = Status.REPLIED
        locked.outcome = outcome
        locked.replied_on = on
        locked.fee_yuan = fee_yuan
        locked.save(update_fields=["status", "outcome", "replied_on", "fee_yuan", "updated_at"])
        _audit(actor, "application.reply", locked, outcome=outcome.value, on=on.isoformat())
    application.refresh_from_db()
    return application


def appeal_file(
    *, actor: str, application: Application, kind: AppealKind, filed_on: date
) -> Appeal:
    """Record a reconsideration or lawsuit filed about the reply.

    Raises:
        ApplicationError: the application has no reply yet, or the date precedes it.
    """
    if application.replied_on is None:
        raise ApplicationError(f"{application.number} has no reply to appeal", field="kind")
    if filed_on < application.replied_on:
        raise ApplicationError("an appeal cannot precede the reply", field="filed_on")
    appeal = Appeal.objects.create(
        application=application, kind=kind, filed_on=filed_on, actor=actor
    )
    _audit(actor, "application.appeal", application, kind=kind.value, on=filed_on.isoformat())
    return appeal


def appeal_decide(*, actor: str, appeal: Appeal, result: AppealResult, decided_on: date) -> Appeal:
    """Record an appeal's result.

    Raises:
        ApplicationError: pending is no result, or the date precedes the filing.
    """
    if result is AppealResult.PENDING:
        raise ApplicationError("a decision needs a result other than pending", field="result")
    if decided_on < appeal.filed_on:
        raise ApplicationError("a decision cannot precede the filing", field="decided_on")
    appeal.result, appeal.decided_on = result, decided_on
    appeal.save(update_fields=["result", "decided_on"])
    _audit(actor, "application.appeal_decided", appeal.application, result=result.value)
    return appeal


def application_view(*, viewer: Viewer, number: str) -> Application | None:
    """The application with its personal data, if ``viewer`` may see it; the view is recorded.

    None when there is no such number or it is outside the viewer's scope (the
    two look the same, so a scope cannot be probed).
    """
    application = Application.objects.filter(number=number).first()
    if application is None or not viewer.sees(application):
        return None
    _audit(viewer.actor, "application.view", application)
    return application


def _check_event(
    application: Application, kinds: list[str], kind: EventKind, on: date, note: str
) -> None:
    _check_date(application, on)
    if application.replied_on is not None:
        raise ApplicationError(f"{application.number} is replied already", field="kind")
    latest = application.events.order_by("-on", "-id").first()
    if latest is not None and on < latest.on:
        raise ApplicationError(f"{on} is before the last event ({latest.on})", field="on")
    open_correction = is_open(kinds, EventKind.CORRECTION_REQUESTED, EventKind.CORRECTION_RECEIVED)
    open_consultation = is_open(
        kinds, EventKind.CONSULTATION_STARTED, EventKind.CONSULTATION_ANSWERED
    )
    problem = {
        EventKind.CORRECTION_REQUESTED: "a correction is requested already"
        if open_correction
        else "",
        EventKind.CORRECTION_RECEIVED: "" if open_correction else "no correction was requested",
        EventKind.CONSULTATION_STARTED: "a consultation is open already"
        if open_consultation
        else "",
        EventKind.CONSULTATION_ANSWERED: "" if open_consultation else "no consultation is open",
        EventKind.EXTENDED: _extension_problem(kinds, note),
    }.get(kind, "")
    if problem:
        raise ApplicationError(f"{application.number}: {problem}", field="kind")


def _extension_problem(kinds: list[str], note: str) -> str:
    # Art. 33: one extension, approved by the head of disclosure work, with the applicant told.
    if EventKind.EXTENDED in kinds_since_restart(kinds):
        return "the reply period was extended once already (条例第三十三条)"
    return "" if note.strip() else "an extension needs its reason (note)"


def _check_date(application: Application, on: date) -> None:
    if on < application.received_on:
        raise ApplicationError(f"{on} is before receipt ({application.received_on})", field="on")


def _phone_tail(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return digits[-4:] if len(digits) >= 4 else ""


def _audit(actor: str, action: str, application: Application, **detail: str) -> None:
    audit_log(actor=actor, action=action, detail={"number": application.number, **detail})
