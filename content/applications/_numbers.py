"""Register numbers (余府依申〔2026〕17号) and the digits a visitor types for them."""

from __future__ import annotations

import re
from typing import Final

__all__ = ["DEFAULT_PATTERN", "lookup_digits", "register_number", "split_digits"]

#: The default register number; ``{year}`` and ``{serial}`` are filled in.
DEFAULT_PATTERN: Final = "依申〔{year}〕{serial}号"
_FIELDS: Final = re.compile(r"\{(\w+)\}")


def register_number(pattern: str, *, year: int, serial: int) -> str:
    """The register number of the ``serial``-th application of ``year``.

    Raises:
        ValueError: the pattern lacks ``{year}`` or ``{serial}``, or names another field.
    """
    names = set(_FIELDS.findall(pattern))
    if names != {"year", "serial"}:
        raise ValueError("a register number pattern holds exactly {year} and {serial}")
    return pattern.replace("{year}", str(year)).replace("{serial}", str(serial))


def lookup_digits(*, year: int, serial: int) -> str:
    """What a visitor types at the kiosk for a register number: the year, then the serial."""
    return f"{year}{serial}"


def split_digits(digits: str) -> tuple[int, int] | None:
    """``(year, serial)`` from typed digits (``202617`` → 2026, 17), or None if not such digits."""
    if not digits.isascii() or not digits.isdigit() or not 5 <= len(digits) <= 10:
        return None
    return int(digits[:4]), int(digits[4:])
