"""Creating a publisher home: what ``gongkai init`` does, its rules in one place.

``home_init`` writes a commented gongkai.toml (for the demo county, its towns,
sources and LED boards), creates the folders and the database, and for the
demo seeds the boards' schedules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from content.demo import DEMO_TOWNS
from publisher.boards.config import render_boards
from publisher.boards.demo import DEMO_BOARDS
from publisher.config import SourceConfig, TownConfig, render_config
from publisher.errors import InputError

if TYPE_CHECKING:
    from publisher.home import Home

__all__ = ["DEMO_COLUMNS", "HomeInit", "HomeInitError", "home_init"]

#: The demo county site's columns, one source each.
DEMO_COLUMNS = (
    "jgzn",
    "ldxx",
    "qlqd",
    "zdxm",
    "msss",
    "gkml",
    "gkzn",
    "tzgg",
    "gknb",
    "zcwj",
    "rsxx",
    "czzj",
    "gsgg",
)  # issue 17: download scripts, no validators, POST-JSON, JSONP


class HomeInitError(InputError):
    """A home cannot be created as asked (it exists, the demo site is not a URL)."""


@dataclass(frozen=True, slots=True)
class HomeInit:
    """What ``home_init`` made: how many sources and boards the config names."""

    sources: int
    boards: int


def home_init(*, home: Home, demo_site: str | None = None, force: bool = False) -> HomeInit:
    """Create ``home``: config, folders, database; the demo county's when ``demo_site``.

    Args:
        home: where.
        demo_site: the demo county site's URL (``http://127.0.0.1:8600``), or None
            for an empty configuration to fill in.
        force: rewrite an existing gongkai.toml.

    Raises:
        HomeInitError: the home exists (without ``force``), or ``demo_site`` is
            not an http(s) URL.
        ConfigError: the written configuration does not load (a bug).
    """
    from publisher.django_setup import setup  # noqa: PLC0415 - Django only once needed

    if home.exists() and not force:
        raise HomeInitError(f"{home.config_path} exists; use --force to rewrite it")
    towns: list[TownConfig] = []
    sources: list[SourceConfig] = []
    name = "县人民政府"
    site = demo_site.rstrip("/") if demo_site else None
    if site is not None:
        if not site.startswith(("http://", "https://")):
            raise HomeInitError(
                f"{demo_site}: give the demo site's URL, e.g. http://127.0.0.1:8600"
            )
        name = "大余县人民政府"
        towns = [TownConfig(name=town, id=town_id) for town, town_id in DEMO_TOWNS]
        sources = [
            SourceConfig(
                id=f"dayu-{key}", profile=f"builtin:dayu/{key}", site=site, schedule="every 1h"
            )
            for key in DEMO_COLUMNS
        ]
    home.make_folders()
    home.secret_key_ensure()
    text = render_config(name=name, towns=towns, sources=sources)
    if site is not None:
        # The demo site runs on this machine: no need to wait between requests.
        text = text.replace("min_interval = 1.5", "min_interval = 0.0")
    boards = DEMO_BOARDS if site is not None else ()
    text += render_boards(boards)
    home.config_path.write_text(text, encoding="utf-8")
    home.config()  # what we wrote must load
    setup(home, migrate=True)
    if site is not None:
        from publisher.actors import Actor  # noqa: PLC0415
        from publisher.boards.services import rules_seed_demo  # noqa: PLC0415 - needs Django

        # Unless the store has rules already (``--force`` over a used home).
        rules_seed_demo(actor=Actor.system("init --demo"), site=site, now=datetime.now(UTC))
    return HomeInit(sources=len(sources), boards=len(boards))
