"""The annual report's application tables, counted from register rows.

Pure: the publisher turns its register into :class:`RegisterRow` values (no
personal data: the tables never need it) and these functions count them.

Counting rules of the 2021 table (国办公开办函〔2021〕30号), for year Y:

* 一 new: received in Y; 二 carried over: received before Y, not replied by
  the end of Y-1;
* 三 results: replied in Y (whenever received), by outcome row;
* 四 carried forward: received by the end of Y, not replied by then.

So 一 + 二 = 三 + 四 holds by construction, and the content model checks it.
Table 四 (review and litigation) counts the cases filed in Y, with the result
known at the end of Y (a case decided later is 尚未审结).

The 2008 table counts applications received in Y by channel and replies given
in Y as 同意公开 (予以公开), 同意部分公开 (部分公开) and 否决 (不予公开, 无法提供
and 不予处理: the 2008 Regulations had no finer rows); 其他处理 (withdrawn, fee
unpaid) is no reply and is left out of the reply total.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from content.applications._vocab import (
    AppealKind,
    AppealResult,
    ApplicantKind,
    Channel,
    Outcome,
)
from content.models import (
    ApplicantCounts,
    ApplicationChannels,
    ApplicationResults,
    ApplicationsTable,
    LegacyStats2008,
    NotProcessedRows,
    OtherRows,
    RefusedRows,
    ReviewLitigation,
    ReviewOutcome,
    UnableRows,
)

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date

__all__ = [
    "AppealRow",
    "RegisterRow",
    "applications_table",
    "legacy_application_stats",
    "review_litigation",
]


@dataclass(frozen=True, slots=True)
class AppealRow:
    """A reconsideration or lawsuit about an application's reply."""

    kind: AppealKind
    filed_on: date
    result: AppealResult = AppealResult.PENDING
    decided_on: date | None = None


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """What the statistics need of one application: dates, kinds, outcome. No person."""

    received: date
    channel: Channel
    applicant_kind: ApplicantKind
    replied_on: date | None = None
    outcome: Outcome | None = None
    appeals: tuple[AppealRow, ...] = field(default=())


def applications_table(rows: Iterable[RegisterRow], year: int) -> ApplicationsTable:
    """Table 三 (收到和处理政府信息公开申请情况) for ``year``, validated by the content model."""
    new: Counter[ApplicantKind] = Counter()
    carried_over: Counter[ApplicantKind] = Counter()
    forward: Counter[ApplicantKind] = Counter()
    results: dict[Outcome, Counter[ApplicantKind]] = {outcome: Counter() for outcome in Outcome}
    for row in rows:
        kind = row.applicant_kind
        replied_year = row.replied_on.year if row.replied_on is not None else None
        if row.received.year == year:
            new[kind] += 1
        elif row.received.year < year and (replied_year is None or replied_year >= year):
            carried_over[kind] += 1
        if replied_year == year and row.outcome is not None:
            results[row.outcome][kind] += 1
        if row.received.year <= year and (replied_year is None or replied_year > year):
            forward[kind] += 1
    groups: dict[str, dict[str, ApplicantCounts]] = {}
    for outcome, counts in results.items():
        if outcome.reason:
            groups.setdefault(outcome.group, {})[outcome.reason] = _counts(counts)
    total: Counter[ApplicantKind] = Counter()
    for counts in results.values():
        total.update(counts)
    return ApplicationsTable(
        new=_counts(new),
        carried_over=_counts(carried_over),
        result=ApplicationResults(
            disclosed=_counts(results[Outcome.DISCLOSED]),
            partially_disclosed=_counts(results[Outcome.PARTIALLY_DISCLOSED]),
            refused=RefusedRows(**groups.get("refused", {})),
            unable=UnableRows(**groups.get("unable", {})),
            not_processed=NotProcessedRows(**groups.get("not_processed", {})),
            other=OtherRows(**groups.get("other", {})),
            total=_counts(total),
        ),
        carried_forward=_counts(forward),
    )


def review_litigation(rows: Iterable[RegisterRow], year: int) -> ReviewLitigation:
    """Table 四 for ``year``: cases filed in the year, by result as known at its end."""
    counts: dict[AppealKind, Counter[AppealResult]] = {kind: Counter() for kind in AppealKind}
    for row in rows:
        for appeal in row.appeals:
            if appeal.filed_on.year != year:
                continue
            decided = appeal.decided_on is not None and appeal.decided_on.year <= year
            result = appeal.result if decided else AppealResult.PENDING
            counts[appeal.kind][result] += 1
    return ReviewLitigation(
        **{
            kind.value: ReviewOutcome(
                **{result.value: tally[result] for result in AppealResult},
                total=sum(tally.values()),
            )
            for kind, tally in counts.items()
        }
    )


def legacy_application_stats(rows: Iterable[RegisterRow], year: int) -> LegacyStats2008:
    """The application rows of the 2008 table for ``year`` (channels, replies, appeals)."""
    channels: Counter[Channel] = Counter()
    replies: Counter[str] = Counter()
    reconsiderations = lawsuits = 0
    for row in rows:
        if row.received.year == year:
            channels[row.channel] += 1
        if row.replied_on is not None and row.replied_on.year == year and row.outcome is not None:
            replies[_legacy_reply(row.outcome)] += 1
        for appeal in row.appeals:
            if appeal.filed_on.year == year:
                if appeal.kind is AppealKind.RECONSIDERATION:
                    reconsiderations += 1
                else:
                    lawsuits += 1
    granted, partly, refused = replies["granted"], replies["partly"], replies["refused"]
    return LegacyStats2008(
        applications_total=sum(channels.values()),
        applications_by_channel=ApplicationChannels(
            **{channel.value: channels[channel] for channel in Channel}
        ),
        replies_total=granted + partly + refused,
        replies_granted=granted,
        replies_partially_granted=partly,
        replies_refused=refused,
        reconsiderations=reconsiderations,
        lawsuits=lawsuits,
    )


def _legacy_reply(outcome: Outcome) -> str:
    if outcome is Outcome.DISCLOSED:
        return "granted"
    if outcome is Outcome.PARTIALLY_DISCLOSED:
        return "partly"
    return "none" if outcome.group == "other" else "refused"


def _counts(counter: Counter[ApplicantKind]) -> ApplicantCounts:
    values = {kind.value: counter[kind] for kind in ApplicantKind}
    return ApplicantCounts(**values, total=sum(values.values()))
