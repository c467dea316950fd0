"""The real app in this process, driven by taps, keys and virtual time (pilot.py).

What the subprocess tests could only see in screenshots and log lines, these
read from the app itself: the screen and place, the theme, the widgets' texts.
"""

from __future__ import annotations

import pytest

from kiosk.app.loader import NO_RELEASE
from kiosk.viewmodels.nav import Screen
from kiosk.viewmodels.theme import ELDER, NORMAL

from .pilot import fly

IDLE = 20.0


def test_a_home_tile_opens_its_groups_a_list_and_a_detail(pilot):
    pilot.wait_loaded()
    assert pilot.screen is Screen.HOME
    assert "back" not in pilot.names()  # no way back from 首页
    pilot.tap("tile-powers")
    assert pilot.screen is Screen.GROUPS
    assert pilot.place.section == "powers"
    pilot.tap("group-")
    assert pilot.screen is Screen.LIST
    pilot.tap_row()
    assert pilot.screen is Screen.DETAIL
    assert pilot.kiosk.current.qr_card.qr_url.startswith("http")
    pilot.tap("back")
    assert pilot.screen is Screen.LIST
    pilot.tap("home")
    assert pilot.screen is Screen.HOME


def test_a_section_without_facets_opens_its_list(pilot):
    pilot.wait_loaded()
    pilot.tap("tile-guide")
    assert pilot.screen is Screen.LIST
    assert pilot.place.section == "guide"


def test_the_elder_toggle_switches_the_theme_of_every_widget(pilot):
    from kivy.core.window import Window
    from kivy.metrics import sp

    pilot.wait_loaded()
    tile = pilot.find("tile-powers")
    assert tile.label.font_size == sp(NORMAL.heading_sp)
    pilot.tap("elder")
    assert pilot.kiosk.theme is ELDER
    assert pilot.find("elder").label.text == "关怀模式：开"
    assert pilot.find("tile-powers").label.font_size == sp(ELDER.heading_sp)
    assert tuple(Window.clearcolor) == pytest.approx(ELDER.bg)
    assert pilot.screen is Screen.HOME  # the same place, redrawn
    pilot.tap("elder")
    assert pilot.kiosk.theme is NORMAL
    assert pilot.find("elder").label.text == "关怀模式：关"


def test_the_keypad_searches_and_returning_from_a_result_keeps_the_query(pilot):
    pilot.wait_loaded()
    pilot.tap("search")
    assert pilot.screen is Screen.SEARCH
    for key in "BDCDJ":
        pilot.tap(f"key-{key}")
    assert "搜索：BDCDJ" in pilot.texts()
    assert pilot.kiosk.search_state.total > 0
    pilot.tap_row()
    assert pilot.screen is Screen.DETAIL
    pilot.tap("back")
    assert pilot.screen is Screen.SEARCH
    assert "搜索：BDCDJ" in pilot.texts()
    pilot.tap("key-backspace")
    assert "搜索：BDCD" in pilot.texts()


def test_the_idle_timeout_ends_the_session_and_a_tap_only_wakes(window, county_home):
    with fly(county_home, idle_seconds=IDLE) as pilot:
        pilot.wait_loaded()
        tile = pilot.find("tile-powers")
        where = tile.to_window(*tile.center)
        pilot.tap("elder")
        pilot.tap("search")
        pilot.tap("key-B")
        pilot.tap("key-D")
        assert pilot.kiosk.search_state.query == "bd"
        pilot.advance(IDLE - 3)
        assert pilot.screen is Screen.SEARCH  # not yet
        pilot.advance(4)
        assert pilot.screen is Screen.ATTRACT
        assert pilot.kiosk.theme is NORMAL
        assert pilot.kiosk.search_state.query == ""
        assert "轻触屏幕，开始查询" in pilot.texts()
        # The waking tap lands where the 权力清单 tile will be: it only opens 首页.
        pilot.tap_at(*where)
        assert pilot.screen is Screen.HOME
        pilot.tap("search")
        assert "搜索：请在下方输入拼音或拼音首字母" in pilot.texts()


def test_the_attract_loop_turns_its_slides(window, county_home):
    with fly(county_home, idle_seconds=IDLE) as pilot:
        pilot.wait_loaded()
        pilot.advance(IDLE + 1)
        assert pilot.screen is Screen.ATTRACT
        shown, count = _slide(pilot)
        assert count > 1
        pilot.advance(8)  # ATTRACT_SECONDS
        assert _slide(pilot) == (shown % count + 1, count)


def test_esc_neither_quits_nor_leaves_the_screen(pilot):
    from kivy.app import App
    from kivy.base import EventLoop

    pilot.wait_loaded()
    pilot.tap("tile-notices")
    pilot.press("escape")
    assert App.get_running_app() is pilot.app
    assert EventLoop.status == "started"
    assert pilot.screen is Screen.LIST


def test_read_aloud_goes_to_the_speaker_and_stops(pilot):
    pilot.wait_loaded()
    pilot.tap("tile-guide")
    pilot.tap_row()
    pilot.tap("speak")
    assert pilot.speaker.spoken
    assert pilot.speaker.speaking
    pilot.tap("stop-speaking")
    assert not pilot.speaker.speaking


def test_before_any_release_the_loading_screen_says_why(window, tmp_path):
    home = tmp_path / "new-kiosk"
    home.mkdir()
    with fly(home) as pilot:
        pilot.wait_for(lambda: pilot.kiosk.loading_reason != "", "the loader gives up")
        pilot.pause(2)
        assert pilot.screen is Screen.LOADING
        assert NO_RELEASE in pilot.texts()
        assert "正在获取内容…" in pilot.texts()


def test_each_run_leaves_the_window_empty_for_the_next(window, county_home):
    from kivy.app import App

    for _ in range(2):
        with fly(county_home) as pilot:
            pilot.wait_loaded()
            assert App.get_running_app() is pilot.app
            assert window.children == [pilot.kiosk.root]
        assert App.get_running_app() is None
        assert window.children == []


def _slide(pilot):
    """The attract loop's ``n / count``."""
    (text,) = (t for t in pilot.texts() if " / " in t)
    shown, count = text.split(" / ")
    return int(shown), int(count)
