"""`gongkai applications`: the register of disclosure applications, until the staff console.

Thin: each action parses its arguments and calls a service or selector of
``publisher.applications``. The command line acts as the county's disclosure
office (every agency; ``cli:<login>`` in the audit log). Lists, JSON and errors
never show personal data; ``show --personal`` does, and the view is recorded.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from content.applications import (
    AppealKind,
    AppealResult,
    ApplicantKind,
    Channel,
    EventKind,
    Outcome,
    Status,
)
from content.cli import EXIT_FAILURE, EXIT_OK, UsageError
from content.county_time import county_today
from publisher.commands._common import cli_actor, input_errors, open_home

if TYPE_CHECKING:
    from enum import StrEnum

    from content.workdays import WorkdayCalendar
    from publisher.applications.selectors import ApplicationSummary
    from publisher.config import Config

__all__ = ["register"]


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    home: argparse.ArgumentParser,
) -> None:
    """Add ``applications``; ``home`` is the shared --home option."""
    group = commands.add_parser(
        "applications",
        parents=[home],
        help="the register of disclosure applications (依申请公开)",
        description=(
            "Register applications, record 补正, consultations, extensions and replies, list "
            "what is due, and import an office's spreadsheet (docs/applications-register.md)."
        ),
        epilog="Exit codes: 0 ok, 1 failure (not found, rows refused), 2 bad usage.",
    )
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    today = argparse.ArgumentParser(add_help=False)
    today.add_argument("--today", type=_date, help="count deadlines as of this day (default today)")
    today.add_argument("--json", action="store_true", help="print JSON")
    parents = [home, today]
    _writes(actions, parents)
    _reads(actions, parents)


def _writes(
    actions: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    add = actions.add_parser("add", parents=parents, help="register an application")
    add.add_argument("--received", type=_date, required=True, help="date of receipt (YYYY-MM-DD)")
    add.add_argument("--channel", required=True, type=_enum(Channel), help=_choices(Channel))
    add.add_argument("--kind", required=True, type=_kind, help=_choices(ApplicantKind))
    add.add_argument("--name", required=True, help="applicant (kept in the register only)")
    add.add_argument("--id-number", default="")
    add.add_argument("--phone", default="", help="its last 4 digits answer the kiosk lookup")
    add.add_argument("--address", default="")
    add.add_argument("--request", required=True, help="what information is asked for")
    add.add_argument("--agency", help="handling agency (default [applications] default_agency)")
    add.add_argument("--form", default="", help="form wanted (纸质 / 电子)")
    add.set_defaults(handler=input_errors(_add))

    event = actions.add_parser(
        "event", parents=parents, help="record 补正, consultation, extension"
    )
    event.add_argument("number", help="register number, e.g. 依申〔2026〕17号")
    event.add_argument("kind", type=_enum(EventKind), help=_choices(EventKind, skip={"replied"}))
    event.add_argument("--on", type=_date, required=True)
    event.add_argument("--note", default="", help="the reason (required for an extension)")
    event.set_defaults(handler=input_errors(_event))

    reply = actions.add_parser("reply", parents=parents, help="record the reply and its result")
    reply.add_argument("number")
    reply.add_argument("--outcome", required=True, type=_enum(Outcome), help="a row of table 三")
    reply.add_argument("--on", type=_date, required=True)
    reply.add_argument("--fee", type=_money, help="信息处理费 in yuan")
    reply.add_argument("--note", default="")
    reply.set_defaults(handler=input_errors(_reply))

    appeal = actions.add_parser("appeal", parents=parents, help="record a 复议 or 诉讼")
    appeal.add_argument("number")
    appeal.add_argument("kind", type=_enum(AppealKind), help=_choices(AppealKind))
    appeal.add_argument("--filed", type=_date, required=True)
    appeal.add_argument("--result", type=_enum(AppealResult), help=_choices(AppealResult))
    appeal.add_argument("--decided", type=_date)
    appeal.set_defaults(handler=input_errors(_appeal))

    load = actions.add_parser("import", parents=parents, help="import a CSV or XLSX register")
    load.add_argument("file", type=Path)
    load.set_defaults(handler=input_errors(_import))


def _reads(
    actions: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    listing = actions.add_parser("list", parents=parents, help="applications, with deadlines")
    listing.add_argument("--year", type=int)
    listing.add_argument("--status", type=_enum(Status), help=_choices(Status))
    listing.add_argument(
        "--due-within", type=int, metavar="N", help="due in at most N working days"
    )
    listing.add_argument("--overdue", action="store_true")
    listing.add_argument("--agency")
    listing.set_defaults(handler=_list)

    show = actions.add_parser("show", parents=parents, help="one application and its timeline")
    show.add_argument("number")
    show.add_argument(
        "--personal", action="store_true", help="also the applicant (the view is audit-logged)"
    )
    show.set_defaults(handler=_show)

    board = actions.add_parser("dashboard", parents=parents, help="due this week, overdue, waiting")
    board.set_defaults(handler=_dashboard)


def _setup(args: argparse.Namespace) -> tuple[Config, WorkdayCalendar, date]:
    _home, config = open_home(args)
    from publisher.applications.calendar import office_calendar  # noqa: PLC0415

    today = args.today or county_today(datetime.now(tz=UTC))
    return config, office_calendar(config.calendar), today


def _add(args: argparse.Namespace) -> int:
    config, calendar, today = _setup(args)
    from publisher.applications.selectors import application_summary  # noqa: PLC0415
    from publisher.applications.services import (  # noqa: PLC0415
        Applicant,
        Viewer,
        application_register,
    )

    application = application_register(
        actor=str(cli_actor()),
        pattern=config.applications.number_pattern,
        agency=args.agency or config.applications.default_agency,
        received_on=args.received,
        channel=args.channel,
        applicant_kind=args.kind,
        applicant=Applicant(args.name, args.id_number, args.phone, args.address),
        request_text=args.request,
        form_wanted=args.form,
    )
    summary = application_summary(
        viewer=Viewer(str(cli_actor())), number=application.number, calendar=calendar, today=today
    )
    assert summary is not None  # noqa: S101 - just registered
    _print_one(summary, json_out=args.json)
    return EXIT_OK


def _event(args: argparse.Namespace) -> int:
    _config, calendar, today = _setup(args)
    from publisher.applications.services import application_event  # noqa: PLC0415

    application = _find(args.number)
    application_event(
        actor=str(cli_actor()), application=application, kind=args.kind, on=args.on, note=args.note
    )
    return _show_summary(args.number, calendar, today, json_out=args.json)


def _reply(args: argparse.Namespace) -> int:
    _config, calendar, today = _setup(args)
    from publisher.applications.services import application_reply  # noqa: PLC0415

    application_reply(
        actor=str(cli_actor()),
        application=_find(args.number),
        outcome=args.outcome,
        on=args.on,
        fee_yuan=args.fee,
        note=args.note,
    )
    return _show_summary(args.number, calendar, today, json_out=args.json)


def _appeal(args: argparse.Namespace) -> int:
    _setup(args)
    from publisher.applications.services import appeal_decide, appeal_file  # noqa: PLC0415

    actor = str(cli_actor())
    appeal = appeal_file(
        actor=actor, application=_find(args.number), kind=args.kind, filed_on=args.filed
    )
    if args.result is not None:
        if args.decided is None:
            raise UsageError("--result needs --decided")
        appeal_decide(actor=actor, appeal=appeal, result=args.result, decided_on=args.decided)
    print(f"{args.number}: {appeal.get_kind_display()} {appeal.get_result_display()}")
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    _config, calendar, today = _setup(args)
    from publisher.applications.selectors import application_summaries  # noqa: PLC0415
    from publisher.applications.services import Viewer  # noqa: PLC0415

    rows = application_summaries(
        viewer=Viewer(str(cli_actor())),
        calendar=calendar,
        today=today,
        year=args.year,
        status=args.status,
        due_within=args.due_within,
        overdue=args.overdue,
        agency=args.agency,
    )
    if args.json:
        print(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
        return EXIT_OK
    for row in rows:
        print(_line(row))
    print(f"{len(rows)} application(s), deadlines as of {today}")
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    _config, calendar, today = _setup(args)
    from publisher.applications.selectors import application_summary  # noqa: PLC0415
    from publisher.applications.services import Viewer, application_view  # noqa: PLC0415

    viewer = Viewer(str(cli_actor()))
    summary = application_summary(viewer=viewer, number=args.number, calendar=calendar, today=today)
    if summary is None:
        print(f"no application {args.number}", file=sys.stderr)
        return EXIT_FAILURE
    person: dict[str, str] | None = None
    if args.personal:
        application = application_view(viewer=viewer, number=args.number)
        if application is not None:
            person = {
                "name": application.applicant_name,
                "id_number": application.applicant_id_number,
                "phone": application.applicant_phone,
                "address": application.applicant_address,
            }
    if args.json:
        out = summary.as_json() | ({"applicant": person} if person is not None else {})
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    _print_one(summary, json_out=False)
    if person is not None:
        print(
            "  申请人：{name}  证件：{id_number}  电话：{phone}  地址：{address}".format(**person)
        )
    return EXIT_OK


def _dashboard(args: argparse.Namespace) -> int:
    _config, calendar, today = _setup(args)
    from publisher.applications.selectors import dashboard  # noqa: PLC0415
    from publisher.applications.services import Viewer  # noqa: PLC0415

    board = dashboard(viewer=Viewer(str(cli_actor())), calendar=calendar, today=today)
    parts = (
        ("due_this_week", "本周到期", board.due_this_week),
        ("overdue", "已超期", board.overdue),
        ("waiting", "待申请人补正", board.waiting),
    )
    if args.json:
        out = {key: [row.as_json() for row in rows] for key, _title, rows in parts}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    for _key, title, rows in parts:
        print(f"== {title} ({len(rows)})")
        for row in rows:
            print(_line(row))
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    config, _calendar, _today = _setup(args)
    from publisher.applications.importer import import_register  # noqa: PLC0415

    report = import_register(
        args.file,
        actor=str(cli_actor()),
        pattern=config.applications.number_pattern,
        default_agency=config.applications.default_agency,
    )
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if args.json:
        out = {
            "added": report.added,
            "skipped": report.skipped,
            "problems": [
                {"file": p.file, "line": p.line, "field": p.field, "message": p.message}
                for p in report.problems
            ],
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(
            f"imported {len(report.added)}, already in the register {len(report.skipped)}, "
            f"refused {len(report.problems)} row(s) from {args.file.name}"
        )
    return EXIT_FAILURE if report.problems else EXIT_OK


def _show_summary(number: str, calendar: WorkdayCalendar, today: date, *, json_out: bool) -> int:
    from publisher.applications.selectors import application_summary  # noqa: PLC0415
    from publisher.applications.services import Viewer  # noqa: PLC0415

    summary = application_summary(
        viewer=Viewer(str(cli_actor())), number=number, calendar=calendar, today=today
    )
    if summary is None:
        print(f"no application {number}", file=sys.stderr)
        return EXIT_FAILURE
    _print_one(summary, json_out=json_out)
    return EXIT_OK


def _print_one(summary: ApplicationSummary, *, json_out: bool) -> None:
    if json_out:
        print(json.dumps(summary.as_json(), ensure_ascii=False, indent=2))
        return
    print(_line(summary))
    print(f"  {summary.agency} · {summary.channel.label} · {summary.applicant_kind.label}")
    print(f"  {summary.request_text}")
    print(f"  {summary.received_on}  收到申请")
    for kind, on, note in summary.events:
        print(f"  {on}  {kind.label}{'：' + note if note else ''}")
    if summary.outcome is not None:
        print(f"  结果：{summary.outcome.label}")


def _line(summary: ApplicationSummary) -> str:
    due = summary.deadline
    if due.replied_on is not None:
        when = f"答复 {due.replied_on}" + (" (超期)" if due.overdue else "")
    elif due.due is None:
        when = "待补正，不计时"
    else:
        left = due.days_left or 0
        state = f"超期 {-left} 个工作日" if left < 0 else f"剩 {left} 个工作日"
        when = f"期限 {due.due} ({state}{'，征求意见中' if due.paused else ''})"
    warning = f"  ⚠ {due.warning}" if due.warning else ""
    return f"{summary.number:<18} {summary.received_on} {summary.status.label:<4} {when}{warning}"


def _find(number: str) -> Any:
    from publisher.applications.models import Application  # noqa: PLC0415

    application = Application.objects.filter(number=number).first()
    if application is None:
        raise UsageError(f"no application {number}")
    return application


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _money(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount") from None


def _enum(enum: type[StrEnum]) -> Any:
    def parse(text: str) -> StrEnum:
        for member in enum:
            if text in {member.value, member.value.replace("_", "-"), getattr(member, "label", "")}:
                return member
        raise argparse.ArgumentTypeError(f"{text!r}: use one of {_choices(enum)}")

    parse.__name__ = enum.__name__
    return parse


def _kind(text: str) -> ApplicantKind:
    return ApplicantKind.OTHER_ORG if text == "其他" else _enum(ApplicantKind)(text)


def _choices(enum: type[StrEnum], *, skip: frozenset[str] | set[str] = frozenset()) -> str:
    return ", ".join(
        f"{m.value.replace('_', '-')} ({getattr(m, 'label', '')})"
        for m in enum
        if m.value not in skip
    )
