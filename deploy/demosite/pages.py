"""HTML pages of the demo county site, in the styles real county sites use.

Each entity type has a detail page whose labelled meta table and tables carry
every field of the entity, written the way county CMSs write them: labels padded
with full-width spaces, dates in several formats, 文号 brackets varying, names
padded, attachments linked relative to the article.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader

from content.enums import EntityType, ProjectCategory
from content.models import (
    APPLICANT_COLUMNS,
    Agency,
    AnnualReport,
    CatalogueEntry,
    Entity,
    Guide,
    Leader,
    LegacyStats2008,
    Notice,
    PowerItem,
    Project,
    RevisedStats2021,
)
from content.report_tables import RESULT_GROUP_LABELS, reason_row_label

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import date

    from content.demo import Column

__all__ = ["DetailPage", "ListItem", "Table", "render_detail", "render_home", "render_list"]

_ENV = Environment(
    loader=PackageLoader("demosite", "templates"), autoescape=True, keep_trailing_newline=True
)
# Body containers rotate like the selector list scrapers must try (domain.md 3, site A).
_BODY_CONTAINERS = (
    ("TRS_Editor", None),
    ("zoom", "zoom"),
    ("article-content", None),
    ("xl_con", None),
    ("content", None),
    ("mainText", "mainText"),
)
TITLE_LIMIT = 24


@dataclass(frozen=True, slots=True)
class Cell:
    """A header cell, possibly merged."""

    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(slots=True)
class Table:
    """A table in a detail page body."""

    caption: str
    headers: tuple[str, ...] = ()
    rows: list[tuple[str, ...]] = field(default_factory=list)
    css: str = "tab"
    header_rows: list[list[Cell]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.header_rows and self.headers:
            self.header_rows = [[Cell(text) for text in self.headers]]


@dataclass(frozen=True, slots=True)
class Image:
    """An image in a detail page body."""

    src: str
    alt: str


@dataclass(slots=True)
class DetailPage:
    """Everything a detail page shows."""

    title: str
    pub_date: str
    source: str
    meta: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    attachments: list[tuple[str, str]] = field(default_factory=list)
    body_class: str = "TRS_Editor"
    body_id: str | None = None
    detail_json: str | None = None
    hits: int = 0
    label_style: str = "fullwidth"

    @property
    def meta_rows(self) -> list[list[tuple[str, str]]]:
        """Meta pairs two to a row; long values get a row of their own."""
        rows: list[list[tuple[str, str]]] = []
        pending: list[tuple[str, str]] = []
        for label, value in self.meta:
            cell = (pad_label(label, self.label_style), value)
            if len(value) > 30:
                if pending:
                    rows.append(pending)
                    pending = []
                rows.append([cell])
                continue
            pending.append(cell)
            if len(pending) == 2:
                rows.append(pending)
                pending = []
        if pending:
            rows.append(pending)
        return rows


@dataclass(frozen=True, slots=True)
class ListItem:
    """One line of a column list."""

    href: str
    title: str
    date: str
    pinned: bool = False
    scripted: bool = False
    external: bool = False

    @property
    def short_title(self) -> str:
        """The title as lists show it: cut with … past the column width."""
        if len(self.title) <= TITLE_LIMIT:
            return self.title
        return self.title[: TITLE_LIMIT - 1] + "…"


def pad_label(label: str, style: str) -> str:
    """Write a label as TRS pages do: ``索　引　号：``, ``名　　称：`` or ``索 引 号:``."""
    if style == "ascii":
        spaced = " ".join(label) if len(label) == 3 else label
        return f"{spaced}:"
    if len(label) == 2:
        return f"{label[0]}\u3000\u3000{label[1]}："
    if len(label) == 3:
        return "\u3000".join(label) + "："
    return f"{label}："


def render_home(*, nav: list[Column], meta_charset: str, site_domain: str) -> str:
    """The site's home page."""
    return _ENV.get_template("home.shtml").render(
        nav=nav, column=None, meta_charset=meta_charset, site_domain=site_domain
    )


def render_list(
    *,
    column: Column,
    items: list[ListItem],
    page: int,
    pages: int,
    nav: list[Column],
    meta_charset: str,
    site_domain: str,
) -> str:
    """One page of a column list, with its createPageHTML pager."""
    return _ENV.get_template("list.shtml").render(
        column=column,
        items=items,
        page=page,
        pages=pages,
        nav=nav,
        meta_charset=meta_charset,
        site_domain=site_domain,
    )


def render_detail(
    *, column: Column, page: DetailPage, nav: list[Column], meta_charset: str, site_domain: str
) -> str:
    """A detail (article) page."""
    return _ENV.get_template("detail.shtml").render(
        column=column, page=page, nav=nav, meta_charset=meta_charset, site_domain=site_domain
    )


def render_gkmlpt_index(*, sid: str, tree: list[dict[str, Any]], nav: list[Column]) -> str:
    """The gkmlpt catalogue shell page with its ``window._CONFIG`` tree."""
    return _ENV.get_template("gkmlpt_index.html").render(
        sid=sid,
        tree_json=json.dumps(tree, ensure_ascii=False),
        nav=nav,
        column=None,
        meta_charset="utf-8",
        site_domain="",
    )


# --- formatting as county pages do -------------------------------------------------


def cn_date(value: date, style: int) -> str:
    """A date in one of the formats sites use (domain.md pitfall 14)."""
    return (
        f"{value:%Y-%m-%d}",
        f"{value:%Y年%m月%d日}",
        f"{value.year}年{value.month}月{value.day}日",
        f"{value:%Y/%m/%d}",
        f"[{value:%Y-%m-%d}]",
        f"{value:%Y.%m.%d}",
    )[style % 6]


def vary_doc_number(doc_number: str, style: int) -> str:
    """Re-bracket a 文号 the ways real pages do (domain.md pitfall 16)."""
    pair = ("〔〕", "[]", "【】", "()", "（）", "〔〕")[style % 6]
    left, right = pair[0], pair[1]
    return doc_number.replace("〔", left).replace("〕", right)


def pad_name(name: str) -> str:
    """Two-character names are padded to three cells with a full-width space."""
    return f"{name[0]}\u3000{name[1]}" if len(name) == 2 else name


def body_container(number: int) -> tuple[str, str | None]:
    """The body container class and id for an article number."""
    return _BODY_CONTAINERS[number % len(_BODY_CONTAINERS)]


def relative(href_path: str, page_path: str) -> str:
    """``href_path`` relative to the folder of ``page_path`` when it is inside it."""
    folder = page_path.rsplit("/", 1)[0] + "/"
    if href_path.startswith(folder):
        return "./" + href_path[len(folder) :]
    return href_path


def detail_page(
    entity: Entity,
    *,
    path: str,
    number: int,
    url_path: Any,
    agency_names: Mapping[str, str],
) -> DetailPage:
    """Build the detail page model for any entity type.

    Args:
        entity: the entity shown.
        path: the page's own path (links are made relative to it).
        number: the article number (varies presentation deterministically).
        url_path: maps an absolute URL to its site path.
        agency_names: agency id → name (an agency's page names its parent).
    """
    if isinstance(entity, Agency):
        page = _agency_page(entity, number, agency_names)
    else:
        page = _BUILDERS[entity.entity_type](entity, number)
    body_class, body_id = body_container(number)
    page.body_class, page.body_id = body_class, body_id
    page.hits = 37 + number % 997
    page.images = [Image(relative(url_path(i.src), path), i.alt) for i in page.images]
    page.attachments = [(relative(url_path(href), path), name) for href, name in page.attachments]
    return page


def _agency_page(agency: Any, number: int, agency_names: Mapping[str, str]) -> DetailPage:
    assert isinstance(agency, Agency)  # noqa: S101
    parent_name = agency_names.get(agency.parent_id or "")
    meta = [
        ("机构名称", agency.name),
        ("机构简称", agency.short_name or ""),
        ("机构类型", agency.kind.label),
        ("组织机构代码", agency.org_code or ""),
        ("统一社会信用代码", agency.credit_code or ""),
        ("办公地址", agency.address or ""),
        ("联系电话", agency.phone or ""),
        ("办公时间", agency.office_hours or ""),
        ("上级机关", parent_name or "—"),
        ("网站", agency.website or ""),
        ("排序", str(agency.rank_order)),
    ]
    return DetailPage(
        title=agency.name,
        pub_date=cn_date(agency.provenance.fetched_at.date(), number),
        source=agency.name,
        meta=meta,
        paragraphs=["主要职责：", *agency.functions.splitlines()],
    )


def _leader_page(leader: Any, number: int) -> DetailPage:
    assert isinstance(leader, Leader)  # noqa: S101
    birth = ""
    if leader.birth_month:
        year, month = leader.birth_month.split("-")
        birth = f"{year}年{month}月" if number % 2 else f"{year}.{month}"
    meta = [
        ("姓名", pad_name(leader.name)),
        ("职务", leader.post),
        ("所属机关", leader.organization),
        ("排序", str(leader.rank_order + 1)),
        ("性别", leader.gender or ""),
        ("民族", leader.ethnicity or ""),
        ("籍贯", leader.native_place or ""),
        ("出生年月", birth),
        ("学历", leader.education or ""),
        ("政治面貌", leader.party or ""),
        ("任职时间", cn_date(leader.term_start, number) if leader.term_start else ""),
        ("办公电话", leader.phone or ""),
        ("更新日期", cn_date(leader.updated_at, number + 1)),
    ]
    page = DetailPage(
        title=f"{leader.name}",
        pub_date=cn_date(leader.updated_at, 0),
        source=leader.organization,
        meta=meta,
        paragraphs=[f"工作分工：{leader.responsibilities}"],
    )
    if leader.resume:
        page.paragraphs += ["个人简历：", *leader.resume.splitlines()]
    if leader.photo:
        page.images.append(Image(leader.photo.url, leader.name))
    return page


def _power_page(item: Any, number: int) -> DetailPage:
    assert isinstance(item, PowerItem)  # noqa: S101
    basis = "".join(
        f"【{b.level.label}】{b.text}" if b.level.value != "other" else b.text
        for b in item.legal_basis
    )
    type_cell = (
        item.power_type.label
        if number % 3
        else f"{item.power_type_code}（{item.power_type.label}）"
    )
    meta = [
        ("事项编码", item.item_code),
        ("事项名称", item.name),
        ("事项类型", type_cell),
        ("类型代码", item.power_type_code or ""),
        ("实施主体", item.implementing_body),
        ("承办机构", item.undertaking_unit or ""),
        ("实施层级", "、".join(item.levels)),
        ("法定期限", item.statutory_time_limit or "无"),
        ("承诺期限", item.promised_time_limit or "无"),
        ("收费标准", item.fee or ""),
        ("监督电话", item.supervision_phone or ""),
        ("事项状态", item.status.label),
        ("清单年度", str(item.list_year or "")),
        ("流程类型", item.flowchart.chart_kind.label if item.flowchart else "无"),
        ("实施依据", basis),
    ]
    page = DetailPage(
        title=item.name,
        pub_date=cn_date(item.provenance.fetched_at.date(), number),
        source=item.implementing_body,
        meta=meta,
    )
    page.tables.append(
        Table(
            "责任事项",
            ("序号", "责任环节", "责任内容", "时限"),
            [(str(d.seq), d.stage, d.content, d.time_limit or "") for d in item.duties],
            css="zrsx",
        )
    )
    page.tables.append(
        Table(
            "追责情形", ("追责情形",), [(case,) for case in item.accountability_cases], css="zzqx"
        )
    )
    page.tables.append(
        Table(
            "追责依据", ("追责依据",), [(basis,) for basis in item.accountability_basis], css="zzyj"
        )
    )
    if item.risk_points:
        page.tables.append(
            Table(
                "廉政风险点",
                ("环节", "表现形式", "风险等级", "防控措施", "责任人"),
                [
                    (r.stage, r.manifestation, r.level.label, r.control_measures, r.owner or "")
                    for r in item.risk_points
                ],
                css="lzfx",
            )
        )
    chart = item.flowchart
    if chart is not None:
        if chart.steps:
            page.tables.append(
                Table(
                    f"运行流程（{chart.chart_kind.label}）",
                    ("步骤编号", "环节", "办理人", "说明", "时限", "文书", "下一步", "条件"),
                    [
                        (
                            s.step_id,
                            s.name,
                            s.actor or "",
                            s.description,
                            s.time_limit or "",
                            "、".join(s.outputs),
                            ",".join(s.next),
                            s.condition or "",
                        )
                        for s in chart.steps
                    ],
                    css="lct",
                )
            )
        if chart.image:
            page.images.append(Image(chart.image.url, f"{item.name}流程图"))
    return page


def _project_page(project: Any, number: int) -> DetailPage:
    assert isinstance(project, Project)  # noqa: S101
    money = "万元" if number % 2 else ""
    meta = [
        ("项目名称", project.name),
        ("项目类别", project.category.label),
        ("年度", str(project.year)),
        ("序号", project.seq_no or ""),
        ("牵头单位", project.lead_unit),
        ("责任单位", "、".join(project.responsible_units)),
        ("责任领导", project.responsible_leader or ""),
        ("责任人", project.responsible_person or ""),
        ("实施地点", project.location or "全县"),
        ("开工时间", cn_date(project.start_date, number) if project.start_date else "未开工"),
        ("完成时限", project.deadline_text or ""),
        ("当前状态", project.status.label),
        ("完成进度", f"{project.progress_pct}%" if project.progress_pct is not None else ""),
        (
            "总投资（万元）",
            f"{project.total_investment.value}{money}" if project.total_investment else "—",
        ),
        (
            "年度计划投资（万元）",
            f"{project.annual_planned_investment.value}"
            if project.annual_planned_investment
            else "—",
        ),
        ("建设内容", project.target_description),
    ]
    page = DetailPage(
        title=project.name,
        pub_date=cn_date(project.provenance.fetched_at.date(), number),
        source=project.lead_unit,
        meta=meta,
    )
    page.tables.append(
        Table(
            "量化目标",
            ("指标", "单位", "目标值", "完成值", "完成率%"),
            [
                (
                    t.indicator,
                    t.unit,
                    str(t.target_value),
                    "" if t.actual_value is None else str(t.actual_value),
                    "" if t.completion_pct is None else str(t.completion_pct),
                )
                for t in project.targets
            ],
            css="lhmb",
        )
    )
    page.tables.append(
        Table(
            "进展情况",
            ("月份", "截至日期", "进展情况", "完成率%", "完成投资（万元）", "状态"),
            [
                (
                    u.period,
                    cn_date(u.as_of_date, number),
                    u.content,
                    str(u.completion_pct if u.completion_pct is not None else ""),
                    str(u.investment_completed.value) if u.investment_completed else "",
                    u.status.label if u.status else "",
                )
                for u in project.updates
            ],
            css="jzqk",
        )
    )
    return page


def catalogue_meta(entry: CatalogueEntry, number: int) -> list[tuple[str, str]]:
    """The 信息公开 meta table of a catalogue entry."""
    return [
        ("索引号", entry.index_no or ""),
        ("分类", entry.subject_category or ""),
        ("发布机构", entry.publisher),
        ("生成日期", cn_date(entry.created_date, number + 1) if entry.created_date else ""),
        ("文号", vary_doc_number(entry.doc_number, number) if entry.doc_number else ""),
        ("有效性", entry.validity.label),
        ("发布日期", cn_date(entry.published_date, number)),
        ("体裁分类", entry.genre or ""),
        ("组配分类", entry.catalogue_category or ""),
        ("服务对象", entry.audience or ""),
        ("关键词", " ".join(entry.keywords)),
        ("生效日期", cn_date(entry.effective_date, 0) if entry.effective_date else ""),
        ("废止日期", cn_date(entry.expiry_date, 0) if entry.expiry_date else ""),
        ("名称", entry.title),
        ("内容概述", entry.summary or ""),
    ]


def _catalogue_page(entry: Any, number: int) -> DetailPage:
    assert isinstance(entry, CatalogueEntry)  # noqa: S101
    return DetailPage(
        title=entry.title,
        pub_date=f"{entry.published_date:%Y-%m-%d}",
        source=entry.publisher,
        meta=catalogue_meta(entry, number),
        paragraphs=entry.body_text.splitlines(),
        attachments=[(a.url, a.name) for a in entry.attachments],
    )


def _guide_page(guide: Any, number: int) -> DetailPage:
    assert isinstance(guide, Guide)  # noqa: S101
    del number
    sections = (
        ("一、政府信息分类与编排体系", guide.categories_text),
        ("二、获取政府信息的方式", guide.how_to_obtain),
        ("三、依申请公开的程序", guide.application_procedure),
        ("四、监督和救济", guide.supervision),
    )
    paragraphs = guide.body_text.splitlines()
    for heading, text in sections:
        paragraphs += [heading, *text.splitlines()]
    paragraphs += [
        "五、政府信息公开工作机构",
        f"工作机构：{guide.office_name}",
        f"办公地址：{guide.address}",
        f"办公时间：{guide.office_hours}",
        f"邮政编码：{guide.postcode or ''}",
        f"联系电话：{guide.phone}",
        f"传真号码：{guide.fax or ''}",
        f"电子邮箱：{guide.email or ''}",
        f"网站：{guide.website or ''}",
    ]
    return DetailPage(
        title=f"{guide.organization}政府信息公开指南",
        pub_date=f"{guide.version_date:%Y-%m-%d}",
        source=guide.organization,
        meta=[("发布机构", guide.organization), ("版本日期", cn_date(guide.version_date, 1))],
        paragraphs=paragraphs,
    )


def _notice_page(notice: Any, number: int) -> DetailPage:
    assert isinstance(notice, Notice)  # noqa: S101
    meta = [
        ("发布单位", notice.publisher),
        ("发布日期", cn_date(notice.published_date, number)),
        ("信息类别", notice.kind.label),
    ]
    if notice.publicity_period:
        start, end = notice.publicity_period.start, notice.publicity_period.end
        meta.append(
            (
                "公示期",
                f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日",
            )
        )
    return DetailPage(
        title=notice.title,
        pub_date=f"{notice.published_date:%Y-%m-%d}",
        source=notice.publisher,
        meta=meta,
        paragraphs=notice.body_text.splitlines(),
        attachments=[(a.url, a.name) for a in notice.attachments],
    )


def _report_page(report: Any, number: int) -> DetailPage:
    assert isinstance(report, AnnualReport)  # noqa: S101
    del number
    page = DetailPage(
        title=f"{report.organization}{report.year}年政府信息公开工作年度报告",
        pub_date=f"{report.published_date:%Y-%m-%d}",
        source=report.organization,
        meta=[("发布机构", report.organization), ("发布日期", cn_date(report.published_date, 1))],
        attachments=[(a.url, a.name) for a in report.attachments],
    )
    sections = report.sections
    page.paragraphs = ["一、总体情况", *sections.overview.splitlines()]
    if isinstance(report.stats, LegacyStats2008):
        page.tables.append(_legacy_table(report.stats))
    elif isinstance(report.stats, RevisedStats2021):
        page.tables.extend(_tables_2021(report.stats))
    page.paragraphs += ["存在的主要问题及改进情况", *sections.problems.splitlines()]
    page.paragraphs += ["其他需要报告的事项", *sections.other.splitlines()]
    return page


def _legacy_table(stats: LegacyStats2008) -> Table:
    header, *rows = stats.raw_table
    return Table(
        "政府信息公开情况统计表",
        rows=[tuple(row) for row in rows],
        header_rows=[
            [Cell(header[0], rowspan=2), Cell("统计", colspan=2)],
            [Cell(header[1]), Cell(header[2])],
        ],
        css="tjb",
    )


_APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")


def _tables_2021(stats: RevisedStats2021) -> list[Table]:
    apps = stats.applications
    result = apps.result

    def cells(row: Any) -> tuple[str, ...]:
        return tuple(str(getattr(row, name)) for name in APPLICANT_COLUMNS)

    rows: list[tuple[str, ...]] = [
        ("一、本年新收政府信息公开申请数量", *cells(apps.new)),
        ("二、上年结转政府信息公开申请数量", *cells(apps.carried_over)),
        ("三、本年度办理结果（一）予以公开", *cells(result.disclosed)),
        ("（二）部分公开", *cells(result.partially_disclosed)),
    ]
    for group_name in RESULT_GROUP_LABELS:
        group = getattr(result, group_name)
        for index, name in enumerate(type(group).model_fields, start=1):
            label = reason_row_label(group_name, index, name)
            rows.append((label, *cells(getattr(group, name))))
    rows += [
        ("（七）总计", *cells(result.total)),
        ("四、结转下年度继续办理", *cells(apps.carried_forward)),
    ]
    applications = Table(
        "三、收到和处理政府信息公开申请情况",
        rows=rows,
        header_rows=[
            [
                Cell("本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和", rowspan=3),
                Cell("申请人情况", colspan=7),
            ],
            [Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5), Cell("总计", rowspan=2)],
            [Cell(name) for name in _APPLICANTS[1:6]],
        ],
        css="sqqk",
    )
    proactive = stats.proactive
    first = Table(
        "二、主动公开政府信息情况",
        ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
        [
            (
                "规章",
                str(proactive.rules.issued),
                str(proactive.rules.repealed),
                str(proactive.rules.in_force),
            ),
            (
                "行政规范性文件",
                str(proactive.normative_docs.issued),
                str(proactive.normative_docs.repealed),
                str(proactive.normative_docs.in_force),
            ),
            ("行政许可（本年处理决定数量）", str(proactive.licensing_decisions), "—", "—"),
            ("行政处罚（本年处理决定数量）", str(proactive.penalty_decisions), "—", "—"),
            ("行政强制（本年处理决定数量）", str(proactive.coercion_decisions), "—", "—"),
            ("行政事业性收费（万元）", str(proactive.fee_amount_wan_yuan), "—", "—"),
        ],
        css="zdgk",
    )
    review = stats.review_litigation
    outcomes = ("upheld", "corrected", "other", "pending", "total")
    fourth = Table(
        "四、政府信息公开行政复议、行政诉讼情况",
        ("类别", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"),
        [
            (label, *(str(getattr(getattr(review, key), o)) for o in outcomes))
            for label, key in (
                ("行政复议", "reconsideration"),
                ("未经复议直接起诉", "litigation_direct"),
                ("复议后起诉", "litigation_after_reconsideration"),
            )
        ],
        css="fyss",
    )
    return [first, applications, fourth]


_BUILDERS: dict[EntityType, Any] = {
    EntityType.LEADER: _leader_page,
    EntityType.POWER_ITEM: _power_page,
    EntityType.PROJECT: _project_page,
    EntityType.CATALOGUE_ENTRY: _catalogue_page,
    EntityType.GUIDE: _guide_page,
    EntityType.NOTICE: _notice_page,
    EntityType.ANNUAL_REPORT: _report_page,
}

__all__ += ["ProjectCategory"]
