"""The demo county generator: counts, determinism, validity, fictional people, mutations."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

import pytest

from content import demo
from content.enums import AgencyKind, EntityType, ProjectCategory
from content.models import JSONL_FILES, LegacyStats2008
from content.validation import validate_jsonl

FICTIONAL_PHONE = re.compile(r"^0797-0\d{6}$")


@pytest.fixture(scope="module")
def county() -> demo.DemoCounty:
    return demo.generate_county()


@pytest.fixture(scope="module")
def files(county) -> dict[EntityType, str]:
    return demo.jsonl_files(county)


def test_counts_match_the_2008_report_scale(county):
    counts = county.counts()
    assert counts[EntityType.AGENCY] == 69
    assert counts[EntityType.POWER_ITEM] == 526
    assert counts[EntityType.CATALOGUE_ENTRY] == 3946
    assert counts[EntityType.GUIDE] == 1
    assert counts[EntityType.NOTICE] > 50
    towns = [a for a in county.agencies if a.kind in {AgencyKind.TOWN, AgencyKind.TOWNSHIP}]
    assert len(towns) == 11
    assert len({a.scope for a in towns}) == 11
    with_chart = [p for p in county.power_items if p.flowchart is not None]
    assert len(with_chart) == 312
    assert any(p.flowchart.steps and p.flowchart.image for p in with_chart)
    assert any(p.flowchart.steps and not p.flowchart.image for p in with_chart)
    assert any(p.flowchart.image and not p.flowchart.steps for p in with_chart)
    categories = Counter(p.category for p in county.projects)
    assert categories == {ProjectCategory.KEY_PROJECT: 50, ProjectCategory.LIVELIHOOD: 50}
    assert all(len(p.updates) == 10 for p in county.projects)  # January to October


def test_leaders_county_and_towns(county):
    county_leaders = [x for x in county.leaders if x.scope == "county"]
    town_leaders = [x for x in county.leaders if x.scope != "county"]
    assert 18 <= len(county_leaders) <= 22
    assert {x.scope for x in town_leaders} == {
        a.scope for a in county.agencies if a.scope != "county"
    }
    assert all(x.responsibilities for x in county.leaders)
    assert len({(x.organization, x.name) for x in county.leaders}) == len(county.leaders)
    # Some names need more than GB2312, so decoding pitfalls show on the site.
    assert any(_outside_gb2312(x.name) for x in county.leaders)


def _outside_gb2312(text: str) -> bool:
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def test_the_2008_report_has_that_reports_figures(county):
    report = next(r for r in county.annual_reports if r.year == 2008)
    stats = report.stats
    assert isinstance(stats, LegacyStats2008)
    assert stats.proactive_total == 3946
    assert stats.proactive_via_website == 3946
    assert stats.proactive_via_gazette == 0
    assert stats.applications_total == 11
    channels = stats.applications_by_channel
    assert (channels.in_person, channels.letter) == (7, 4)
    assert (channels.online, channels.fax, channels.email) == (0, 0, 0)
    assert (stats.replies_granted, stats.replies_partially_granted, stats.replies_refused) == (
        7,
        2,
        2,
    )
    assert (stats.reconsiderations, stats.lawsuits, stats.complaints) == (0, 0, 0)


def test_every_line_validates(files):
    for entity_type, text in files.items():
        result = validate_jsonl(entity_type, text.splitlines(), source=JSONL_FILES[entity_type])
        assert result.issues == []
        assert len(result.entities) == text.count("\n")


def test_same_seed_same_bytes_other_seed_other_bytes(files):
    again = demo.jsonl_files(demo.generate_county())
    assert again == files
    other = demo.jsonl_files(demo.generate_county(seed=7))
    assert other[EntityType.LEADER] != files[EntityType.LEADER]
    assert other[EntityType.CATALOGUE_ENTRY] != files[EntityType.CATALOGUE_ENTRY]


def test_people_and_phones_are_fictional(county):
    phones = [a.phone for a in county.agencies] + [x.phone for x in county.leaders if x.phone]
    phones += [p.supervision_phone for p in county.power_items if p.supervision_phone]
    phones += [g.phone for g in county.guides]
    assert phones
    assert all(FICTIONAL_PHONE.match(phone) for phone in phones), [
        p for p in phones if not FICTIONAL_PHONE.match(p)
    ]
    assert all("example" in (g.email or "example") for g in county.guides)


def test_provenance_points_at_the_demo_site(county):
    for entities in county.by_type().values():
        for entity in entities:
            assert entity.provenance.source_url.startswith(demo.DEFAULT_BASE_URL + "/")
            assert entity.provenance.content_hash is not None


def test_ids_are_unique(county):
    ids = [e.id for entities in county.by_type().values() for e in entities]
    assert len(ids) == len(set(ids))
    urls = [e.provenance.source_url for entities in county.by_type().values() for e in entities]
    assert len(urls) == len(set(urls))


def test_a_mutation_round_edits_adds_and_removes(county):
    changed, changes = demo.mutate_county(county, rounds=1)
    edited = {k: len(v) for k, v in changes.edited.items()}
    assert edited == {
        EntityType.CATALOGUE_ENTRY: 3,
        EntityType.LEADER: 1,
        EntityType.POWER_ITEM: 1,
        EntityType.PROJECT: 2,
    }
    assert {k: len(v) for k, v in changes.added.items()} == {
        EntityType.CATALOGUE_ENTRY: 5,
        EntityType.NOTICE: 2,
    }
    assert {k: len(v) for k, v in changes.removed.items()} == {
        EntityType.CATALOGUE_ENTRY: 2,
        EntityType.NOTICE: 1,
    }
    assert changed.counts()[EntityType.CATALOGUE_ENTRY] == 3946 + 5 - 2
    before = {e.id: e for e in county.catalogue}
    after = {e.id: e for e in changed.catalogue}
    for entry_id in changes.edited[EntityType.CATALOGUE_ENTRY]:
        old, new = before[entry_id], after[entry_id]
        assert old.provenance.source_url == new.provenance.source_url  # edited in place
        assert old.provenance.content_hash != new.provenance.content_hash
    assert all(i not in after for i in changes.removed[EntityType.CATALOGUE_ENTRY])
    assert all(i in after and i not in before for i in changes.added[EntityType.CATALOGUE_ENTRY])


def test_mutation_rounds_are_deterministic_and_compose(county):
    two, changes = demo.mutate_county(county, rounds=2)
    one, _ = demo.mutate_county(county, rounds=1)
    one_more, _ = demo.mutate_county(one, rounds=1)
    assert demo.jsonl_files(one_more) == demo.jsonl_files(two)
    assert changes.total() == 2 * 17
    touched = [
        i
        for group in (changes.edited, changes.added, changes.removed)
        for ids in group.values()
        for i in ids
    ]
    assert len(touched) == len(set(touched))  # a later round never touches the same item
    for entity_type, text in demo.jsonl_files(two).items():
        assert validate_jsonl(entity_type, text.splitlines()).ok


def test_mutation_rounds_go_on_when_a_kind_has_no_untouched_item_left(county):
    # A long soak mutates the site every few seconds; before the fix, the round
    # after the last untouched leader was edited raised "Sample larger than population".
    few = dataclasses.replace(county, leaders=county.leaders[:2])
    changed, changes = demo.mutate_county(few, rounds=3)
    assert len(changes.edited[EntityType.LEADER]) == 2  # rounds 1 and 2; none left for 3
    assert len(changes.added[EntityType.CATALOGUE_ENTRY]) == 3 * 5  # every round still adds
    assert changed.round == few.round + 3
