"""Detail screens as a list of blocks: headings, fields, text, progress, charts….

One builder per entity type turns a record into plain blocks
(``kiosk.viewmodels.blocks``); the Kivy detail
screen draws any block list, so what a detail shows is decided (and tested)
here.  Every detail carries a QR target (the source page, or an attachment's
mirror) and the text 朗读 reads aloud.  Each builder reads its type's record
through ``content.records``, so mypy checks every key a detail shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from content.enums import (
    AgencyKind,
    ChartKind,
    EntityType,
    LegalBasisLevel,
    NoticeKind,
    PowerType,
    ProjectCategory,
    ProjectStatus,
    RiskLevel,
    Validity,
)
from kiosk.viewmodels.blocks import (
    Attachment,
    Block,
    ChartBlock,
    Detail,
    Fields,
    FlowchartBlock,
    Heading,
    ImageBlock,
    Paragraph,
    ProgressBlock,
    QrTarget,
    Timeline,
)
from kiosk.viewmodels.charts import report_charts
from kiosk.viewmodels.links import LinkPolicy
from kiosk.viewmodels.reading import detail_reading
from kiosk.viewmodels.sections import STATUS_KIND
from kiosk.viewmodels.text import cn_date, label, pct, plain

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import date

    from content.records import (
        AgencyRecord,
        AnnualReportRecord,
        AttachmentRecord,
        CatalogueEntryRecord,
        EntityRecord,
        GuideRecord,
        LeaderRecord,
        NoticeRecord,
        PowerItemRecord,
        ProjectRecord,
    )
    from kiosk.viewmodels.library import Library

__all__ = ["build_detail"]


def build_detail(library: Library, entity_id: str, today: date) -> Detail | None:
    """The detail of an item, or None when the release no longer holds it."""
    entry = library.by_id.get(entity_id)
    raw = library.record(entity_id)
    if entry is None or raw is None:
        return None
    record = cast("EntityRecord", raw)  # the record of the entry's type, as built below
    links = LinkPolicy(library.manifest, entry.file_links)
    build = _BUILDERS[entry.type]
    title, subtitle, blocks = build(record, library, links, today)
    page = links.item(entry.link)
    source = links.source(record)
    qr = QrTarget(page, "扫码用手机阅读") if page else None
    qr = qr or (QrTarget(source, "扫码查看原文") if source else None)
    if qr is None:
        for block in blocks:
            if isinstance(block, Attachment):
                qr = QrTarget(block.url, f"扫码查看附件：{block.name}")
                break
    return Detail(
        id=entity_id,
        type=entry.type,
        title=title,
        subtitle=subtitle,
        blocks=tuple(blocks),
        qr=qr,
        reading=detail_reading(title, subtitle, blocks),
    )


def _fields(*pairs: tuple[str, Any]) -> Fields | None:
    rows = tuple((k, plain(v)) for k, v in pairs if plain(v))
    return Fields(rows) if rows else None


def _add(blocks: list[Block], *found: Block | None) -> None:
    blocks.extend(b for b in found if b is not None)


def _text_section(blocks: list[Block], heading: str, text: Any) -> None:
    body = plain(text)
    if body:
        blocks.extend((Heading(heading), Paragraph(body)))


def _attachments(
    blocks: list[Block], attachments: Sequence[AttachmentRecord] | None, links: LinkPolicy
) -> None:
    found = []
    for item in attachments or ():
        url = links.attachment(item)
        if url:
            found.append(Attachment(plain(item.get("name")) or "附件", url))
    if found:
        blocks.append(Heading("附件（点击后扫码查看）"))
        blocks.extend(found)


Built = tuple[str, str, list[Block]]


def _leader(record: LeaderRecord, library: Library, _: LinkPolicy, __: date) -> Built:
    blocks: list[Block] = []
    photo = record.get("photo")
    image = library.image(photo.get("sha256") if photo else None)
    if image is not None:
        blocks.append(ImageBlock(str(image), plain(record.get("name"))))
    _add(
        blocks,
        _fields(
            ("单位", record.get("organization")),
            ("职务", record.get("post")),
            ("联系电话", record.get("phone")),
        ),
    )
    _text_section(blocks, "工作分工", record.get("responsibilities"))
    _text_section(blocks, "分管单位", "、".join(map(plain, record.get("supervised_units") or ())))
    _text_section(blocks, "联系单位", "、".join(map(plain, record.get("liaison_units") or ())))
    _text_section(blocks, "简历", record.get("resume"))
    return plain(record.get("name")), plain(record.get("post")), blocks


def _power(record: PowerItemRecord, library: Library, _: LinkPolicy, __: date) -> Built:
    blocks: list[Block] = []
    kind = label(PowerType, record.get("power_type"), "其他")
    _add(
        blocks,
        _fields(
            ("事项编码", record.get("item_code")),
            ("权力类别", kind),
            ("实施主体", record.get("implementing_body")),
            ("承办机构", record.get("undertaking_unit")),
            ("法定时限", record.get("statutory_time_limit")),
            ("承诺时限", record.get("promised_time_limit")),
            ("收费", record.get("fee")),
            ("监督电话", record.get("supervision_phone")),
        ),
    )
    basis = record.get("legal_basis") or ()
    if basis:
        blocks.append(Heading("设定依据"))
        for item in basis:
            level = label(LegalBasisLevel, item.get("level"), "")
            text = plain(item.get("text") or item.get("title"))
            blocks.append(Paragraph(f"【{level}】{text}" if level else text))
    _power_flowchart(blocks, record, library)
    _power_duties(blocks, record)
    return plain(record.get("name")), f"{kind} · {plain(record.get('implementing_body'))}", blocks


def _power_flowchart(blocks: list[Block], record: PowerItemRecord, library: Library) -> None:
    """Steps the app draws; the published image only where there are no steps."""
    chart = record.get("flowchart")
    if not chart:
        return
    chart_title = "办理流程（" + label(ChartKind, chart.get("chart_kind"), "一般程序") + "）"
    steps, picture = chart.get("steps"), chart.get("image")
    if steps:
        blocks.append(Heading(chart_title))
        blocks.append(FlowchartBlock(chart_title, tuple(steps)))
    elif picture:
        image = library.image(picture.get("sha256"))
        if image is not None:
            blocks.append(Heading(chart_title))
            blocks.append(ImageBlock(str(image), chart_title, kind="flowchart"))


def _power_duties(blocks: list[Block], record: PowerItemRecord) -> None:
    duties = record.get("duties") or ()
    if duties:
        blocks.append(Heading("责任事项"))
        for duty in duties:
            limit = plain(duty.get("time_limit"))
            text = plain(duty.get("content")) + (f"（时限：{limit}）" if limit else "")
            blocks.append(Fields(((plain(duty.get("stage")) or "责任", text),)))
    risks = record.get("risk_points") or ()
    if risks:
        blocks.append(Heading("廉政风险点"))
        for risk in risks:
            level = label(RiskLevel, risk.get("level"), "")
            text = plain(risk.get("manifestation"))
            measure = plain(risk.get("control_measures"))
            line = f"风险等级：{level}。{text}" if level else text
            blocks.append(Paragraph(line + (f" 防控措施：{measure}" if measure else "")))
    cases = record.get("accountability_cases") or ()
    if cases:
        blocks.append(Heading("追责情形"))
        blocks.append(Paragraph("\n".join(map(plain, cases))))


def _project(record: ProjectRecord, _: Library, __: LinkPolicy, ___: date) -> Built:
    blocks: list[Block] = []
    status = str(record.get("status") or "")
    overall = pct(record.get("progress_pct"))
    status_label = label(ProjectStatus, status, "未标注")
    if overall is not None:
        blocks.append(
            ProgressBlock(
                "总体进度",
                overall,
                f"完成{overall:.0f}%",
                status_label,
                STATUS_KIND.get(status, "neutral"),
            )
        )
    _add(
        blocks,
        _fields(
            ("类别", label(ProjectCategory, record.get("category"), "")),
            ("进度状态", status_label),
            ("牵头单位", record.get("lead_unit")),
            ("责任单位", "、".join(map(plain, record.get("responsible_units") or ()))),
            ("责任领导", record.get("responsible_leader")),
            ("责任人", record.get("responsible_person")),
            ("完成时限", record.get("deadline_text") or cn_date(record.get("deadline"))),
            ("建设地点", record.get("location")),
        ),
    )
    money = record.get("total_investment")
    if money and money.get("value") is not None:
        _add(blocks, _fields(("总投资", f"{plain(money.get('value'))}{plain(money.get('unit'))}")))
    _text_section(blocks, "建设内容与目标", record.get("target_description"))
    targets = record.get("targets") or ()
    if targets:
        blocks.append(Heading("目标任务完成情况"))
        for target in targets:
            unit = plain(target.get("unit"))
            done = pct(target.get("completion_pct")) or 0.0
            text = (
                f"完成 {plain(target.get('actual_value'))}{unit} / "
                f"目标 {plain(target.get('target_value'))}{unit}（{done:.0f}%）"
            )
            blocks.append(ProgressBlock(plain(target.get("indicator")) or "目标", done, text))
    updates = sorted(
        record.get("updates") or (), key=lambda u: str(u.get("as_of_date")), reverse=True
    )
    if updates:
        blocks.append(Heading("进展情况"))
        blocks.append(
            Timeline(
                tuple(
                    (
                        cn_date(u.get("as_of_date")),
                        plain(u.get("content")),
                        pct(u.get("completion_pct")),
                    )
                    for u in updates
                )
            )
        )
    return plain(record.get("name")), plain(record.get("lead_unit")), blocks


def _catalogue(record: CatalogueEntryRecord, _: Library, links: LinkPolicy, __: date) -> Built:
    blocks: list[Block] = []
    _add(
        blocks,
        _fields(
            ("索引号", record.get("index_no")),
            ("发布机构", record.get("publisher")),
            ("文号", record.get("doc_number")),
            ("成文日期", cn_date(record.get("created_date"))),
            ("发布日期", cn_date(record.get("published_date"))),
            ("主题分类", record.get("subject_category") or record.get("catalogue_category")),
            ("有效性", label(Validity, record.get("validity"), "")),
        ),
    )
    _text_section(blocks, "内容概述", record.get("summary"))
    _text_section(blocks, "正文", record.get("body_text"))
    _attachments(blocks, record.get("attachments"), links)
    return plain(record.get("title")), plain(record.get("publisher")), blocks


def _guide(record: GuideRecord, _: Library, links: LinkPolicy, __: date) -> Built:
    blocks: list[Block] = []
    _add(
        blocks,
        _fields(
            ("公开工作机构", record.get("office_name")),
            ("办公地址", record.get("address")),
            ("办公时间", record.get("office_hours")),
            ("联系电话", record.get("phone")),
            ("传真", record.get("fax")),
            ("邮政编码", record.get("postcode")),
            ("电子邮箱", record.get("email")),
        ),
    )
    _text_section(blocks, "说明", record.get("body_text"))
    _text_section(blocks, "公开的主要内容", record.get("categories_text"))
    _text_section(blocks, "主动公开的方式", record.get("how_to_obtain"))
    _text_section(blocks, "依申请公开的程序", record.get("application_procedure"))
    _text_section(blocks, "监督和救济", record.get("supervision"))
    _attachments(blocks, record.get("attachments"), links)
    title = plain(record.get("organization")) + " 政府信息公开指南"
    return title, cn_date(record.get("version_date")), blocks


def _notice(record: NoticeRecord, _: Library, links: LinkPolicy, today: date) -> Built:
    blocks: list[Block] = []
    period = record.get("publicity_period")
    window = ""
    if period:
        window = f"{cn_date(period.get('start'))} 至 {cn_date(period.get('end'))}"
        if str(period.get("end")) < today.isoformat():
            window += "（已结束）"
    _add(
        blocks,
        _fields(
            ("类别", label(NoticeKind, record.get("kind"), "")),
            ("发布单位", record.get("publisher")),
            ("发布日期", cn_date(record.get("published_date"))),
            ("公示期", window),
        ),
    )
    _text_section(blocks, "正文", record.get("body_text"))
    _attachments(blocks, record.get("attachments"), links)
    return plain(record.get("title")), plain(record.get("publisher")), blocks


def _report(record: AnnualReportRecord, _: Library, links: LinkPolicy, __: date) -> Built:
    blocks: list[Block] = []
    blocks.extend(ChartBlock(chart) for chart in report_charts(record))
    sections = record.get("sections")
    if sections:
        _text_section(blocks, "总体情况", sections.get("overview"))
        _text_section(blocks, "存在的主要问题及改进情况", sections.get("problems"))
        _text_section(blocks, "其他需要报告的事项", sections.get("other"))
    _attachments(blocks, record.get("attachments"), links)
    title = (
        f"{plain(record.get('organization'))}{plain(record.get('year'))}年政府信息公开工作年度报告"
    )
    return title, cn_date(record.get("published_date")), blocks


def _agency(record: AgencyRecord, _: Library, __: LinkPolicy, ___: date) -> Built:
    blocks: list[Block] = []
    _add(
        blocks,
        _fields(
            ("类别", label(AgencyKind, record.get("kind"), "")),
            ("地址", record.get("address")),
            ("电话", record.get("phone")),
            ("办公时间", record.get("office_hours")),
        ),
    )
    _text_section(blocks, "主要职责", record.get("functions"))
    return plain(record.get("name")), plain(record.get("short_name")), blocks


#: Each type's builder; ``Any``: each takes its own type's record (``build_detail`` casts).
_BUILDERS: dict[EntityType, Callable[[Any, Library, LinkPolicy, date], Built]] = {
    EntityType.AGENCY: _agency,
    EntityType.LEADER: _leader,
    EntityType.POWER_ITEM: _power,
    EntityType.PROJECT: _project,
    EntityType.CATALOGUE_ENTRY: _catalogue,
    EntityType.GUIDE: _guide,
    EntityType.NOTICE: _notice,
    EntityType.ANNUAL_REPORT: _report,
}
