"""Annual-report statistics (年度报告) as bar charts, not only tables.

``report_charts`` reads a report record (``content.records.AnnualReportRecord``:
its ``stats`` are one of the three formats) and returns three to five charts
with Chinese titles; every figure is read by its key in those types, so mypy
checks each one.  A figure that is missing (``None`` or absent, common in
2008-2018 reports) drops its bar, a chart without bars is dropped, and nothing
here raises on partial data.  Zero figures are kept: "0 lawsuits" is information.

Usage::

    for chart in report_charts(record):
        chart.title, chart.unit, chart.note
        for bar in chart.bars:
            bar.label, bar.value, bar.share    # share: value / the chart's largest value
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, TypeVar, cast

from kiosk.viewmodels.text import plain

if TYPE_CHECKING:
    from content.records import (
        AnnualReportRecord,
        ApplicationsTableRecord,
        LegacyStats2008Record,
        Proactive2019Record,
        Proactive2021Record,
        ReviewLitigationRecord,
        ReviewOutcomeRecord,
        RevisedStats2021Record,
        StatsRecord,
        TrialStats2019Record,
    )

__all__ = ["Bar", "Chart", "report_charts"]


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its figure, and its length as a share of the longest bar.

    ``share`` is ``value / max(values of the chart)`` (0..1), so the largest
    bar fills the width; it is 0 for every bar when all values are 0.
    """

    label: str
    value: int | float
    share: float


@dataclass(frozen=True)
class Chart:
    """A titled bar chart; ``unit`` is printed after every value (件, 条)."""

    title: str
    unit: str
    bars: tuple[Bar, ...]
    note: str | None = None


_Figures = list[tuple[str, int | float | None]]
_Table = TypeVar("_Table", bound=Mapping[str, object])


def report_charts(record: AnnualReportRecord | StatsRecord) -> tuple[Chart, ...]:
    """The charts of an annual report record (or of its ``stats`` mapping alone).

    Args:
        record: an annual report entity as parsed JSON, with ``stats`` holding
            one of the formats ``legacy_2008``, ``trial_2019``, ``revised_2021``.

    Returns:
        The charts (usually 3 to 5); empty for an unknown format or no figures.
    """
    data: object = record  # JSON from a release: check, never trust the annotation
    if not isinstance(data, Mapping):
        return ()
    stats = data.get("stats")
    if not isinstance(stats, Mapping):
        stats = data
    kind = stats.get("format") or data.get("format_version")
    charts: list[Chart | None] = []
    if kind == "legacy_2008":
        charts = _legacy(cast("LegacyStats2008Record", stats))
    elif kind == "trial_2019":
        trial = cast("TrialStats2019Record", stats)
        charts = _tables(trial, _proactive_2019(_part(trial.get("proactive"))))
    elif kind == "revised_2021":
        revised = cast("RevisedStats2021Record", stats)
        charts = _tables(revised, _proactive_2021(_part(revised.get("proactive"))))
    return tuple(chart for chart in charts if chart is not None)


# --- building blocks ------------------------------------------------------------------


def _num(value: object) -> int | float | None:
    """A figure as a number; None for missing or unreadable (never bool)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    try:
        number = Decimal(plain(value).replace(",", ""))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def _part(value: _Table | None) -> _Table:
    """A nested table of the record; an empty one where it is missing or not a table.

    Every key of an empty table reads as missing, so its figures are read with ``get``.
    """
    if isinstance(value, Mapping):
        return value
    return cast("_Table", {})


def _chart(title: str, unit: str, pairs: _Figures, note: str | None = None) -> Chart | None:
    """A chart of the pairs with a figure; None if no pair has one."""
    known = [(label, value) for label, value in pairs if value is not None]
    if not known:
        return None
    top = max(*(value for _, value in known), 0)
    bars = tuple(
        Bar(label, value, max(0.0, min(1.0, value / top)) if top > 0 else 0.0)
        for label, value in known
    )
    return Chart(title=title, unit=unit, bars=bars, note=note)


def _fmt(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _sum(values: list[int | float | None]) -> int | float | None:
    """The sum of the known values; None when none is known."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


# --- 2008-2018 ----------------------------------------------------------------------


def _legacy(stats: LegacyStats2008Record) -> list[Chart | None]:
    total = _num(stats.get("proactive_total"))
    proactive = _chart(
        "主动公开政府信息",
        "条",
        [
            ("主动公开总数", total),
            ("通过政府网站", _num(stats.get("proactive_via_website"))),
            ("通过政府公报", _num(stats.get("proactive_via_gazette"))),
            ("全文电子化", _num(stats.get("proactive_fulltext_electronic"))),
            ("新增规范性文件", _num(stats.get("new_normative_docs"))),
        ],
    )
    applications = _num(stats.get("applications_total"))
    by_channel = _part(stats.get("applications_by_channel"))
    channels = _chart(
        "依申请公开：申请渠道",
        "件",
        [
            ("当面申请", _num(by_channel.get("in_person"))),
            ("传真申请", _num(by_channel.get("fax"))),
            ("电子邮件申请", _num(by_channel.get("email"))),
            ("网上申请", _num(by_channel.get("online"))),
            ("信函申请", _num(by_channel.get("letter"))),
            ("其他形式", _num(by_channel.get("other"))),
        ],
        f"全年收到申请{_fmt(applications)}件" if applications is not None else None,
    )
    replies = _num(stats.get("replies_total"))
    results = _chart(
        "依申请公开：答复结果",
        "件",
        [
            ("同意公开", _num(stats.get("replies_granted"))),
            ("同意部分公开", _num(stats.get("replies_partially_granted"))),
            ("不予公开", _num(stats.get("replies_refused"))),
        ],
        f"答复总数{_fmt(replies)}件" if replies is not None else None,
    )
    why = _part(stats.get("refusal_reasons"))
    reasons = [
        ("不是政府信息", _num(why.get("not_gov_info"))),
        ("信息不存在", _num(why.get("not_exist"))),
        ("非本机关掌握", _num(why.get("not_held"))),
        ("申请内容不明确", _num(why.get("unclear"))),
        ("涉及国家秘密", _num(why.get("exempt_1"))),
        ("涉及商业秘密", _num(why.get("exempt_2"))),
        ("涉及个人隐私", _num(why.get("exempt_3"))),
        ("危及三安全一稳定", _num(why.get("exempt_4"))),
        ("法律法规禁止公开", _num(why.get("exempt_5"))),
        ("其他免予公开", _num(why.get("exempt_6"))),
        ("其他免予公开（二）", _num(why.get("exempt_7"))),
        ("其他原因", _num(why.get("other"))),
    ]
    # The reasons chart only when some reason was counted (most reports give none).
    refusals = _chart("不予公开的理由", "件", reasons) if any(v for _, v in reasons) else None
    review = _chart(
        "行政复议、诉讼与申诉",
        "件",
        [
            ("行政复议", _num(stats.get("reconsiderations"))),
            ("行政诉讼", _num(stats.get("lawsuits"))),
            ("行政申诉", _num(stats.get("complaints"))),
        ],
    )
    enquiries = _chart(
        "咨询与查阅",
        "人次",
        [
            ("现场接待", _num(stats.get("onsite_visitors"))),
            ("网上咨询", _num(stats.get("online_enquiries"))),
            ("电话咨询", _num(stats.get("phone_enquiries"))),
            ("网站专栏访问", _num(stats.get("web_column_visits"))),
        ],
    )
    charts = [proactive, channels, results, refusals, review, enquiries]
    present: list[Chart | None] = [c for c in charts if c is not None]
    # At most five: the enquiries chart is the first to go.
    return present[:5]


# --- 2019 and 2021 tables -------------------------------------------------------------


def _tables(
    stats: TrialStats2019Record | RevisedStats2021Record,
    proactive: tuple[Chart | None, Chart | None],
) -> list[Chart | None]:
    apps = _part(stats.get("applications"))
    decisions, docs = proactive
    return [
        _applicants(apps),
        _outcomes(apps),
        decisions,
        docs,
        _reviews(_part(stats.get("review_litigation"))),
    ]


def _notes(*parts: tuple[str, int | float | None]) -> str | None:
    """The parts with a figure joined: ``办结41件，结转下年度继续办理3件``.

    Zero parts are left out except the first: "0 new applications" is news,
    "0 carried over" is not.
    """
    texts = [
        template.format(_fmt(value))
        for index, (template, value) in enumerate(parts)
        if value is not None and (value or index == 0)
    ]
    return "，".join(texts) or None


def _applicants(apps: ApplicationsTableRecord) -> Chart | None:
    new = _part(apps.get("new"))
    note = _notes(
        ("本年新收申请{}件", _num(new.get("total"))),
        ("上年结转{}件", _num(_part(apps.get("carried_over")).get("total"))),
    )
    pairs = [
        ("自然人", _num(new.get("natural_person"))),
        ("商业企业", _num(new.get("business"))),
        ("科研机构", _num(new.get("research"))),
        ("社会公益组织", _num(new.get("public_interest_org"))),
        ("法律服务机构", _num(new.get("legal_service"))),
        ("其他组织", _num(new.get("other_org"))),
    ]
    return _chart("依申请公开：申请人类型", "件", pairs, note)


def _outcomes(apps: ApplicationsTableRecord) -> Chart | None:
    result = _part(apps.get("result"))
    pairs = [
        ("予以公开", _num(_part(result.get("disclosed")).get("total"))),
        ("部分公开", _num(_part(result.get("partially_disclosed")).get("total"))),
        ("不予公开", _rows_total(result.get("refused"))),
        ("无法提供", _rows_total(result.get("unable"))),
        ("不予处理", _rows_total(result.get("not_processed"))),
        ("其他处理", _rows_total(result.get("other"))),
    ]
    note = _notes(
        ("办结{}件", _num(_part(result.get("total")).get("total"))),
        ("结转下年度继续办理{}件", _num(_part(apps.get("carried_forward")).get("total"))),
    )
    return _chart("依申请公开：办理结果", "件", pairs, note)


def _rows_total(group: Mapping[str, object] | None) -> int | float | None:
    """The totals of a group of reason rows (不予公开 …) added up; None when none is known."""
    if not isinstance(group, Mapping):
        return None
    return _sum([_num(row.get("total")) if isinstance(row, Mapping) else None
                 for row in group.values()])  # fmt: skip


def _proactive_2021(proactive: Proactive2021Record) -> tuple[Chart | None, Chart | None]:
    decisions = _chart(
        "主动公开：行政决定",
        "件",
        [
            ("行政许可", _num(proactive.get("licensing_decisions"))),
            ("行政处罚", _num(proactive.get("penalty_decisions"))),
            ("行政强制", _num(proactive.get("coercion_decisions"))),
        ],
    )
    normative = _part(proactive.get("normative_docs"))
    docs = _chart(
        "主动公开：行政规范性文件",
        "件",
        [
            ("本年制发", _num(normative.get("issued"))),
            ("本年废止", _num(normative.get("repealed"))),
            ("现行有效", _num(normative.get("in_force"))),
        ],
    )
    return decisions, docs


def _proactive_2019(proactive: Proactive2019Record) -> tuple[Chart | None, Chart | None]:
    decisions = _chart(
        "主动公开：行政决定",
        "件",
        [
            ("行政许可", _num(_part(proactive.get("licensing")).get("decisions"))),
            ("其他对外管理服务", _num(_part(proactive.get("other_services")).get("decisions"))),
            ("行政处罚", _num(_part(proactive.get("penalty")).get("decisions"))),
            ("行政强制", _num(_part(proactive.get("coercion")).get("decisions"))),
        ],
    )
    normative = _part(proactive.get("normative_docs"))
    docs = _chart(
        "主动公开：规范性文件",
        "件",
        [
            ("本年新制作", _num(normative.get("new_made"))),
            ("本年新公开", _num(normative.get("new_disclosed"))),
            ("对外公开总数", _num(normative.get("total_disclosed"))),
        ],
    )
    return decisions, docs


def _reviews(review: ReviewLitigationRecord) -> Chart | None:
    rows = (
        ("行政复议", _part(review.get("reconsideration"))),
        ("未经复议直接起诉", _part(review.get("litigation_direct"))),
        ("复议后起诉", _part(review.get("litigation_after_reconsideration"))),
    )
    details = []
    for name, row in rows:
        parts = [f"{label}{_fmt(value)}件" for label, value in _outcome_figures(row) if value]
        if parts:
            details.append(f"{name}：" + "、".join(parts))
    pairs = [(name, _num(row.get("total"))) for name, row in rows]
    return _chart("行政复议和行政诉讼", "件", pairs, "；".join(details) or None)


def _outcome_figures(row: ReviewOutcomeRecord) -> _Figures:
    return [
        ("维持", _num(row.get("upheld"))),
        ("纠正", _num(row.get("corrected"))),
        ("其他结果", _num(row.get("other"))),
        ("尚未审结", _num(row.get("pending"))),
    ]
