"""What 朗读 reads on each screen: a short summary first, the rest on 继续朗读.

A power item read in one go took 3.7 minutes; a listener wants what it is,
who handles it, how long it takes, what it costs and whom to call, then may
ask for more.  Every text here is in its spoken form (``spoken``), ready for
any ``Speaker``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.viewmodels.blocks import Fields, Heading, Paragraph, ProgressBlock, Timeline
from kiosk.viewmodels.spoken import digits, spoken

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kiosk.viewmodels.blocks import Block

__all__ = ["DIGIT_FIELDS", "SUMMARY_FIELDS", "Reading", "detail_reading", "list_reading"]

#: Values read one character at a time whatever their length.
DIGIT_FIELDS = frozenset(
    {"事项编码", "监督电话", "联系电话", "电话", "传真", "邮政编码", "索引号", "咨询电话"}
)
#: The fields of a summary, where a detail has them (else its first fields are read).
SUMMARY_FIELDS = (
    "权力类别",
    "实施主体",
    "承办机构",
    "承诺时限",
    "法定时限",
    "收费",
    "监督电话",
    "单位",
    "职务",
    "进度状态",
    "牵头单位",
    "完成时限",
    "发布机构",
    "发布单位",
    "发布日期",
    "公示期",
    "办公地址",
    "地址",
    "办公时间",
    "联系电话",
    "电话",
)
#: A summary reads at most this many fields.
SUMMARY_ROWS = 7


@dataclass(frozen=True)
class Reading:
    """What 朗读 says on a screen: ``summary`` first, ``more`` on 继续朗读 (may be empty)."""

    summary: str
    more: str = ""


def field_text(key: str, value: str) -> str:
    """One field as it is said: ``监督电话，零七九七，八七一二三四五``."""
    said = digits(value) if key in DIGIT_FIELDS else spoken(value)
    return f"{key}，{said}"


def detail_reading(title: str, subtitle: str, blocks: Sequence[Block]) -> Reading:
    """A detail's summary (title, who, time limit, fee, phone …) and the rest in order."""
    fields = [row for block in blocks if isinstance(block, Fields) for row in block.rows]
    chosen = [row for row in fields if row[0] in SUMMARY_FIELDS][:SUMMARY_ROWS]
    if not chosen:
        chosen = fields[:SUMMARY_ROWS]
    values = {v for _, v in chosen}
    # A subtitle such as 行政许可 · 某局 says again what the summary's fields say.
    said_again = "，".join(p for p in map(str.strip, subtitle.split("·")) if p not in values)
    summary = [spoken(title), spoken(said_again), *(field_text(k, v) for k, v in chosen)]
    rest: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            rest.append(spoken(block.text))
        elif isinstance(block, Fields):
            rest.extend(field_text(k, v) for k, v in block.rows if (k, v) not in chosen)
        elif isinstance(block, Paragraph):
            rest.append(spoken(block.text))
        elif isinstance(block, ProgressBlock):
            rest.append(spoken(f"{block.label}，{block.text}，{block.status}"))
        elif isinstance(block, Timeline) and block.items:
            rest.append(spoken(f"{block.items[0][0]}，{block.items[0][1]}"))
    return Reading(_sentences(summary), _sentences(rest))


def list_reading(heading: str, titles: Sequence[str], total: int, *, shown: int = 5) -> Reading:
    """A list screen: what it is, how many, the first few titles; the next ones on 继续朗读."""
    if not total:
        return Reading(spoken(f"{heading}。暂无内容。请按返回查看其他内容"))
    first = [f"第{n}条，{t}" for n, t in enumerate(titles[:shown], 1)]
    head = f"{heading}，共{total}条。轻触一条可查看详情"
    more = [f"第{n}条，{t}" for n, t in enumerate(titles[shown : shown * 3], shown + 1)]
    return Reading(_sentences([spoken(head), *map(spoken, first)]), _sentences(map(spoken, more)))


def _sentences(parts: Sequence[str] | map[str]) -> str:
    return "。".join(p.strip("。 ，") for p in parts if p.strip("。 ，"))
