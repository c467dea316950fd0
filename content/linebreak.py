"""The Chinese line-breaking rules (禁则): which characters may not start or end a line.

Chinese text breaks between any two characters, except where a break would
leave closing punctuation at the start of a line (。 ， ） 》 …) or opening
punctuation at the end of one (（ 《 “ …); the character next to the mark
moves to the other line with it instead.  One rule set serves every place the
project breaks Chinese text: the LED boards' lines (``publisher.boards.layout``)
and the kiosk's flowchart boxes and labels (``kiosk.viewmodels.flowchart``).

Where the sets come from: the prohibition rules for line start and end of the
W3C "Requirements for Chinese Text Layout" (clreq, 中文排版需求, section
"Prohibition rules for line start and end", 行首行尾禁则,
https://www.w3.org/TR/clreq/#prohibition_rules_for_line_start_end), which
follow the Chinese typesetting rules of GB/T 15834 (标点符号用法).  clreq's
*basic* level, which it recommends most, keeps pause and stop marks (、，。：
；？！), closing quotation marks, closing brackets and closing book-title marks
from the start of a line, and opening quotation marks, brackets and book-title
marks from its end.  On top of that these sets have:

* the dash (破折号 —) and the ellipsis (省略号 …), which clreq's *strict*
  level also keeps from a line start; a doubled mark (——, ……) then moves down
  whole with the character before, as clreq's rules for unbreakable marks
  (分离禁则) ask;
* the interpunct (间隔号 ·), kept from a line start at the basic level;
* per cent and per mille (%, ‰), which stay with the number before them
  (分离禁则 again);
* the Latin forms of the same marks (, . ; : ? ! ) ] } > and ( [ { <), for
  mixed text such as ``完成率63%`` or ``(试行)``.

Not in the sets (yet): clreq's connector marks (–, ～) and the solidus (/),
which its basic level also keeps from a line start, and the full-width forms
of Latin brackets and the full stop (［ ］ ｛ ｝ ．).

This module is pure (stdlib only): the sets are frozensets and the decisions
are functions of the text on either side of a break.
"""

from __future__ import annotations

__all__ = ["NO_LINE_END", "NO_LINE_START", "may_break_between", "may_end_line", "may_start_line"]

#: Characters that may not start a line (行首禁则).
NO_LINE_START: frozenset[str] = frozenset(
    "、，。：；？！"  # pause and stop marks (点号)
    "”’」』"  # closing quotation marks
    "）】〕〉》"  # closing brackets and book-title marks
    "—…"  # dash and ellipsis (clreq's strict level)
    "·"  # interpunct (间隔号)
    "%‰"  # per cent and per mille stay with their number
    ",.;:?!)]}>"  # the Latin forms, in mixed text
)

#: Characters that may not end a line (行尾禁则).
NO_LINE_END: frozenset[str] = frozenset(
    "“‘「『"  # opening quotation marks
    "（【〔〈《"  # opening brackets and book-title marks
    "([{<"  # the Latin forms, in mixed text
)


def may_start_line(text: str) -> bool:
    """Whether a line may begin with ``text``: its first character is not closing punctuation."""
    return not text or text[0] not in NO_LINE_START


def may_end_line(text: str) -> bool:
    """Whether a line may end with ``text``: its last character is not opening punctuation."""
    return not text or text[-1] not in NO_LINE_END


def may_break_between(before: str, after: str) -> bool:
    """Whether a line may end with ``before`` and the next one begin with ``after``.

    ``before`` and ``after`` are the text on either side of the break (a
    character, a word, or the whole lines); only the characters next to the
    break count.  An empty side never forbids a break.
    """
    return may_end_line(before) and may_start_line(after)
