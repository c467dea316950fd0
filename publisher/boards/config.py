"""Boards as configured in ``[[boards]]`` of gongkai.toml, checked one by one.

Each table is validated on its own, so a mistake in one board is reported
(file, line, board index and id, field) while every other board keeps working::

    boards = load_boards(config, file="var/gongkai.toml", text=...)
    for issue in boards.issues: print(issue)       # exit 2 in the CLI
    for board in boards.boards: ...                # the good ones

A board belongs to the groups it lists (``groups = ["hall"]``) and to two
implicit ones: ``all``, and its town's id (``nanan``) or ``county``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from publisher.boards.cardfont import BITMAP_SIZES, CARD_SIZES
from publisher.boards.program import BoardConfig, Colors, DayRule, DriverName
from publisher.errors import InputError
from publisher.tomlfile import line_of

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from publisher.config import TownConfig

__all__ = [
    "BoardIssue",
    "BoardSet",
    "UnknownBoardError",
    "board_groups",
    "board_scope",
    "load_boards",
    "parse_hhmm",
    "render_boards",
]

_ID = r"^[a-z0-9][a-z0-9-]{0,63}$"
_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
_HOST_PORT = re.compile(r"^[A-Za-z0-9.\-]+:(\d{1,5})$")
#: What each driver can show: a font card has no full colour, so no QR codes.
_DRIVER_COLORS: dict[str, tuple[str, ...]] = {
    "onbon-k": ("mono", "dual"),
    "onbon-g6": ("mono", "dual", "rgb"),
    "flaschen-taschen": ("mono", "dual", "rgb"),
    "preview": ("mono", "dual", "rgb"),
}
_BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)


def parse_hhmm(text: str) -> int:
    """Minutes after midnight of ``HH:MM`` (``24:00`` is 1440).

    Raises:
        ValueError: not HH:MM, or past 24:00.
    """
    match = _HHMM.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a time HH:MM")
    minutes = int(match.group(1)) * 60 + int(match.group(2))
    if minutes > 24 * 60:
        raise ValueError(f"{text!r} is past 24:00")
    return minutes


class _BoardTable(BaseModel):
    """One ``[[boards]]`` table as written; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=_ID)]
    name: Annotated[str, Field(min_length=1, max_length=100)]
    town: str = "county"
    place: str = ""
    driver: DriverName
    address: Annotated[str, Field(min_length=1)]
    width: Annotated[int, Field(ge=8, le=2048)]
    height: Annotated[int, Field(ge=8, le=1024)]
    colors: Colors
    font_px: int = 16
    brightness: Annotated[int, Field(ge=1, le=16)] = 16
    hours: str | tuple[str, str] = "00:00-24:00"
    hours_days: DayRule = "all"
    baud: int = 9600
    groups: tuple[Annotated[str, Field(pattern=_ID)], ...] = ()

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: str | tuple[str, str]) -> tuple[str, str]:
        parts = tuple(value.split("-")) if isinstance(value, str) else value
        if len(parts) != 2:
            raise ValueError('write operating hours as "07:30-18:00" (may cross midnight)')
        start, end = (part.strip() for part in parts)
        if parse_hhmm(start) == parse_hhmm(end):
            raise ValueError('the board would never be on; for all day write "00:00-24:00"')
        if parse_hhmm(start) == 24 * 60:
            raise ValueError("hours cannot start at 24:00")
        return (start, end)

    @field_validator("baud")
    @classmethod
    def _baud(cls, value: int) -> int:
        if value not in _BAUDS:
            raise ValueError(f"baud must be one of {', '.join(map(str, _BAUDS))}")
        return value

    def checked(self) -> list[tuple[str, str]]:
        """Cross-field problems as (field, message)."""
        problems: list[tuple[str, str]] = []
        if self.colors not in _DRIVER_COLORS[self.driver]:
            problems.append(
                ("colors", f"{self.driver} boards are {' or '.join(_DRIVER_COLORS[self.driver])}")
            )
        sizes = _font_sizes(self.driver)
        if self.font_px not in sizes:
            problems.append(("font_px", _font_sizes_message(self.driver, self.font_px)))
        elif self.height < self.font_px:
            problems.append(("font_px", f"a {self.font_px} px font does not fit {self.height} px"))
        if self.driver in ("onbon-k", "onbon-g6", "flaschen-taschen"):
            if self.driver == "flaschen-taschen" and self.address.startswith("/"):
                problems.append(("address", "flaschen-taschen boards are host:port (UDP)"))
            elif not self.address.startswith("/"):
                match = _HOST_PORT.match(self.address)
                if not match or not 0 < int(match.group(1)) < 65536:
                    problems.append(
                        ("address", "write host:port (e.g. 192.168.1.50:5005) or a serial device")
                    )
            if self.driver == "onbon-g6" and self.address.startswith("/"):
                problems.append(("address", "onbon-g6 cards are network-only: host:port"))
        return problems


class UnknownBoardError(InputError):
    """No good board has this id: none is configured, or its table is broken.

    Attributes:
        board_id: the id asked for.
    """

    def __init__(self, board_id: str, message: str) -> None:
        self.board_id = board_id
        super().__init__(message)


@dataclass(frozen=True)
class BoardIssue:
    """A problem with one board's table: where it is and what is wrong."""

    file: str
    index: int  # 0-based position among the [[boards]] tables
    board_id: str  # "" when the id itself is missing
    field: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        who = f"boards[{self.index}]" + (f' (id "{self.board_id}")' if self.board_id else "")
        return f"{where}: {who}: {self.field}: {self.message}"


@dataclass(frozen=True)
class BoardSet:
    """The good boards, in file order, and the problems with the others."""

    boards: tuple[BoardConfig, ...]
    issues: tuple[BoardIssue, ...]

    def get(self, board_id: str) -> BoardConfig | None:
        """The good board with this id, if any."""
        return next((board for board in self.boards if board.id == board_id), None)

    def require(self, board_id: str) -> BoardConfig:
        """The good board with this id.

        Raises:
            UnknownBoardError: no such board, or its table is misconfigured (the
                message says which, and names the known boards).
        """
        found = self.get(board_id)
        if found is not None:
            return found
        broken = [str(issue) for issue in self.issues if issue.board_id == board_id]
        if broken:
            raise UnknownBoardError(board_id, f"board {board_id} is misconfigured: {broken[0]}")
        known = ", ".join(board.id for board in self.boards) or "none"
        raise UnknownBoardError(board_id, f"no board {board_id} in [[boards]] (known: {known})")


def load_boards(
    tables: Sequence[dict[str, Any]],
    *,
    towns: Sequence[TownConfig] = (),
    file: str = "gongkai.toml",
    text: str = "",
    base: Path | None = None,
) -> BoardSet:
    """Check every ``[[boards]]`` table.

    Args:
        tables: the raw ``[[boards]]`` tables.
        towns: the county's towns (a board's ``town`` must be one, or ``county``).
        file: the file's name, for messages.
        text: the file's text, for line numbers in messages.
        base: the folder a relative preview ``address`` is inside (the home).
    """
    boards: list[BoardConfig] = []
    issues: list[BoardIssue] = []
    seen: set[str] = set()
    town_keys = {t.id for t in towns} | {t.name for t in towns} | {"county", ""}

    def issue(index: int, board_id: str, field: str, message: str) -> None:
        loc: tuple[int | str, ...] = ("boards", index, field) if field else ("boards", index)
        issues.append(BoardIssue(file, index, board_id, field, line_of(text, loc), message))

    for index, table in enumerate(tables):
        raw_id = table.get("id")
        board_id = raw_id if isinstance(raw_id, str) else ""
        try:
            parsed = _BoardTable.model_validate(table)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                field = ".".join(str(part) for part in error["loc"]) or "?"
                issue(index, board_id, field, str(error["msg"]).removeprefix("Value error, "))
            continue
        problems = parsed.checked()
        if parsed.town not in town_keys:
            known = ", ".join(sorted(t.id for t in towns)) or "none configured"
            problems.append(("town", f"no town {parsed.town!r} in [[towns]] (known: {known})"))
        if parsed.id in seen:
            problems.append(("id", "another board above has this id"))
        for field, message in problems:
            issue(index, board_id, field, message)
        if problems:
            continue
        seen.add(parsed.id)
        boards.append(
            BoardConfig(
                id=parsed.id,
                name=parsed.name,
                town=_town_id(parsed.town, towns),
                place=parsed.place,
                driver=parsed.driver,
                address=_address(parsed, base),
                width=parsed.width,
                height=parsed.height,
                colors=parsed.colors,
                font_px=parsed.font_px,
                brightness=parsed.brightness,
                hours=parsed.hours if isinstance(parsed.hours, tuple) else ("00:00", "24:00"),
                hours_days=parsed.hours_days,
                baud=parsed.baud,
                group=parsed.groups,
            )
        )
    return BoardSet(tuple(boards), tuple(issues))


def board_groups(board: BoardConfig) -> frozenset[str]:
    """Every group the board is in: its own, ``all``, and its town's id (or ``county``)."""
    return frozenset({*board.group, "all", board.town or "county"})


def board_scope(board: BoardConfig) -> str:
    """The content scope the board shows besides county-wide content."""
    return "county" if board.town in ("", "county") else f"town-{board.town}"


def render_boards(boards: Iterable[BoardConfig]) -> str:
    """The ``[[boards]]`` part of gongkai.toml, with a commented example when empty."""
    lines = [
        "",
        "# LED boards. Each [[boards]] table is one controller; a board added here is",
        "# picked up by `gongkai serve` and `gongkai board ...` without other steps.",
        "#   driver: onbon-k (font card, GB2312 text), onbon-g6 (bitmap, BX-6Q/6E),",
        "#           flaschen-taschen (UDP PPM), preview (writes images to a folder)",
        "#   address: host:port, or a serial device (/dev/ttyUSB0) with baud = 9600",
        "#   colors: mono, dual (red+green) or rgb",
        "#   font_px: 12 or 16 (bitmap boards); 16, 24 or 32 (onbon-k: the card's own fonts)",
        '#   hours: operating hours "07:30-18:00" (may cross midnight); blank outside',
        "#   hours_days: all (default), workdays (the official calendar, 调休 included),",
        "#           holidays or weekends-and-holidays: the kind of day the hours apply on",
        '#   groups: extra groups for schedules (every board is also in "all" and its town)',
    ]
    written = False
    for board in boards:
        written = True
        lines += [
            "[[boards]]",
            f'id = "{board.id}"',
            f'name = "{board.name}"',
            f'town = "{board.town}"',
            f'place = "{board.place}"',
            f'driver = "{board.driver}"',
            f'address = "{board.address}"',
            f"width = {board.width}",
            f"height = {board.height}",
            f'colors = "{board.colors}"',
            f"font_px = {board.font_px}",
            f"brightness = {board.brightness}",
            f'hours = "{board.hours[0]}-{board.hours[1]}"',
        ]
        if board.hours_days != "all":
            lines.append(f'hours_days = "{board.hours_days}"')
        if board.group:
            lines.append("groups = [" + ", ".join(f'"{g}"' for g in board.group) + "]")
        lines.append("")
    if not written:
        lines += [
            "# [[boards]]",
            '# id = "hall-1"',
            '# name = "便民服务中心大厅"',
            '# town = "county"',
            '# place = "一楼大厅"',
            '# driver = "onbon-k"',
            '# address = "192.168.1.50:5005"',
            "# width = 192",
            "# height = 32",
            '# colors = "dual"',
            "# font_px = 16",
            '# hours = "07:30-18:00"',
        ]
    return "\n".join(lines).rstrip() + "\n"


def _font_sizes(driver: str) -> tuple[int, ...]:
    """The text sizes a board of ``driver`` can show: the card's own fonts, or the bitmap fonts."""
    return tuple(CARD_SIZES) if driver == "onbon-k" else BITMAP_SIZES


def _font_sizes_message(driver: str, px: int) -> str:
    sizes = " or ".join(map(str, _font_sizes(driver)))
    if driver == "onbon-k":
        return (
            f"an onbon-k card has no {px} px font: its built-in Chinese fonts are "
            f"{sizes} px (\\FO000, \\FO001, \\FO002)"
        )
    return f"{driver} boards are drawn with bitmap fonts of {sizes} px, not {px}"


def _address(parsed: _BoardTable, base: Path | None) -> str:
    if parsed.driver == "preview" and base is not None and not Path(parsed.address).is_absolute():
        return str(base / parsed.address)
    return parsed.address


def _town_id(town: str, towns: Sequence[TownConfig]) -> str:
    for candidate in towns:
        if town in (candidate.id, candidate.name):
            return candidate.id
    return "county"
