"""What 朗读 says: text rewritten the way a person reads it aloud in Mandarin.

A TTS engine reads ``0797`` as "seven hundred and ninety-seven" (or spells it
in English); people say 零七九七.  So before any engine sees it, numbers
become the words a listener expects:

* codes, phone numbers, postcodes and other long digit runs digit by digit
  (``0797-8712345`` → 零七九七，八七一二三四五; ``digits`` does it for a value
  that is a code whatever its length, such as 事项编码);
* years digit by digit: ``2026年`` and the 文号 year ``〔2026〕`` → 二〇二六年;
* counts and amounts as numbers: ``20个工作日`` → 二十个工作日, ``85%`` → 百分之八十五;
* clock times: ``8:30`` → 八点三十分;
* Latin letters by their Mandarin letter names (no English spelling rules).

Pure text in, text out; the engine (``kiosk.a11y.speech``) does the rest.
"""

from __future__ import annotations

import re

__all__ = ["cardinal", "digits", "spoken"]

DIGIT_WORDS = "零一二三四五六七八九"
#: The 〇 of years and codes is written 〇 but spoken like 零; engines read both.
YEAR_DIGITS = "〇一二三四五六七八九"
#: Letter names as Mandarin speakers say them (as in 汉语拼音字母表 broadcasts' usage).
LETTERS = {
    "a": "诶",
    "b": "必",
    "c": "西",
    "d": "迪",
    "e": "伊",
    "f": "艾弗",
    "g": "吉",
    "h": "艾尺",
    "i": "艾",
    "j": "杰",
    "k": "开",
    "l": "艾勒",
    "m": "艾姆",
    "n": "恩",
    "o": "欧",
    "p": "屁",
    "q": "扣",
    "r": "阿儿",
    "s": "艾斯",
    "t": "提",
    "u": "优",
    "v": "维",
    "w": "达布留",
    "x": "艾克斯",
    "y": "外",
    "z": "贼德",
}
#: Digit runs at least this long with no unit are codes or phone numbers.
CODE_LENGTH = 7

_BRACKET_YEAR = re.compile(r"[〔［\[【（(]\s*(\d{4})\s*[〕］\]】）)]")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?=\s*年)")
_PHONE = re.compile(r"(?<!\d)(\d{3,4})-(\d{7,8})(?!\d)")
_TIME = re.compile(r"(?<!\d)(\d{1,2})[:：](\d{2})(?!\d)")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
_DECIMAL = re.compile(r"(\d+)\.(\d+)")
_NUMBER = re.compile(r"\d+")
#: Letters and digits mixed (``360723ABC``, ``XK-001``'s parts): a code, read one by one.
_MIXED = re.compile(r"[A-Za-z0-9]*(?:[A-Za-z][0-9]|[0-9][A-Za-z])[A-Za-z0-9]*")
_LATIN = re.compile(r"[A-Za-z]+")
_RANGE = re.compile(
    r"(?<=[零一二三四五六七八九十百千万点分])\s*[-~～—]+\s*(?=[零一二三四五六七八九十])"
)


def digits(value: str) -> str:
    """A code or phone number read one character at a time (dashes become a pause)."""
    out = []
    for char in value:
        if char.isdigit() and char.isascii():
            out.append(DIGIT_WORDS[int(char)])
        elif char.lower() in LETTERS and char.isascii():
            out.append(LETTERS[char.lower()])
        elif char in "-－—/ ":
            out.append("，")
        else:
            out.append(char)
    return re.sub("，+", "，", "".join(out)).strip("，")


def cardinal(number: int) -> str:
    """``20`` → 二十, ``105`` → 一百零五, ``12000`` → 一万二千 (up to the 亿s)."""
    if number == 0:
        return "零"
    groups = []
    while number:
        number, group = divmod(number, 10_000)
        groups.append(group)
    out = ""
    zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero = bool(out)
            continue
        if out and (zero or group < 1000):
            out += "零"
        out += _below_10000(group) + ("", "万", "亿", "万亿")[index]
        zero = False
    if out.startswith("一十"):
        out = out[1:]  # 十五, not 一十五
    return out


def _below_10000(number: int) -> str:
    out = ""
    zero = False
    for power, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, number = divmod(number, power)
        if digit:
            if zero and out:
                out += "零"
            out += DIGIT_WORDS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out


def _year(match: re.Match[str]) -> str:
    return "".join(YEAR_DIGITS[int(d)] for d in match.group(1)) + "年"


def _number(match: re.Match[str]) -> str:
    run = match.group(0)
    if len(run) >= CODE_LENGTH or (len(run) > 1 and run.startswith("0")):
        return digits(run)
    return cardinal(int(run))


def _time(match: re.Match[str]) -> str:
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 24 or minute > 59:
        return match.group(0)
    return cardinal(hour) + "点" + (cardinal(minute) + "分" if minute else "")


def spoken(text: str) -> str:
    """``text`` as it is read aloud: numbers, years, times and letters in words."""
    text = _BRACKET_YEAR.sub(_year, text)
    text = _ISO_DATE.sub(lambda m: f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日", text)
    text = _YEAR.sub(lambda m: "".join(YEAR_DIGITS[int(d)] for d in m.group(1)), text)
    text = _PHONE.sub(lambda m: digits(m.group(1)) + "，" + digits(m.group(2)), text)
    text = _TIME.sub(_time, text)
    text = _PERCENT.sub(lambda m: "百分之" + _decimal_words(m.group(1)), text)
    text = _DECIMAL.sub(lambda m: _decimal_words(m.group(0)), text)
    text = _MIXED.sub(lambda m: digits(m.group(0)), text)
    text = _NUMBER.sub(_number, text)
    text = _RANGE.sub("至", text)
    return _LATIN.sub(lambda m: "".join(LETTERS[c] for c in m.group(0).lower()), text)


def _decimal_words(text: str) -> str:
    whole, _, fraction = text.partition(".")
    words = cardinal(int(whole)) if len(whole) < CODE_LENGTH else digits(whole)
    return words + ("点" + digits(fraction) if fraction else "")
