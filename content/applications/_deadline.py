"""Reply deadlines of an application on the working-day calendar (条例第三十条至第三十三条).

* Art. 33: reply within 20 working days of receipt; one extension of at most 20
  more working days.
* Art. 30: the agency asks for a correction (补正) within 7 working days of
  receipt; the reply period then starts again from the day the corrected
  application is received. While the applicant has not answered, no clock runs.
* Art. 32 and 33 (2nd paragraph): the time spent consulting a third party (who
  has 15 working days to answer) is not counted.

Working days after the start day count, the start day itself does not (see
:meth:`content.workdays.WorkdayCalendar.add_workdays`). A deadline reaching into
a year without a State Council notice is computed by the weekday rule and says
so in :attr:`Deadline.guessed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from content.applications._vocab import EventKind, Status

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import date

    from content.workdays import WorkdayCalendar

__all__ = [
    "CONSULTATION_DAYS",
    "CORRECTION_NOTICE_DAYS",
    "EXTENSION_DAYS",
    "GUESS_WARNING",
    "REPLY_DAYS",
    "Deadline",
    "TimelineEvent",
    "deadline",
    "is_open",
    "kinds_since_restart",
    "status_of",
]

REPLY_DAYS: Final = 20
EXTENSION_DAYS: Final = 20
CORRECTION_NOTICE_DAYS: Final = 7
CONSULTATION_DAYS: Final = 15
#: The words shown beside a deadline that falls in a year with no holiday notice yet.
GUESS_WARNING: Final = "期限涉及尚未公布节假日安排的年份，按周一至周五推算，请在通知公布后复核"


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One dated event of an application's life (only the kinds that move the clock matter)."""

    kind: EventKind
    on: date


@dataclass(frozen=True, slots=True)
class Deadline:
    """Where an application's reply period stands on ``today``.

    ``due`` is None while the applicant owes a correction (no clock runs).
    ``days_left`` counts working days from ``today`` to ``due``: 0 on the due
    day, negative once overdue; None when no clock runs or it has been replied.
    ``paused`` is true while a third-party consultation is open: ``due`` then
    counts the pause up to ``today`` and moves on with each working day.
    """

    status: Status
    clock_start: date
    due: date | None
    days_left: int | None
    extended: bool
    paused: bool
    paused_workdays: int
    guessed: bool
    correction_notice_by: date
    consultation_due: date | None = None
    replied_on: date | None = None

    @property
    def overdue(self) -> bool:
        """Whether the reply is late (still open past ``due``, or given after it)."""
        if self.due is None:
            return False
        if self.replied_on is not None:
            return self.replied_on > self.due
        return self.days_left is not None and self.days_left < 0

    @property
    def warning(self) -> str:
        """What staff must be told beside the date ('' when nothing)."""
        return GUESS_WARNING if self.guessed else ""


def deadline(
    *,
    received: date,
    events: Iterable[TimelineEvent],
    calendar: WorkdayCalendar,
    today: date,
) -> Deadline:
    """The reply deadline of an application received on ``received``, given its events.

    Events are taken in date order; a correction received restarts the period
    (and forgets an extension or pause before it, which belonged to the old one).
    """
    ordered = sorted(events, key=lambda event: event.on)
    start = received
    extended = False
    awaiting_correction = False
    paused_days = 0
    open_since: date | None = None
    replied_on: date | None = None
    for event in ordered:
        match event.kind:
            case EventKind.CORRECTION_REQUESTED:
                awaiting_correction = True
            case EventKind.CORRECTION_RECEIVED:
                start, awaiting_correction = event.on, False
                extended, paused_days, open_since = False, 0, None
            case EventKind.CONSULTATION_STARTED:
                open_since = open_since or event.on
            case EventKind.CONSULTATION_ANSWERED if open_since is not None:
                paused_days += max(0, calendar.workdays_between(open_since, event.on))
                open_since = None
            case EventKind.EXTENDED:
                extended = True
            case EventKind.REPLIED:
                replied_on = event.on
            case _:
                pass
    consultation_due = (
        calendar.add_workdays(open_since, CONSULTATION_DAYS) if open_since is not None else None
    )
    if open_since is not None and replied_on is None:
        paused_days += max(0, calendar.workdays_between(open_since, today))
    notice_by = calendar.add_workdays(received, CORRECTION_NOTICE_DAYS)
    status = status_of([event.kind for event in ordered])
    if awaiting_correction and replied_on is None:
        return Deadline(
            status=status,
            clock_start=start,
            due=None,
            days_left=None,
            extended=extended,
            paused=False,
            paused_workdays=paused_days,
            guessed=calendar.guessed_between(received, notice_by),
            correction_notice_by=notice_by,
            replied_on=replied_on,
        )
    allowed = REPLY_DAYS + (EXTENSION_DAYS if extended else 0) + paused_days
    due = calendar.add_workdays(start, allowed)
    return Deadline(
        status=status,
        clock_start=start,
        due=due,
        days_left=None if replied_on is not None else calendar.workdays_between(today, due),
        extended=extended,
        paused=open_since is not None and replied_on is None,
        paused_workdays=paused_days,
        guessed=calendar.guessed_between(start, due),
        correction_notice_by=notice_by,
        consultation_due=consultation_due,
        replied_on=replied_on,
    )


def status_of(kinds: Sequence[str]) -> Status:
    """Where an application stands after events of ``kinds``, in date order."""
    if EventKind.REPLIED in kinds:
        return Status.REPLIED
    if _open(kinds, EventKind.CORRECTION_REQUESTED, EventKind.CORRECTION_RECEIVED):
        return Status.NEEDS_CORRECTION
    if EventKind.EXTENDED in kinds_since_restart(kinds):
        return Status.EXTENDED
    return Status.IN_PROGRESS if kinds else Status.RECEIVED


def kinds_since_restart(kinds: Sequence[str]) -> Sequence[str]:
    """The events of the current reply period: those after the last correction received."""
    return kinds[_last_index(kinds, EventKind.CORRECTION_RECEIVED) + 1 :]


def is_open(kinds: Sequence[str], start: EventKind, end: EventKind) -> bool:
    """Whether the last ``start`` (补正 requested, consultation started) has no ``end`` yet."""
    return _open(kinds, start, end)


def _open(kinds: Sequence[str], start: EventKind, end: EventKind) -> bool:
    return _last_index(kinds, start) > _last_index(kinds, end)


def _last_index(kinds: Sequence[str], kind: EventKind) -> int:
    return max((i for i, k in enumerate(kinds) if k == kind), default=-1)
