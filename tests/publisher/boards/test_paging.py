"""Paging that keeps words and phrases together, with the punctuation rules (禁则) kept."""

from __future__ import annotations

import itertools

import pytest

from content import demo
from content.linebreak import NO_LINE_START
from publisher.boards.cardfont import card_width
from publisher.boards.fonts import find_font
from publisher.boards.layout import break_lines, pages, words

NIGHT = "夜间请注意出行安全 县人民政府提醒"


def card16(text: str) -> int:
    return card_width(text, 16)


@pytest.fixture(scope="module")
def demo_texts() -> list[str]:
    county = demo.generate_county()
    texts = [notice.led_text or notice.title for notice in county.notices]
    return [*texts, NIGHT, "办事请取号 按号就座 文明办事"]


def test_the_night_notice_pages_by_phrase_on_a_narrow_board():
    lines = break_lines(NIGHT, 128, card16)
    assert pages(lines, 2) == [["夜间请注意出行", "安全"], ["县人民政府提醒"]]


def test_a_line_breaks_after_punctuation_before_inside_a_phrase():
    lines = break_lines("紧急通知：今日14:00-16:00停水，请居民提前储水。", 192, card16)
    assert lines == ["紧急通知：", "今日14:00-16:00停水，", "请居民提前储水。"]


def test_a_phrase_wider_than_the_line_breaks_between_words():
    lines = break_lines("关于开展年度工作检查的通知。", 64, find_font(16).width)
    assert lines == ["关于开展", "年度工作", "检查的", "通知。"]


def test_latin_runs_are_one_word():
    assert "14:00-16:00" in words("今日14:00-16:00停水")
    assert "96%" in words("完成率96%")


@pytest.mark.parametrize("metric", ["card", "wenquanyi"])
def test_the_demo_notices_never_split_a_word_where_a_boundary_was_available(demo_texts, metric):
    measure = card16 if metric == "card" else find_font(16).width
    splits = 0
    for text, width in itertools.product(demo_texts, range(64, 257, 32)):
        lines = break_lines(text, width, measure)
        flat = "".join(text.split())
        assert "".join("".join(lines).split()) == flat  # nothing lost or added
        # Where each line ends, as an offset into the text without spaces.
        ends = list(itertools.accumulate(len("".join(line.split())) for line in lines))[:-1]
        offsets = []
        at = 0
        for word in words(flat):
            offsets.append((at, at + len(word), word))
            at += len(word)
        for end in ends:
            for start, stop, word in offsets:
                if start < end < stop:
                    splits += 1
                    following = flat[stop : stop + 1]
                    # Only a word wider than the line, or the 禁则 (a closing mark
                    # after it may not start the next line) split a word.
                    assert measure(word) > width or following in NO_LINE_START, (
                        text,
                        width,
                        lines,
                        word,
                    )
    assert splits < 20  # the rule above is the exception, not the way lines break
