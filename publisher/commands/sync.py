"""`gongkai sync`: sync sources now, with a progress bar and a summary."""

from __future__ import annotations

import argparse
import sys

from content.cli import EXIT_FAILURE, EXIT_OK, UsageError
from publisher.commands._common import client_factory, open_home, with_config_errors

__all__ = ["register"]


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    home: argparse.ArgumentParser,
) -> None:
    """Add this module's subcommands; ``home`` is the shared --home option."""
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


def _sync(args: argparse.Namespace) -> int:
    home, config = open_home(args)
    from publisher.progress import TerminalProgress  # noqa: PLC0415
    from publisher.sync import RunSummary, SyncEngine  # noqa: PLC0415

    unknown = [s for s in args.sources if s not in {c.id for c in config.sources}]
    if unknown:
        raise UsageError(f"unknown sources: {', '.join(unknown)} (see gongkai.toml)")
    if not config.sources:
        raise UsageError(f"no sources in {home.config_path}")
    engine = SyncEngine(
        home=home,
        config=config,
        client_factory=client_factory(config),
        progress=TerminalProgress(),
        refetch=args.refetch,
    )
    summaries = with_config_errors(lambda: engine.run(args.sources or None, force=args.force))
    for s in summaries:
        print(
            f"{s.source}: {s.status}  new {s.new}  changed {s.changed}  unchanged {s.unchanged}  "
            f"removed {s.removed}  failed {s.failed}  external {s.external}  "
            f"requests {s.requests}  bytes {s.bytes}  "
            + (f"warnings {len(s.warnings)}  " if s.warnings else "")
            + f"{s.seconds:.1f}s"
            + (f"  — {s.message}" if s.message else "")
        )
        for error in s.errors[:5]:
            print(f"    {error['url']}: {error['field']}: {error['message']}", file=sys.stderr)
        for warning in s.warnings[:5]:
            print(f"    warning: {warning['url']}: {warning['message']}", file=sys.stderr)
    t = RunSummary.total(summaries)
    print(
        f"total: new {t.new}  changed {t.changed}  unchanged {t.unchanged}  removed {t.removed}  "
        f"failed {t.failed}  requests {t.requests}  bytes {t.bytes}  {t.seconds:.1f}s"
    )
    failed = any(s.failed or s.status != "ok" for s in summaries)
    return EXIT_FAILURE if failed else EXIT_OK
