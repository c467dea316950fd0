"""From a resolved rule and approved content to a board's :class:`Program`.

:class:`ContentSnapshot` holds the approved notices, projects and leaders as
plain content models (``publisher.boards.store`` loads it from the store once
per evaluation, for every board). :func:`program_for` turns a
:class:`~publisher.boards.schedule.Resolution` into slides; what saving a
schedule checks (every text drawable on every board, QR codes that fit and
point at the county's documents) is :mod:`publisher.boards.rules`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from content.county_time import SHANGHAI
from content.enums import Validity
from publisher.boards.cardfont import face_for
from publisher.boards.config import board_scope
from publisher.boards.layout import break_lines
from publisher.boards.program import Program, Slide
from publisher.boards.render import (
    ClockItem,
    Item,
    QrItem,
    TextItem,
    blank_slide,
    render_items,
    render_with_clock_strip,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from datetime import datetime

    from content.models import Leader, Notice, Project
    from publisher.boards.cardfont import Face
    from publisher.boards.program import BoardConfig
    from publisher.boards.schedule import Content, Resolution, Rule

__all__ = [
    "Composer",
    "ContentSnapshot",
    "items_for",
    "program_for",
    "sorted_notices",
]

#: A summarised notice or duty line takes at most this many pages of its board.
MAX_PAGES = 2
_INVALID = frozenset({Validity.INVALID, Validity.REPEALED})


@dataclass(frozen=True)
class ContentSnapshot:
    """Approved content the boards draw from, newest and most important first."""

    notices: tuple[Notice, ...] = ()
    projects: tuple[Project, ...] = ()
    leaders: tuple[Leader, ...] = ()
    #: Hosts a QR code may point to: the county's sites and this publisher.
    allowed_hosts: frozenset[str] = field(default=frozenset())
    #: Long URL → its short link (``publisher.store.links.short_links_by_url``): a QR
    #: code of an item's or document's page carries the short link instead.
    short_links: Mapping[str, str] = field(default_factory=dict)


def program_for(
    board: BoardConfig,
    resolution: Resolution,
    snapshot: ContentSnapshot,
    *,
    font: Face | None = None,
) -> Program:
    """The program ``board`` should play under ``resolution`` (blank when no winner)."""
    return Composer(snapshot).program(board, resolution, font=font)


class Composer:
    """Builds programs from one content snapshot, sharing work between boards.

    Boards of the same shape (size, colours, font, driver) and scope under the
    same rule show the same slides, so slides are rendered once per such key
    and reused: a county's 500 boards come down to a few dozen renders. The
    key holds the day (notices leave when their publicity period ends) and,
    for rules with a clock, the minute. Make a new composer for a new snapshot.
    """

    def __init__(self, snapshot: ContentSnapshot, *, max_entries: int = 4096) -> None:
        self.snapshot = snapshot
        self._slides: dict[tuple[object, ...], _Rendered] = {}
        self._max = max_entries

    def program(
        self, board: BoardConfig, resolution: Resolution, *, font: Face | None = None
    ) -> Program:
        """The program ``board`` should play under ``resolution`` (blank when no winner)."""
        winner = resolution.winner
        if winner is None:
            return Program(board.id, (blank_slide(board),), reason=resolution.why)
        face = font or face_for(board)
        local = resolution.at.astimezone(SHANGHAI)
        clock = any(part.kind == "clock" for part in winner.content)
        key = (
            board.width, board.height, board.colors, board.font_px, board.driver,
            board_scope(board), winner.content, local.date(),
            (local.hour, local.minute) if clock else None, face.path,
        )  # fmt: skip
        cached = self._slides.get(key)
        if cached is None:
            items = items_for(board, winner, self.snapshot, resolution.at, face)
            cached = _render(board, face, items)
            if len(self._slides) >= self._max:
                self._slides.clear()
            self._slides[key] = cached
        slides, clock_box = cached
        if not slides:
            return Program(
                board.id, (blank_slide(board),), reason=f"{winner.describe()}: no content"
            )
        return Program(board.id, slides, reason=winner.describe(), clock_box=clock_box)


_Rendered = tuple[tuple[Slide, ...], tuple[int, int, int, int] | None]


def _render(board: BoardConfig, face: Face, items: list[Item]) -> _Rendered:
    """The slides, and the live clock's box when the board's controller can refresh it alone.

    An Onbon G6 card keeps each dynamic area's pages looping by itself: a clock
    drawn as a strip in an area of its own takes a new minute without the
    slides' loop starting again (the clock as one of the slides would restart it).
    """
    if board.driver == "onbon-g6":
        strip = render_with_clock_strip(board, face, items)
        if strip is not None:
            return strip
    return render_items(board, face, items), None


def items_for(
    board: BoardConfig, rule: Rule, snapshot: ContentSnapshot, at: datetime, font: Face
) -> list[Item]:
    """What ``rule`` shows on ``board`` at ``at``, as render items."""
    items: list[Item] = []
    scopes = {"county", board_scope(board)}
    fit = _fitter(board, font)
    for part in rule.content:
        color, seconds = part.color, part.seconds
        if part.kind == "text":
            items.append(TextItem(part.value, color=color, seconds=seconds))
        elif part.kind == "clock":
            items.append(ClockItem(at.astimezone(SHANGHAI), color=color, seconds=seconds))
        elif part.kind == "qr":
            caption = part.caption or "扫码看全文"
            url = snapshot.short_links.get(part.value, part.value)
            items.append(QrItem(url, caption, color=color, seconds=seconds))
        else:
            texts = [fit(_join(text, board, font)) for text in _lines(part, snapshot, scopes, at)]
            items.extend(TextItem(text, color=color, seconds=seconds) for text in texts)
    return items


# --- helpers -------------------------------------------------------------------------


def _lines(part: Content, snap: ContentSnapshot, scopes: set[str], at: datetime) -> list[str]:
    today = at.astimezone(SHANGHAI).date()
    if part.kind == "notices":
        notices = [
            n
            for n in snap.notices
            if n.scope in scopes
            and n.validity not in _INVALID
            and not (n.publicity_period and n.publicity_period.end < today)
        ]
        return [n.led_text or n.title for n in notices[: part.limit]]
    if part.kind == "projects":
        return [_project_line(p) for p in snap.projects if p.scope in scopes][: part.limit]
    # Leaders: the duty line.
    return [f"{x.post}{x.name}：{x.responsibilities}" for x in snap.leaders if x.scope in scopes][
        : part.limit
    ]


def _project_line(project: Project) -> str:
    """``XX项目 完成率63%`` (or the status when no rate is published).

    The two parts are joined by a tab: :func:`items_for` turns it into a space
    when the line fits the board, else into a line break, so that "完成率63%"
    is never split.
    """
    pct: Decimal | None = project.progress_pct
    if pct is None:
        rates = [u.completion_pct for u in project.updates if u.completion_pct is not None]
        pct = rates[-1] if rates else None
    if pct is None:
        return f"{project.name}\t{project.status.label}"
    shown = pct.quantize(Decimal(1)) if pct == pct.to_integral() else pct.quantize(Decimal("0.1"))
    return f"{project.name}\t完成率{shown}%"


def _join(text: str, board: BoardConfig, font: Face) -> str:
    if "\t" not in text:
        return text
    line = text.replace("\t", " ")
    return line if font.width(line) <= board.width else text.replace("\t", "\n")


def _fitter(board: BoardConfig, font: Face) -> Callable[[str], str]:
    """Summarise a text to at most :data:`MAX_PAGES` pages, ending with … when cut."""
    per_page = max(1, board.height // font.px)
    budget = per_page * MAX_PAGES

    def fits(text: str) -> bool:
        return len(break_lines(text, board.width, font.width)) <= budget

    def fit(text: str) -> str:
        text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
        if fits(text):
            return text
        low, high = 0, len(text)  # the longest prefix that fits with the ellipsis
        while low < high:
            middle = (low + high + 1) // 2
            if fits(text[:middle] + "…"):
                low = middle
            else:
                high = middle - 1
        return text[:low].rstrip("，、；：,;: ") + "…"

    return fit


def sorted_notices(notices: Sequence[Notice]) -> tuple[Notice, ...]:
    """Pinned first, then newest first: the order boards show notices in."""
    return tuple(sorted(notices, key=lambda n: (not n.pinned, -n.published_date.toordinal())))
