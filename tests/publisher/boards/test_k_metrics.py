r"""Onbon K cards draw text with their own fonts: lines are broken by the card's cells.

Widths here are counted independently of Gongkai's measuring code, from the
bytes the frames carry: the card draws every GB2312 byte as half a cell, so a
line is (its bytes, style codes taken out, clock codes as the digits they
become) x px/2 wide.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from content import demo
from content.county_time import SHANGHAI
from publisher.boards.cardfont import CardFont, card_width, face_for
from publisher.boards.compose import Composer, ContentSnapshot, sorted_notices
from publisher.boards.config import load_boards
from publisher.boards.demo import DEMO_BOARDS, demo_rules
from publisher.boards.drivers import onbon_k as k
from publisher.boards.fonts import find_font
from publisher.boards.program import Program
from publisher.boards.render import ClockItem, TextItem, render_items
from publisher.boards.schedule import Content, Rule, resolve

from . import onbon_peer as peer

HALL_K = next(board for board in DEMO_BOARDS if board.driver == "onbon-k")
#: The demo's K board, and the same card in the other sizes and colours it comes in.
K_BOARDS = (
    HALL_K,
    replace(HALL_K, id="k-mono", width=96, height=16, colors="mono"),
    replace(HALL_K, id="k-24", width=160, height=48, font_px=24),
    replace(HALL_K, id="k-32", width=256, height=64, font_px=32, colors="mono"),
)
_STYLE = re.compile(rb"\\(?:FO|FE)\d{3}|\\C\d")
_CLOCK = {rb"\DY": b"0000", rb"\DL": b"00", rb"\DD": b"00", rb"\DH": b"00", rb"\DM": b"00"}


def card_lines(frame: bytes) -> tuple[peer.KArea, list[bytes]]:
    """The area of a K frame and its lines as the card draws them (codes taken out)."""
    (area,) = peer.parse_k_dynamic(peer.parse(frame, "k").data)
    text = _STYLE.sub(b"", area.text)
    for code, digits in _CLOCK.items():
        text = text.replace(code, digits)
    return area, text.split(b"\\n")


def drawn_width(line: bytes, px: int) -> int:
    """What the card draws: every byte half a cell (ASCII one byte, GB2312 hanzi two)."""
    return len(line) * px // 2


@pytest.fixture(scope="module")
def snapshot() -> ContentSnapshot:
    county = demo.generate_county()
    return ContentSnapshot(
        notices=sorted_notices(county.notices), projects=county.projects, leaders=county.leaders
    )


def test_no_line_of_the_demo_boards_is_wider_than_the_board_on_the_card(snapshot):
    rules = [
        replace(rule, id=n, boards=rule.boards | {b.id for b in K_BOARDS})
        for n, rule in enumerate(demo_rules(now=datetime(2026, 1, 1, tzinfo=SHANGHAI), site=""), 1)
    ]
    rules.append(
        Rule(
            90,
            "紧急",
            (Content("text", "紧急通知：今日14:00-16:00停水，请居民提前储水。"),),
            datetime(2026, 1, 1, tzinfo=SHANGHAI),
            boards=frozenset(b.id for b in K_BOARDS),
            start=6 * 60,
            end=7 * 60,
            priority=9,
        )
    )
    composer = Composer(snapshot)
    checked = 0
    for board in K_BOARDS:
        for hour in range(24):
            at = datetime(2026, 12, 1, hour, 15, tzinfo=SHANGHAI)
            program = composer.program(board, resolve(board, rules, at))
            if all(slide.kind == "qr" for slide in program.slides):
                continue
            for frame in k.encode_program(program, board):
                area, lines = card_lines(frame)
                if area.params[14] == k.KDisplay.LEFT:  # one line scrolling: may be wider
                    continue
                for line in lines:
                    checked += 1
                    assert drawn_width(line, board.font_px) <= board.width, (
                        board.id,
                        hour,
                        line.decode("gb2312"),
                    )
    assert checked > 200


def test_the_issue_example_is_two_lines_on_a_192_px_card():
    text = "紧急通知：今日14:00-16:00"
    assert find_font(16).width(text) <= 192 < card_width(text, 16)  # WenQuanYi would say it fits
    board = HALL_K
    slides = render_items(board, face_for(board), [TextItem(text)])
    (frame,) = k.encode_program(Program(board.id, slides), board)
    _, lines = card_lines(frame)
    assert [line.decode("gb2312") for line in lines] == ["紧急通知：", "今日14:00-16:00"]
    assert all(drawn_width(line, 16) <= 192 for line in lines)


def test_card_cells_are_px_for_two_byte_characters_and_half_for_ascii():
    assert card_width("政务", 16) == 32
    assert card_width("14:00", 16) == 40
    assert card_width("“·”（）", 24) == 5 * 24  # GB2312 puts these in two-byte forms
    assert card_width("é", 16) == 16  # not in GB2312: the card shows a two-byte □
    with pytest.raises(ValueError, match="16, 24, 32"):
        CardFont(12, find_font(16))


@pytest.mark.parametrize("px", [16, 24, 32])
def test_a_k_preview_draws_the_cards_cells_at_its_size(px):
    board = replace(HALL_K, width=256, height=64, font_px=px)
    (slide,) = render_items(board, face_for(board), [TextItem("政a:1")])
    box = slide.image.convert("L").getbbox()
    assert box is not None
    lit_width, lit_height = box[2] - box[0], box[3] - box[1]
    assert lit_width <= card_width("政a:1", px)
    assert lit_width > px * 2
    assert px * 3 // 4 <= lit_height <= px  # drawn at the card's size


def test_mono_cards_get_no_colour_codes_and_dual_cards_get_theirs():
    def text_of(board, color):
        slides = render_items(board, face_for(board), [TextItem("欢迎", color=color)])
        (frame,) = k.encode_program(Program(board.id, slides), board)
        return peer.parse_k_dynamic(peer.parse(frame, "k").data)[0].text

    mono = replace(HALL_K, colors="mono")
    assert not re.search(rb"\\C\d", text_of(mono, "green"))
    assert b"\\C2" in text_of(HALL_K, "green")
    assert b"\\C3" in text_of(HALL_K, "yellow")


def test_the_card_clock_fits_narrow_boards():
    board = replace(HALL_K, width=64, height=32)
    at = datetime(2026, 12, 1, 8, 30, tzinfo=SHANGHAI)
    slides = render_items(board, face_for(board), [ClockItem(at)])
    (frame,) = k.encode_program(Program(board.id, slides), board)
    _, lines = card_lines(frame)
    assert lines == [b"00-00", b"00:00"]  # \DL-\DD: the year does not fit 64 px


@pytest.mark.parametrize(
    ("driver", "px", "ok"),
    [
        ("onbon-k", 12, False),
        ("onbon-k", 16, True),
        ("onbon-k", 24, True),
        ("onbon-k", 32, True),
        ("preview", 12, True),
        ("preview", 24, False),
        ("onbon-g6", 32, False),
    ],
)
def test_font_sizes_a_board_does_not_have_are_refused_at_load(driver, px, ok):
    text = "\n".join(
        [
            "[[boards]]",
            'id = "hall-k"',
            'name = "门头屏"',
            f'driver = "{driver}"',
            'address = "192.168.1.50:5005"' if driver != "preview" else 'address = "p/a"',
            "width = 192",
            "height = 64",
            'colors = "dual"',
            f"font_px = {px}",
        ]
    )
    import tomllib  # noqa: PLC0415

    boards = load_boards(tomllib.loads(text)["boards"], file="var/gongkai.toml", text=text)
    if ok:
        assert not boards.issues
        assert boards.require("hall-k").font_px == px
        return
    (issue,) = boards.issues
    message = str(issue)
    assert message.startswith('var/gongkai.toml:9: boards[0] (id "hall-k"): font_px: ')
    if driver == "onbon-k":
        assert "16 or 24 or 32 px" in message
        assert f"no {px} px font" in message
    else:
        assert "12 or 16 px" in message
    assert boards.get("hall-k") is None


def test_k_boards_break_by_cells_at_24_px_on_the_card():
    board = replace(HALL_K, width=160, height=48, font_px=24)
    at = datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI) + timedelta(minutes=1)
    slides = render_items(
        board, face_for(board), [TextItem("办事请取号 按号就座 文明办事"), ClockItem(at)]
    )
    frames = k.encode_program(Program(board.id, slides), board)
    _area, lines = card_lines(frames[0])
    assert frames[0].count(b"\\FO001") == 1
    assert all(drawn_width(line, 24) <= 160 for line in lines)
