"""The working-day calendar of this publisher: the State Council's notices plus ``[calendar]``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from content.workdays import official_calendar

if TYPE_CHECKING:
    from content.workdays import WorkdayCalendar
    from publisher.config import CalendarSection

__all__ = ["office_calendar"]


def office_calendar(section: CalendarSection) -> WorkdayCalendar:
    """The official calendar with the office's overrides from ``gongkai.toml``."""
    return official_calendar(
        extra_holidays=section.holidays,
        extra_makeup_workdays=section.makeup_workdays,
        extra_years=frozenset(section.years),
    )
