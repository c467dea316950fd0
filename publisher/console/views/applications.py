"""The register of applications (依申请公开): list and dashboard, one application, its forms.

Thin over ``publisher.applications``: the selectors give summaries without
personal data, the services write and audit, and the applicant's personal
data is read only through ``application_view`` (recorded as
``application.view``) when staff press 查看申请人信息. The register's scope
hook, ``Viewer``, scopes by handling agency, and a console account is scoped
by town, not agency: so the register is the county office's, and a town
account, whatever its roles, is refused.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from content.applications import ApplicantKind, Channel, EventKind, Outcome
from content.county_time import county_today
from publisher.actors import Role
from publisher.applications.calendar import office_calendar
from publisher.applications.errors import ApplicationError
from publisher.applications.models import Application
from publisher.applications.report import ReportText, build_annual_report
from publisher.applications.report_tables import report_tables
from publisher.applications.selectors import application_summaries, application_summary, dashboard
from publisher.applications.services import (
    Applicant,
    Viewer,
    application_event,
    application_register,
    application_reply,
    application_view,
)
from publisher.config import CalendarSection
from publisher.console.access import actor_of, staff_view
from publisher.console.application_forms import (
    ApplicationForm,
    EventForm,
    RegisterFilterForm,
    ReplyForm,
    add_service_error,
)

if TYPE_CHECKING:
    from datetime import date

    from django.http import HttpRequest, HttpResponse

    from content.workdays import WorkdayCalendar

__all__ = ["application", "event", "new", "personal", "register", "reply", "report"]

#: Rows per page of the register.
PAGE_SIZE = 25
_SECTION = "applications"


@staff_view(Role.APPLICATIONS)
def register(request: HttpRequest) -> HttpResponse:
    """The dashboard (due this week, overdue, waiting for 补正) and the filtered register."""
    viewer = _viewer(request)
    calendar, today = _calendar(), _today()
    form = RegisterFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    rows = application_summaries(viewer=viewer, calendar=calendar, today=today, **form.chosen())
    page = Paginator(rows, PAGE_SIZE).get_page(_page(request))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "total": len(rows),
        "board": dashboard(viewer=viewer, calendar=calendar, today=today),
        "today": today,
        "query": query.urlencode(),
        "report_year": today.year,
        "section": _SECTION,
    }
    return render(request, "console/applications.html", context)


@staff_view(Role.APPLICATIONS)
def application(request: HttpRequest, number: str) -> HttpResponse:
    """One application: its summary, timeline and deadline, and the forms of its next steps."""
    return _application_page(request, number)


@staff_view(Role.APPLICATIONS, methods=("POST",))
def personal(request: HttpRequest, number: str) -> HttpResponse:
    """The applicant's personal data, read through ``application_view`` (audited)."""
    found = application_view(viewer=_viewer(request), number=number)
    if found is None:
        raise Http404
    shown = {
        "name": found.applicant_name,
        "id_number": found.applicant_id_number,
        "phone": found.applicant_phone,
        "address": found.applicant_address,
    }
    return _application_page(request, number, personal=shown)


@staff_view(Role.APPLICATIONS, methods=("GET", "POST"))
def new(request: HttpRequest) -> HttpResponse:
    """Register an application received today or earlier."""
    viewer = _viewer(request)
    if request.method != "POST":
        form = ApplicationForm(
            initial={"received_on": _today(), "agency": settings.GONGKAI_DEFAULT_AGENCY}
        )
        return _new_page(request, form)
    form = ApplicationForm(request.POST)
    if not form.is_valid():
        return _new_page(request, form, status=400)
    data = form.cleaned_data
    try:
        made = application_register(
            actor=viewer.actor,
            pattern=settings.GONGKAI_NUMBER_PATTERN,
            agency=data["agency"],
            received_on=data["received_on"],
            channel=Channel(data["channel"]),
            applicant_kind=ApplicantKind(data["applicant_kind"]),
            applicant=Applicant(
                name=data["applicant_name"],
                id_number=data["id_number"],
                phone=data["phone"],
                address=data["address"],
            ),
            request_text=data["request_text"],
            form_wanted=data["form_wanted"],
        )
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _new_page(request, form, status=400)
    messages.success(request, f"已登记 {made.number}。")
    return redirect("console:application", number=made.number)


@staff_view(Role.APPLICATIONS, methods=("POST",))
def event(request: HttpRequest, number: str) -> HttpResponse:
    """Record a 补正, consultation or extension step."""
    form = EventForm(request.POST)
    found = _application(request, number)
    if not form.is_valid():
        return _application_page(request, number, event_form=form, status=400)
    data = form.cleaned_data
    try:
        application_event(
            actor=_viewer(request).actor,
            application=found,
            kind=EventKind(data["kind"]),
            on=data["on"],
            note=data["note"],
        )
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _application_page(request, number, event_form=form, status=400)
    messages.success(request, f"已登记：{EventKind(data['kind']).label}。")
    return redirect("console:application", number=number)


@staff_view(Role.APPLICATIONS, methods=("POST",))
def reply(request: HttpRequest, number: str) -> HttpResponse:
    """Record the reply and its result."""
    form = ReplyForm(request.POST)
    found = _application(request, number)
    if not form.is_valid():
        return _application_page(request, number, reply_form=form, status=400)
    data = form.cleaned_data
    try:
        application_reply(
            actor=_viewer(request).actor,
            application=found,
            outcome=Outcome(data["outcome"]),
            on=data["on"],
            fee_yuan=data["fee_yuan"],
            note=data["note"],
        )
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _application_page(request, number, reply_form=form, status=400)
    messages.success(request, f"已登记答复：{Outcome(data['outcome']).label}。")
    return redirect("console:application", number=number)


@staff_view(Role.APPLICATIONS)
def report(request: HttpRequest, year: int) -> HttpResponse:
    """The annual report's tables for ``year``, counted as ``gongkai report annual`` does."""
    _viewer(request)
    if not 2007 <= year <= 2100:  # the 2007 Regulations' first year on
        raise Http404
    today = _today()
    annual = build_annual_report(
        year=year,
        organization=settings.GONGKAI_PUBLISHER_NAME,
        public_url=settings.GONGKAI_PUBLIC_URL,
        text=ReportText(),
        legacy=year < 2019,  # before the 2019 Regulations the 2008 table's rows
        today=today,
    )
    context = {
        "year": year,
        "report": annual,
        "tables": report_tables(annual),
        "draft": today.year <= year,
        "today": today,
        "section": _SECTION,
    }
    return render(request, "console/application_report.html", context)


def _viewer(request: HttpRequest) -> Viewer:
    actor = actor_of(request)
    if actor.town is not None:
        raise PermissionDenied("依申请公开登记仅限县级账号")
    return Viewer(actor=actor.name)


def _application(request: HttpRequest, number: str) -> Application:
    _viewer(request)
    found = Application.objects.filter(number=number).first()
    if found is None:
        raise Http404
    return found


def _application_page(
    request: HttpRequest,
    number: str,
    *,
    personal: dict[str, str] | None = None,
    event_form: EventForm | None = None,
    reply_form: ReplyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = _today()
    summary = application_summary(
        viewer=_viewer(request), number=number, calendar=_calendar(), today=today
    )
    if summary is None:
        raise Http404
    context = {
        "summary": summary,
        "deadline": summary.deadline,
        "personal": personal,
        "event_form": event_form or EventForm(initial={"on": today}),
        "reply_form": reply_form or ReplyForm(initial={"on": today}),
        "today": today,
        "section": _SECTION,
    }
    return render(request, "console/application.html", context, status=status)


def _new_page(request: HttpRequest, form: ApplicationForm, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "console/application_new.html",
        {"form": form, "section": _SECTION},
        status=status,
    )


def _calendar() -> WorkdayCalendar:
    section = settings.GONGKAI_CALENDAR
    return office_calendar(section if isinstance(section, CalendarSection) else CalendarSection())


def _today() -> date:
    pinned = settings.GONGKAI_TODAY
    return pinned or county_today(datetime.now(tz=UTC))


def _page(request: HttpRequest) -> int:
    text = request.GET.get("page", "1")
    return int(text) if text.isdigit() and len(text) < 7 else 1
