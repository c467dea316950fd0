"""Annual-report statistics (年度报告) as bar charts, not only tables.

``report_charts`` reads a report record (the entity's JSON: its ``stats`` are
one of the three formats of ``content.models._annual_report``) and returns
three to five charts with Chinese titles.  A figure that is missing (``None``
or absent, common in 2008-2018 reports) drops its bar, a chart without bars is
dropped, and nothing here raises on partial data.  Zero figures are kept:
"0 lawsuits" is information.

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
from typing import Any

from kiosk.viewmodels.text import plain

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


#: 2019/2021 applications table: applicant columns and their printed names.
APPLICANT_LABELS = (
    ("natural_person", "自然人"),
    ("business", "商业企业"),
    ("research", "科研机构"),
    ("public_interest_org", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他组织"),
)

#: Legacy (2008-2018) application channels and their printed names.
CHANNEL_LABELS = (
    ("in_person", "当面申请"),
    ("fax", "传真申请"),
    ("email", "电子邮件申请"),
    ("online", "网上申请"),
    ("letter", "信函申请"),
    ("other", "其他形式"),
)

#: Legacy refusal reasons (2008 Regulations) and their printed names.
REFUSAL_LABELS = (
    ("not_gov_info", "不是政府信息"),
    ("not_exist", "信息不存在"),
    ("not_held", "非本机关掌握"),
    ("unclear", "申请内容不明确"),
    ("exempt_1", "涉及国家秘密"),
    ("exempt_2", "涉及商业秘密"),
    ("exempt_3", "涉及个人隐私"),
    ("exempt_4", "危及三安全一稳定"),
    ("exempt_5", "法律法规禁止公开"),
    ("exempt_6", "其他免予公开"),
    ("exempt_7", "其他免予公开（二）"),
    ("other", "其他原因"),
)

#: 2019/2021 outcome groups: field, printed name.
RESULT_LABELS = (
    ("disclosed", "予以公开"),
    ("partially_disclosed", "部分公开"),
    ("refused", "不予公开"),
    ("unable", "无法提供"),
    ("not_processed", "不予处理"),
    ("other", "其他处理"),
)

#: Review and litigation rows: field, printed name.
REVIEW_LABELS = (
    ("reconsideration", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after_reconsideration", "复议后起诉"),
)
OUTCOME_LABELS = (
    ("upheld", "维持"),
    ("corrected", "纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
)


def report_charts(record: Mapping[str, Any]) -> tuple[Chart, ...]:
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
    if kind == "legacy_2008":
        charts = _legacy(stats)
    elif kind in {"trial_2019", "revised_2021"}:
        charts = _tables(stats, revised=kind == "revised_2021")
    else:
        charts = []
    return tuple(chart for chart in charts if chart is not None)


# --- building blocks ------------------------------------------------------------------


def _num(value: Any) -> int | float | None:
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


def _get(data: Any, *path: str) -> Any:
    """``data[a][b]…`` or None where any level is missing or not a mapping."""
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _chart(
    title: str, unit: str, pairs: list[tuple[str, int | float | None]], note: str | None = None
) -> Chart | None:
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


def _legacy(stats: Mapping[str, Any]) -> list[Chart | None]:
    def figure(*path: str) -> int | float | None:
        return _num(_get(stats, *path))

    total = figure("proactive_total")
    proactive = _chart(
        "主动公开政府信息",
        "条",
        [
            ("主动公开总数", total),
            ("通过政府网站", figure("proactive_via_website")),
            ("通过政府公报", figure("proactive_via_gazette")),
            ("全文电子化", figure("proactive_fulltext_electronic")),
            ("新增规范性文件", figure("new_normative_docs")),
        ],
    )
    applications = figure("applications_total")
    channels = _chart(
        "依申请公开：申请渠道",
        "件",
        [(name, figure("applications_by_channel", key)) for key, name in CHANNEL_LABELS],
        f"全年收到申请{_fmt(applications)}件" if applications is not None else None,
    )
    replies = figure("replies_total")
    results = _chart(
        "依申请公开：答复结果",
        "件",
        [
            ("同意公开", figure("replies_granted")),
            ("同意部分公开", figure("replies_partially_granted")),
            ("不予公开", figure("replies_refused")),
        ],
        f"答复总数{_fmt(replies)}件" if replies is not None else None,
    )
    reasons = [(name, figure("refusal_reasons", key)) for key, name in REFUSAL_LABELS]
    # The reasons chart only when some reason was counted (most reports give none).
    refusals = _chart("不予公开的理由", "件", reasons) if any(v for _, v in reasons) else None
    review = _chart(
        "行政复议、诉讼与申诉",
        "件",
        [
            ("行政复议", figure("reconsiderations")),
            ("行政诉讼", figure("lawsuits")),
            ("行政申诉", figure("complaints")),
        ],
    )
    enquiries = _chart(
        "咨询与查阅",
        "人次",
        [
            ("现场接待", figure("onsite_visitors")),
            ("网上咨询", figure("online_enquiries")),
            ("电话咨询", figure("phone_enquiries")),
            ("网站专栏访问", figure("web_column_visits")),
        ],
    )
    charts = [proactive, channels, results, refusals, review, enquiries]
    present: list[Chart | None] = [c for c in charts if c is not None]
    # At most five: the enquiries chart is the first to go.
    return present[:5]


# --- 2019 and 2021 tables -------------------------------------------------------------


def _tables(stats: Mapping[str, Any], *, revised: bool) -> list[Chart | None]:
    apps = _get(stats, "applications")
    proactive = _get(stats, "proactive")
    decisions, docs = _proactive_2021(proactive) if revised else _proactive_2019(proactive)
    return [
        _applicants(apps),
        _outcomes(apps),
        decisions,
        docs,
        _reviews(_get(stats, "review_litigation")),
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


def _applicants(apps: Any) -> Chart | None:
    new = _get(apps, "new")
    note = _notes(
        ("本年新收申请{}件", _num(_get(new, "total"))),
        ("上年结转{}件", _num(_get(apps, "carried_over", "total"))),
    )
    pairs = [(name, _num(_get(new, key))) for key, name in APPLICANT_LABELS]
    return _chart("依申请公开：申请人类型", "件", pairs, note)


def _outcomes(apps: Any) -> Chart | None:
    result = _get(apps, "result")
    pairs: list[tuple[str, int | float | None]] = []
    for key, name in RESULT_LABELS:
        group = _get(result, key)
        if key in {"disclosed", "partially_disclosed"}:
            pairs.append((name, _num(_get(group, "total"))))
        elif isinstance(group, Mapping):  # a group of reason rows: their totals added
            pairs.append((name, _sum([_num(_get(row, "total")) for row in group.values()])))
    note = _notes(
        ("办结{}件", _num(_get(result, "total", "total"))),
        ("结转下年度继续办理{}件", _num(_get(apps, "carried_forward", "total"))),
    )
    return _chart("依申请公开：办理结果", "件", pairs, note)


def _proactive_2021(proactive: Any) -> tuple[Chart | None, Chart | None]:
    decisions = _chart(
        "主动公开：行政决定",
        "件",
        [
            ("行政许可", _num(_get(proactive, "licensing_decisions"))),
            ("行政处罚", _num(_get(proactive, "penalty_decisions"))),
            ("行政强制", _num(_get(proactive, "coercion_decisions"))),
        ],
    )
    docs = _chart(
        "主动公开：行政规范性文件",
        "件",
        [
            ("本年制发", _num(_get(proactive, "normative_docs", "issued"))),
            ("本年废止", _num(_get(proactive, "normative_docs", "repealed"))),
            ("现行有效", _num(_get(proactive, "normative_docs", "in_force"))),
        ],
    )
    return decisions, docs


def _proactive_2019(proactive: Any) -> tuple[Chart | None, Chart | None]:
    decisions = _chart(
        "主动公开：行政决定",
        "件",
        [
            ("行政许可", _num(_get(proactive, "licensing", "decisions"))),
            ("其他对外管理服务", _num(_get(proactive, "other_services", "decisions"))),
            ("行政处罚", _num(_get(proactive, "penalty", "decisions"))),
            ("行政强制", _num(_get(proactive, "coercion", "decisions"))),
        ],
    )
    docs = _chart(
        "主动公开：规范性文件",
        "件",
        [
            ("本年新制作", _num(_get(proactive, "normative_docs", "new_made"))),
            ("本年新公开", _num(_get(proactive, "normative_docs", "new_disclosed"))),
            ("对外公开总数", _num(_get(proactive, "normative_docs", "total_disclosed"))),
        ],
    )
    return decisions, docs


def _reviews(review: Any) -> Chart | None:
    pairs = [(name, _num(_get(review, key, "total"))) for key, name in REVIEW_LABELS]
    details = []
    for key, name in REVIEW_LABELS:
        parts = [
            f"{label}{_fmt(value)}件"
            for field, label in OUTCOME_LABELS
            if (value := _num(_get(review, key, field)))
        ]
        if parts:
            details.append(f"{name}：" + "、".join(parts))
    return _chart("行政复议和行政诉讼", "件", pairs, "；".join(details) or None)
