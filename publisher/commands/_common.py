"""What every publisher command shares: --home, opening the home, the actor, errors, HTTP."""

from __future__ import annotations

import argparse
import functools
import getpass
from typing import TYPE_CHECKING, Any

from content.cli import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from publisher.actors import Actor
    from publisher.config import Config
    from publisher.home import Home

__all__ = [
    "cli_actor",
    "client_factory",
    "home_parent",
    "input_errors",
    "open_home",
    "with_config_errors",
]


def home_parent() -> argparse.ArgumentParser:
    """The ``--home`` option shared by every publisher command and action."""
    home = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: an action's own --home must not reset one given before the action
    # (`gongkai review --home H list`).
    home.add_argument(
        "--home",
        help="publisher home (default: $GONGKAI_HOME, else ./var)",
        default=argparse.SUPPRESS,
    )
    return home


def open_home(args: argparse.Namespace) -> tuple[Home, Config]:
    """The home named by --home (or the default) and its validated config.

    Raises:
        UsageError: no home there, or its config is invalid.
    """
    from publisher.django_setup import setup  # noqa: PLC0415
    from publisher.home import resolve_home  # noqa: PLC0415

    home = resolve_home(getattr(args, "home", None))
    if not home.exists():
        raise UsageError(f"no publisher home at {home.root}; run: gongkai init --home {home.root}")
    config = with_config_errors(home.config)
    setup(home, migrate=True)
    return home, config


def with_config_errors(call: Any) -> Any:
    """Run ``call``; a config or profile error becomes a usage error (exit 2)."""
    from publisher.tomlfile import ConfigError  # noqa: PLC0415

    try:
        return call()
    except ConfigError as exc:
        raise UsageError(str(exc)) from exc


def input_errors(handler: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
    """``handler`` with a refused input (``publisher.errors.InputError``) as a usage error."""
    from publisher.errors import InputError  # noqa: PLC0415

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except InputError as exc:
            raise UsageError(str(exc)) from exc

    return run


def cli_actor() -> Actor:
    """Who acts from the command line: ``cli:<login>``, county-wide."""
    from publisher.actors import Actor  # noqa: PLC0415

    try:
        login = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment nor in passwd
        login = "unknown"
    return Actor.cli(login)


def client_factory(config: Config) -> Any:
    """A factory of polite HTTP clients configured from ``[http]``."""
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
