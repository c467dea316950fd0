"""朗读 in the real app (pilot.py): what the speaker is given, what the screen says, idle."""

from __future__ import annotations

import re

from kiosk.viewmodels.nav import Screen

from .pilot import fly

IDLE = 20.0


def _open_power(pilot):
    pilot.wait_loaded()
    pilot.tap("tile-powers")
    pilot.tap("group-")
    pilot.tap_row()
    assert pilot.screen is Screen.DETAIL


def test_a_reading_longer_than_the_idle_limit_is_not_cut(window, county_home):
    with fly(county_home, idle_seconds=IDLE) as pilot:
        _open_power(pilot)
        assert "stop-speaking" not in pilot.names()  # only while reading
        pilot.tap("speak")
        assert pilot.speaker.speaking
        assert "正在朗读…" in pilot.texts()
        assert "stop-speaking" in pilot.names()
        pilot.advance(IDLE * 4)  # a listener does not touch the screen
        assert pilot.screen is Screen.DETAIL
        assert pilot.speaker.speaking
        pilot.tap("stop-speaking")
        pilot.pause(2)
        assert not pilot.speaker.speaking
        assert "正在朗读…" not in pilot.texts()
        assert "stop-speaking" not in pilot.names()
        assert "speak-more" in pilot.names()  # the rest, when the visitor asks
        pilot.advance(IDLE + 2)
        assert pilot.screen is Screen.ATTRACT


def test_the_speaker_gets_a_summary_in_words_then_the_rest(pilot):
    _open_power(pilot)
    pilot.tap("speak")
    summary = pilot.speaker.spoken[-1]
    assert "监督电话" in summary
    assert not re.search(r"[0-9A-Za-z]", summary)  # no digit or letter for English rules
    pilot.tap("stop-speaking")
    pilot.tap("speak-more")
    rest = pilot.speaker.spoken[-1]
    assert rest != summary
    assert "事项编码" in rest
    assert not re.search(r"[0-9A-Za-z]", rest)


def test_home_and_lists_read_what_they_offer(pilot):
    pilot.wait_loaded()
    pilot.tap("speak")
    assert "领导分工，谁负责什么工作" in pilot.speaker.spoken[-1]
    pilot.tap("stop-speaking")
    pilot.tap("tile-notices")
    assert pilot.screen is Screen.LIST
    pilot.tap("speak")
    assert pilot.speaker.spoken[-1].startswith("通知公告，共")
    pilot.tap("home")
    assert not pilot.speaker.speaking  # leaving the screen ends its reading


def test_landscape_details_give_the_content_the_full_height(window, county_home):
    from kivy.core.window import Window

    Window.size = (1920, 1080)
    try:
        with fly(county_home) as pilot:
            pilot.pause(3)
            for elder in (False, True):
                pilot.kiosk.set_elder(elder=elder)
                _open_power(pilot)
                pilot.pause(3)
                screen = pilot.kiosk.current
                assert screen.landscape
                assert screen.content.height >= 0.6 * Window.height, elder
                # The QR card and 朗读 stand beside the content, not above it.
                assert screen.qr_card.x > screen.content.right
                assert pilot.find("speak").x > screen.content.right
                pilot.tap("home")
    finally:
        Window.size = (1080, 1920)
