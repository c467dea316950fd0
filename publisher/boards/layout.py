"""Line breaking and paging for CJK text on a fixed-width board, by phrase, word, character.

A break goes, in this order of preference:

1. between phrases: after punctuation (，。、；：！？ and closing marks), at a
   space, or before an opening mark. A phrase that fits a line but not the
   rest of this one starts the next line, so 夜间请注意出行安全 县人民政府提醒
   on a narrow board pages as 夜间请注意出行 / 安全 / 县人民政府提醒 rather than
   splitting 安全 and 提醒;
2. between words, as the jieba segmenter (its dictionary only, no guessed new
   words) cuts the phrase; a run of Latin letters and digits (``63%``,
   ``14:00-16:00``, ``G105``) is one word;
3. inside a word, only when the word alone is wider than the line.

The Chinese line-breaking rules (禁则, ``content.linebreak``, shared with the
kiosk) apply at every break: no line starts with closing punctuation
(，。、）》…), and no line ends with opening punctuation (（《“…); the character
before the break moves down with it instead. Nothing is ever cut inside a
character: text that does not fit one page goes on to the next. Pages are
whole lines, so a page ends where a line does.
"""

from __future__ import annotations

import functools
import logging
import re
import warnings
from typing import TYPE_CHECKING

from content.linebreak import NO_LINE_END, may_end_line, may_start_line

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["break_lines", "pages", "warm_up", "words"]

# A word: Latin letters, digits and what binds to them (63%, 3.5, G-105, 08:30).
_LATIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%:/\-+]*")
_LATIN_PART = re.compile(r"[A-Za-z0-9.%:/\-+]+")
#: Marks a phrase ends after (a run of them stays together: 。” ）。).
_PHRASE_ENDS = frozenset("、，。：；？！”’」』）】〕〉》")


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


def warm_up() -> None:
    """Load the segmenter's dictionary now (about a second) rather than at the first break."""
    _segmenter()


def words(text: str) -> tuple[str, ...]:
    """``text`` cut into words: jieba's, with each run of Latin letters and digits one word."""
    return _words(text)


def _break_paragraph(text: str, width: int, measure: Callable[[str], int]) -> list[str]:
    lines: list[list[str]] = [[]]
    used = 0
    for phrase in _phrases(text):
        size = measure(phrase)
        if phrase.isspace():
            if lines[-1] and used + size <= width:
                lines[-1].append(phrase)
                used += size
            continue  # a space at a break is dropped
        if used + size <= width:
            lines[-1].append(phrase)
            used += size
            continue
        line = lines[-1]
        ends = "".join(line).rstrip()
        if ends and size <= width and may_start_line(phrase) and may_end_line(ends):
            # The whole phrase fits a line of its own: break before it, not inside it.
            while line and line[-1].isspace():
                line.pop()
            lines.append([phrase])
            used = size
            continue
        used = _fill(lines, used, _tokens(phrase, width, measure), width, measure)
    return ["".join(line).rstrip() for line in lines if "".join(line).strip()] or [""]


def _fill(
    lines: list[list[str]],
    used: int,
    tokens: list[str],
    width: int,
    measure: Callable[[str], int],
) -> int:
    """Add ``tokens`` (words) to ``lines``, breaking between them; return the last line's width."""
    for token in tokens:
        size = measure(token)
        if used + size <= width or not lines[-1]:
            lines[-1].append(token)
            used += size
            continue
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
    return used


def _carry(line: list[str], token: str) -> list[str]:
    """Tokens to move from the end of ``line`` to the next line, before ``token``."""
    carry: list[str] = []
    # A closing mark may not start the next line: take the previous token along.
    if not may_start_line(token):
        while True:
            if len(line) == 1 and len(line[0]) > 1 and not _LATIN.fullmatch(line[0]):
                line[:] = list(line[0])  # 禁则 before words: the word's last character goes
            if len(line) <= 1:
                break
            carry.insert(0, line.pop())
            if may_start_line(carry[0]):  # "。”" moves down with the character before
                break
    while True:
        while line and line[-1].isspace():
            line.pop()  # the break eats the space
        # An opening mark may not end this line (nor one before a space: "（ （").
        if len(line) > 1 and not may_end_line(line[-1]):
            carry.insert(0, line.pop())
            continue
        return carry


def _phrases(text: str) -> list[str]:
    """``text`` cut into phrases (after punctuation, before opening marks) and runs of spaces."""
    out: list[str] = []
    current = ""
    for index, char in enumerate(text):
        if char.isspace():
            if current and not current.isspace():
                out.append(current)
                current = ""
            current += char
            continue
        opens = char in NO_LINE_END and current and current[-1] not in NO_LINE_END
        if current.isspace() or opens:
            out.append(current)
            current = ""
        current += char
        following = text[index + 1 : index + 2]
        if char in _PHRASE_ENDS and following not in _PHRASE_ENDS:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return [phrase for phrase in out if phrase]


def _tokens(phrase: str, width: int, measure: Callable[[str], int]) -> list[str]:
    out: list[str] = []
    for token in _words(phrase):
        if len(token) > 1 and measure(token) > width:
            out.extend(token)  # a word wider than the line breaks per character
        else:
            out.append(token)
    return out


@functools.lru_cache(maxsize=8192)
def _words(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for token in _segmenter()(text):
        # jieba cuts 14:00 into 14 / : / 00; a Latin run is one word for a line break.
        if out and _LATIN_PART.fullmatch(token) and _LATIN_PART.fullmatch(out[-1]):
            out[-1] += token
        else:
            out.append(token)
    # A run that starts with a mark (":00") is not a word: split it back off.
    return tuple(part for token in out for part in _latin_split(token))


def _latin_split(token: str) -> list[str]:
    if not _LATIN_PART.fullmatch(token) or _LATIN.fullmatch(token):
        return [token]
    match = _LATIN.search(token)
    if match is None:
        return list(token)
    return [*token[: match.start()], token[match.start() :]]


@functools.cache
def _segmenter() -> Callable[[str], list[str]]:
    """The jieba tokenizer, loaded once per process (it caches its dictionary in /tmp)."""
    with warnings.catch_warnings():
        # jieba 0.42 tries pkg_resources first, which newer setuptools deprecate.
        warnings.simplefilter("ignore", DeprecationWarning)
        import jieba  # noqa: PLC0415 - a second to load: only when text is laid out

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" lines on stderr
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()

    def cut(text: str) -> list[str]:
        return [token for token in tokenizer.lcut(text, HMM=False) if token]

    return cut
