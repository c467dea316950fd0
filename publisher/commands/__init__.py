"""Publisher subcommands of ``gongkai``: one module per group, thin adapters over services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from publisher.commands import (
    _common,
    applications,
    boards,
    devices,
    home,
    release,
    report,
    review,
    serve,
    source,
    sync,
    users,
)

if TYPE_CHECKING:
    import argparse

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the publisher's subcommands to ``gongkai``."""
    parent = _common.home_parent()
    for group in (
        home,
        sync,
        source,
        review,
        release,
        devices,
        boards,
        users,
        serve,
        applications,
        report,
    ):
        group.register(commands, parent)
