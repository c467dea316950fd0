"""首页: its tiles and what 朗读 says there (the attract loop is ``attract``, re-exported)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.viewmodels.attract import Slide, attract_slides
from kiosk.viewmodels.reading import Reading
from kiosk.viewmodels.sections import SECTIONS
from kiosk.viewmodels.spoken import spoken

if TYPE_CHECKING:
    from kiosk.viewmodels.library import Library

__all__ = ["PURPOSE", "Slide", "Tile", "attract_slides", "home_reading", "tile_text", "tiles"]

#: What each home tile is for, in a visitor's words.
PURPOSE = {
    "leaders": "谁负责什么工作",
    "powers": "办事依据、流程和时限",
    "projects": "重点项目和民生实事进度",
    "catalogue": "政策文件和公开信息",
    "guide": "怎样查询和申请公开",
    "reports": "每年公开工作情况",
    "notices": "最新通知和公示",
}


@dataclass(frozen=True)
class Tile:
    """A home tile: a section and how many items it holds."""

    section: str
    label: str
    count: int


def tiles(library: Library) -> list[Tile]:
    """The seven home tiles in their fixed order."""
    return [Tile(s.key, s.label, len(library.by_type[s.type])) for s in SECTIONS]


def tile_text(label: str, section: str, count: int | None) -> str:
    """A tile's words: the name, what it is for, and how many items (暂无 for none)."""
    purpose = PURPOSE.get(section, "")
    amount = "" if count is None else ("暂无" if count == 0 else f"{count} 项")
    return "\n".join(p for p in (label, purpose, amount) if p)


def home_reading(counts: dict[str, int]) -> Reading:
    """首页 read aloud: what this kiosk offers, section by section."""
    parts = ["这里是政务公开便民查询。轻触下面的按钮查看"]
    for entry in SECTIONS:
        count = counts.get(entry.key, 0)
        amount = f"共{count}项" if count else "暂无内容"
        parts.append(f"{entry.label}，{PURPOSE.get(entry.key, '')}，{amount}")
    parts.append("也可以轻触搜索，输入拼音首字母查找。轻触关怀模式，字会变大")
    return Reading(spoken("。".join(parts)))
