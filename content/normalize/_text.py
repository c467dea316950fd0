"""Whitespace and label normalisation for text scraped from county pages."""

from __future__ import annotations

import re

# Spaces that county CMSs put inside labels and names: ideographic space,
# no-break space and the typographic spaces; zero-width marks are dropped.
_SPACES = "\u3000\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_SPACE_TABLE = str.maketrans({**dict.fromkeys(_SPACES, " "), **dict.fromkeys(_ZERO_WIDTH, "")})
_RUNS = re.compile(r"\s+")
_LABEL_TAIL = re.compile(r"[:：]+$")
_CJK = r"[\u3400-\u9fff\U00020000-\U0003134f]"
_BETWEEN_CJK = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


def normalize_space(text: str) -> str:
    r"""Collapse every kind of space to one ASCII space and strip the ends.

    ``"　大余县\\xa0 人民政府 "`` becomes ``"大余县 人民政府"``. Line breaks are
    treated as spaces; use this for single-line values, not for body text.
    """
    return _RUNS.sub(" ", text.translate(_SPACE_TABLE)).strip()


def normalize_label(text: str) -> str:
    """Reduce a meta-table label to its bare words.

    Removes all spaces (``索　引　号`` and ``索 引 号`` both become ``索引号``)
    and a trailing colon, full- or half-width.
    """
    return _LABEL_TAIL.sub("", _RUNS.sub("", text.translate(_SPACE_TABLE)))


def normalize_name(text: str) -> str:
    """Remove the padding that sites put inside Chinese personal names.

    ``"张　三"`` becomes ``"张三"``; spaces between non-Chinese words survive.
    """
    return _BETWEEN_CJK.sub("", normalize_space(text))


def normalize_body(text: str) -> str:
    """Normalise multi-line body text: tidy each line, keep paragraph breaks."""
    lines = (normalize_space(line) for line in text.translate(_SPACE_TABLE).splitlines())
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, never mid-surrogate."""
    clean = normalize_space(text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"
