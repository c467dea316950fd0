"""首页 tiles and the idle attract loop (notices and headline figures)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.viewmodels.sections import SECTIONS
from kiosk.viewmodels.text import cn_date, plain

if TYPE_CHECKING:
    from datetime import date

    from kiosk.viewmodels.library import Library

__all__ = ["Slide", "Tile", "attract_slides", "tiles"]


@dataclass(frozen=True)
class Tile:
    """A home tile: a section and how many items it holds."""

    section: str
    label: str
    count: int


@dataclass(frozen=True)
class Slide:
    """One page of the attract loop."""

    kind: str  # notice | figures
    title: str
    lines: tuple[str, ...]
    item: str = ""  # the notice a tap opens


def tiles(library: Library) -> list[Tile]:
    """The seven home tiles in their fixed order."""
    return [Tile(s.key, s.label, len(library.by_type[s.type])) for s in SECTIONS]


def attract_slides(library: Library, today: date, *, limit: int = 8) -> list[Slide]:
    """Current notices (expired publicity periods left out), then the figures."""
    loop = library.loop()
    slides: list[Slide] = []
    if loop is None:
        return slides
    for notice in loop.get("notices") or ():
        until = notice.get("valid_until")
        if until and str(until) < today.isoformat():
            continue
        lines = [f"发布日期：{cn_date(notice.get('published_date'))}"]
        if until:
            lines.append(f"公示截止：{cn_date(until)}")
        slides.append(
            Slide("notice", plain(notice.get("title")), tuple(lines), str(notice.get("id") or ""))
        )
        if len(slides) >= limit:
            break
    figures = loop.get("figures")
    if figures:
        slides.append(
            Slide(
                "figures",
                "政务公开一览",
                (
                    f"权力清单事项 {figures.get('power_items', 0)} 项",
                    (
                        f"重点项目和民生实事 {figures.get('projects', 0)} 个，"
                        f"已完成 {figures.get('projects_completed', 0)} 个"
                    ),
                    f"公开目录信息 {figures.get('catalogue_entries', 0)} 条",
                ),
            )
        )
    return slides
