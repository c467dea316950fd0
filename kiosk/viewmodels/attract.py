"""The attract loop: full-screen slides that people notice from across a hall.

One cycle shows what the kiosk can do (with 大字 and 语音), this month's project
progress as big bars, the newest notices (one slide each, ended publicity
left out, never twice), who in the county government is responsible for what
(领导分工) and the headline figures.  Every slide says what a tap on it opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from content.enums import EntityType
from kiosk.viewmodels.nav import Place, Screen
from kiosk.viewmodels.text import cn_date, pct, plain

if TYPE_CHECKING:
    from datetime import date

    from kiosk.viewmodels.library import Library

__all__ = ["Slide", "attract_slides"]

HOME = Place(Screen.HOME)
PROJECT_BARS = 5
NOTICES = 3
LEADERS = 4
#: 领导分工 lines are cut here: a slide is read from metres away, not studied.
DUTY_CHARS = 40


@dataclass(frozen=True)
class Slide:
    """One page of the attract loop.

    Attributes:
        kind: offer | projects | notice | leaders | figures.
        heading: what sort of slide it is (本月项目进展 …).
        title: its big line.
        lines: what it shows below (one per line; 领导分工: pairs of who and what).
        bars: (label, percent) for the project bars.
        item: the item a tap opens (a notice), else ``opens``.
        opens: the place a tap opens.
    """

    kind: str
    heading: str
    title: str
    lines: tuple[str, ...] = ()
    bars: tuple[tuple[str, float], ...] = ()
    item: str = ""
    opens: Place = HOME

    @property
    def target(self) -> Place:
        """Where a tap on the slide goes."""
        return Place(Screen.DETAIL, item=self.item) if self.item else self.opens


def attract_slides(library: Library, today: date) -> list[Slide]:
    """One cycle of the loop; each slide shows something no other slide of it does."""
    slides = [_offer()]
    slides += _projects(library)
    slides += _notices(library, today)
    slides += _leaders(library)
    slides += _figures(library)
    return slides


def _offer() -> Slide:
    return Slide(
        "offer",
        "本机可以帮您",
        "政务公开 · 便民查询",
        (
            "查政策：政策文件和通知公告",
            "查办事流程：依据、材料、时限和电话",
            "扫码带走原文：手机扫一扫",
        ),
    )


def _projects(library: Library) -> list[Slide]:
    projects = [
        e
        for e in library.by_type[EntityType.PROJECT]
        if pct(e.summary.get("progress_pct")) is not None
    ]
    if not projects:
        return []
    projects.sort(key=lambda e: (*e.newest_first, e.title))
    bars = tuple(
        (plain(e.title), pct(e.summary.get("progress_pct")) or 0.0) for e in projects[:PROJECT_BARS]
    )
    return [
        Slide(
            "projects",
            "本月项目进展",
            "重点项目和民生实事",
            bars=bars,
            opens=Place(Screen.GROUPS, "projects", "category"),
        )
    ]


def _notices(library: Library, today: date) -> list[Slide]:
    loop = library.loop()
    slides: list[Slide] = []
    seen: set[str] = set()
    for notice in (loop.get("notices") or ()) if loop else ():
        until = notice.get("valid_until")
        key = str(notice.get("id") or notice.get("title"))
        if (until and str(until) < today.isoformat()) or key in seen:
            continue
        seen.add(key)
        lines = [f"发布日期：{cn_date(notice.get('published_date'))}"]
        if until:
            lines.append(f"公示截止：{cn_date(until)}")
        slides.append(
            Slide(
                "notice",
                "最新通知公告",
                plain(notice.get("title")),
                tuple(lines),
                item=str(notice.get("id") or ""),
                opens=Place(Screen.LIST, "notices"),
            )
        )
        if len(slides) >= NOTICES:
            break
    return slides


def _leaders(library: Library) -> list[Slide]:
    leaders = sorted(
        library.by_type[EntityType.LEADER],
        key=lambda e: (int(e.summary.get("rank_order") or 0), e.title),
    )[:LEADERS]
    if not leaders:
        return []
    lines = []
    for entry in leaders:
        record = library.record(entry.id) or {}
        duty = plain(record.get("responsibilities"))
        if len(duty) > DUTY_CHARS:
            duty = duty[:DUTY_CHARS] + "…"
        # Pairs: who, then what they are responsible for (empty when not published).
        lines += [f"{plain(entry.title)}　{plain(entry.summary.get('post'))}", duty]
    return [
        Slide(
            "leaders",
            "领导分工",
            "谁负责什么工作",
            tuple(lines),
            opens=Place(Screen.GROUPS, "leaders", "org"),
        )
    ]


def _figures(library: Library) -> list[Slide]:
    loop = library.loop()
    figures = loop.get("figures") if loop else None
    if not figures:
        return []
    return [
        Slide(
            "figures",
            "政务公开一览",
            "本机可查的公开信息",
            (
                f"权力清单事项 {figures.get('power_items', 0)} 项",
                (
                    f"重点项目和民生实事 {figures.get('projects', 0)} 个，"
                    f"已完成 {figures.get('projects_completed', 0)} 个"
                ),
                f"公开目录信息 {figures.get('catalogue_entries', 0)} 条",
            ),
        )
    ]
