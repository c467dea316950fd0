"""`gongkai keys` and `gongkai release`: TUF signing keys and signed channel releases."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from content.cli import EXIT_FAILURE, EXIT_OK
from publisher.commands._common import input_errors, open_home

__all__ = ["register"]


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    home: argparse.ArgumentParser,
) -> None:
    """Add ``keys`` and ``release``; ``home`` is the shared --home option."""
    keys = commands.add_parser(
        "keys",
        parents=[home],
        help="TUF signing keys: create them, rotate one",
        description="Create the repository's signing keys, or rotate one role's key.",
    )
    actions = keys.add_subparsers(dest="action", metavar="ACTION", required=True)
    init = actions.add_parser("init", parents=[home], help="create keys and the repository")
    init.add_argument(
        "--root-dir",
        type=Path,
        default=None,
        help="where to write the root keys, to be carried offline (default HOME/keys/offline-root)",
    )
    init.add_argument("--root-keys", type=int, default=1, help="number of root keys")
    init.add_argument("--threshold", type=int, default=1, help="root keys needed to sign")
    init.set_defaults(handler=input_errors(_keys_init))
    rotate = actions.add_parser("rotate", parents=[home], help="replace one role's key")
    rotate.add_argument("role", choices=["root", "targets", "snapshot", "timestamp"])
    rotate.add_argument("--root-dir", type=Path, default=None, help="the offline root keys")
    rotate.add_argument(
        "--new-root-dir", type=Path, default=None, help="root: where to write the new keys"
    )
    rotate.add_argument("--root-keys", type=int, default=1, help="root: number of new keys")
    rotate.add_argument("--threshold", type=int, default=1, help="root: new threshold")
    rotate.set_defaults(handler=_keys_rotate)

    release = commands.add_parser(
        "release",
        parents=[home],
        help="build and sign channel releases from approved content",
        description="Build the releases of the given channels (default: all) from approved "
        "content and publish them in the TUF repository. A channel whose content did not "
        "change is not rebuilt.",
    )
    release.add_argument("channels", nargs="*", metavar="CHANNEL")
    release.set_defaults(handler=input_errors(_release))


def _keys_init(args: argparse.Namespace) -> int:
    home, _ = open_home(args)
    from publisher.release.services import keys_init  # noqa: PLC0415

    root_dir = keys_init(
        home=home, root_dir=args.root_dir, root_keys=args.root_keys, threshold=args.threshold
    )
    print(f"root keys ({args.root_keys}, threshold {args.threshold}): {root_dir}")
    print("  → carry this folder offline; it is needed only to rotate keys")
    print(f"online keys (targets, snapshot, timestamp): {home.online_keys}")
    print(f"repository: {home.repository}")
    print(f"provision kiosks with: {home.provision}")
    return EXIT_OK


def _keys_rotate(args: argparse.Namespace) -> int:
    home, _ = open_home(args)
    from publisher.release.keys import KeyStoreError  # noqa: PLC0415
    from publisher.release.services import key_rotate  # noqa: PLC0415

    try:
        rotation = key_rotate(
            home=home,
            role=args.role,
            root_dir=args.root_dir,
            new_root_dir=args.new_root_dir,
            root_keys=args.root_keys,
            threshold=args.threshold,
        )
    except (KeyStoreError, ValueError) as exc:
        print(f"keys rotate: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    if rotation.new_root_dir is not None:
        retired = rotation.root_dir
        print(f"new root keys: {rotation.new_root_dir} (carry offline; retire {retired})")
    else:
        print(f"new {args.role} key in {home.online_keys}")
    print(f"kiosks follow the new root on their next refresh; new kiosks use {home.provision}")
    return EXIT_OK


def _release(args: argparse.Namespace) -> int:
    home, config = open_home(args)
    from publisher.release.builder import ReleaseBuilder  # noqa: PLC0415

    outcomes = ReleaseBuilder(home=home, config=config).build(args.channels or None)
    for outcome in outcomes:
        state = f"v{outcome.version}" if outcome.version else "unchanged"
        print(
            f"{outcome.channel:<20} {state:<10} items {outcome.entities:>6}  "
            f"new objects {outcome.new_objects:>6}  bytes {outcome.bytes}"
        )
    return EXIT_OK
