"""`gongkai board`: list boards, schedule programs, emergencies, explain, preview, push."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from content.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError
from publisher.commands._common import cli_actor, input_errors, open_home

if TYPE_CHECKING:
    from publisher.boards.rules import BoardRuleError
    from publisher.boards.runner import BoardRunner
    from publisher.boards.schedule import Content, Rule

__all__ = ["register"]

_COLORS = ("red", "green", "yellow")  # publisher.boards.drafts.COLORS (kept lazy: no Django here)


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    home: argparse.ArgumentParser,
) -> None:
    """Add ``board``; ``home`` is the shared --home option."""
    board = commands.add_parser(
        "board",
        parents=[home],
        help="LED boards: list, schedule, emergency, explain, preview, push",
        description="LED boards configured in [[boards]] of gongkai.toml: their state, "
        "schedules and emergencies, what a board shows at a time and why, previews, pushes. "
        "Times are Asia/Shanghai.",
    )
    actions = board.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", parents=[home], help="boards and their last push")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(handler=input_errors(_list))

    _register_schedule(actions, home)

    emergency = actions.add_parser(
        "emergency",
        parents=[home],
        help="override boards with an emergency text until a time",
        description="An emergency preempts every schedule and operating hours on the chosen "
        "boards until it expires (at most 7 days) or is cancelled.",
    )
    emergency.add_argument("--boards", required=True, help="board ids, comma-separated, or all")
    emergency.add_argument("--text", default=None)
    emergency.add_argument("--until", default=None, help='"YYYY-MM-DD HH:MM" (Asia/Shanghai)')
    emergency.add_argument("--cancel", action="store_true", help="end the boards' emergencies")
    emergency.add_argument(
        "--json", action="store_true", help="the result, or the refusal, as JSON"
    )
    emergency.set_defaults(handler=input_errors(_emergency))

    explain = actions.add_parser("explain", parents=[home], help="what a board shows and why")
    explain.add_argument("board")
    explain.add_argument("--at", default=None, help='"YYYY-MM-DD HH:MM" (default: now)')
    explain.set_defaults(handler=input_errors(_explain))

    preview = actions.add_parser("preview", parents=[home], help="write a board's pixels")
    preview.add_argument("board")
    preview.add_argument("--at", default=None, help='"YYYY-MM-DD HH:MM" (default: now)')
    preview.add_argument("--out", required=True, type=Path, help="FILE.png (one slide) or FILE.gif")
    preview.add_argument("--scale", type=int, default=4, help="pixels per LED (default 4)")
    preview.add_argument("--slide", type=int, default=1, help="which slide for a PNG (from 1)")
    preview.set_defaults(handler=input_errors(_preview))

    push = actions.add_parser("push", parents=[home], help="push a board's program now")
    push.add_argument("board", help="a board id, or all")
    push.add_argument("--timeout", type=float, default=5.0, help="seconds per board")
    push.set_defaults(handler=input_errors(_push))


def _register_schedule(
    actions: argparse._SubParsersAction[argparse.ArgumentParser],
    home: argparse.ArgumentParser,
) -> None:
    schedule = actions.add_parser("schedule", parents=[home], help="add, list, remove rules")
    rules = schedule.add_subparsers(dest="rule_action", metavar="RULE_ACTION", required=True)
    add = rules.add_parser(
        "add",
        parents=[home],
        help="add a schedule rule",
        description="Add a rule. --show (repeatable, in order): notices[:N], projects[:N], "
        "leaders[:N], text:WORDS, qr:URL[|caption] (rgb boards), clock. Precedence: "
        "emergency > higher priority > a rule naming the board > a group rule > newer.",
    )
    add.add_argument("--name", required=True)
    add.add_argument("--boards", default="", help="board ids, comma-separated")
    add.add_argument("--groups", default="", help="groups (all, a town id, or from config)")
    add.add_argument("--show", action="append", required=True, metavar="SPEC")
    add.add_argument("--from", dest="start", default="00:00", help="window start HH:MM")
    add.add_argument("--to", dest="end", default="24:00", help="window end HH:MM (may be < start)")
    add.add_argument(
        "--days",
        default="mon-sun",
        help="weekdays (mon-fri, sat,sun, …) or a kind of day on the official calendar, "
        "调休 included: workdays, holidays, weekends-and-holidays",
    )
    add.add_argument("--start-date", default="", help="YYYY-MM-DD")
    add.add_argument("--end-date", default="", help="YYYY-MM-DD")
    add.add_argument(
        "--rrule", default="", help="RRULE choosing the days, e.g. FREQ=MONTHLY;BYDAY=1MO"
    )
    add.add_argument("--priority", default="0")
    add.add_argument("--color", choices=_COLORS, default="red")
    add.add_argument("--seconds", default="8", help="seconds per slide")
    add.add_argument("--json", action="store_true", help="the rule, or the refusal, as JSON")
    add.set_defaults(handler=input_errors(_schedule_add))
    rule_list = rules.add_parser("list", parents=[home], help="the rules")
    rule_list.add_argument("--json", action="store_true")
    rule_list.set_defaults(handler=input_errors(_schedule_list))
    remove = rules.add_parser("remove", parents=[home], help="remove a rule by id")
    remove.add_argument("rule_id", type=int)
    remove.set_defaults(handler=input_errors(_schedule_remove))


# --- handlers ------------------------------------------------------------------------


def _runner(args: argparse.Namespace, *, timeout: float = 5.0) -> BoardRunner:
    home, config = open_home(args)
    from publisher.boards.runner import BoardRunner  # noqa: PLC0415

    runner = BoardRunner(home=home, config=config, timeout=timeout)
    for issue in runner.boards.issues:
        print(f"gongkai board: {issue}", file=sys.stderr)
    return runner


def _at(args: argparse.Namespace) -> datetime:
    from publisher.boards.drafts import parse_local  # noqa: PLC0415

    return parse_local(args.at, field="at") if args.at else datetime.now(UTC)


def _list(args: argparse.Namespace) -> int:
    runner = _runner(args)
    from publisher.boards.store import state_rows  # noqa: PLC0415

    states = state_rows()
    rows: list[dict[str, Any]] = []
    for board in runner.boards.boards:
        state = states.get(board.id)
        rows.append(
            {
                "id": board.id,
                "name": board.name,
                "town": board.town,
                "place": board.place,
                "driver": board.driver,
                "address": board.address,
                "size": f"{board.width}x{board.height}",
                "colors": board.colors,
                "hours": f"{board.hours[0]}-{board.hours[1]}",
                "last_push_at": _iso(state.last_push_at) if state else None,
                "result": state.outcome.value if state and state.outcome else None,
                "error": state.error if state else "",
                "reachable": state.reachable if state else None,
                "failures": state.failures if state else 0,
                "next_attempt_at": _iso(state.next_attempt_at) if state else None,
            }
        )
    if args.json:
        issues = [str(issue) for issue in runner.boards.issues]
        print(json.dumps({"boards": rows, "issues": issues}, ensure_ascii=False, indent=2))
    else:
        print(f"{'board':<14} {'driver':<16} {'size':<9} {'colors':<6} {'last push':<17} "
              f"{'result':<15} reachable")  # fmt: skip
        for row in rows:
            reachable = {True: "yes", False: "NO", None: "?"}[row["reachable"]]
            result = row["result"] or "never"
            if row["failures"]:
                result += f" ×{row['failures']}"
            print(f"{row['id']:<14} {row['driver']:<16} {row['size']:<9} {row['colors']:<6} "
                  f"{(row['last_push_at'] or 'never')[:16]:<17} {result:<15} {reachable}"
                  + (f"  {row['error']}" if row["error"] else ""))  # fmt: skip
    return EXIT_USAGE if runner.boards.issues else EXIT_OK


def _schedule_add(args: argparse.Namespace) -> int:
    runner = _runner(args)
    from publisher.boards.drafts import RuleDraft  # noqa: PLC0415
    from publisher.boards.services import BoardRuleError, rule_add  # noqa: PLC0415

    draft = RuleDraft(
        name=args.name,
        show=args.show,
        boards=args.boards,
        groups=args.groups,
        start=args.start,
        end=args.end,
        days=args.days,
        start_date=args.start_date,
        end_date=args.end_date,
        rrule=args.rrule,
        priority=args.priority,
        color=args.color,
        seconds=args.seconds,
    )
    try:
        saved = rule_add(
            actor=cli_actor(),
            rule=draft,
            boards=runner.boards,
            snapshot=runner.snapshot(),
            now=datetime.now(UTC),
        )
    except BoardRuleError as exc:
        return _refused("schedule add", exc, as_json=args.json)
    if args.json:
        print(json.dumps(_rule_json(saved), ensure_ascii=False, indent=2))
    else:
        print(f"added {saved.describe()}")
    return EXIT_OK


def _schedule_list(args: argparse.Namespace) -> int:
    _runner(args)
    from publisher.boards.store import rule_list  # noqa: PLC0415

    rules = rule_list(now=datetime.now(UTC), include_expired=True)
    if args.json:
        print(json.dumps([_rule_json(rule) for rule in rules], ensure_ascii=False, indent=2))
        return EXIT_OK
    for rule in rules:
        targets = ", ".join([*sorted(rule.boards), *(f"group:{g}" for g in sorted(rule.groups))])
        shows = ", ".join(_content_text(part) for part in rule.content)
        print(f"{rule.describe()}\n    on {targets}; shows {shows}")
    if not rules:
        print("no rules; add one with: gongkai board schedule add --help")
    return EXIT_OK


def _schedule_remove(args: argparse.Namespace) -> int:
    runner = _runner(args)
    from publisher.boards.services import rule_remove  # noqa: PLC0415

    rule_remove(actor=cli_actor(), rule_id=args.rule_id, boards=runner.boards)
    print(f"removed rule #{args.rule_id}")
    return EXIT_OK


def _emergency(args: argparse.Namespace) -> int:
    runner = _runner(args)
    from content.county_time import SHANGHAI  # noqa: PLC0415
    from publisher.boards.drafts import parse_ids  # noqa: PLC0415
    from publisher.boards.services import (  # noqa: PLC0415
        BoardRuleError,
        emergency_cancel,
        emergency_create,
    )

    every = args.boards == "all"
    ids = [b.id for b in runner.boards.boards] if every else parse_ids(args.boards)
    now = datetime.now(UTC)
    if args.cancel:
        count = emergency_cancel(
            actor=cli_actor(), board_ids=None if every else ids, boards=runner.boards, now=now
        )
        print(json.dumps({"cancelled": count}) if args.json else f"cancelled {count} emergencies")
        return EXIT_OK
    if args.text is None or args.until is None:
        raise UsageError("an emergency needs --text and --until (or --cancel)")
    try:
        rule = emergency_create(
            actor=cli_actor(),
            board_ids=ids,
            text=args.text,
            until=args.until,
            boards=runner.boards,
            snapshot=runner.snapshot(),
            now=now,
        )
    except BoardRuleError as exc:
        return _refused("emergency", exc, as_json=args.json)
    if args.json:
        print(json.dumps(_rule_json(rule), ensure_ascii=False, indent=2))
        return EXIT_OK
    local = rule.expires_at.astimezone(SHANGHAI) if rule.expires_at else None
    print(f"emergency #{rule.id} on {', '.join(ids)} until {local:%Y-%m-%d %H:%M}")
    print("`gongkai serve` pushes it within 30 s; or now: gongkai board push all")
    return EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    runner = _runner(args)
    from publisher.boards.explain import explain  # noqa: PLC0415
    from publisher.boards.schedule import next_change  # noqa: PLC0415
    from publisher.boards.store import rule_list  # noqa: PLC0415

    board = runner.boards.require(args.board)
    at = _at(args)
    resolution, program = runner.program(board, at)
    upcoming = next_change(board, rule_list(now=at), at)
    print(explain(board, resolution, program, next_change=upcoming))
    return EXIT_OK


def _preview(args: argparse.Namespace) -> int:
    runner = _runner(args)
    from publisher.actors import COUNTY  # noqa: PLC0415
    from publisher.boards.selectors import board_preview  # noqa: PLC0415

    suffix = args.out.suffix.lower()
    if suffix not in (".png", ".gif"):
        raise UsageError("--out must end in .png or .gif")
    try:
        shown = board_preview(
            boards=runner.boards,
            snapshot=runner.snapshot(),
            board_id=args.board,
            at=_at(args),
            scope=COUNTY,
            scale=args.scale,
        )
    except ValueError as exc:  # the scale
        raise UsageError(f"--{exc}") from None
    pages = shown.pages
    if suffix == ".png" and not 1 <= args.slide <= len(pages):
        raise UsageError(f"--slide {args.slide}: the program has {len(pages)} slides")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(pages[args.slide - 1].png if suffix == ".png" else shown.gif)
    print(f"wrote {args.out}: {len(pages) if suffix == '.gif' else 1} of {len(pages)} slides, "
          f"{shown.width}x{shown.height} x{args.scale}; {shown.why}")  # fmt: skip
    return EXIT_OK


def _push(args: argparse.Namespace) -> int:
    runner = _runner(args, timeout=args.timeout)
    only = None if args.board == "all" else [runner.boards.require(args.board).id]
    try:
        reports = runner.evaluate(only=only, force=True)
    finally:
        runner.close()
    failed = 0
    for report in reports:
        status = report.status
        if report.ok:
            print(f"{report.board_id}: pushed in {report.seconds:.2f} s ({status.reason})")
            if report.detail:
                print(f"  {report.detail}")
            if report.cycling:
                print("  the board keeps no program: `gongkai serve` cycles its slides")
        else:
            failed += 1
            print(f"{report.board_id}: FAILED ({status.outcome}): {status.error}; "
                  f"failures in a row: {status.failures}")  # fmt: skip
    return EXIT_FAILURE if failed else EXIT_OK


# --- helpers -------------------------------------------------------------------------


def _refused(action: str, error: BoardRuleError, *, as_json: bool) -> int:
    """Say every problem (with its code and field) and that nothing was saved; exit 2."""
    if as_json:
        problems = [
            {"code": p.code.value, "field": p.field, "message": p.message,
             "message_zh": p.message_zh, "board": p.board_id, "char": p.char,
             "position": p.position}
            for p in error.problems
        ]  # fmt: skip
        print(json.dumps({"refused": problems}, ensure_ascii=False, indent=2))
    for problem in error.problems:
        print(f"gongkai board {action}: [{problem.code}] {problem.field or 'rule'}: {problem}",
              file=sys.stderr)  # fmt: skip
    print("nothing saved", file=sys.stderr)
    return EXIT_USAGE


def _iso(moment: datetime | None) -> str | None:
    from content.county_time import SHANGHAI  # noqa: PLC0415

    return moment.astimezone(SHANGHAI).isoformat(sep=" ", timespec="seconds") if moment else None


def _content_text(part: Content) -> str:
    if part.kind in ("notices", "projects", "leaders"):
        return f"{part.kind}:{part.limit}"
    if part.kind == "clock":
        return "clock"
    return f"{part.kind}:{part.value[:30]}"


def _rule_json(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "boards": sorted(rule.boards),
        "groups": sorted(rule.groups),
        "window": [rule.start, rule.end],
        "weekdays": sorted(rule.weekdays),
        "days": rule.days,
        "date_from": rule.date_from.isoformat() if rule.date_from else None,
        "date_to": rule.date_to.isoformat() if rule.date_to else None,
        "rrule": rule.rrule,
        "priority": rule.priority,
        "emergency": rule.emergency,
        "expires_at": _iso(rule.expires_at),
        "created_at": _iso(rule.created_at),
        "content": [_content_text(part) for part in rule.content],
    }
