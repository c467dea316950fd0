"""Annual-report statistics tables as published, and back again.

County pages print the statistics as tables with Chinese row labels; these
tables of labels are shared by whatever renders such a table and whatever reads
one, so the two always agree. Reading is lenient about numbering and spacing
(``一、``, ``（一）``, ``其中：``) and treats ``/``, ``—`` and empty cells as
"not applicable".
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from content.models import (
    APPLICANT_COLUMNS,
    ApplicantCounts,
    ApplicationChannels,
    ApplicationResults,
    ApplicationsTable,
    DocCounts2021,
    LegacyStats2008,
    NotProcessedRows,
    OtherRows,
    Proactive2021,
    RefusedRows,
    ReviewLitigation,
    ReviewOutcome,
    RevisedStats2021,
    UnableRows,
)
from content.normalize import normalize_label

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = [
    "LEGACY_ROWS",
    "REASON_LABELS",
    "RESULT_GROUP_LABELS",
    "REVIEW_ROWS",
    "legacy_stats_from_rows",
    "reason_row_label",
    "revised_stats_from_tables",
]

#: Legacy (2008-2018) table: row label → field (``channel.x`` for application channels).
LEGACY_ROWS: dict[str, str] = {
    "主动公开政府信息数": "proactive_total",
    "通过政府网站公开数": "proactive_via_website",
    "通过政府公报公开数": "proactive_via_gazette",
    "全文电子化主动公开数": "proactive_fulltext_electronic",
    "新增行政规范性文件数": "new_normative_docs",
    "申请总数": "applications_total",
    "当面申请数": "channel.in_person",
    "传真申请数": "channel.fax",
    "电子邮件申请数": "channel.email",
    "网上申请数": "channel.online",
    "信函申请数": "channel.letter",
    "其他形式申请数": "channel.other",
    "对申请的答复总数": "replies_total",
    "同意公开答复数": "replies_granted",
    "同意部分公开答复数": "replies_partially_granted",
    "否决公开答复数": "replies_refused",
    "行政复议数": "reconsiderations",
    "行政诉讼数": "lawsuits",
    "行政申诉数": "complaints",
}

#: 2021 applications table: the group headings of the outcome rows.
RESULT_GROUP_LABELS: dict[str, str] = {
    "refused": "（三）不予公开",
    "unable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}

#: 2021 applications table: the reason rows of each group, in printed order.
REASON_LABELS: dict[str, dict[str, str]] = {
    "refused": {
        "state_secret": "属于国家秘密",
        "other_law": "其他法律行政法规禁止公开",
        "three_security_one_stability": "危及“三安全一稳定”",
        "third_party": "保护第三方合法权益",
        "internal_affairs": "属于三类内部事务信息",
        "process_info": "属于四类过程性信息",
        "enforcement_file": "属于行政执法案卷",
        "admin_query": "属于行政查询事项",
    },
    "unable": {
        "not_held": "本机关不掌握相关政府信息",
        "needs_creation": "没有现成信息需要另行制作",
        "unclear_after_correction": "补正后申请内容仍不明确",
    },
    "not_processed": {
        "petition": "信访举报投诉类申请",
        "repeat": "重复申请",
        "publication": "要求提供公开出版物",
        "excessive": "无正当理由大量反复申请",
        "confirm_or_reissue": "要求行政机关确认或重新出具已获取信息",
    },
    "other": {
        "no_correction": "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "fee_unpaid": "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "other": "其他",
    },
}

#: 2021 review and litigation table: row label → field.
REVIEW_ROWS: dict[str, str] = {
    "行政复议": "reconsideration",
    "未经复议直接起诉": "litigation_direct",
    "复议后起诉": "litigation_after_reconsideration",
}

_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\(\d+\)|\d+[.、])+"
)
_NOT_APPLICABLE = {"", "/", "—", "-", "——", "无", "－"}


def legacy_stats_from_rows(
    rows: Sequence[Mapping[str, str]], *, header: Sequence[str] = ()
) -> LegacyStats2008:
    """Read a legacy statistics table (``label``, ``unit``, ``value`` columns).

    Rows with unknown labels are kept only in ``raw_table``.
    """
    values: dict[str, Any] = {}
    channels: dict[str, int | None] = {}
    for row in rows:
        field = LEGACY_ROWS.get(_bare(row.get("label", "")))
        if field is None:
            continue
        number = _int(row.get("value", ""))
        if field.startswith("channel."):
            channels[field.removeprefix("channel.")] = number
        else:
            values[field] = number
    raw = [tuple(header)] if header else []
    raw += [(row.get("label", ""), row.get("unit", ""), row.get("value", "")) for row in rows]
    return LegacyStats2008(
        **values, applications_by_channel=ApplicationChannels(**channels), raw_table=tuple(raw)
    )


def revised_stats_from_tables(
    *,
    proactive: Sequence[Mapping[str, str]],
    applications: Sequence[Mapping[str, str]],
    review: Sequence[Mapping[str, str]],
) -> RevisedStats2021:
    """Read the three tables of a 2021-format report.

    Args:
        proactive: rows with ``label`` and columns ``a``, ``b``, ``c``.
        applications: rows with ``label`` and the seven applicant columns.
        review: rows with ``label`` and ``upheld`` … ``total``.
    """
    docs: dict[str, DocCounts2021] = {}
    decisions: dict[str, int] = {}
    fee = Decimal(0)
    for row in proactive:
        label = _bare(row.get("label", ""))
        a, b, c = (_int(row.get(key, "")) or 0 for key in ("a", "b", "c"))
        if label == "规章":
            docs["rules"] = DocCounts2021(issued=a, repealed=b, in_force=c)
        elif label == "行政规范性文件":
            docs["normative_docs"] = DocCounts2021(issued=a, repealed=b, in_force=c)
        elif label.startswith("行政许可"):
            decisions["licensing_decisions"] = a
        elif label.startswith("行政处罚"):
            decisions["penalty_decisions"] = a
        elif label.startswith("行政强制"):
            decisions["coercion_decisions"] = a
        elif label.startswith("行政事业性收费"):
            fee = _decimal(row.get("a", "")) or Decimal(0)
    return RevisedStats2021(
        proactive=Proactive2021(**docs, **decisions, fee_amount_wan_yuan=fee),
        applications=_applications(applications),
        review_litigation=ReviewLitigation(
            **{
                REVIEW_ROWS[label]: ReviewOutcome(
                    **{k: _int(row.get(k, "")) or 0 for k in ReviewOutcome.model_fields}
                )
                for row in review
                if (label := _bare(row.get("label", ""))) in REVIEW_ROWS
            }
        ),
    )


def reason_row_label(group: str, index: int, name: str) -> str:
    """The printed label of a reason row, e.g. ``（三）不予公开 1.属于国家秘密``."""
    return f"{RESULT_GROUP_LABELS[group]} {index}.{REASON_LABELS[group][name]}"


def _applications(rows: Sequence[Mapping[str, str]]) -> ApplicationsTable:
    by_label: dict[str, ApplicantCounts] = {}
    for row in rows:
        counts = {column: _int(row.get(column, "")) or 0 for column in APPLICANT_COLUMNS}
        by_label[normalize_label(row.get("label", ""))] = ApplicantCounts(**counts)

    def find(word: str) -> ApplicantCounts:
        return next((c for label, c in by_label.items() if word in label), ApplicantCounts())

    def reason(heading: str, text: str) -> ApplicantCounts:
        for label, counts in by_label.items():
            if label.startswith(heading) and label.endswith(text):
                return counts
        return ApplicantCounts()

    groups: dict[str, Any] = {}
    for group, reasons in REASON_LABELS.items():
        heading = normalize_label(RESULT_GROUP_LABELS[group])
        groups[group] = {
            name: reason(heading, normalize_label(text)) for name, text in reasons.items()
        }
    return ApplicationsTable(
        new=find("本年新收"),
        carried_over=find("上年结转"),
        result=ApplicationResults(
            disclosed=find("予以公开"),
            partially_disclosed=find("部分公开"),
            refused=RefusedRows(**groups["refused"]),
            unable=UnableRows(**groups["unable"]),
            not_processed=NotProcessedRows(**groups["not_processed"]),
            other=OtherRows(**groups["other"]),
            total=find("总计"),
        ),
        carried_forward=find("结转下年度"),
    )


def _bare(label: str) -> str:
    text = normalize_label(label)
    text = _NUMBERING.sub("", text)
    return text.removeprefix("其中：").removeprefix("其中:").removeprefix("其中")


def _int(text: str) -> int | None:
    clean = text.replace(",", "").replace("，", "").strip()
    if clean in _NOT_APPLICABLE:
        return None
    try:
        return int(Decimal(clean))
    except InvalidOperation:
        return None


def _decimal(text: str) -> Decimal | None:
    clean = text.replace(",", "").strip()
    if clean in _NOT_APPLICABLE:
        return None
    try:
        return Decimal(clean)
    except InvalidOperation:
        return None
