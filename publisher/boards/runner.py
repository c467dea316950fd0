"""The boards of one publisher home: config, rules and content in, pushes out.

:class:`BoardRunner` is what ``gongkai board …`` and the scheduler job of
``gongkai serve`` use. Each evaluation re-reads the ``[[boards]]`` of
gongkai.toml (a board added to the file is picked up without other steps; a
broken edit keeps the last good boards and is logged), loads the rules and a
snapshot of approved content once, resolves and renders every board, and lets
the :class:`~publisher.boards.push.Pusher` push what changed.
"""

from __future__ import annotations

import functools
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from publisher.boards.compose import Composer, ContentSnapshot, program_for
from publisher.boards.config import BoardSet, load_boards
from publisher.boards.push import CycleReport, Pusher, PushReport
from publisher.boards.schedule import next_change, resolve
from publisher.boards.store import DjangoStates, rule_list, snapshot_load
from publisher.config import load_config
from publisher.store.approved import ApprovedCache
from publisher.tomlfile import ConfigError

if TYPE_CHECKING:
    from collections.abc import Callable

    from publisher.boards.drivers import EncodeCache
    from publisher.boards.drivers.base import Driver
    from publisher.boards.program import BoardConfig, Program
    from publisher.boards.push import StateStore
    from publisher.boards.schedule import Resolution, Rule
    from publisher.config import Config
    from publisher.home import Home

__all__ = ["BoardRunner", "boards_of", "default_driver_factory"]

log = logging.getLogger("gongkai.boards")


def boards_of(home: Home, config: Config) -> BoardSet:
    """The home's boards as configured; relative preview folders are inside the home."""
    text = home.config_path.read_text(encoding="utf-8") if home.config_path.is_file() else ""
    return load_boards(
        config.boards, towns=config.towns, file=str(home.config_path), text=text, base=home.root
    )


def default_driver_factory(cache: EncodeCache | None = None) -> Callable[..., Driver]:
    """``make_driver`` of the drivers package, its drivers sharing ``cache``."""
    from publisher.boards.drivers.registry import make_driver  # noqa: PLC0415

    return make_driver if cache is None else functools.partial(make_driver, cache=cache)


class BoardRunner:
    """Resolves, renders and pushes the boards of one home.

    Args:
        home: the publisher home.
        config: its configuration, as loaded at start.
        driver_factory: ``make_driver(board, timeout=…)``; the real drivers by default.
        states: where board states persist; the store by default.
        now: the clock (aware datetimes).
        timeout: seconds a driver may take per push.
        approved: validated approved entities, shared with releases in ``gongkai serve``.
    """

    def __init__(
        self,
        *,
        home: Home,
        config: Config,
        driver_factory: Callable[..., Driver] | None = None,
        states: StateStore | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        timeout: float = 5.0,
        approved: ApprovedCache | None = None,
    ) -> None:
        self.home = home
        self.config = config
        self._now = now
        self._approved = ApprovedCache() if approved is None else approved
        self._boards = boards_of(home, config)
        if driver_factory is None:
            from publisher.boards.drivers import EncodeCache  # noqa: PLC0415

            # Boards of one model and size showing one program share its frames.
            driver_factory = default_driver_factory(EncodeCache())
        self.pusher = Pusher(
            driver_factory=driver_factory,
            states=states or DjangoStates(),
            now=now,
            timeout=timeout,
        )

    @property
    def boards(self) -> BoardSet:
        """The boards as last read from gongkai.toml."""
        return self._boards

    def reload(self) -> BoardSet:
        """Re-read ``[[boards]]``; on a broken file keep the last good boards."""
        try:
            self.config = load_config(self.home.config_path)
        except ConfigError as exc:
            log.warning("boards: keeping the last good configuration: %s", exc)
            return self._boards
        self._boards = boards_of(self.home, self.config)
        for issue in self._boards.issues:
            log.warning("boards: %s", issue)
        return self._boards

    def snapshot(self) -> ContentSnapshot:
        """Approved content for the boards, read once for all of them."""
        return snapshot_load(self.config, approved=self._approved)

    def resolve(
        self, board: BoardConfig, at: datetime, rules: list[Rule] | None = None
    ) -> Resolution:
        """What ``board`` follows at ``at``, and why."""
        return resolve(board, rule_list(now=at) if rules is None else rules, at)

    def program(
        self, board: BoardConfig, at: datetime, snapshot: ContentSnapshot | None = None
    ) -> tuple[Resolution, Program]:
        """The resolution and the program for ``board`` at ``at``."""
        resolution = self.resolve(board, at)
        return resolution, program_for(board, resolution, snapshot or self.snapshot())

    def evaluate(self, *, only: list[str] | None = None, force: bool = False) -> list[PushReport]:
        """Resolve every board now (or those in ``only``) and push what changed."""
        now = self._now()
        boards = [b for b in self.reload().boards if only is None or b.id in only]
        if only is None:
            self.pusher.retain({b.id for b in boards})  # boards removed from gongkai.toml
        if not boards:
            return []
        rules = rule_list(now=now)
        composer = Composer(self.snapshot())  # boards of one shape share renders
        programs = [
            (board, composer.program(board, resolve(board, rules, now))) for board in boards
        ]
        return self.pusher.run(programs, force=force)

    def cycle(self) -> list[CycleReport]:
        """Show the next slide on boards that keep no program (Flaschen-Taschen).

        Cheap when nothing is due; ``gongkai serve`` calls it every second.
        """
        return self.pusher.cycle()

    def next_change(self) -> datetime | None:
        """The earliest instant any board's program may change by schedule."""
        now = self._now()
        rules = rule_list(now=now)
        moments = [next_change(board, rules, now) for board in self._boards.boards]
        return min(moments) if moments else None

    def close(self) -> None:
        """Close the drivers' connections."""
        self.pusher.close()
