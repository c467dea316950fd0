"""Touch in the real app (pilot.py): a double tap does not pass through to the next screen."""

from __future__ import annotations

from kiosk.app.tour import find_row
from kiosk.viewmodels.nav import Screen
from kiosk.viewmodels.session import DOUBLE_TAP_GUARD


def test_the_second_tap_of_a_double_tap_does_not_open_the_next_screen(pilot):
    pilot.wait_loaded()
    pilot.tap("tile-notices", frames=2)
    assert pilot.screen is Screen.LIST
    opened = pilot.clock.now - 2 / 30
    pilot.wait_for(lambda: find_row(pilot.kiosk.root) is not None, "a list row")
    assert pilot.clock.now - opened < DOUBLE_TAP_GUARD
    pilot.tap_row(quick=True)  # the second tap, a moment after the first
    assert pilot.screen is Screen.LIST
    pilot.tap_row()  # a visitor who has looked at the list
    assert pilot.screen is Screen.DETAIL
