"""The one set of Chinese line-breaking rules (禁则) the boards and the kiosk share."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from content.linebreak import (
    NO_LINE_END,
    NO_LINE_START,
    may_break_between,
    may_end_line,
    may_start_line,
)

#: clreq's basic level: pause and stop marks, closing quotes, brackets, book-title marks.
BASIC_NO_START = "、，。：；？！”’」』）】〕〉》"
#: clreq's basic level: opening quotes, brackets and book-title marks.
BASIC_NO_END = "“‘「『（【〔〈《"
#: The two sets the LED boards and the flowchart had before they shared this one.
BOARDS_BEFORE = ("，。、；：？！）》」』】〉〕”’…·%‰,.;:?!)]}>", "（《「『【〈〔“‘([{<")
FLOWCHART_BEFORE = ("，。、；：？！）》」』”’…—,.;:?!)]}%", "（《「『“‘([{")


def test_the_sets_hold_clreq_basic_level():
    assert set(BASIC_NO_START) <= NO_LINE_START
    assert set(BASIC_NO_END) <= NO_LINE_END


def test_the_sets_are_the_union_of_the_boards_and_the_flowchart_rules():
    no_start = set(BOARDS_BEFORE[0]) | set(FLOWCHART_BEFORE[0])
    no_end = set(BOARDS_BEFORE[1]) | set(FLOWCHART_BEFORE[1])
    assert no_start == NO_LINE_START
    assert no_end == NO_LINE_END


def test_the_sets_are_frozen_single_characters_and_apart():
    for rules in (NO_LINE_START, NO_LINE_END):
        assert isinstance(rules, frozenset)
        assert all(len(char) == 1 and not char.isspace() for char in rules)
    assert not NO_LINE_START & NO_LINE_END
    assert not any(char.isalnum() for char in NO_LINE_START | NO_LINE_END)


@pytest.mark.parametrize("char", sorted(NO_LINE_START))
def test_closing_marks_may_not_start_a_line(char):
    assert not may_start_line(char)
    assert not may_start_line(char + "政务")
    assert may_start_line("政务" + char)  # only the first character counts
    assert not may_break_between("公开", char)


@pytest.mark.parametrize("char", sorted(NO_LINE_END))
def test_opening_marks_may_not_end_a_line(char):
    assert not may_end_line(char)
    assert not may_end_line("关于" + char)
    assert may_end_line(char + "关于")  # only the last character counts
    assert not may_break_between(char, "通知")


@pytest.mark.parametrize(
    ("before", "after", "allowed"),
    [
        ("政务", "公开", True),
        ("关于", "《通知》", True),  # an opening mark may start a line
        ("《通知》", "。", False),
        ("《", "通知", False),
        ("完成率63", "%", False),  # per cent stays with its number
        ("他说", "——", False),  # the dash and the ellipsis: clreq's strict level
        ("他沉默了", "……", False),
        ("任玥", "·", False),
        ("(", "试行)", False),
        ("", "。", False),
        ("（", "", False),
        ("", "", True),  # an empty side never forbids a break
        ("政务", "", True),
        ("", "公开", True),
    ],
)
def test_a_break_needs_both_sides_to_allow_it(before, after, allowed):
    assert may_break_between(before, after) is allowed


ROOT = Path(__file__).resolve().parents[2]


def test_linebreak_imports_only_the_standard_library():
    probe = (
        "import sys; before = set(sys.modules); import content.linebreak; "
        "new = {m.split('.')[0] for m in set(sys.modules) - before}; "
        "print(sorted(new - set(sys.stdlib_module_names) - {'content'}))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,  # this checkout's content, whatever is installed
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"
