"""``gongkai demo-site``: serve the demo county website."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from content.cli import EXIT_FAILURE, EXIT_OK, UsageError

if TYPE_CHECKING:
    import argparse

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``demo-site`` to the ``gongkai`` command line."""
    site = commands.add_parser(
        "demo-site",
        help="serve the demo county website (TRS pages, gkmlpt JSON, PDFs)",
        description=(
            "Serve the fictional demo county the way real county sites publish: TRS-style "
            "columns in GBK (one in UTF-8, one with a lying charset), a gkmlpt JSON catalogue, "
            "real PDF attachments and flowchart images; a Hanweb column with documents behind "
            "downfile.jsp, a JSP column without ETag or Last-Modified, a POST-JSON and a JSONP "
            "list (/col/col4227/, /zwgk/rsxx/list.jsp, /api/zwgk/list, /api/jsonp/gsgg). "
            "POST /__demo__/mutate with the printed "
            "token (or start with --mutate K) to apply edits, additions and removals; "
            "GET /__demo__/changes lists them."
        ),
    )
    site.add_argument("--port", type=int, default=8600, help="port (default 8600; 0 = any free)")
    site.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    site.add_argument("--seed", type=int, default=2008, help="demo county seed (default 2008)")
    site.add_argument(
        "--mutate", type=int, default=0, metavar="K", help="apply K rounds of changes first"
    )
    site.add_argument("--quiet", action="store_true", help="do not log requests")
    site.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    from demosite.server import DemoServer  # noqa: PLC0415 - keep --help fast

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port number")
    if args.mutate < 0:
        raise UsageError("--mutate must be 0 or more")
    print("生成演示县数据…", file=sys.stderr, flush=True)
    try:
        server = DemoServer(
            host=args.host,
            port=args.port,
            seed=args.seed,
            mutate=args.mutate,
            log=None if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True)),
        )
    except OSError as exc:
        print(f"demo-site: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    county = server.site.county
    counts = ", ".join(f"{kind.label} {n}" for kind, n in county.counts().items())
    print(f"大余县演示网站 / demo county site: {server.url}/")
    print(f"  catalogue API: {server.url}/gkmlpt/api/all/0?page=1")
    print(f"  contents: {counts}")
    if args.mutate:
        print(f"  applied {args.mutate} mutation rounds: {server.site.changes.total()} changes")
    print(f"  control token (X-Demo-Token for POST /__demo__/mutate): {server.site.control_token}")
    print("  Ctrl-C to stop", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    return EXIT_OK
