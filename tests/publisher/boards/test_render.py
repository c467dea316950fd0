"""Rendering: golden images, on/off pixels only, CJK line breaking, QR codes that scan.

Goldens live in ``golden/``; after an intended change run
``.venv/bin/python tests/publisher/boards/golden/regenerate.py`` and look at
every changed image before committing.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops
from pyzbar.pyzbar import decode

from content.linebreak import NO_LINE_END, NO_LINE_START
from publisher.boards.fonts import find_font, gb2312_ok
from publisher.boards.layout import break_lines
from publisher.boards.render import RGB, QrItem, TextItem, qr_fits, render_items, unshowable

from .golden_cases import CASES, board, render_case

GOLDEN = Path(__file__).parent / "golden"
ALLOWED = {"1": {0, 255}, "RGB": {(0, 0, 0), *RGB.values()}}


@pytest.mark.parametrize("name", sorted(CASES))
def test_slides_match_the_golden_images_pixel_for_pixel(name):
    slides = render_case(name)
    files = sorted(GOLDEN.glob(f"{name}-*.png"))
    assert len(files) == len(slides), "regenerate the goldens (see module docstring)"
    for slide, path in zip(slides, files, strict=True):
        expected = Image.open(path)
        assert slide.image.mode == expected.mode
        assert slide.image.size == expected.size
        diff = ImageChops.difference(slide.image.convert("RGB"), expected.convert("RGB"))
        assert diff.getbbox() is None, f"{path.name} differs in {diff.getbbox()}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_pixels_are_only_on_or_off(name):
    config, _ = CASES[name]
    for slide in render_case(name):
        assert slide.image.mode == ("1" if config.colors == "mono" else "RGB")
        assert slide.image.size == (config.width, config.height)
        colors = {color for _, color in slide.image.getcolors(maxcolors=1 << 16)}
        assert colors <= ALLOWED[slide.image.mode], colors
        if config.colors == "dual":  # red and green LEDs only: no blue, no white
            assert all(color[2] == 0 for color in colors)


def test_long_text_is_paged_and_every_character_appears_once():
    text = "县政府办公室关于开展二〇二六年度政务公开工作检查的通知，请各乡镇认真组织落实。"
    config = board("b", 64, 32, "mono")
    slides = render_items(config, find_font(16), [TextItem(text)])
    assert len(slides) > 1
    assert "".join("".join(slide.lines) for slide in slides) == text
    assert all(len(slide.lines) <= 2 for slide in slides)


def test_a_qr_code_scans_back_to_its_url():
    url = "http://127.0.0.1:8600/zwgk/tzgg/202504/t20250414_1000760.shtml"
    config = board("rgb", 128, 64, "rgb")
    (slide,) = render_items(config, find_font(16), [QrItem(url, caption="扫码看全文")])
    assert slide.kind == "qr"
    big = slide.image.resize((128 * 4, 64 * 4), Image.Resampling.NEAREST)
    assert [symbol.data.decode() for symbol in decode(big)] == [url]


def test_qr_codes_need_a_full_colour_board_that_is_big_enough():
    url = "http://127.0.0.1:8600/zwgk/tzgg/index.shtml"
    assert "rgb" in qr_fits(board("d", 192, 64, "dual"), url)
    assert "needs" in qr_fits(board("r", 128, 16, "rgb"), url)
    assert qr_fits(board("r", 128, 64, "rgb"), url) is None
    assert render_items(board("d", 192, 64, "dual"), find_font(16), [QrItem(url)]) == ()


def test_font_cards_report_what_gb2312_cannot_encode():
    card = board("k", 192, 32, "dual", driver="onbon-k")
    bitmap = board("g", 192, 32, "dual")
    font = find_font(16)
    assert unshowable(card, font, "欢迎光临€") == ["€"]  # WenQuanYi has €, GB2312 has not
    assert unshowable(bitmap, font, "欢迎光临€") == []
    assert unshowable(bitmap, font, "𠀀") == ["𠀀"]  # outside the font
    assert not gb2312_ok("€")


def test_an_unshowable_character_is_drawn_as_a_visible_box():
    config = board("k", 64, 16, "mono", driver="onbon-k")
    (slide,) = render_items(config, find_font(16), [TextItem("欢迎€")])
    assert slide.lines == ("欢迎□",)


# --- line breaking properties ------------------------------------------------------

FIRST_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.%:/\-+]*|.")
cjk = st.sampled_from("政务公开县镇乡通知关于工作项目完成率")
punct = st.sampled_from("，。、；：？！（）《》“”")
latin = st.sampled_from("0123456789%AB ")
texts = st.lists(st.one_of(cjk, cjk, punct, latin), min_size=1, max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(48, 256))
def test_lines_fit_keep_every_character_and_obey_the_punctuation_rules(text, width):
    font = find_font(16)
    lines = break_lines(text, width, font.width)
    assert all(font.width(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for previous, line in itertools.pairwise(lines):
        # The rules give way only when the line before has nothing else to move
        # down: its first character or word (which must stay), then punctuation.
        rest = previous[len(FIRST_TOKEN.match(previous)[0]) :] if previous else ""
        if line and line[0] in NO_LINE_START:
            assert all(char in NO_LINE_START for char in rest.replace(" ", ""))
        if previous and previous[-1] in NO_LINE_END:
            assert all(char in NO_LINE_END for char in rest)


def test_latin_words_stay_whole_when_they_fit():
    font = find_font(16)
    lines = break_lines("东门大桥改造项目完成率63%", 12 * 16, font.width)
    assert any("63%" in line for line in lines)
    assert not any(line.endswith("6") for line in lines)


@pytest.mark.parametrize("width", range(48, 257, 16))
def test_dashes_and_ellipses_stay_whole_and_off_the_line_start(width):
    # The flowchart's rule, now the boards' too (content.linebreak): —— and …… move
    # down whole with the character before them.
    font = find_font(16)
    lines = break_lines("他说——这件事……后来没人再提。", width, font.width)
    assert "".join(lines) == "他说——这件事……后来没人再提。"
    for line in lines:
        assert line[0] not in "—…"
        assert line.count("—") % 2 == 0
        assert line.count("…") % 2 == 0


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8700/d/7kq2x", "https://gongkai.dayu.gov.cn/f/7kq2x0"]
)
def test_a_short_link_makes_a_small_code_at_level_m(url):
    config = board("rgb", 128, 64, "rgb")
    (slide,) = render_items(config, find_font(16), [QrItem(url, caption="扫码看全文")])
    big = slide.image.resize((128 * 4, 64 * 4), Image.Resampling.NEAREST)
    (symbol,) = decode(big)
    assert symbol.data.decode() == url
    assert symbol.quality >= 1
    assert _qr_version(big, symbol.rect) <= 3
    assert qr_fits(board("small", 96, 48, "rgb"), url) is None  # fits a smaller board, too


def test_a_long_county_url_needs_a_bigger_code():
    url = "http://127.0.0.1:8600/zwgk/tzgg/202504/t20250414_1000760.shtml"
    config = board("rgb", 128, 64, "rgb")
    (slide,) = render_items(config, find_font(16), [QrItem(url, caption="扫码看全文")])
    big = slide.image.resize((128 * 4, 64 * 4), Image.Resampling.NEAREST)
    (symbol,) = decode(big)
    assert _qr_version(big, symbol.rect) >= 4


def _qr_version(image, rect) -> int:
    """A QR code's version, measured: the finder's top edge is 7 modules; the side 17 + 4·v."""
    gray = image.convert("L")
    left, top, width, _ = rect
    x, y = left, top + 1
    while gray.getpixel((x, y)) >= 128 and x < left + width:
        x += 1
    start = x
    while gray.getpixel((x, y)) < 128 and x < left + width:
        x += 1
    modules = round((left + width - start) / ((x - start) / 7))
    assert (modules - 17) % 4 == 0, modules
    return (modules - 17) // 4
