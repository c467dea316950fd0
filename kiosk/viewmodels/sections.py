"""What the home tiles open: each section's ways to browse (facets), groups and rows.

Browsing is two taps deep at most before a list: a section, then (where a
section has facets) a group such as a department or a town.  Rows carry only
what a list shows; the detail screen reads the full record.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from content.enums import EntityType, NoticeKind, PowerType, ProjectCategory, ProjectStatus
from kiosk.viewmodels.text import cn_date, label, pct, plain

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from kiosk.viewmodels.library import Entry, Library

__all__ = ["SECTIONS", "STATUS_KIND", "Facet", "Group", "Row", "Section", "row_of", "section"]

BadgeKind = Literal["ok", "warn", "neutral"]


@dataclass(frozen=True)
class Facet:
    """A way to group a section, e.g. 按部门 or 按类别."""

    key: str
    label: str
    group_of: Callable[[Entry, Library], str]


@dataclass(frozen=True)
class Group:
    """One group of a facet, with how many items it holds."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Row:
    """One line of a list."""

    id: str
    title: str
    subtitle: str
    badge: str = ""
    badge_kind: BadgeKind | None = None
    progress: float | None = None  # 0..100 for projects


@dataclass(frozen=True)
class Section:
    """A home tile's content."""

    key: str
    label: str
    type: EntityType
    facets: tuple[Facet, ...]
    row: Callable[[Entry, Library, date], Row]
    sort: Callable[[Entry], tuple[object, ...]]
    group_order: Callable[[str], tuple[object, ...]] = lambda _g: ()
    #: Whether an item stays at the top of its list today (a pinned notice still in force).
    pinned: Callable[[Entry, date], bool] = lambda _e, _d: False

    def groups(self, library: Library, facet_key: str) -> list[Group]:
        """The groups of one facet, each with its item count, in pinyin order."""
        facet = self._facet(facet_key)
        counts = Counter(facet.group_of(e, library) for e in library.by_type[self.type])
        keys = sorted(counts, key=lambda g: (*self.group_order(g), library.pinyin_key(g), g))
        return [Group(k, k or "其他", counts[k]) for k in keys]

    def entries(self, library: Library, facet_key: str = "", group: str = "") -> list[Entry]:
        """The section's entries (of one group, when a facet and group are given), sorted."""
        entries = library.by_type[self.type]
        if facet_key:
            facet = self._facet(facet_key)
            entries = [e for e in entries if facet.group_of(e, library) == group]
        return sorted(entries, key=self.sort)

    def rows(
        self, library: Library, today: date, facet_key: str = "", group: str = ""
    ) -> list[Row]:
        """The list's rows; a title's repeat of the group's agency (某中心关于…) is dropped."""
        entries = self.entries(library, facet_key, group)
        entries.sort(key=lambda e: not self.pinned(e, today))  # stable: the order stays below
        rows = [self.row(e, library, today) for e in entries]
        if group:
            rows = [_without_prefix(r, group) for r in rows]
        return rows

    def _facet(self, key: str) -> Facet:
        for facet in self.facets:
            if facet.key == key:
                return facet
        raise KeyError(key)


def _without_prefix(row: Row, group: str) -> Row:
    """``大余县某中心关于印发…`` under 大余县某中心 reads ``关于印发…``."""
    title = row.title
    if title.startswith(group) and len(title) > len(group) + 4:
        return replace(row, title=title[len(group) :])
    return row


def _leader_org(entry: Entry, _: Library) -> str:
    return plain(entry.summary.get("organization"))


def _leader_row(entry: Entry, _: Library, __: date) -> Row:
    return Row(entry.id, plain(entry.title), plain(entry.summary.get("post")))


def _power_agency(entry: Entry, library: Library) -> str:
    return library.agency_name(entry.summary.get("agency_id")) or plain(
        entry.summary.get("implementing_body")
    )


def _power_type(entry: Entry, _: Library) -> str:
    return label(PowerType, entry.summary.get("power_type"), "其他")


def _power_row(entry: Entry, library: Library, __: date) -> Row:
    kind = _power_type(entry, library)
    body = plain(entry.summary.get("implementing_body"))
    return Row(entry.id, plain(entry.title), f"{kind} · {body}" if body else kind)


STATUS_KIND: dict[str, BadgeKind] = {
    ProjectStatus.COMPLETED: "ok",
    ProjectStatus.ON_SCHEDULE: "ok",
    ProjectStatus.AHEAD: "ok",
    ProjectStatus.BEHIND: "warn",
    ProjectStatus.SUSPENDED: "warn",
}


def _project_category(entry: Entry, _: Library) -> str:
    return label(ProjectCategory, entry.summary.get("category"), "其他")


def _project_status(entry: Entry, _: Library) -> str:
    return label(ProjectStatus, entry.summary.get("status"), "未标注")


def _project_row(entry: Entry, _: Library, __: date) -> Row:
    status = str(entry.summary.get("status") or "")
    progress = pct(entry.summary.get("progress_pct"))
    done = f"完成{progress:.0f}%" if progress is not None else ""
    unit = plain(entry.summary.get("lead_unit"))
    return Row(
        entry.id,
        plain(entry.title),
        " · ".join(p for p in (done, unit) if p),
        badge=label(ProjectStatus, status, "未标注"),
        badge_kind=STATUS_KIND.get(status, "neutral"),
        progress=progress,
    )


def _cat_publisher(entry: Entry, _: Library) -> str:
    return plain(entry.summary.get("publisher"))


def _cat_category(entry: Entry, _: Library) -> str:
    return plain(entry.summary.get("catalogue_category"))


def _cat_row(entry: Entry, _: Library, __: date) -> Row:
    parts = (cn_date(entry.date), plain(entry.summary.get("doc_number")))
    return Row(entry.id, plain(entry.title), "  ".join(p for p in parts if p))


def _notice_row(entry: Entry, _: Library, today: date) -> Row:
    kind = label(NoticeKind, entry.summary.get("kind"), "通知")
    until = entry.summary.get("valid_until")
    badge = ""
    badge_kind: BadgeKind | None = None
    if entry.summary.get("pinned"):
        badge, badge_kind = "置顶", "neutral"
    if until:
        if str(until) < today.isoformat():
            badge, badge_kind = "公示期已过", "neutral"
        else:
            badge, badge_kind = f"公示至{cn_date(until)}", "ok"
    subtitle = "  ".join(p for p in (cn_date(entry.date), kind) if p)
    return Row(entry.id, plain(entry.title), subtitle, badge=badge, badge_kind=badge_kind)


def _report_row(entry: Entry, _: Library, __: date) -> Row:
    return Row(entry.id, plain(entry.title), cn_date(entry.date))


def _guide_row(entry: Entry, _: Library, __: date) -> Row:
    return Row(entry.id, plain(entry.title) + " 政府信息公开指南", cn_date(entry.date))


def _newest_first(entry: Entry) -> tuple[object, ...]:
    return (*entry.newest_first, entry.title)


def _county_first(group: str) -> tuple[object, ...]:
    return (0 if group.startswith("大余县") else 1,)


def _notice_pinned(entry: Entry, today: date) -> bool:
    """Pinned and its publicity not yet over: an ended 公示 is not kept on top."""
    until = entry.summary.get("valid_until")
    return bool(entry.summary.get("pinned")) and not (until and str(until) < today.isoformat())


SECTIONS: tuple[Section, ...] = (
    Section(
        "leaders",
        "领导分工",
        EntityType.LEADER,
        (Facet("org", "按单位", _leader_org),),
        _leader_row,
        lambda e: (int(e.summary.get("rank_order") or 0), e.title),
        _county_first,
    ),
    Section(
        "powers",
        "权力清单",
        EntityType.POWER_ITEM,
        (Facet("agency", "按部门", _power_agency), Facet("type", "按类别", _power_type)),
        _power_row,
        lambda e: (str(e.summary.get("item_code") or ""), e.title),
    ),
    Section(
        "projects",
        "项目进展",
        EntityType.PROJECT,
        (
            Facet("category", "按类别", _project_category),
            Facet("status", "按进度", _project_status),
        ),
        _project_row,
        lambda e: (-(pct(e.summary.get("progress_pct")) or 0.0), e.title),
    ),
    Section(
        "catalogue",
        "公开目录",
        EntityType.CATALOGUE_ENTRY,
        (Facet("agency", "按发布机构", _cat_publisher), Facet("category", "按类别", _cat_category)),
        _cat_row,
        _newest_first,
        _county_first,
    ),
    Section("guide", "公开指南", EntityType.GUIDE, (), _guide_row, lambda e: (e.title,)),
    Section("reports", "年度报告", EntityType.ANNUAL_REPORT, (), _report_row, _newest_first),
    Section(
        "notices",
        "通知公告",
        EntityType.NOTICE,
        (),
        _notice_row,
        _newest_first,
        pinned=_notice_pinned,
    ),
)


def section(key: str) -> Section:
    """A section by its key."""
    for found in SECTIONS:
        if found.key == key:
            return found
    raise KeyError(key)


def row_of(entry: Entry, library: Library, today: date) -> Row:
    """An entry's row as its section lists it (a plain title for types without one)."""
    for found in SECTIONS:
        if found.type is entry.type:
            return found.row(entry, library, today)
    return Row(entry.id, plain(entry.title), "")
