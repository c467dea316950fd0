"""Dates and times as county sites write them, read as Beijing time."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone

from content.county_time import SHANGHAI
from content.errors import NormalizeError

_BRACKETS = str.maketrans(dict.fromkeys("[]【】()（）〔〕［］<>《》", " "))
_DATETIME = re.compile(
    r"""^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?
        (?:\s*T?\s*(?P<H>\d{1,2})\s*[:时]\s*(?P<M>\d{1,2})
           (?:\s*[:分]\s*(?P<S>\d{1,2})(?:\.(?P<F>\d+))?\s*秒?)?\s*分?)?
        \s*(?P<tz>Z|[+-]\d{2}:?\d{2})?$""",
    re.VERBOSE,
)
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_EPOCH_S = re.compile(r"^\d{9,10}(?:\.\d+)?$")
_EPOCH_MS = re.compile(r"^\d{12,13}$")
_DEADLINE = re.compile(
    r"^(?P<y>\d{4})\s*年\s*(?:(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*日)?)?\s*"
    r"(?P<tail>底|末|上旬|中旬|下旬)?\s*(?:前|以前|之前|内)?\s*(?:完成|建成|竣工)?$"
)


def parse_datetime(value: str | int | float | date | datetime) -> datetime:  # noqa: PYI041
    """Read a date or time in any format county sites use, as Beijing time.

    Accepts ``2023-01-05``, ``2023-1-5``, ``2023/01/05``, ``2023.01.05``,
    ``2023年1月5日``, ``[2023-01-05]``, ``2023-01-05 10:21:33``, ISO 8601 with
    an offset, compact ``20230105`` and epoch seconds or milliseconds (as numbers
    or digit strings). Naive values are taken to be Beijing time.

    Returns:
        An aware datetime in Asia/Shanghai.

    Raises:
        NormalizeError: the value is not a recognisable date or time.
    """
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=SHANGHAI)
    if isinstance(value, bool):
        raise NormalizeError("datetime", value)
    if isinstance(value, int | float):
        # 12 or more digits can only be milliseconds (seconds would be after year 5000).
        return _from_epoch(value / 1000 if abs(value) >= 1e11 else value, value)
    text = unicodedata.normalize("NFKC", value).translate(_BRACKETS).strip()
    if _EPOCH_S.match(text):
        return _from_epoch(float(text), value)
    if _EPOCH_MS.match(text):
        return _from_epoch(int(text) / 1000, value)
    match = _DATETIME.match(text) or _COMPACT.match(text)
    if not match:
        raise NormalizeError("datetime", value)
    parts = match.groupdict()
    try:
        naive = datetime(  # noqa: DTZ001 - zone applied below
            int(parts["y"]),
            int(parts["m"]),
            int(parts["d"]),
            int(parts.get("H") or 0),
            int(parts.get("M") or 0),
            int(parts.get("S") or 0),
            int((parts.get("F") or "0")[:6].ljust(6, "0")),
        )
    except ValueError as exc:
        raise NormalizeError("datetime", value, str(exc)) from exc
    zone = parts.get("tz")
    if zone:
        return naive.replace(tzinfo=_offset(zone)).astimezone(SHANGHAI)
    return naive.replace(tzinfo=SHANGHAI)


def parse_date(value: str | int | float | date | datetime) -> date:  # noqa: PYI041
    """Read a date in any county-site format; see ``parse_datetime``.

    Raises:
        NormalizeError: the value is not a recognisable date.
    """
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return parse_datetime(value).date()
    except NormalizeError as exc:
        raise NormalizeError("date", value, exc.reason) from None


def parse_deadline(text: str) -> date:
    """Read a project deadline such as ``2023年12月底`` as its last day.

    ``2023年底`` is 31 December, ``2023年6月`` the month's last day,
    ``2023年6月上旬`` the 10th, and a full date is itself.

    Raises:
        NormalizeError: the text names no year.
    """
    normal = unicodedata.normalize("NFKC", text).strip()
    match = _DEADLINE.match(normal)
    if not match:
        try:
            return parse_date(normal)
        except NormalizeError:
            raise NormalizeError("deadline", text) from None
    year = int(match["y"])
    if not match["m"]:
        return date(year, 12, 31)
    month = int(match["m"])
    try:
        if match["d"]:
            return date(year, month, int(match["d"]))
        day = {"上旬": 10, "中旬": 20}.get(match["tail"] or "")
        return date(year, month, day or calendar.monthrange(year, month)[1])
    except (ValueError, calendar.IllegalMonthError) as exc:
        raise NormalizeError("deadline", text, str(exc)) from exc


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=SHANGHAI)
    return value.astimezone(SHANGHAI)


def _from_epoch(seconds: float, raw: object) -> datetime:
    try:
        return datetime.fromtimestamp(seconds, tz=UTC).astimezone(SHANGHAI)
    except (OverflowError, OSError, ValueError) as exc:
        raise NormalizeError("datetime", raw, str(exc)) from exc


def _offset(text: str) -> timezone:
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
