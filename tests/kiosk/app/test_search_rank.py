"""Search finds what visitors came for: offices and services before documents."""

from __future__ import annotations

import pytest

from content.enums import EntityType
from kiosk.agent.reader import ReleaseReader
from kiosk.viewmodels.library import Library
from kiosk.viewmodels.nav import Screen
from kiosk.viewmodels.search import COMMON, SearchState, search


@pytest.fixture(scope="module")
def library(county_home):
    return Library(ReleaseReader(county_home))


def test_bdcdj_puts_the_land_registry_office_and_its_services_first(library):
    groups = search(library, "bdcdj")
    assert groups[0].type is EntityType.AGENCY
    assert "不动产登记" in groups[0].entries[0].title
    types = [g.type for g in groups]
    if EntityType.CATALOGUE_ENTRY in types:
        assert types.index(EntityType.CATALOGUE_ENTRY) > types.index(EntityType.AGENCY)
    powers = next((g for g in groups if g.type is EntityType.POWER_ITEM), None)
    if powers is not None:
        assert "不动产" in powers.entries[0].title


def test_titles_that_start_with_the_query_come_first(library):
    for group in search(library, "bdc"):
        firsts = [e.title.startswith("不动产") for e in group.entries]
        assert firsts == sorted(firsts, reverse=True), group.label


def test_a_common_matter_button_types_its_query(library):
    state = SearchState()
    _, query = COMMON[0]
    state.set_query(query, library)
    assert state.query == query
    assert state.total > 0


def test_the_search_screen_offers_common_matters_without_pinyin(pilot):
    pilot.wait_loaded()
    pilot.tap("search")
    assert "常用事项（不会拼音也能查）" in pilot.texts()
    pilot.tap("common-bdcdj")
    assert pilot.kiosk.search_state.query == "bdcdj"
    assert "搜索：BDCDJ" in pilot.texts()
    pilot.tap_row()
    assert pilot.screen is Screen.DETAIL
