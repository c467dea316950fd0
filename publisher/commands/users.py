"""`gongkai user`: staff accounts of the console (add, list, disable, reset)."""

from __future__ import annotations

import argparse
import json

from content.cli import EXIT_OK
from publisher.commands._common import cli_actor, input_errors, open_home
from publisher.console.roles import GROUP_NAMES

__all__ = ["register"]


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    home: argparse.ArgumentParser,
) -> None:
    """Add ``user``; ``home`` is the shared --home option."""
    user = commands.add_parser(
        "user",
        parents=[home],
        help="staff accounts of the web console",
        description="Create, list, disable staff accounts of the console at /staff/, or give "
        "one a new one-time password. Roles: " + " ".join(GROUP_NAMES.values()) + ".",
    )
    actions = user.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[home], help="create an account")
    add.add_argument("name")
    add.add_argument(
        "--role",
        action="append",
        default=[],
        # No argparse choices: an unknown role gets the service's Chinese refusal, exit 2.
        help="a role (repeat for more): " + " ".join(GROUP_NAMES.values()),
    )
    add.add_argument("--town", default="", help="limit to one town (its id); default the county")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=input_errors(_add))
    listing = actions.add_parser("list", parents=[home], help="every account")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)
    disable = actions.add_parser("disable", parents=[home], help="stop an account logging in")
    disable.add_argument("name")
    disable.set_defaults(handler=input_errors(_disable))
    reset = actions.add_parser("reset", parents=[home], help="a new one-time password")
    reset.add_argument("name")
    reset.add_argument("--json", action="store_true")
    reset.set_defaults(handler=input_errors(_reset))


def _add(args: argparse.Namespace) -> int:
    _, config = open_home(args)
    from publisher.console.services import user_add  # noqa: PLC0415

    made = user_add(
        actor=str(cli_actor()),
        name=args.name,
        roles=args.role,
        town=args.town,
        towns={town.id for town in config.towns},
    )
    _password(args, made.user.username, made.password)
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    open_home(args)
    from publisher.console.selectors import users_list  # noqa: PLC0415

    rows = users_list()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for row in rows:
        state = "active" if row["active"] else "disabled"
        if row["must_change_password"]:
            state += ", must change password"
        roles = "、".join(row["roles"]) or "-"
        print(f"{row['name']:<16} {row['town'] or 'county':<10} {roles:<20} {state}")
    print(f"{len(rows)} account(s)")
    return EXIT_OK


def _disable(args: argparse.Namespace) -> int:
    open_home(args)
    from publisher.console.services import user_disable  # noqa: PLC0415

    user_disable(actor=str(cli_actor()), name=args.name)
    print(f"disabled {args.name}")
    return EXIT_OK


def _reset(args: argparse.Namespace) -> int:
    open_home(args)
    from publisher.console.services import user_reset  # noqa: PLC0415

    made = user_reset(actor=str(cli_actor()), name=args.name)
    _password(args, args.name, made.password)
    return EXIT_OK


def _password(args: argparse.Namespace, name: str, password: str) -> None:
    if args.json:
        print(json.dumps({"name": name, "password": password}, ensure_ascii=False))
        return
    print(f"{name}: one-time password {password}")
    print("Hand it over in person; it must be changed at first login.")
