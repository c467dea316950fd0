"""The attract loop in the real app (pilot.py): a tap opens what the slide shows."""

from __future__ import annotations

from kiosk.viewmodels.home import attract_slides
from kiosk.viewmodels.nav import Screen
from kiosk.viewmodels.theme import ELDER

from .pilot import fly

IDLE = 20.0


def _show(pilot, kind):
    """Turn the loop to its first slide of ``kind``; returns that slide."""
    slides = attract_slides(pilot.kiosk.library, pilot.kiosk.today())
    index = next(i for i, s in enumerate(slides) if s.kind == kind)
    pilot.kiosk.session.attract_index = index
    pilot.kiosk.refresh_screen()
    pilot.pause(3)
    return slides[index]


def test_a_tap_on_a_notice_slide_opens_that_notice(window, county_home):
    from kivy.core.window import Window

    with fly(county_home, idle_seconds=IDLE) as pilot:
        pilot.wait_loaded()
        pilot.advance(IDLE + 1)
        assert pilot.screen is Screen.ATTRACT
        slide = _show(pilot, "notice")
        assert slide.title in pilot.texts()
        pilot.tap_at(Window.width / 2, Window.height / 2)
        assert pilot.screen is Screen.DETAIL
        assert pilot.place.item == slide.item
        pilot.tap("back")
        assert pilot.screen is Screen.HOME  # not back into the loop


def test_the_projects_slide_opens_the_projects_and_the_offer_has_big_buttons(window, county_home):
    from kivy.core.window import Window

    with fly(county_home, idle_seconds=IDLE) as pilot:
        pilot.wait_loaded()
        pilot.advance(IDLE + 1)
        slide = _show(pilot, "projects")
        assert len(slide.bars) >= 3
        pilot.tap_at(Window.width / 2, Window.height / 2)
        assert pilot.screen is Screen.GROUPS
        assert pilot.place.section == "projects"
        pilot.advance(IDLE + 1)
        _show(pilot, "offer")
        pilot.tap("attract-elder")
        assert pilot.screen is Screen.HOME
        assert pilot.kiosk.theme is ELDER
        pilot.advance(IDLE + 1)
        _show(pilot, "offer")
        pilot.tap("attract-voice")
        assert pilot.screen is Screen.HOME
        assert pilot.speaker.speaking
        assert "领导分工" in pilot.speaker.spoken[-1]
