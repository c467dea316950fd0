"""Lists that find what visitors came for: pinyin order, no repeated agency, no stale pins."""

from __future__ import annotations

from datetime import date

import pytest

from content.enums import EntityType
from kiosk.agent.reader import ReleaseReader
from kiosk.viewmodels.library import Library
from kiosk.viewmodels.sections import section

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def library(county_home):
    return Library(ReleaseReader(county_home))


def test_agencies_sort_in_pinyin_order_county_first(library):
    for key, facet in (("powers", "agency"), ("catalogue", "agency")):
        labels = [g.label for g in section(key).groups(library, facet)]
        county = [g for g in labels if g.startswith("大余县")]
        assert labels[: len(county)] == county, key
        for part in (county, labels[len(county) :]):
            spelled = [library.pinyin_key(g) for g in part]
            assert spelled == sorted(spelled), key
        assert any(library.pinyin_key(g) != g for g in labels), key  # pinyin, not code points


def test_a_group_named_for_an_agency_drops_it_from_its_titles(library):
    catalogue = section("catalogue")
    group = catalogue.groups(library, "agency")[0].key
    rows = catalogue.rows(library, TODAY, "agency", group)
    entries = catalogue.entries(library, "agency", group)
    prefixed = [e for e in entries if e.title.startswith(group)]
    assert prefixed, group
    assert not any(r.title.startswith(group) for r in rows)


def test_ended_publicity_is_not_pinned_to_the_top(library):
    notices = section("notices")
    rows = notices.rows(library, TODAY)
    pinned_ended = {
        e.id
        for e in library.by_type[EntityType.NOTICE]
        if e.summary.get("pinned")
        and e.summary.get("valid_until")
        and str(e.summary["valid_until"]) < TODAY.isoformat()
    }
    in_force = [r.id for r in rows if r.badge.startswith("公示至") or r.badge == "置顶"]
    first = [r.id for r in rows[: len(in_force)]]
    assert not pinned_ended & set(first[:3])
