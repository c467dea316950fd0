"""Line breaking and paging for CJK text on a fixed-width board.

Chinese is broken between any two characters; a run of Latin letters and
digits (``63%``, ``2026``, ``G105``) is kept whole unless it alone is wider than
the line. The Chinese line-breaking rules (禁则, ``content.linebreak``) apply:
no line starts with closing punctuation (，。、）》…), and no line ends with
opening punctuation (（《“…); the character before the break moves down with
it instead. Nothing is ever cut inside a character: text that does not fit one
page goes on to the next.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from content.linebreak import may_end_line, may_start_line

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["break_lines", "pages"]

# A word: Latin letters, digits and what binds to them (63%, 3.5, G-105, 08:30).
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%:/\-+]*|\s+|.", re.DOTALL)


def break_lines(text: str, width: int, measure: Callable[[str], int]) -> list[str]:
    """Break ``text`` into lines at most ``width`` pixels wide.

    ``measure`` gives a string's width in pixels. Explicit newlines are kept;
    spaces at a break are dropped.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_break_paragraph(paragraph, width, measure))
    return lines


def pages(lines: list[str], per_page: int) -> list[list[str]]:
    """Cut lines into pages of ``per_page`` lines (at least one page)."""
    per_page = max(1, per_page)
    chunks = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    return chunks or [[]]


def _break_paragraph(text: str, width: int, measure: Callable[[str], int]) -> list[str]:
    tokens = _tokens(text, width, measure)
    lines: list[list[str]] = [[]]
    used = 0
    for token in tokens:
        size = measure(token)
        if used + size <= width or not lines[-1]:
            if token.isspace() and not lines[-1]:
                continue  # no line starts with a space
            lines[-1].append(token)
            used += size
            continue
        if token.isspace():
            continue  # the break eats the space
        carry = _carry(lines[-1], token)
        lines.append(carry)
        used = sum(measure(t) for t in carry)
        if used + size > width and carry:
            # Even with the carried character it does not fit: give up the rule.
            lines[-1] = []
            lines[-2].extend(carry)
            used = 0
        lines[-1].append(token)
        used += size
    return ["".join(line).rstrip() for line in lines if "".join(line).strip()] or [""]


def _carry(line: list[str], token: str) -> list[str]:
    """Tokens to move from the end of ``line`` to the next line, before ``token``."""
    carry: list[str] = []
    # A closing mark may not start the next line: take the previous token along.
    if not may_start_line(token):
        while len(line) > 1:
            carry.insert(0, line.pop())
            if may_start_line(carry[0]):  # "。”" moves down with the character before
                break
    while line and line[-1].isspace():
        line.pop()  # the break eats the space
    # An opening mark may not end this line.
    while len(line) > 1 and not may_end_line(line[-1]):
        carry.insert(0, line.pop())
    while line and line[-1].isspace():
        line.pop()
    return carry


def _tokens(text: str, width: int, measure: Callable[[str], int]) -> list[str]:
    out: list[str] = []
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if len(token) > 1 and not token.isspace() and measure(token) > width:
            out.extend(token)  # a word wider than the line breaks per character
        else:
            out.append(token)
    return out
