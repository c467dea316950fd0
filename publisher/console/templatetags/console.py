"""``{% load console %}``: names staff read instead of ids."""

from __future__ import annotations

from django import template
from django.conf import settings

from content.models import COUNTY_SCOPE

__all__ = ["magnitude", "town_name"]

register = template.Library()


@register.filter
def town_name(scope: str) -> str:
    """``town-nanan`` → 南安镇 (the id if the town is not configured); ``county`` → 全县."""
    if scope == COUNTY_SCOPE:
        return "全县"
    town = scope.removeprefix("town-")
    towns: dict[str, str] = settings.GONGKAI_TOWNS
    return towns.get(town, town)


@register.filter
def magnitude(value: int | None) -> int:
    """The number without its sign (days overdue are negative days left)."""
    return abs(value or 0)
