"""Formatting of values for citizens: dates, percentages, enum labels, safe text.

Text from the county site is data, never markup: ``plain`` strips control
characters and the screens show it with Kivy markup off.  Where a screen needs
markup, ``markup_escape`` neutralises ``[`` ``]`` and ``&`` in every value.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from enum import StrEnum

__all__ = ["cn_date", "cn_datetime", "label", "markup_escape", "pct", "plain"]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def plain(value: Any) -> str:
    """A value as display text: control and bidi-override characters removed."""
    if value is None:
        return ""
    return _CONTROL.sub("", str(value)).strip()


def markup_escape(text: str) -> str:
    """Escape text for a Kivy label with markup on (same rules as kivy.utils.escape_markup)."""
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")


def cn_date(value: str | date | None) -> str:
    """``2026-01-04`` → ``2026年1月4日``; empty for None; unparseable text as is."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return plain(value)
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value: datetime) -> str:
    """``2026年11月26日 20:30`` in the value's own time zone."""
    return f"{cn_date(value.date())} {value:%H:%M}"


def pct(value: Any) -> float | None:
    """A completion percentage as a number in 0..100, or None when absent or bad."""
    try:
        number = float(str(value).rstrip("%"))
    except (TypeError, ValueError):
        return None
    return max(0.0, min(100.0, number))


def label(enum: type[StrEnum], value: Any, default: str = "") -> str:
    """The Chinese label of an enum value given as its string, or ``default``."""
    try:
        member = enum(value)
    except ValueError:
        return default or plain(value)
    found = getattr(member, "label", None)
    return str(found) if found else plain(value)
