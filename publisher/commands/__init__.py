"""Publisher subcommands of ``gongkai``: one module per group, thin adapters over services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from publisher.commands import (
    _common,
    boards,
    devices,
    home,
    release,
    review,
    serve,
    source,
    sync,
)

if TYPE_CHECKING:
    import argparse

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the publisher's subcommands to ``gongkai``."""
    parent = _common.home_parent()
    for group in (home, sync, source, review, release, devices, boards, serve):
        group.register(commands, parent)
