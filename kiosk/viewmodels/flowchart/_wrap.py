"""Box and label text broken into balanced lines of at most so many characters.

Chinese breaks between any two characters; the lines are balanced (两行 of 7
and 6 rather than 12 and 1), and the Chinese line-breaking rules (禁则,
``content.linebreak``) move one character down where a line would otherwise
start with closing punctuation or end with an opening one.
"""

from __future__ import annotations

import math

from content.linebreak import may_break_between

__all__ = ["wrap"]


def wrap(text: str, per_line: int) -> tuple[str, ...]:
    """Break text into lines of at most ``per_line`` characters (CJK: any character).

    Runs of white space become one space, and no line starts or ends with one.
    """
    words = " ".join(text.split())
    greedy = _greedy(words, per_line)
    if len(greedy) < 2:
        return greedy
    even = _greedy(words, math.ceil(len(words) / len(greedy)))
    return even if len(even) <= len(greedy) else greedy


def _greedy(words: str, per_line: int) -> tuple[str, ...]:
    lines: list[str] = []
    while len(words) > per_line:
        take = per_line
        if take > 1 and not may_break_between(words[take - 1], words[take]):
            take -= 1  # the character before the break moves down with it
        lines.append(words[:take].rstrip())
        words = words[take:].lstrip()
    if words or not lines:
        lines.append(words)
    return tuple(lines)
