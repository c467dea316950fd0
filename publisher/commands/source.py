"""`gongkai source try|check`: the workbench for writing a source profile."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from content.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError
from publisher.commands._common import client_factory, open_home

if TYPE_CHECKING:
    from publisher.sync import TrialItem, TrialReport

__all__ = ["register"]

_MAX_ITEMS = 50


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    home: argparse.ArgumentParser,
) -> None:
    """Add this module's subcommands; ``home`` is the shared --home option."""
    source = commands.add_parser(
        "source",
        help="try a profile on a site, check every configured profile",
        description="The workbench for writing source profiles (docs/sources.md).",
    )
    actions = source.add_subparsers(dest="action", metavar="ACTION", required=True)
    trial = actions.add_parser(
        "try",
        parents=[home],
        help="read a site with a profile and show what it finds; stores nothing",
        description="Fetch the list page(s) and the first N articles with PROFILE, politely "
        "(robots.txt, [http] min_interval), store nothing, and print per item each field "
        "found (or missing, with the label, prefix or section tried), the attachments with "
        "their types and names, the pagination and the warnings. Exit 1 when an item misses "
        "a required field or the list gives no article, 2 for a broken profile.",
    )
    trial.add_argument("profile", metavar="PROFILE", help="a profile file or builtin:COUNTY/COLUMN")
    trial.add_argument("--site", required=True, help="the site, e.g. http://www.example.gov.cn")
    trial.add_argument("--items", type=int, default=3, help="articles to read (default 3)")
    trial.add_argument("--json", action="store_true", help="machine-readable output")
    trial.set_defaults(handler=_try)
    check = actions.add_parser(
        "check",
        parents=[home],
        help="load every configured profile and print its problems (no fetching)",
        description="Load the profile of every source in gongkai.toml and print each one's "
        "problems, naming file, line and key. Exit 0 when all load, 2 when one does not.",
    )
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(handler=_check)


def _try(args: argparse.Namespace) -> int:
    home, config = open_home(args)
    from django.utils import timezone  # noqa: PLC0415

    from publisher.config import SourceConfig  # noqa: PLC0415
    from publisher.sources.profiles import load_profile  # noqa: PLC0415
    from publisher.sync import try_profile  # noqa: PLC0415
    from publisher.tomlfile import ConfigError  # noqa: PLC0415

    if not 1 <= args.items <= _MAX_ITEMS:
        raise UsageError(f"--items must be 1 to {_MAX_ITEMS}")
    try:
        profile = load_profile(args.profile, home_root=home.root)
    except ConfigError as exc:
        raise UsageError(str(exc)) from exc
    try:
        source = SourceConfig(id="try", profile=args.profile, site=args.site)
    except ValueError as exc:
        raise UsageError(f"--site {args.site}: must be an http(s) URL") from exc
    with client_factory(config)() as client:
        report = try_profile(
            reference=args.profile,
            profile=profile,
            config=source,
            client=client,
            now=timezone.now,
            items=args.items,
        )
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_report(report)
    return EXIT_OK if report.ok else EXIT_FAILURE


def _print_report(report: TrialReport) -> None:
    print(f"profile:    {report.profile} ({report.name}, {report.entity_type})")
    print(f"list:       {report.list_url.replace('{page}', '…')}")
    pages = [f"pages read {report.pages_read}", f"entries {report.entries}"]
    if report.page_count is not None:
        pages.append(f"page count {report.page_count}")
    if report.total is not None:
        pages.append(f"total {report.total}")
    if report.external:
        pages.append(f"external {report.external}")
    print(f"pagination: {report.pagination}  " + "  ".join(pages))
    for error in report.errors:
        print(f"error:      {error}")
    for warning in report.warnings:
        print(f"warning:    {warning}")
    for number, item in enumerate(report.items, start=1):
        _print_item(number, item)
    found = ", ".join(f"{i.found}/{len(i.fields)}" for i in report.items) or "no item"
    missing = sum(1 for i in report.items if i.required_missing)
    print(f"\nsummary: {len(report.items)} items, fields found {found}; "
          f"required fields missing in {missing} items")  # fmt: skip


def _print_item(number: int, item: TrialItem) -> None:
    print(f"\nitem {number}: {item.url}")
    print(f"  {'title':<22} {item.title or 'missing'}")
    for name, value in item.fields.items():
        if value.get("missing"):
            print(f"  {name:<22} missing  (tried: {value['tried']})")
        else:
            print(f"  {name:<22} {_short(value['value'])}  ({value['from']})")
    for document in item.attachments:
        if "error" in document:
            print(f"  attachment             {document['name']}: {document['error']}")
        else:
            print(f"  attachment             {document['name']}  {document['file_type']}  "
                  f"{document['size_bytes']} bytes  ({document['url']})")  # fmt: skip
    if item.unused_labels:
        print(f"  {'unused labels':<22} {'、'.join(item.unused_labels)}")
    for warning in item.warnings:
        print(f"  warning                {warning}")
    if item.error:
        print(f"  error                  {item.error}")
    print(f"  fields found           {item.found} of {len(item.fields)}")


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _check(args: argparse.Namespace) -> int:
    home, config = open_home(args)
    from publisher.sources.profiles import check_profile, load_profile  # noqa: PLC0415
    from publisher.tomlfile import ConfigError  # noqa: PLC0415

    results: list[dict[str, Any]] = []
    for source in config.sources:
        entry: dict[str, Any] = {"source": source.id, "profile": source.profile}
        try:
            profile = load_profile(source.profile, home_root=home.root)
        except ConfigError as exc:
            entry |= {"ok": False, "problems": [str(exc)], "warnings": []}
        else:
            entry |= {"ok": True, "problems": [], "warnings": check_profile(profile)}
            entry |= {
                "entity_type": str(profile.entity_type),
                "pagination": profile.list.pagination,
            }
        results.append(entry)
    if args.json:
        print(json.dumps({"sources": results}, ensure_ascii=False, indent=2))
    else:
        if not results:
            print(f"no sources in {home.config_path}")
        for entry in results:
            state = "ok" if entry["ok"] else "PROBLEM"
            detail = f"  ({entry['entity_type']}, {entry['pagination']})" if entry["ok"] else ""
            print(f"{entry['source']}: {state}  {entry['profile']}{detail}")
            for problem in entry["problems"]:
                print(f"    {problem}")
            for warning in entry["warnings"]:
                print(f"    warning: {warning}")
    return EXIT_OK if all(entry["ok"] for entry in results) else EXIT_USAGE
