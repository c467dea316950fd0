"""The ``gongkai`` command line: one program, subcommands from every package.

This hub lives in the core because it is the one package every install has and
it imports neither ``publisher`` nor ``kiosk``: each package contributes its
subcommands through the ``gongkai.commands`` entry-point group, so a kiosk never
loads Django and a server never loads Kivy.

Exit codes: 0 ok, 1 failure, 2 bad usage or config.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib.metadata import PackageNotFoundError, entry_points, version
from pathlib import Path
from typing import TYPE_CHECKING

from content import atomicfile
from content.enums import EntityType

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["EXIT_FAILURE", "EXIT_OK", "EXIT_USAGE", "UsageError", "main", "register"]

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad arguments or configuration: reported on stderr, exit code 2."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``gongkai`` command line.

    Returns:
        The process exit code (0 ok, 1 failure, 2 bad usage or config).
    """
    parser = _build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        code = int(handler(args))
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
    except UsageError as exc:
        print(f"gongkai {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `gongkai status --json | head`: the reader has all it wanted. Point stdout at
        # /dev/null so that the interpreter's final flush does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    return code


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the core's subcommands (``demo-data``)."""
    demo = commands.add_parser(
        "demo-data",
        help="write the demo county as JSON Lines, one file per entity type",
        description=(
            "Generate the fictional demo county (大余县 at the scale of its 2008 report) "
            "and write agencies.jsonl, leaders.jsonl, power_items.jsonl, projects.jsonl, "
            "catalogue.jsonl, guides.jsonl, notices.jsonl and annual_reports.jsonl. "
            "The same seed always gives byte-identical files."
        ),
    )
    demo.add_argument("--out", required=True, type=Path, help="folder to write into")
    demo.add_argument("--seed", type=int, default=None, help="generator seed (default 2008)")
    demo.add_argument(
        "--base-url",
        default=None,
        help="where the demo site is served, for provenance URLs (default http://127.0.0.1:8600)",
    )
    demo.add_argument(
        "--mutate",
        type=int,
        default=0,
        metavar="K",
        help="apply K rounds of the demo site's edits, additions and removals",
    )
    demo.set_defaults(handler=_demo_data)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gongkai",
        description="Gongkai (公开): county disclosure content on hall kiosks and LED boards.",
        epilog="Exit codes: 0 ok, 1 failure, 2 bad usage or config.",
    )
    parser.add_argument("--version", action="version", version=f"gongkai {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    unavailable: list[str] = []
    for point in sorted(entry_points(group="gongkai.commands"), key=lambda p: p.name):
        try:
            point.load()(commands)
        except ImportError as exc:
            # Optional parts fail softly: a kiosk without Django still has its commands.
            unavailable.append(f"{point.name} ({exc})")
    if unavailable:
        parser.epilog = f"{parser.epilog} Unavailable here: {'; '.join(unavailable)}."
    return parser


def _demo_data(args: argparse.Namespace) -> int:
    from content import demo  # noqa: PLC0415 - keep `gongkai --help` fast
    from content.models import JSONL_FILES  # noqa: PLC0415
    from content.validation import validate_jsonl  # noqa: PLC0415

    if args.mutate < 0:
        raise UsageError("--mutate must be 0 or more")
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} exists and is not a folder")
    county = demo.generate_county(
        seed=demo.DEFAULT_SEED if args.seed is None else args.seed,
        base_url=args.base_url or demo.DEFAULT_BASE_URL,
    )
    if args.mutate:
        county, _ = demo.mutate_county(county, rounds=args.mutate)
    files = demo.jsonl_files(county)
    problems = 0
    for entity_type, text in files.items():
        # Self-check before anything is written: every line must validate.
        result = validate_jsonl(entity_type, text.splitlines(), source=JSONL_FILES[entity_type])
        for issue in result.issues:
            print(issue, file=sys.stderr)
        problems += len(result.issues)
    if problems:
        print(f"demo-data: {problems} invalid records; nothing written", file=sys.stderr)
        return EXIT_FAILURE
    try:
        out.mkdir(parents=True, exist_ok=True)
        for entity_type, text in files.items():
            atomicfile.write_atomic(out / JSONL_FILES[entity_type], text.encode())
    except OSError as exc:
        print(f"demo-data: cannot write to {out}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    total = 0
    for entity_type, text in files.items():
        count = text.count("\n")
        total += count
        print(f"{JSONL_FILES[entity_type]:<22} {count:>6}  {EntityType(entity_type).label}")
    print(f"wrote {total} records in {len(files)} files to {out}")
    return EXIT_OK


def _version() -> str:
    # One source of truth: the version in pyproject.toml, as installed.
    try:
        return version("gongkai")
    except PackageNotFoundError:  # run from a tree that was never installed
        return "unknown"
