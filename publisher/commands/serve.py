"""`gongkai serve`: the publisher service (see ``publisher.service``)."""

from __future__ import annotations

import argparse
import os
import sys
from urllib.parse import urlsplit

from content.cli import EXIT_FAILURE, EXIT_OK, UsageError
from publisher.commands._common import open_home

__all__ = ["register"]


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    home: argparse.ArgumentParser,
) -> None:
    """Add ``serve``; ``home`` is the shared --home option."""
    serve = commands.add_parser(
        "serve",
        parents=[home],
        help="run the publisher service: repository, pokes, device API, schedules",
        description="Serve the signed repository, pokes and the device API, and run the "
        "one scheduler of this home: syncs on their schedules, a release within seconds of "
        "an approval, metadata re-signed before it expires.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default: from public_url)")
    serve.add_argument("--sync-now", action="store_true", help="also sync every source at start")
    serve.add_argument("--no-sync", action="store_true", help="schedule no syncs")
    serve.add_argument("--for", dest="duration", type=float, default=None, help=argparse.SUPPRESS)
    serve.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    from publisher.home import resolve_home  # noqa: PLC0415

    # Before Django reads its settings: a home from before the console gets its key now.
    candidate = resolve_home(getattr(args, "home", None))
    if candidate.exists() and candidate.secret_key_ensure():
        print(f"wrote a new secret key to {candidate.secret_key_path}", flush=True)
    home, config = open_home(args)
    from publisher.jobs import SchedulerLockedError, scheduler_lock  # noqa: PLC0415
    from publisher.service import PublisherService  # noqa: PLC0415

    port = args.port
    if port is None:
        port = urlsplit(config.publisher.public_url).port or 8700
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port} is not a port number")
    try:
        lock = scheduler_lock(home)
    except SchedulerLockedError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    try:
        service = PublisherService(
            home=home,
            config=config,
            host=args.host,
            port=port,
            sync=not args.no_sync,
            sync_now=args.sync_now,
        )
        print(f"serving {home.root} on http://{args.host}:{port}/ "
              f"({service.sync_jobs()} sync jobs); Ctrl-C to stop", flush=True)  # fmt: skip
        print(f"staff console: http://{args.host}:{port}/staff/", flush=True)
        service.run(duration=args.duration)
    finally:
        os.close(lock)
    return EXIT_OK
