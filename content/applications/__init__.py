"""Disclosure on application (依申请公开): the register's vocabulary, deadlines and tables.

Pure, like the rest of ``content``: the publisher keeps the register (with the
applicants' personal data, which never comes here) and uses these rules; the
kiosk uses the statuses' words.

* vocabulary: :class:`Channel`, :class:`ApplicantKind`, :class:`EventKind`,
  :class:`Status`, :class:`Outcome` (the 2021 table's rows), :class:`AppealKind`,
  :class:`AppealResult`;
* :func:`deadline`: the reply deadline on the working-day calendar (arts. 30-33);
* :func:`applications_table`, :func:`review_litigation`,
  :func:`legacy_application_stats`: the annual report's tables from register rows;
* :func:`proactive_2021`, :func:`legacy_proactive`: section 二 from the catalogue;
* :func:`register_number`, :func:`lookup_digits`: register numbers and what a
  visitor types for one.
"""

from typing import TYPE_CHECKING

from content import lazy
from content.applications._deadline import (
    CONSULTATION_DAYS,
    CORRECTION_NOTICE_DAYS,
    EXTENSION_DAYS,
    GUESS_WARNING,
    REPLY_DAYS,
    Deadline,
    TimelineEvent,
    deadline,
    is_open,
    kinds_since_restart,
    status_of,
)
from content.applications._numbers import (
    DEFAULT_PATTERN,
    lookup_digits,
    register_number,
    split_digits,
)
from content.applications._vocab import (
    OUTCOME_GROUPS,
    AppealKind,
    AppealResult,
    ApplicantKind,
    Channel,
    EventKind,
    Outcome,
    Status,
)

if TYPE_CHECKING:
    from content.applications._proactive import (
        ProactiveFigures,
        legacy_proactive,
        proactive_2021,
    )
    from content.applications._stats import (
        AppealRow,
        RegisterRow,
        applications_table,
        legacy_application_stats,
        review_litigation,
    )

# The report's tables build the pydantic models (~130 ms): loaded when first used,
# so `gongkai` (whose parser registers the register's commands) starts without them.
__getattr__ = lazy.exports(
    globals(),
    {
        **dict.fromkeys(
            ("ProactiveFigures", "legacy_proactive", "proactive_2021"),
            "content.applications._proactive",
        ),
        **dict.fromkeys(
            (
                "AppealRow",
                "RegisterRow",
                "applications_table",
                "legacy_application_stats",
                "review_litigation",
            ),
            "content.applications._stats",
        ),
    },
)

__all__ = [
    "CONSULTATION_DAYS",
    "CORRECTION_NOTICE_DAYS",
    "DEFAULT_PATTERN",
    "EXTENSION_DAYS",
    "GUESS_WARNING",
    "OUTCOME_GROUPS",
    "REPLY_DAYS",
    "AppealKind",
    "AppealResult",
    "AppealRow",
    "ApplicantKind",
    "Channel",
    "Deadline",
    "EventKind",
    "Outcome",
    "ProactiveFigures",
    "RegisterRow",
    "Status",
    "TimelineEvent",
    "applications_table",
    "deadline",
    "is_open",
    "kinds_since_restart",
    "legacy_application_stats",
    "legacy_proactive",
    "lookup_digits",
    "proactive_2021",
    "register_number",
    "review_litigation",
    "split_digits",
    "status_of",
]
