"""`gongkai init` and `gongkai status`: create a publisher home, show its state."""

from __future__ import annotations

import argparse
import json

from content.cli import EXIT_OK, UsageError
from publisher.commands._common import open_home

__all__ = ["register"]

_DEMO_COLUMNS = ("jgzn", "ldxx", "qlqd", "zdxm", "msss", "gkml", "gkzn", "tzgg", "gknb")


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
    init.set_defaults(handler=_init)
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
    from content.demo import DEMO_TOWNS  # noqa: PLC0415
    from publisher.boards.config import render_boards  # noqa: PLC0415
    from publisher.boards.demo import DEMO_BOARDS  # noqa: PLC0415
    from publisher.config import SourceConfig, TownConfig, render_config  # noqa: PLC0415
    from publisher.django_setup import setup  # noqa: PLC0415
    from publisher.home import resolve_home  # noqa: PLC0415

    home = resolve_home(getattr(args, "home", None))
    if home.exists() and not args.force:
        raise UsageError(f"{home.config_path} exists; use --force to rewrite it")
    towns: list[TownConfig] = []
    sources: list[SourceConfig] = []
    name = "县人民政府"
    if args.demo:
        site = args.demo.rstrip("/")
        if not site.startswith(("http://", "https://")):
            raise UsageError(
                f"--demo {args.demo}: give the demo site's URL, e.g. http://127.0.0.1:8600"
            )
        name = "大余县人民政府"
        towns = [TownConfig(name=town, id=town_id) for town, town_id in DEMO_TOWNS]
        sources = [
            SourceConfig(
                id=f"dayu-{key}", profile=f"builtin:dayu/{key}", site=site, schedule="every 1h"
            )
            for key in _DEMO_COLUMNS
        ]
    home.make_folders()
    text = render_config(name=name, towns=towns, sources=sources)
    if args.demo:
        # The demo site runs on this machine: no need to wait between requests.
        text = text.replace("min_interval = 1.5", "min_interval = 0.0")
    text += render_boards(DEMO_BOARDS if args.demo else ())
    home.config_path.write_text(text, encoding="utf-8")
    home.config()  # what we wrote must load
    setup(home, migrate=True)
    if args.demo:
        _demo_schedules(args.demo.rstrip("/"))
    print(f"initialised {home.root}")
    print(f"  config:  {home.config_path}")
    print(f"  sources: {len(sources)}" + (f" (demo county at {args.demo})" if args.demo else ""))
    if args.demo:
        print(
            f"  boards:  {len(DEMO_BOARDS)} (gongkai board list; previews in {home.root}/previews)"
        )
    print("next: gongkai sync, then gongkai review list")
    return EXIT_OK


def _demo_schedules(site: str) -> None:
    """The demo's board schedules, unless the store has rules already (``--force``)."""
    from datetime import UTC, datetime  # noqa: PLC0415

    from publisher.boards.services import rules_seed_demo  # noqa: PLC0415

    rules_seed_demo(actor="init --demo", site=site, now=datetime.now(UTC))


def _status(args: argparse.Namespace) -> int:
    home, _ = open_home(args)
    from publisher.store.selectors import status_summary  # noqa: PLC0415

    summary = status_summary()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"home: {home.root}")
    print(f"待审核 pending {summary['pending']}  隔离 quarantined {summary['quarantined']}  "
          f"文档 documents {summary['documents']}")  # fmt: skip
    print(f"{'source':<16} {'type':<16} {'items':>6} {'pend':>5} {'quar':>5}  last run")
    for source in summary["sources"]:
        run = source["last_run"]
        last = "never"
        if run:
            last = (
                f"{run['status']} {run['started_at'][:16]} new {run['new']} changed "
                f"{run['changed']} removed {run['removed']} failed {run['failed']}"
            )
        if source["blocked_until"]:
            last += f"  BLOCKED until {source['blocked_until'][:16]} ({source['blocked_signal']})"
        print(
            f"{source['source']:<16} {source['entity_type']:<16} {source['items']:>6} "
            f"{source['pending']:>5} {source['quarantined']:>5}  {last}"
        )
    return EXIT_OK
