"""The kiosk's view-models on the demo county's release: no Kivy, no display."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from content.enums import EntityType
from content.shortlink import derive_code
from kiosk.agent.reader import ReleaseReader
from kiosk.viewmodels.blocks import (
    Attachment,
    ChartBlock,
    FlowchartBlock,
    ImageBlock,
    ProgressBlock,
    Timeline,
)
from kiosk.viewmodels.details import build_detail
from kiosk.viewmodels.home import attract_slides, tiles
from kiosk.viewmodels.idle import IdlePolicy
from kiosk.viewmodels.library import Library
from kiosk.viewmodels.links import LinkPolicy
from kiosk.viewmodels.nav import Navigator, Place
from kiosk.viewmodels.search import MAX_QUERY, SearchState, search
from kiosk.viewmodels.sections import SECTIONS, section
from kiosk.viewmodels.spoken import spoken
from kiosk.viewmodels.status import freshness
from kiosk.viewmodels.text import cn_date, markup_escape, plain

from .demohome import SOURCE_HOST

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def library(county_home):
    return Library(ReleaseReader(county_home))


def test_every_home_tile_has_content_and_counts_match_the_release(library):
    found = {t.section: t.count for t in tiles(library)}
    assert list(found) == [s.key for s in SECTIONS]
    assert all(count > 0 for count in found.values()), found
    manifest = library.manifest
    assert found["catalogue"] == manifest.indexes[EntityType.CATALOGUE_ENTRY].count


@pytest.mark.parametrize("key", [s.key for s in SECTIONS if s.facets])
def test_groups_partition_their_section(library, key):
    found = section(key)
    total = len(library.by_type[found.type])
    for facet in found.facets:
        groups = found.groups(library, facet.key)
        assert sum(g.count for g in groups) == total
        first = groups[0]
        assert len(found.rows(library, TODAY, facet.key, first.key)) == first.count


def test_the_catalogue_lists_newest_first_and_leaders_county_first(library):
    rows = section("catalogue").entries(library)
    dates = [e.date for e in rows if e.date]
    assert dates == sorted(dates, reverse=True)
    groups = section("leaders").groups(library, "org")
    assert groups[0].label.startswith("大余县")
    assert any("镇" in g.label for g in groups[1:])  # the town's own leaders, after the county


def test_project_rows_carry_progress_and_status_in_words(library):
    rows = section("projects").rows(library, TODAY)
    assert all(r.progress is not None and 0 <= r.progress <= 100 for r in rows)
    assert all(r.badge for r in rows)  # the status word, not only a colour
    behind = [r for r in rows if r.badge == "慢序时"]
    assert behind
    assert all(r.badge_kind == "warn" for r in behind)


@pytest.mark.parametrize("query", ["bdcdj", "budongchan", "不动产", "BDCDJ"])
def test_search_by_pinyin_initials_full_pinyin_or_chinese(library, query):
    groups = search(library, query)
    titles = [e.title for g in groups for e in g.entries]
    assert titles
    assert all("不动产" in t for t in titles[:3]), titles[:5]


def test_search_groups_by_type_and_finds_people_by_initials(library):
    leader = library.by_type[EntityType.LEADER][0]
    from pypinyin import lazy_pinyin

    initials = "".join(s[0] for s in lazy_pinyin(leader.title))
    groups = search(library, initials)
    assert any(leader.id in {e.id for e in g.entries} for g in groups)
    types = [g.type for g in groups]
    assert len(types) == len(set(types))


def test_keypad_digits_find_document_numbers(library):
    # A resident reads the numbers of a 文号 off a paper notice and taps them in.
    entry = next(
        e
        for e in library.by_type[EntityType.CATALOGUE_ENTRY]
        if any(ch.isdigit() for ch in str(e.summary.get("doc_number") or ""))
    )
    digits = "".join(ch for ch in entry.summary["doc_number"] if ch.isdigit())
    state = SearchState()
    for key in digits:
        state.press(key, library)
    found = [e for g in state.groups for e in g.entries]
    assert found, digits
    assert all(digits in library.search_index.haystacks[library.order.index(e)] for e in found)
    numbers = ["".join(filter(str.isdigit, e.summary.get("doc_number", ""))) for e in found]
    assert any(digits in n for n in numbers)
    assert search(library, "2024")
    assert search(library, "2024年")


def test_the_keypad_types_deletes_clears_and_stops_at_its_limit(library):
    state = SearchState()
    for key in "BDCDJ":
        state.press(key, library)
    assert state.query == "bdcdj"
    assert state.total > 0
    state.press("backspace", library)
    assert state.query == "bdcd"
    state.press("clear", library)
    assert state.query == ""
    assert state.groups == []
    for _ in range(MAX_QUERY + 5):
        state.press("A", library)
    assert len(state.query) == MAX_QUERY
    state.press("[", library)  # not a key of the keypad
    assert "[" not in state.query


def test_a_query_that_matches_nothing_says_so(library):
    assert search(library, "qqqqxz") == []
    assert search(library, "") == []


def _first(library, entity_type, predicate=bool):
    for entry in library.by_type[entity_type]:
        record = library.record(entry.id)
        if record and predicate(record):
            return entry.id
    raise AssertionError(f"no {entity_type} matches")


@pytest.mark.parametrize("entity_type", list(EntityType))
def test_every_type_has_a_detail_with_a_qr_to_its_short_link(library, entity_type):
    entity_id = _first(library, entity_type)
    detail = build_detail(library, entity_id, TODAY)
    assert detail is not None
    assert detail.title
    assert detail.blocks
    assert detail.qr is not None
    code = library.by_id[entity_id].link
    assert code == derive_code("d", entity_id)
    assert detail.qr.url == f"{library.manifest.publisher_url}/d/{code}"
    assert detail.qr.short == detail.qr.url.split("://", 1)[1]  # what is printed: typeable
    assert len(detail.qr.short) <= 30
    assert spoken(detail.title) in detail.speech


def test_without_a_short_link_the_qr_opens_the_source_page(library):
    entity_id = _first(library, EntityType.NOTICE)
    entry = library.by_id[entity_id]
    library.by_id[entity_id] = replace(entry, link="", file_links={})
    try:
        detail = build_detail(library, entity_id, TODAY)
    finally:
        library.by_id[entity_id] = entry
    record = library.record(entity_id)
    assert detail is not None
    assert detail.qr is not None
    assert detail.qr.url == record["provenance"]["source_url"]
    assert urlsplit(detail.qr.url).netloc == SOURCE_HOST
    assert spoken(detail.title) in detail.speech


def test_a_power_flowchart_is_drawn_from_steps_or_shown_as_published(library):
    steps = _first(
        library, EntityType.POWER_ITEM, lambda r: (r.get("flowchart") or {}).get("steps")
    )
    detail = build_detail(library, steps, TODAY)
    charts = [b for b in detail.blocks if isinstance(b, FlowchartBlock)]
    assert len(charts) == 1
    assert len(charts[0].steps) >= 2
    image_only = _first(
        library,
        EntityType.POWER_ITEM,
        lambda r: (r.get("flowchart") or {}).get("image") and not r["flowchart"].get("steps"),
    )
    detail = build_detail(library, image_only, TODAY)
    images = [b for b in detail.blocks if isinstance(b, ImageBlock)]
    assert images
    assert images[0].kind == "flowchart"
    assert Path(images[0].path).is_file()


def test_a_project_detail_has_targets_against_actuals_and_a_timeline(library):
    entity_id = _first(library, EntityType.PROJECT, lambda r: r.get("targets") and r.get("updates"))
    detail = build_detail(library, entity_id, TODAY)
    bars = [b for b in detail.blocks if isinstance(b, ProgressBlock)]
    assert bars[0].label == "总体进度"
    assert bars[0].status
    assert any("目标" in b.text and "完成" in b.text for b in bars[1:])
    timeline = next(b for b in detail.blocks if isinstance(b, Timeline))
    record = library.record(entity_id)
    assert len(timeline.items) == len(record["updates"])
    newest = max(u["as_of_date"] for u in record["updates"])
    assert timeline.items[0][0] == cn_date(newest)  # newest first


def test_a_report_is_drawn_as_charts(library):
    entity_id = _first(library, EntityType.ANNUAL_REPORT)
    detail = build_detail(library, entity_id, TODAY)
    assert sum(isinstance(b, ChartBlock) for b in detail.blocks) >= 2


def test_attachments_point_at_their_short_page_the_mirror_or_the_county_site(library):
    entity_id = _first(library, EntityType.CATALOGUE_ENTRY, lambda r: r.get("attachments"))
    detail = build_detail(library, entity_id, TODAY)
    found = [b.url for b in detail.blocks if isinstance(b, Attachment)]
    mirror = library.manifest.publisher_url + "/docs/"
    short = library.manifest.publisher_url + "/f/"
    expected = [
        short + derive_code("f", a["sha256"]) if a.get("sha256") else a["url"]  # once synced
        for a in library.record(entity_id)["attachments"]
    ]
    assert found == expected
    synced = {"sha256": "a" * 64, "url": "http://elsewhere.example/a.pdf"}
    assert LinkPolicy(library.manifest).attachment(synced) == mirror + "a" * 64


def test_links_only_to_the_releases_hosts(library):
    links = LinkPolicy(library.manifest)
    assert links.allowed(f"http://{SOURCE_HOST}/zwgk/a.shtml")
    assert links.allowed(library.manifest.publisher_url + "/docs/" + "a" * 64)
    for bad in (
        "http://evil.example/x",
        f"http://user:pw@{SOURCE_HOST}/x",
        "javascript:alert(1)",
        f"ftp://{SOURCE_HOST}/x",
        "",
        None,
    ):
        assert not links.allowed(bad), bad
    record = {"provenance": {"source_url": "http://evil.example/a"}}
    assert links.source(record) is None


def test_a_gone_item_has_no_detail(library):
    assert build_detail(library, "power-doesnotexist", TODAY) is None


def test_the_attract_loop_leaves_out_ended_publicity(library):
    slides = attract_slides(library, TODAY)
    assert slides
    assert slides[-1].kind == "figures"
    kinds = [s.kind for s in slides]
    assert {"offer", "projects", "notice", "leaders"} <= set(kinds)
    shown = [(s.kind, s.title, s.item) for s in slides]
    assert len(shown) == len(set(shown))  # no slide twice in one cycle
    for notice in library.loop()["notices"]:
        ended = notice.get("valid_until") and notice["valid_until"] < TODAY.isoformat()
        shown = any(s.item == notice["id"] for s in slides)
        assert not (ended and shown)


def test_the_view_models_read_records_without_the_models():
    # content.records types the records; the pydantic models stay out of a kiosk's memory.
    probe = (
        "import sys, kiosk.viewmodels.details, kiosk.viewmodels.home, kiosk.viewmodels.search; "
        "print(sorted(m for m in sys.modules if m.startswith('content.models')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_navigation_back_home_and_keeping_the_place():
    nav = Navigator()
    nav.go(Place("groups", "powers", "agency"))
    nav.go(Place("groups", "powers", "type"))  # a facet switch replaces, not stacks
    assert len(nav.stack) == 2
    nav.go(Place("list", "powers", "type", "行政许可"))
    nav.go(Place("detail", item="power-1"))
    assert nav.back() == Place("list", "powers", "type", "行政许可")
    nav.go(Place("detail", item="power-1"))
    assert nav.prune({"power-2"}).screen == "list"  # the item left the release
    assert nav.home() == Place("home")
    assert nav.back() == Place("home")


def test_idle_after_the_timeout_once_and_awake_on_touch():
    now = [0.0]
    idle = IdlePolicy(90, clock=lambda: now[0])
    now[0] = 89.9
    assert not idle.check()
    now[0] = 90.0
    assert idle.check()
    assert not idle.check()  # once
    assert idle.touch()  # this touch woke it
    assert not idle.touch()


def test_freshness_from_the_agents_state(tmp_path):
    state = tmp_path / "state.json"
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    state.write_text(
        json.dumps(
            {"last_success_at": (now - timedelta(hours=2)).isoformat(), "stale_after": 86400}
        )
    )
    fresh = freshness(state, now)
    assert not fresh.stale
    assert fresh.text == "内容更新于 2026年11月26日 18:00"
    stale = freshness(state, now + timedelta(days=2))
    assert stale.stale
    assert "2天" in stale.warning
    assert freshness(state, now, timedelta(hours=1)).stale  # the app's own limit
    assert freshness(tmp_path / "missing.json", now).stale


def test_text_from_the_site_is_never_markup():
    hostile = "[size=3000]大[/size][ref=http://evil]点我[/ref]&amp;\u202e"
    assert plain(hostile).endswith("&amp;")
    escaped = markup_escape(plain(hostile))
    assert "[" not in escaped
    assert "]" not in escaped


def test_read_aloud_runs_in_a_child_and_stops(tmp_path):
    from kiosk.a11y.speech import EspeakSpeaker

    heard = tmp_path / "heard.txt"
    fake = tmp_path / "fake-tts"
    fake.write_text(f"#!/bin/sh\ncat > {heard}\nexec sleep 30\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    speaker = EspeakSpeaker(str(fake), pinyin=False)
    speaker.speak("权力清单。行政许可")
    deadline = time.monotonic() + 5
    while not (heard.exists() and heard.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert heard.read_text(encoding="utf-8") == "权力清单。行政许可"
    assert speaker.speaking
    speaker.stop()
    assert not speaker.speaking


def test_espeak_speaks_mandarin_here(tmp_path):
    import shutil
    import subprocess

    if not shutil.which("espeak-ng"):
        pytest.fail("espeak-ng is missing: deploy/debian-packages.txt installs it")
    wav = tmp_path / "out.wav"
    subprocess.run(
        ["espeak-ng", "-v", "cmn", "-w", str(wav), "政务公开"], check=True, capture_output=True
    )
    assert wav.stat().st_size > 10_000  # about a second of speech


def test_the_elder_mode_meets_the_miit_rules():
    from kiosk.viewmodels.theme import ELDER, NORMAL, contrast_ratio

    px_per_pt = 4 / 3
    assert ELDER.body_sp >= 18 * px_per_pt
    assert ELDER.heading_sp >= 30 * px_per_pt
    assert ELDER.touch_dp >= 60
    assert NORMAL.touch_dp >= 44
    assert ELDER.line_spacing >= 1.3
    for name in ("fg", "muted", "accent", "ok", "warn", "line"):
        for background in (ELDER.bg, ELDER.surface):
            assert contrast_ratio(getattr(ELDER, name), background) >= 7, name
        for background in (NORMAL.bg, NORMAL.surface):
            assert contrast_ratio(getattr(NORMAL, name), background) >= 4.5, name
    assert contrast_ratio(ELDER.on_accent, ELDER.accent) >= 7
