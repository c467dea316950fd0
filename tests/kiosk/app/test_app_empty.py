"""A county that publishes little: empty sections say so, the tour screenshots them (pilot.py)."""

from __future__ import annotations

import pytest

from content.enums import EntityType
from kiosk.viewmodels.nav import Screen

from .demohome import build_kiosk_home
from .pilot import fly

#: Left out of the release: a section with facets, two without, and the loop's notices.
MISSING = frozenset({EntityType.POWER_ITEM, EntityType.NOTICE, EntityType.ANNUAL_REPORT})


@pytest.fixture(scope="module")
def sparse_home(tmp_path_factory):
    return build_kiosk_home(tmp_path_factory.mktemp("kiosk-sparse"), without=MISSING)


def test_empty_sections_say_so_and_offer_the_way_back(window, sparse_home):
    with fly(sparse_home) as pilot:
        pilot.wait_loaded()
        tile = pilot.find("tile-powers").label.text
        assert "暂无" in tile
        assert "0 项" not in tile
        pilot.tap("tile-powers")
        assert pilot.screen is Screen.GROUPS
        assert "暂无内容" in pilot.texts()
        pilot.tap("empty-home")
        assert pilot.screen is Screen.HOME
        for section in ("notices", "reports"):
            pilot.tap(f"tile-{section}")
            assert pilot.screen is Screen.LIST
            assert "暂无内容" in pilot.texts()
            pilot.tap("home")
        pilot.tap("tile-leaders")  # what the county does publish still shows
        pilot.tap("group-")
        pilot.tap_row()
        assert pilot.screen is Screen.DETAIL


def test_the_tour_screenshots_empty_sections_instead_of_failing(window, sparse_home, tmp_path):
    from kiosk.app.tour import Tour

    finished = []
    with fly(sparse_home) as pilot:
        pilot.wait_loaded()
        tour = Tour(pilot.kiosk, tmp_path, done=lambda: finished.append(True))
        pilot.kiosk.tour = tour
        tour.start()
        pilot.wait_for(lambda: finished, "the tour ends", timeout=600)
        assert pilot.kiosk.exit_code == 0
    shots = {p.name for p in tmp_path.glob("*.png")}
    assert "power_groups-normal.png" in shots
    assert "notice_list-elder.png" in shots
    assert "leader_detail-elder.png" in shots
