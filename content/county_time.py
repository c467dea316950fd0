"""The county's clock: every county this project serves keeps Beijing time.

One zone for the whole project (publisher schedules, board rules, the kiosk's
"today", dates read from county pages), so a rule can never be evaluated in
one zone and shown in another. China keeps no daylight saving time, so a
wall-clock time maps to exactly one instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from datetime import date, datetime

__all__ = ["COUNTY_TZ_NAME", "SHANGHAI", "county_today"]

#: The IANA name, for libraries that take a name (APScheduler, Django's TIME_ZONE).
COUNTY_TZ_NAME: Final = "Asia/Shanghai"
#: The zone itself.
SHANGHAI: Final = ZoneInfo(COUNTY_TZ_NAME)


def county_today(now: datetime) -> date:
    """The county's calendar date at the aware instant ``now``.

    Raises:
        ValueError: ``now`` is naive (its zone would be a guess).
    """
    if now.tzinfo is None:
        raise ValueError("county_today needs an aware datetime")
    return now.astimezone(SHANGHAI).date()
