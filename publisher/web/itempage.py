"""What the phone page of a released item shows, per entity type, as plain values.

:func:`item_page` turns an approved record (``publisher.store.links.PublicItem``)
into a :class:`Page`: a title, a line under it, rows of fields (issuing
body, 文号, dates, validity …), sections of text, progress bars, a
flowchart's steps, attachments. Every value is plain text from the county
site; the template escapes it (``publisher.web.mobile``). Long text is cut at
``MAX_TEXT`` characters so a page stays within its weight budget; the
original page on the county site (原文链接) has the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeAlias

from content.enums import (
    AgencyKind,
    ChartKind,
    EntityType,
    FileType,
    LegalBasisLevel,
    NoticeKind,
    PowerType,
    ProjectCategory,
    ProjectStatus,
    RiskLevel,
    Validity,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from enum import StrEnum

#: An attachment record → (its page URL, its file URL, its size in bytes or None).
Files: TypeAlias = "Callable[[dict[str, Any]], tuple[str, str, int | None]]"

__all__ = [
    "MAX_TEXT",
    "AttachmentLink",
    "Files",
    "Page",
    "Progress",
    "Section",
    "cn_date",
    "item_page",
]

#: Characters of body text a page shows (3 bytes each in UTF-8: about 75 KB).
MAX_TEXT = 25_000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and its paragraphs."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Progress:
    """A progress bar: what, how far (0..100), and the words for it."""

    label: str
    percent: float
    text: str


@dataclass(frozen=True, slots=True)
class AttachmentLink:
    """An attachment as listed: its name and type; where its page and file are."""

    name: str
    kind: str
    size: str
    #: Its short page (``/f/<code>``), when mirrored.
    page: str
    #: The file itself (the mirror, or the county site's URL).
    file: str


@dataclass(slots=True)
class Page:
    """Everything an item's page shows."""

    type_label: str
    title: str
    subtitle: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    progress: list[Progress] = field(default_factory=list)
    #: Flowchart: its title, the steps' texts, the published image (a file URL).
    flow_title: str = ""
    flow_steps: list[str] = field(default_factory=list)
    flow_image: str = ""
    photo: str = ""
    attachments: list[AttachmentLink] = field(default_factory=list)
    truncated: bool = False
    _budget: int = MAX_TEXT

    def field_rows(self, *pairs: tuple[str, Any]) -> None:
        """Add the rows whose value is not empty."""
        self.fields.extend((k, plain(v)) for k, v in pairs if plain(v))

    def text(self, heading: str, *values: Any) -> None:
        """Add a section of the non-empty values, within the text budget."""
        paragraphs: list[str] = []
        for value in values:
            body = plain(value)
            if not body:
                continue
            if len(body) > self._budget:
                body, self.truncated = body[: self._budget] + "……", True
            self._budget = max(0, self._budget - len(body))
            paragraphs.extend(p.strip() for p in body.split("\n") if p.strip())
        if paragraphs:
            self.sections.append(Section(heading, tuple(paragraphs)))


def item_page(entity_type: str, record: dict[str, Any], files: Files) -> Page:
    """The page of an approved record of ``entity_type``.

    Args:
        entity_type: an ``EntityType`` value.
        record: the approved revision's record.
        files: an attachment record → (page URL, file URL, size or None); empty
            URLs when it has neither.
    """
    kind = EntityType(entity_type)
    page = Page(type_label=kind.label, title="")
    _BUILDERS[kind](page, record, files)
    for attachment in record.get("attachments") or ():
        if isinstance(attachment, dict):
            _attachment(page, attachment, files)
    return page


def plain(value: Any) -> str:
    """A value as display text: control and bidi-override characters removed."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "、".join(plain(v) for v in value if plain(v))
    return _CONTROL.sub("", str(value)).strip()


def cn_date(value: Any) -> str:
    """``2026-01-04`` → ``2026年1月4日``; empty for none; other text as is."""
    if not value:
        return ""
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return plain(value)
    return f"{day.year}年{day.month}月{day.day}日"


def _label(enum: type[StrEnum], value: Any) -> str:
    try:
        return str(getattr(enum(value), "label", value))
    except ValueError:
        return plain(value)


def _percent(value: Any) -> float | None:
    try:
        return max(0.0, min(100.0, float(str(value).rstrip("%"))))
    except (TypeError, ValueError):
        return None


def _size(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _attachment(page: Page, attachment: dict[str, Any], files: Files) -> None:
    link, file, size = files(attachment)
    if not link and not file:
        return
    kind = _label(FileType, attachment.get("file_type") or "other")
    shown = size if size is not None else attachment.get("size_bytes")
    name = plain(attachment.get("name")) or "附件"
    page.attachments.append(AttachmentLink(name, kind, _size(shown), link, file))


def _leader(page: Page, record: dict[str, Any], files: Files) -> None:
    page.title, page.subtitle = plain(record.get("name")), plain(record.get("post"))
    photo = record.get("photo")
    if isinstance(photo, dict):
        page.photo = files(photo)[1]
    page.field_rows(
        ("单位", record.get("organization")),
        ("职务", record.get("post")),
        ("联系电话", record.get("phone")),
    )
    page.text("工作分工", record.get("responsibilities"))
    page.text("分管单位", plain(record.get("supervised_units")))
    page.text("联系单位", plain(record.get("liaison_units")))
    page.text("简历", record.get("resume"))


def _power(page: Page, record: dict[str, Any], files: Files) -> None:
    kind = _label(PowerType, record.get("power_type"))
    page.title = plain(record.get("name"))
    page.subtitle = " · ".join(x for x in (kind, plain(record.get("implementing_body"))) if x)
    page.field_rows(
        ("事项编码", record.get("item_code")),
        ("权力类别", kind),
        ("实施主体", record.get("implementing_body")),
        ("承办机构", record.get("undertaking_unit")),
        ("法定时限", record.get("statutory_time_limit")),
        ("承诺时限", record.get("promised_time_limit")),
        ("收费", record.get("fee")),
        ("监督电话", record.get("supervision_phone")),
    )
    basis = [
        (f"【{_label(LegalBasisLevel, b.get('level'))}】" if b.get("level") else "")
        + plain(b.get("text") or b.get("title"))
        for b in record.get("legal_basis") or ()
        if isinstance(b, dict)
    ]
    page.text("设定依据", "\n".join(basis))
    chart = record.get("flowchart")
    if isinstance(chart, dict):
        page.flow_title = (
            f"办理流程（{_label(ChartKind, chart.get('chart_kind') or 'general_procedure')}）"
        )
        for step in chart.get("steps") or ():
            limit = plain(step.get("time_limit"))
            actor = plain(step.get("actor"))
            words = plain(step.get("name")) + (f"（{actor}）" if actor else "")
            words += f"：{plain(step.get('description'))}" if step.get("description") else ""
            page.flow_steps.append(words + (f"　时限：{limit}" if limit else ""))
        image = chart.get("image")
        if isinstance(image, dict):
            page.flow_image = files(image)[1]
    duties = [
        f"{plain(d.get('stage')) or '责任'}：{plain(d.get('content'))}"
        + (f"（时限：{plain(d.get('time_limit'))}）" if d.get("time_limit") else "")
        for d in record.get("duties") or ()
    ]
    page.text("责任事项", "\n".join(duties))
    risks = [
        (f"风险等级：{_label(RiskLevel, r.get('level'))}。" if r.get("level") else "")
        + plain(r.get("manifestation"))
        + (f" 防控措施：{plain(r.get('control_measures'))}" if r.get("control_measures") else "")
        for r in record.get("risk_points") or ()
    ]
    page.text("廉政风险点", "\n".join(risks))
    page.text("追责情形", "\n".join(map(plain, record.get("accountability_cases") or ())))


def _project(page: Page, record: dict[str, Any], _: Files) -> None:
    status = _label(ProjectStatus, record.get("status")) if record.get("status") else "未标注"
    page.title, page.subtitle = plain(record.get("name")), plain(record.get("lead_unit"))
    overall = _percent(record.get("progress_pct"))
    if overall is not None:
        page.progress.append(Progress("总体进度", overall, f"完成{overall:.0f}%（{status}）"))
    money = record.get("total_investment") or {}
    invest = f"{plain(money.get('value'))}{plain(money.get('unit'))}" if money else ""
    page.field_rows(
        ("类别", _label(ProjectCategory, record.get("category")) if record.get("category") else ""),
        ("进度状态", status),
        ("牵头单位", record.get("lead_unit")),
        ("责任单位", record.get("responsible_units")),
        ("责任领导", record.get("responsible_leader")),
        ("完成时限", record.get("deadline_text") or cn_date(record.get("deadline"))),
        ("建设地点", record.get("location")),
        ("总投资", invest if money.get("value") is not None else ""),
    )
    page.text("建设内容与目标", record.get("target_description"))
    for target in record.get("targets") or ():
        unit = plain(target.get("unit"))
        done = _percent(target.get("completion_pct")) or 0.0
        text = (
            f"完成 {plain(target.get('actual_value'))}{unit} / "
            f"目标 {plain(target.get('target_value'))}{unit}（{done:.0f}%）"
        )
        page.progress.append(Progress(plain(target.get("indicator")) or "目标", done, text))
    updates = sorted(
        record.get("updates") or (), key=lambda u: str(u.get("as_of_date")), reverse=True
    )
    page.text(
        "进展情况",
        "\n".join(f"{cn_date(u.get('as_of_date'))}　{plain(u.get('content'))}" for u in updates),
    )


def _catalogue(page: Page, record: dict[str, Any], _: Files) -> None:
    page.title, page.subtitle = plain(record.get("title")), plain(record.get("publisher"))
    validity = record.get("validity")
    page.field_rows(
        ("索引号", record.get("index_no")),
        ("发布机构", record.get("publisher")),
        ("文号", record.get("doc_number")),
        ("成文日期", cn_date(record.get("created_date"))),
        ("发布日期", cn_date(record.get("published_date"))),
        ("主题分类", record.get("subject_category") or record.get("catalogue_category")),
        ("有效性", _label(Validity, validity) if validity else ""),
    )
    page.text("内容概述", record.get("summary"))
    page.text("正文", record.get("body_text"))


def _guide(page: Page, record: dict[str, Any], _: Files) -> None:
    page.title = plain(record.get("organization")) + " 政府信息公开指南"
    page.subtitle = cn_date(record.get("version_date"))
    page.field_rows(
        ("公开工作机构", record.get("office_name")),
        ("办公地址", record.get("address")),
        ("办公时间", record.get("office_hours")),
        ("联系电话", record.get("phone")),
        ("传真", record.get("fax")),
        ("邮政编码", record.get("postcode")),
        ("电子邮箱", record.get("email")),
    )
    page.text("说明", record.get("body_text"))
    page.text("公开的主要内容", record.get("categories_text"))
    page.text("主动公开的方式", record.get("how_to_obtain"))
    page.text("依申请公开的程序", record.get("application_procedure"))
    page.text("监督和救济", record.get("supervision"))


def _notice(page: Page, record: dict[str, Any], _: Files) -> None:
    page.title, page.subtitle = plain(record.get("title")), plain(record.get("publisher"))
    period = record.get("publicity_period") or {}
    window = f"{cn_date(period.get('start'))} 至 {cn_date(period.get('end'))}" if period else ""
    page.field_rows(
        ("类别", _label(NoticeKind, record.get("kind")) if record.get("kind") else ""),
        ("发布单位", record.get("publisher")),
        ("文号", record.get("doc_number")),
        ("发布日期", cn_date(record.get("published_date"))),
        ("公示期", window),
    )
    page.text("正文", record.get("body_text"))


def _report(page: Page, record: dict[str, Any], _: Files) -> None:
    organization, year = plain(record.get("organization")), plain(record.get("year"))
    page.title = f"{organization}{year}年政府信息公开工作年度报告"
    page.subtitle = cn_date(record.get("published_date"))
    page.field_rows(("发布机构", organization), ("发布日期", page.subtitle))
    sections = record.get("sections") or {}
    page.text("总体情况", sections.get("overview"))
    page.text("存在的主要问题及改进情况", sections.get("problems"))
    page.text("其他需要报告的事项", sections.get("other"))


def _agency(page: Page, record: dict[str, Any], _: Files) -> None:
    page.title, page.subtitle = plain(record.get("name")), plain(record.get("short_name"))
    page.field_rows(
        ("类别", _label(AgencyKind, record.get("kind")) if record.get("kind") else ""),
        ("地址", record.get("address")),
        ("电话", record.get("phone")),
        ("办公时间", record.get("office_hours")),
    )
    page.text("主要职责", record.get("functions"))


_BUILDERS: dict[EntityType, Callable[[Page, dict[str, Any], Files], None]] = {
    EntityType.AGENCY: _agency,
    EntityType.LEADER: _leader,
    EntityType.POWER_ITEM: _power,
    EntityType.PROJECT: _project,
    EntityType.CATALOGUE_ENTRY: _catalogue,
    EntityType.GUIDE: _guide,
    EntityType.NOTICE: _notice,
    EntityType.ANNUAL_REPORT: _report,
}
