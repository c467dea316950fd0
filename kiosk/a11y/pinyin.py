"""Chinese text to tone-numbered pinyin for espeak-ng's ``cmn-latn-pinyin`` voice.

espeak-ng's own ``cmn`` voice looks most characters up as pinyin and then
reads that pinyin with *English* rules (监督电话 → "jian one du one …").  Its
``cmn-latn-pinyin`` voice reads tone-numbered pinyin as Mandarin, so the text
is converted first, by pypinyin with its phrase dictionary (polyphones by
context: 银行 yin2 hang2, 行政 xing2 zheng4, 重新 chong2 xin1).

pypinyin's dictionaries cost the process about 55 MB, which the kiosk app
must not carry for a feature used now and then: ``EspeakSpeaker`` runs this
module as its own child (``python -m kiosk.a11y.pinyin``, text on stdin,
pinyin on stdout into espeak-ng), which exits when the reading ends.
"""

from __future__ import annotations

import re
import sys

__all__ = ["main", "to_pinyin"]

#: Marks that end a clause or sentence: a pause in speech (espeak pauses at , and .).
_PAUSES = {
    "，": ",",
    "、": ",",
    "；": ",",
    "：": ",",
    "（": ",",
    "）": ",",
    "《": "",
    "》": "",
    "“": "",
    "”": "",
    "。": ".",
    "！": ".",
    "？": ".",
    "\n": ".",
}
_SPACE = re.compile(r"\s+")


def to_pinyin(text: str) -> str:
    """``监督电话：零七九七`` → ``jian1 du1 dian4 hua4 , ling2 qi1 jiu3 qi1``."""
    from pypinyin import Style, lazy_pinyin  # noqa: PLC0415 - only in the reading child

    words = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors=_other)
    spoken = " ".join(w for w in words if w)
    return _SPACE.sub(" ", spoken).strip()


def _other(chunk: str) -> str:
    """What is not a Chinese character: pauses for punctuation, ASCII kept, the rest dropped."""
    out = []
    for char in chunk:
        if char in _PAUSES:
            out.append(f" {_PAUSES[char]} ")
        elif char.isascii():
            out.append(char if char.isalnum() or char in ",." else " ")
        else:
            out.append(" ")
    return "".join(out)


def main() -> int:
    """Read Chinese on stdin, write pinyin on stdout (the reading child)."""
    text = sys.stdin.read()
    sys.stdout.write(to_pinyin(text) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
