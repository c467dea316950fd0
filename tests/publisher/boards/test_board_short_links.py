"""A board's QR code of an item's or a document's page carries its short link."""

from __future__ import annotations

from datetime import UTC, datetime

from content.demo import generate_county
from publisher.boards.compose import ContentSnapshot, items_for
from publisher.boards.demo import DEMO_BOARDS, GUIDE_PATH, demo_rules
from publisher.boards.fonts import find_font
from publisher.boards.render import QrItem
from publisher.boards.rules import content_problems

AT = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 09:00 in the county
SITE = "http://127.0.0.1:8600"


def _qr_rule():
    (rule,) = [r for r in demo_rules(now=AT, site=SITE) if any(p.kind == "qr" for p in r.content)]
    return rule


def test_the_demo_boards_qr_names_the_demo_countys_guide():
    (guide,) = generate_county().guides
    assert guide.provenance.source_url == f"{SITE}{GUIDE_PATH}"


def test_a_qr_of_a_known_page_shows_its_short_link():
    rule = _qr_rule()
    board = next(b for b in DEMO_BOARDS if b.id == "nanan-g6")
    short = "http://127.0.0.1:8700/d/7kq2x"
    snapshot = ContentSnapshot(
        allowed_hosts=frozenset({"127.0.0.1:8600", "127.0.0.1:8700"}),
        short_links={f"{SITE}{GUIDE_PATH}": short},
    )
    found = items_for(board, rule, snapshot, AT, find_font(board.font_px))
    assert [i.url for i in found if isinstance(i, QrItem)] == [short]
    assert not content_problems(rule, [board], snapshot, at=AT)


def test_a_qr_of_a_page_without_a_short_link_keeps_its_url():
    rule = _qr_rule()
    board = next(b for b in DEMO_BOARDS if b.id == "nanan-g6")
    found = items_for(board, rule, ContentSnapshot(), AT, find_font(board.font_px))
    assert [i.url for i in found if isinstance(i, QrItem)] == [f"{SITE}{GUIDE_PATH}"]
