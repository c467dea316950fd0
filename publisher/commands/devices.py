"""`gongkai device`: enrol, list and revoke kiosks."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from content.cli import EXIT_FAILURE, EXIT_OK
from publisher.commands._common import cli_actor, input_errors, open_home

__all__ = ["register"]


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    home: argparse.ArgumentParser,
) -> None:
    """Add ``device``; ``home`` is the shared --home option."""
    device = commands.add_parser(
        "device",
        parents=[home],
        help="enrol, list and revoke kiosks",
        description="Enrol a kiosk (prints its token once), list devices, revoke one, "
        "fetch the screenshot it last sent of its screen.",
    )
    actions = device.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[home], help="enrol a kiosk")
    add.add_argument("name")
    add.add_argument("--channel", required=True, help="county or town-<id>")
    add.set_defaults(handler=input_errors(_add))
    listing = actions.add_parser("list", parents=[home], help="devices and their state")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)
    revoke = actions.add_parser("revoke", parents=[home], help="revoke a device's token")
    revoke.add_argument("name")
    revoke.set_defaults(handler=_revoke)
    shot = actions.add_parser(
        "screenshot", parents=[home], help="write a kiosk's latest screenshot to a file"
    )
    shot.add_argument("name")
    shot.add_argument("--out", required=True, type=Path, help="FILE.png")
    shot.set_defaults(handler=_screenshot)


def _add(args: argparse.Namespace) -> int:
    home, config = open_home(args)
    from publisher.devices import device_enrol  # noqa: PLC0415
    from publisher.release.builder import channels_of  # noqa: PLC0415

    token = device_enrol(
        actor=cli_actor(), name=args.name, channel=args.channel, channels=channels_of(config)
    )
    print(f"enrolled {args.name} on channel {args.channel}")
    print(f"token (shown once; give it to the kiosk): {token}")
    print(f"root.json to provision: {home.provision}")
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    open_home(args)
    from publisher.devices import device_rows  # noqa: PLC0415

    rows = device_rows()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for row in rows:
        state = "REVOKED" if row["revoked"] else ("BEHIND" if row["behind"] else "current")
        applied = row["applied_version"] or "-"
        latest = row["latest_version"] or "-"
        seen = row["last_seen_at"] or "never"
        print(f"{row['name']:<20} {row['channel']:<18} v{applied} of v{latest}  {state:<8} {seen}")
    return EXIT_OK


def _revoke(args: argparse.Namespace) -> int:
    open_home(args)
    from publisher.devices import DeviceError, device_revoke  # noqa: PLC0415

    try:
        device_revoke(actor=cli_actor(), name=args.name)
    except DeviceError as exc:
        print(f"device revoke: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    print(f"revoked {args.name}")
    return EXIT_OK


def _screenshot(args: argparse.Namespace) -> int:
    open_home(args)
    from publisher.actors import COUNTY  # noqa: PLC0415
    from publisher.fleet.selectors import kiosk_screenshot  # noqa: PLC0415

    shot = kiosk_screenshot(name=args.name, scope=COUNTY)
    if shot is None:
        print(f"device screenshot: no screenshot from {args.name!r}", file=sys.stderr)
        return EXIT_FAILURE
    args.out.write_bytes(shot.png)
    print(f"wrote {args.out}: {shot.width}x{shot.height}, taken {shot.taken_at.isoformat()}")
    return EXIT_OK
