"""Publisher subcommands: init, status, sync, review, serve.

Thin adapters: parse arguments, open the home, call one service, print.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from content.cli import EXIT_FAILURE, EXIT_OK, UsageError

if TYPE_CHECKING:
    from publisher.config import Config
    from publisher.home import Home

__all__ = ["register"]

_DEMO_COLUMNS = ("jgzn", "ldxx", "qlqd", "zdxm", "msss", "gkml", "gkzn", "tzgg", "gknb")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the publisher's subcommands to ``gongkai``."""
    home = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: an action's own --home must not reset one given before the action
    # (`gongkai review --home H list`).
    home.add_argument(
        "--home",
        help="publisher home (default: $GONGKAI_HOME, else ./var)",
        default=argparse.SUPPRESS,
    )

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

    sync = commands.add_parser(
        "sync",
        parents=[home],
        help="sync sources from the county site now",
        description="Sync the given sources (default: all enabled) now. Exit 0 when every "
        "item synced, 1 when some failed (the rest is stored), 2 for a bad config.",
    )
    sync.add_argument("sources", nargs="*", metavar="SOURCE", help="source ids (default: all)")
    sync.add_argument("--force", action="store_true", help="sync even a source backing off")
    sync.add_argument(
        "--refetch",
        action="store_true",
        help="read every page again (after correcting a profile); unchanged content stays",
    )
    sync.set_defaults(handler=_sync)

    review = commands.add_parser(
        "review",
        parents=[home],
        help="review new, changed and removed content",
        description="List, show, approve or reject revisions waiting for review.",
    )
    actions = review.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", parents=[home], help="revisions waiting for review")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--source", help="only this source")
    listing.set_defaults(handler=_review_list)
    show = actions.add_parser("show", parents=[home], help="one revision with its diff")
    show.add_argument("id", type=int)
    show.set_defaults(handler=_review_show)
    for name, verb in (("approve", "approve"), ("reject", "reject")):
        decide = actions.add_parser(name, parents=[home], help=f"{verb} revisions")
        decide.add_argument("ids", type=int, nargs="*", metavar="ID")
        decide.add_argument("--all", action="store_true", help=f"{verb} everything waiting")
        decide.add_argument("--as", dest="actor", help="reviewer name (default: your login)")
        if name == "reject":
            decide.add_argument("--reason", default="", help="why (kept in the audit log)")
        decide.set_defaults(handler=_review_decide, decision=name)

    serve = commands.add_parser(
        "serve",
        parents=[home],
        help="run the publisher service: the scheduled syncs",
        description="Run the one scheduler of this home: each source syncs on its schedule.",
    )
    serve.add_argument("--sync-now", action="store_true", help="also sync every source at start")
    serve.add_argument(
        "--for", dest="duration", type=float, default=None, help=argparse.SUPPRESS
    )  # tests: stop after N seconds
    serve.set_defaults(handler=_serve)


# --- handlers ---------------------------------------------------------------------


def _init(args: argparse.Namespace) -> int:
    from content.demo import DEMO_TOWNS  # noqa: PLC0415
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
    home.config_path.write_text(text, encoding="utf-8")
    home.config()  # what we wrote must load
    setup(home, migrate=True)
    print(f"initialised {home.root}")
    print(f"  config:  {home.config_path}")
    print(f"  sources: {len(sources)}" + (f" (demo county at {args.demo})" if args.demo else ""))
    print("next: gongkai sync, then gongkai review list")
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    home, _ = _open(args)
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


def _sync(args: argparse.Namespace) -> int:
    home, config = _open(args)
    from publisher.progress import TerminalProgress  # noqa: PLC0415
    from publisher.sync import SyncEngine  # noqa: PLC0415

    unknown = [s for s in args.sources if s not in {c.id for c in config.sources}]
    if unknown:
        raise UsageError(f"unknown sources: {', '.join(unknown)} (see gongkai.toml)")
    if not config.sources:
        raise UsageError(f"no sources in {home.config_path}")
    engine = SyncEngine(
        home=home,
        config=config,
        client_factory=_client_factory(config),
        progress=TerminalProgress(),
        refetch=args.refetch,
    )
    summaries = _with_config_errors(lambda: engine.run(args.sources or None, force=args.force))
    totals: dict[str, float] = {}
    for s in summaries:
        print(
            f"{s.source}: {s.status}  new {s.new}  changed {s.changed}  unchanged {s.unchanged}  "
            f"removed {s.removed}  failed {s.failed}  external {s.external}  "
            f"requests {s.requests}  bytes {s.bytes}  "
            f"{s.seconds:.1f}s" + (f"  — {s.message}" if s.message else "")
        )
        for error in s.errors[:5]:
            print(f"    {error['url']}: {error['field']}: {error['message']}", file=sys.stderr)
        for key in (
            "new",
            "changed",
            "unchanged",
            "removed",
            "failed",
            "requests",
            "bytes",
            "seconds",
        ):
            totals[key] = totals.get(key, 0) + getattr(s, key)
    counts = "  ".join(f"{k} {v:.0f}" for k, v in totals.items() if k != "seconds")
    print(f"total: {counts}  {totals['seconds']:.1f}s")
    failed = any(s.failed or s.status != "ok" for s in summaries)
    return EXIT_FAILURE if failed else EXIT_OK


def _review_list(args: argparse.Namespace) -> int:
    _open(args)
    from publisher.review import revision_brief  # noqa: PLC0415
    from publisher.store.selectors import revisions_awaiting_review  # noqa: PLC0415

    rows = [revision_brief(r) for r in revisions_awaiting_review(source=args.source)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for row in rows:
        print(
            f"{row['id']:>7}  {row['status']:<11} {row['kind']:<7} {row['entity_type']:<16} "
            f"{row['title'][:40]}  ({row['change']})"
        )
    print(f"{len(rows)} waiting for review")
    return EXIT_OK


def _review_show(args: argparse.Namespace) -> int:
    _open(args)
    from publisher.review import revision_report  # noqa: PLC0415
    from publisher.store.models import Revision  # noqa: PLC0415

    revision = Revision.objects.filter(pk=args.id).select_related("item").first()
    if revision is None:
        print(f"no revision {args.id}", file=sys.stderr)
        return EXIT_FAILURE
    print(revision_report(revision))
    return EXIT_OK


def _review_decide(args: argparse.Namespace) -> int:
    _open(args)
    from publisher.store import services  # noqa: PLC0415
    from publisher.store.models import Revision  # noqa: PLC0415
    from publisher.store.selectors import revisions_awaiting_review  # noqa: PLC0415

    if bool(args.ids) == bool(args.all):
        raise UsageError("give revision ids, or --all")
    actor = args.actor or getpass.getuser()
    chosen = list(revisions_awaiting_review()) if args.all else [
        r for r in (Revision.objects.filter(pk=i).first() for i in args.ids) if r is not None
    ]  # fmt: skip
    missing = len(args.ids) - len(chosen) if not args.all else 0
    problems = 0
    for revision in chosen:
        try:
            if args.decision == "approve":
                services.revision_approve(revision=revision, actor=actor)
            else:
                services.revision_reject(revision=revision, actor=actor, reason=args.reason)
        except ValueError as exc:
            print(f"{revision.pk}: {exc}", file=sys.stderr)
            problems += 1
    done = len(chosen) - problems
    verb = {"approve": "approved", "reject": "rejected"}[args.decision]
    print(f"{verb} {done} revision(s) as {actor}")
    if missing:
        print(f"{missing} id(s) not found", file=sys.stderr)
    return EXIT_FAILURE if problems or missing else EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    home, config = _open(args)
    from django.db import close_old_connections  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from publisher.jobs import SchedulerLockedError, build_scheduler, scheduler_lock  # noqa: PLC0415
    from publisher.sync import SyncEngine  # noqa: PLC0415

    try:
        lock = scheduler_lock(home)
    except SchedulerLockedError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    engine = SyncEngine(home=home, config=config, client_factory=_client_factory(config))

    def sync_source(source_id: str) -> None:
        close_old_connections()
        try:
            for s in engine.run([source_id], trigger="scheduled"):
                print(
                    f"[{time.strftime('%H:%M:%S')}] sync {s.source}: {s.status} new {s.new} "
                    f"changed {s.changed} removed {s.removed} failed {s.failed}",
                    flush=True,
                )
        finally:
            close_old_connections()

    scheduler = build_scheduler(
        config, sync_source=sync_source, first_run=timezone.now() if args.sync_now else None
    )
    jobs = len(scheduler.get_jobs())
    if args.duration:
        stopper = threading.Timer(args.duration, scheduler.shutdown, kwargs={"wait": False})
        stopper.daemon = True
        stopper.start()
    print(f"serving {home.root}: {jobs} scheduled jobs; Ctrl-C to stop", flush=True)
    try:
        scheduler.start()
    except KeyboardInterrupt:
        pass
    finally:
        os.close(lock)
    return EXIT_OK


# --- helpers ------------------------------------------------------------------------


def _open(args: argparse.Namespace) -> tuple[Home, Config]:
    from publisher.django_setup import setup  # noqa: PLC0415
    from publisher.home import resolve_home  # noqa: PLC0415

    home = resolve_home(getattr(args, "home", None))
    if not home.exists():
        raise UsageError(f"no publisher home at {home.root}; run: gongkai init --home {home.root}")
    config = _with_config_errors(home.config)
    setup(home, migrate=True)
    return home, config


def _with_config_errors(call: Any) -> Any:
    from publisher.tomlfile import ConfigError  # noqa: PLC0415

    try:
        return call()
    except ConfigError as exc:
        raise UsageError(str(exc)) from exc


def _client_factory(config: Config) -> Any:
    from publisher.sources.http import HttpConfig, PoliteClient  # noqa: PLC0415

    http = config.http
    settings = HttpConfig(
        user_agent=http.user_agent,
        min_interval=http.min_interval,
        connect_timeout=http.connect_timeout,
        read_timeout=http.read_timeout,
        max_bytes=int(http.max_response_mb * 1024 * 1024),
        retries=http.retries,
        obey_robots=http.obey_robots,
        tiny_body=http.tiny_body,
        insecure_hosts=frozenset(http.insecure_hosts),
    )
    return lambda: PoliteClient(settings)
