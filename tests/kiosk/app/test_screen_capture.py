"""The kiosk keeps a small screenshot of its screen: after a page change, and every few minutes."""

from __future__ import annotations

import pytest
from PIL import Image

from kiosk.app.screenshots import MAX_BYTES, SCREEN_FILE, WIDTH, thumbnail


def test_a_screenshot_is_shrunk_to_a_small_palette_png():
    noisy = Image.effect_noise((1080, 1920), 80).convert("RGB")
    data = thumbnail(noisy, max_bytes=40_000)
    assert len(data) <= 40_000
    assert data.startswith(b"\x89PNG")


def test_an_image_that_cannot_be_made_small_enough_is_refused():
    noisy = Image.effect_noise((1080, 1920), 120).convert("RGB")
    with pytest.raises(ValueError, match="does not fit"):
        thumbnail(noisy, max_bytes=500)


def test_a_page_change_is_captured_soon_but_at_most_once_per_gap(pilot, county_home):
    pilot.wait_loaded()
    capture = pilot.kiosk.capture
    pilot.advance(45)  # the first screen (one gap after start), and a quiet gap since
    before = capture.captures
    assert before >= 1
    pilot.tap("tile-powers")
    pilot.advance(2)
    assert capture.captures == before + 1  # a page change after a quiet while: at once
    pilot.tap("group-")
    pilot.tap_row()
    pilot.advance(5)
    assert capture.captures == before + 1  # within the gap: not yet
    pilot.advance(20)
    assert capture.captures == before + 2  # two page changes, one capture
    with Image.open(county_home / SCREEN_FILE) as shot:
        assert shot.width <= WIDTH
        assert len(shot.getcolors(256) or []) > 1  # the page, not a blank
    assert (county_home / SCREEN_FILE).stat().st_size <= MAX_BYTES
