"""`gongkai init` and `gongkai status`: create a publisher home, show its state."""

from __future__ import annotations

import argparse
import json

from content.cli import EXIT_OK
from publisher.commands._common import input_errors, open_home

__all__ = ["register"]


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    home: argparse.ArgumentParser,
) -> None:
    """Add this module's subcommands; ``home`` is the shared --home option."""
    init = commands.add_parser(
        "init",
        parents=[home],
        help="create a publisher home: config, database, folders",
        description="Create the publisher home: a commented gongkai.toml, the database, folders.",
    )
    init.add_argument("--demo", metavar="URL", help="sources: the demo county site at URL")
    init.add_argument("--force", action="store_true", help="rewrite an existing gongkai.toml")
    init.set_defaults(handler=input_errors(_init))
    status = commands.add_parser(
        "status",
        parents=[home],
        help="items, pending reviews and the last runs, per source",
        description="Show per source and entity type the items, pending and quarantined "
        "revisions, and the last runs.",
    )
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(handler=_status)


def _init(args: argparse.Namespace) -> int:
    from publisher.home import resolve_home  # noqa: PLC0415
    from publisher.home_init import home_init  # noqa: PLC0415

    home = resolve_home(getattr(args, "home", None))
    made = home_init(home=home, demo_site=args.demo, force=args.force)
    print(f"initialised {home.root}")
    print(f"  config:  {home.config_path}")
    print(f"  sources: {made.sources}" + (f" (demo county at {args.demo})" if args.demo else ""))
    if args.demo:
        print(f"  boards:  {made.boards} (gongkai board list; previews in {home.root}/previews)")
    print("next: gongkai sync, then gongkai review list")
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    home, config = open_home(args)
    from publisher.store.selectors import status_summary  # noqa: PLC0415

    summary = status_summary(configured=[(s.id, s.profile) for s in config.sources])
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"home: {home.root}")
    print(f"待审核 pending {summary['pending']}  隔离 quarantined {summary['quarantined']}  "
          f"文档 documents {summary['documents']}")  # fmt: skip
    print(f"{'source':<16} {'type':<16} {'items':>6} {'pend':>5} {'quar':>5}  last run")
    for source in summary["sources"]:
        run = source["last_run"]
        last = "never (not synced yet)"
        if run:
            last = (
                f"{run['status']} {run['started_at'][:16]} new {run['new']} changed "
                f"{run['changed']} removed {run['removed']} failed {run['failed']}"
            )
            if run["warning_count"]:
                last += f" warnings {run['warning_count']}"
        if source["blocked_until"]:
            last += f"  BLOCKED until {source['blocked_until'][:16]} ({source['blocked_signal']})"
        print(
            f"{source['source']:<16} {source['entity_type'] or '-':<16} {source['items']:>6} "
            f"{source['pending']:>5} {source['quarantined']:>5}  {last}"
        )
    return EXIT_OK
