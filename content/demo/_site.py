"""Where the demo county publishes each entity on its website.

The generator writes these URLs into provenance; the demo site (deploy/demosite)
serves the same paths. Paths follow real county sites: TRS-style columns with
``./YYYYMM/tYYYYMMDD_N.shtml`` articles, ``P0…`` attachments and ``W0…`` images,
and a gkmlpt-style JSON catalogue (domain.md section 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from content.enums import EntityType, ProjectCategory

if TYPE_CHECKING:
    from datetime import date

_ROOT = ("首页", "政务公开", "法定主动公开内容")


@dataclass(frozen=True, slots=True)
class Column:
    """A column (栏目) of the demo county website.

    Attributes:
        key: short code used in the path, e.g. ``ldxx``.
        name: the column's Chinese name, shown in the breadcrumb.
        path: the column folder, e.g. ``/zwgk/ldxx/``.
        entity_type: what its articles are.
    """

    key: str
    name: str
    path: str
    entity_type: EntityType

    @property
    def breadcrumb(self) -> tuple[str, ...]:
        """The breadcrumb trail down to this column."""
        return (*_ROOT, self.name)


COLUMNS: dict[str, Column] = {
    column.key: column
    for column in (
        Column("jgzn", "机构职能", "/zwgk/jgzn/", EntityType.AGENCY),
        Column("ldxx", "领导信息", "/zwgk/ldxx/", EntityType.LEADER),
        Column("qlqd", "权责清单", "/zwgk/qlqd/", EntityType.POWER_ITEM),
        Column("zdxm", "重点项目", "/zwgk/zdxm/", EntityType.PROJECT),
        Column("msss", "民生实事", "/zwgk/msss/", EntityType.PROJECT),
        Column("gkml", "政府信息公开目录", "/gkmlpt/", EntityType.CATALOGUE_ENTRY),
        Column("gkzn", "政府信息公开指南", "/zwgk/gkzn/", EntityType.GUIDE),
        Column("tzgg", "通知公告", "/zwgk/tzgg/", EntityType.NOTICE),
        Column("gknb", "政府信息公开年报", "/zwgk/gknb/", EntityType.ANNUAL_REPORT),
    )
}

PROJECT_COLUMNS = {ProjectCategory.KEY_PROJECT: "zdxm", ProjectCategory.LIVELIHOOD: "msss"}


def article_path(column: Column, published: date, number: int) -> str:
    """A TRS-style article path: ``/zwgk/ldxx/202601/t20260105_1000123.shtml``."""
    return f"{column.path}{published:%Y%m}/t{published:%Y%m%d}_{number}.shtml"


def attachment_path(column: Column, published: date, number: int, index: int) -> str:
    """A TRS-style attachment beside its article: ``…/202601/P020260105…01.pdf``."""
    return f"{column.path}{published:%Y%m}/P0{published:%Y%m%d}{number:010d}{index:02d}.pdf"


def image_path(column: Column, published: date, number: int, index: int, ext: str) -> str:
    """A TRS-style image beside its article: ``…/202601/W020260105…01.png``."""
    return f"{column.path}{published:%Y%m}/W0{published:%Y%m%d}{number:010d}{index:02d}.{ext}"


def gkmlpt_post_path(number: int) -> str:
    """A gkmlpt detail page: ``/gkmlpt/content/1/1002/post_1002345.html``."""
    return f"/gkmlpt/content/{number // 1_000_000}/{number // 1000}/post_{number}.html"


def gkmlpt_attachment_path(number: int, index: int) -> str:
    """A gkmlpt attachment: ``/attachment/0/1002/1002345/1002345_01.pdf``."""
    return f"/attachment/0/{number // 1000}/{number}/{number}_{index:02d}.pdf"
