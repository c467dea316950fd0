"""The annual report's tables laid out as the national template prints them.

One layout for both renderers (HTML and PDF): a table is rows of cells with
column and row spans, a cell's text already formatted. The row labels are
those of ``content.report_tables`` (what the county-site parser reads back),
so a generated report parses into the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from content.models import APPLICANT_COLUMNS, LegacyStats2008, RevisedStats2021
from content.report_tables import REASON_LABELS

if TYPE_CHECKING:
    from content.models import AnnualReport, ApplicantCounts, ReviewOutcome

__all__ = ["Cell", "Table", "report_tables"]


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its text and spans; ``head`` cells are set in bold on a shaded ground."""

    text: str
    colspan: int = 1
    rowspan: int = 1
    head: bool = False

    @property
    def is_label(self) -> bool:
        """Whether this is a row label (set flush left), not a heading or a figure."""
        return not self.head and not self.text[:1].isdigit() and self.text not in {"", "—"}


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table (the section heading it is printed under) and its rows."""

    title: str
    columns: int
    rows: list[list[Cell]] = field(default_factory=list)


def report_tables(report: AnnualReport) -> list[Table]:
    """The statistics tables of ``report`` in printed order."""
    stats = report.stats
    if isinstance(stats, LegacyStats2008):
        return [_legacy(stats)]
    if isinstance(stats, RevisedStats2021):
        return [_proactive(stats), _applications(stats), _review(stats)]
    raise ValueError(f"no layout for {stats.format}")  # 2019 trial reports are only read


def _h(text: str, colspan: int = 1, rowspan: int = 1) -> Cell:
    return Cell(text, colspan, rowspan, head=True)


def _n(value: object) -> Cell:
    return Cell("—" if value is None else str(value))


def _proactive(stats: RevisedStats2021) -> Table:
    p = stats.proactive
    return Table(
        "二、主动公开政府信息情况",
        4,
        [
            [_h("第二十条第（一）项", 4)],
            [_h("信息内容"), _h("本年制发件数"), _h("本年废止件数"), _h("现行有效件数")],
            [Cell("规章"), _n(p.rules.issued), _n(p.rules.repealed), _n(p.rules.in_force)],
            [
                Cell("行政规范性文件"),
                _n(p.normative_docs.issued),
                _n(p.normative_docs.repealed),
                _n(p.normative_docs.in_force),
            ],
            [_h("第二十条第（五）项", 4)],
            [_h("信息内容"), _h("本年处理决定数量", 3)],
            [Cell("行政许可"), Cell(str(p.licensing_decisions), 3)],
            [_h("第二十条第（六）项", 4)],
            [_h("信息内容"), _h("本年处理决定数量", 3)],
            [Cell("行政处罚"), Cell(str(p.penalty_decisions), 3)],
            [Cell("行政强制"), Cell(str(p.coercion_decisions), 3)],
            [_h("第二十条第（八）项", 4)],
            [_h("信息内容"), _h("本年收费金额（单位：万元）", 3)],
            [
                Cell("行政事业性收费"),
                Cell(f"{p.fee_amount_wan_yuan:.4f}".rstrip("0").rstrip("."), 3),
            ],
        ],
    )


def _counts(label: str, counts: ApplicantCounts, *, colspan: int = 2) -> list[Cell]:
    return [Cell(label, colspan), *(_n(getattr(counts, column)) for column in APPLICANT_COLUMNS)]


def _applications(stats: RevisedStats2021) -> Table:
    table = stats.applications
    result = table.result
    rows = [
        [
            _h("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 2, 3),
            _h("申请人情况", 7),
        ],
        [_h("自然人", 1, 2), _h("法人或其他组织", 5), _h("总计", 1, 2)],
        [_h("商业企业"), _h("科研机构"), _h("社会公益组织"), _h("法律服务机构"), _h("其他")],
        _counts("一、本年新收政府信息公开申请数量", table.new),
        _counts("二、上年结转政府信息公开申请数量", table.carried_over),
    ]
    groups = [
        ("（三）不予公开", "refused", result.refused),
        ("（四）无法提供", "unable", result.unable),
        ("（五）不予处理", "not_processed", result.not_processed),
        ("（六）其他处理", "other", result.other),
    ]
    leaf_rows = 2 + sum(len(REASON_LABELS[key]) for _label, key, _group in groups) + 1
    rows.append(
        [
            Cell("三、本年度办理结果", 1, leaf_rows),
            *_counts("（一）予以公开", result.disclosed, colspan=1),
        ]
    )
    rows.append(
        _counts(
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            result.partially_disclosed,
            colspan=1,
        )
    )
    for label, key, group in groups:
        for index, (name, reason) in enumerate(REASON_LABELS[key].items(), start=1):
            rows.append(_counts(f"{label} {index}.{reason}", getattr(group, name), colspan=1))
    rows.append(_counts("（七）总计", result.total, colspan=1))
    rows.append(_counts("四、结转下年度继续办理", table.carried_forward))
    return Table("三、收到和处理政府信息公开申请情况", 9, rows)


def _outcome_cells(outcome: ReviewOutcome) -> list[Cell]:
    return [
        _n(getattr(outcome, name)) for name in ("upheld", "corrected", "other", "pending", "total")
    ]


def _review(stats: RevisedStats2021) -> Table:
    review = stats.review_litigation
    names = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    return Table(
        "四、政府信息公开行政复议、行政诉讼情况",
        15,
        [
            [_h("行政复议", 5), _h("行政诉讼", 10)],
            [*(_h(name, 1, 2) for name in names), _h("未经复议直接起诉", 5), _h("复议后起诉", 5)],
            [*(_h(name) for name in names), *(_h(name) for name in names)],
            [
                *_outcome_cells(review.reconsideration),
                *_outcome_cells(review.litigation_direct),
                *_outcome_cells(review.litigation_after_reconsideration),
            ],
        ],
    )


def _legacy(stats: LegacyStats2008) -> Table:
    channels = stats.applications_by_channel
    lines = [
        ("一、主动公开政府信息数", "条", stats.proactive_total),
        ("其中：通过政府网站公开数", "条", stats.proactive_via_website),
        ("通过政府公报公开数", "条", stats.proactive_via_gazette),
        ("二、依申请公开情况", "", ""),
        ("（一）申请总数", "件", stats.applications_total),
        ("其中：当面申请数", "件", channels.in_person),
        ("传真申请数", "件", channels.fax),
        ("电子邮件申请数", "件", channels.email),
        ("网上申请数", "件", channels.online),
        ("信函申请数", "件", channels.letter),
        ("（二）对申请的答复总数", "件", stats.replies_total),
        ("其中：同意公开答复数", "件", stats.replies_granted),
        ("同意部分公开答复数", "件", stats.replies_partially_granted),
        ("否决公开答复数", "件", stats.replies_refused),
        ("三、行政复议数", "件", stats.reconsiderations),
        ("四、行政诉讼数", "件", stats.lawsuits),
        ("五、行政申诉数", "件", stats.complaints),
    ]
    rows = [[_h("指标名称"), _h("单位"), _h("数量")]]
    rows += [
        [Cell(label), Cell(unit), Cell("" if value == "" else _n(value).text)]
        for label, unit, value in lines
    ]
    return Table("政府信息公开情况统计表", 3, rows)
