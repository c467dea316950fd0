"""The sync engine against a fake county site on a real loopback socket.

Each test drives ``SyncEngine`` (``sitekit.SyncKit``) against the small TRS-style
notices column of ``sitekit.CountySite``: 8 articles, 5 a page, ETags and 304s,
faults scripted per path. The loopback server records every request and reply,
so the tests assert what was fetched, not only what was stored.

The last tests run the real ``gongkai`` command in subprocesses: a sync killed
with SIGKILL against the real demo county site, and the exit codes of ``sync``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import time

import pytest

from publisher.review import record_diff, revision_report
from publisher.store import services
from publisher.store.models import (
    AuditLog,
    Document,
    FetchState,
    Item,
    Revision,
    Source,
    SyncRun,
)

from . import sitekit
from .sitekit import (
    COLUMN,
    GONGKAI,
    NOTICE_PROFILE,
    SOURCE_ID,
    cli,
    cli_env,
    garbage_page,
    make_path,
    prose,
    sqlite_rows,
    write_home,
)

INDEX = f"{COLUMN}index.shtml"
INDEX_1 = f"{COLUMN}index_1.shtml"
TS_CHALLENGE = (
    b"<html><head><meta charset='utf-8'><script>$_ts=window['$_ts'];if(!$_ts)$_ts={};"
    b"$_ts.nsd=84521;$_ts.cd='qhxrrpAlqGqLHAl';</script>"
    b"<script type='text/javascript' r='m' src='/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js'>"
    b"</script></head><body></body></html>"
)
OTHER_ALPHABET = sitekit.ALPHABET_B


def exchanges_since(loopback, start):
    """(path, status, If-None-Match sent) of every request from ``start`` on."""
    return [
        (seen.path, reply.status, seen.headers.get("If-None-Match"))
        for seen, reply in loopback.exchanges[start:]
    ]


def approve_all():
    for revision in Revision.objects.filter(status=Revision.Status.PENDING):
        services.revision_approve(revision=revision, actor="tester", secrecy_checked=True)


def last_run():
    return SyncRun.objects.order_by("-pk").first()


def counts_of(run):
    names = ("new", "changed", "unchanged", "removed", "failed", "external", "documents")
    return {name: getattr(run, name) for name in names}


def item_of(county, number):
    return Item.objects.get(url=county.article_url(number))


# --- 1. full sync and the incremental second run ------------------------------------------


def test_full_sync_stores_every_item_as_a_pending_revision_with_provenance(
    kit, county, loopback, db
):
    summary = kit.run()

    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.OK == summary.status
    assert counts_of(run) == {
        "new": 8,
        "changed": 0,
        "unchanged": 0,
        "removed": 0,
        "failed": 0,
        "external": 0,
        "documents": 0,
    }
    assert (run.listing_complete, run.errors, run.message) == (True, [], "")
    assert (run.started_at, run.finished_at) == (kit.clock.now, kit.clock.now)
    assert run.requests == len(loopback.seen) == 1 + 2 + 8  # robots.txt, 2 list pages, 8 articles
    assert run.bytes == sum(len(reply.body) for _, reply in loopback.exchanges)
    revisions = list(Revision.objects.select_related("item").order_by("item__url"))
    assert len(revisions) == 8
    for revision in revisions:
        number = int(revision.source_url.rsplit("_", 1)[1].removesuffix(".shtml"))
        article = county.articles[number]
        assert (revision.status, revision.kind, revision.seq) == ("pending", "new", 1)
        assert revision.source_url == county.article_url(number)
        assert revision.fetched_at == kit.clock.now
        assert revision.run_id == run.pk
        assert revision.decided_by == ""
        assert revision.data["provenance"]["source_url"] == revision.source_url
        assert revision.data["provenance"]["fetched_at"] == "2026-01-06T17:00:00+08:00"
        assert revision.data["title"] == article.title
        assert revision.data["publisher"] == article.publisher
        assert revision.data["published_date"] == article.date
        assert revision.data["kind"] == "notice"
        assert revision.data["body_text"] == "\n".join(article.paragraphs)
        item = revision.item
        assert (item.state, item.current_id, item.url) == ("active", None, revision.source_url)
    list_states = FetchState.objects.filter(kind=FetchState.Kind.LIST)
    assert sorted(s.url for s in list_states) == sorted(county.url(p) for p in (INDEX, INDEX_1))


def test_second_run_without_changes_fetches_only_the_list_pages_answered_304(
    kit, county, loopback, db
):
    kit.run()
    start = len(loopback.seen)
    kit.clock.advance(hours=6)

    summary = kit.run()

    fetched = exchanges_since(loopback, start)
    assert [(path, status) for path, status, _ in fetched] == [
        ("/robots.txt", 200),
        (INDEX, 304),
        (INDEX_1, 304),
    ]
    assert all(etag for path, _, etag in fetched if path != "/robots.txt")
    assert (summary.status, summary.new, summary.changed, summary.unchanged) == ("ok", 0, 0, 8)
    assert last_run().requests == 3
    assert Revision.objects.count() == 8
    assert kit.asked[-2:] == [county.url(INDEX), county.url(INDEX_1)]


# --- 2. an article edited in place --------------------------------------------------------


def test_article_edited_in_place_gives_one_changed_revision_whose_diff_names_body_text(
    kit, county, loopback, db
):
    kit.run()
    approve_all()
    old = county.articles[7].paragraphs
    corrected = "更正：" + old[1][3:]
    county.edit(7, paragraphs=(old[0], corrected, *old[2:]))
    start = len(loopback.seen)

    summary = kit.run()

    assert (summary.status, summary.new, summary.changed, summary.unchanged) == ("ok", 0, 1, 7)
    fetched = exchanges_since(loopback, start)
    # Republished: the list page no longer matches the ETag sent, so all its articles are rechecked.
    assert [(status, bool(etag)) for path, status, etag in fetched if path == INDEX] == [
        (200, True)
    ]
    assert (county.article_path(7), 200) in [(p, s) for p, s, _ in fetched]
    others = [
        (p, s, bool(e)) for p, s, e in fetched if "/202601/" in p and p != county.article_path(7)
    ]
    assert others == [(county.article_path(n), 304, True) for n in (1, 2, 3, 4, 5, 6, 8)]
    waiting = Revision.objects.filter(status=Revision.Status.PENDING)
    assert len(waiting) == 1
    revision = waiting[0]
    item = item_of(county, 7)
    assert (revision.item_id, revision.kind, revision.seq) == (item.pk, "change", 2)
    assert revision.change_share < 0.5
    assert [change.field for change in record_diff(item.current.data, revision.data)] == [
        "body_text"
    ]
    report = revision_report(revision)
    assert "--- body_text" in report
    assert f"  -{old[1]}" in report
    assert f"  +{corrected}" in report


# --- 3 and 4. removals --------------------------------------------------------------------


def test_article_gone_from_the_list_is_queued_for_removal_not_deleted(kit, county, db):
    kit.run()
    approve_all()
    county.remove(3)
    kit.clock.advance(hours=6)

    summary = kit.run()

    assert (summary.status, summary.removed, summary.unchanged) == ("ok", 1, 7)
    item = item_of(county, 3)
    removal = item.revisions.get(kind=Revision.Kind.REMOVAL)
    assert (removal.status, removal.reason) == ("pending", "no longer listed on the site")
    assert (item.state, item.missing_since) == ("active", kit.clock.now)
    assert item.current is not None
    assert Item.objects.count() == 8
    assert Item.objects.filter(state=Item.State.ACTIVE).count() == 8


def test_approving_a_removal_takes_the_item_off(kit, county, db):
    kit.run()
    approve_all()
    county.remove(3)
    kit.run()
    removal = item_of(county, 3).revisions.get(kind=Revision.Kind.REMOVAL)

    services.revision_approve(revision=removal, actor="审核员", secrecy_checked=True)

    item = item_of(county, 3)
    assert item.state == Item.State.REMOVED
    assert Item.objects.filter(state=Item.State.ACTIVE).count() == 7


def test_rejecting_a_removal_keeps_the_item_and_is_not_asked_again(kit, county, db):
    kit.run()
    approve_all()
    county.remove(3)
    kit.run()
    removal = item_of(county, 3).revisions.get(kind=Revision.Kind.REMOVAL)

    services.revision_reject(revision=removal, actor="审核员", reason="栏目改版，稍后恢复")
    again = kit.run()

    assert item_of(county, 3).state == Item.State.ACTIVE
    assert again.removed == 0
    assert item_of(county, 3).revisions.filter(kind=Revision.Kind.REMOVAL).count() == 1


def test_article_back_on_the_list_withdraws_its_pending_removal(kit, county, db):
    kit.run()
    approve_all()
    gone = county.articles[3]
    county.remove(3)
    kit.run()
    county.put_back(gone)  # a listing hiccup: the same article, unchanged, is listed again

    summary = kit.run()

    assert (summary.status, summary.removed) == ("ok", 0)
    item = item_of(county, 3)
    waiting = item.revisions.filter(status__in=["pending", "quarantined"])
    assert [(r.kind, r.reason) for r in waiting] == []


def test_no_removal_is_flagged_when_a_list_page_failed(kit, county, loopback, db):
    kit.run()
    county.remove(1)
    loopback.script(INDEX_1, loopback.reply(500, b"internal error"))

    summary = kit.run()

    assert (summary.status, summary.removed, summary.listing_complete) == ("partial", 0, False)
    assert not Revision.objects.filter(kind=Revision.Kind.REMOVAL).exists()
    assert not Item.objects.exclude(missing_since=None).exists()
    assert [(e["url"], e["field"]) for e in last_run().errors] == [(county.url(INDEX_1), "list")]


def test_many_items_vanishing_at_once_are_quarantined_not_queued(kit, county, db):
    kit.run()
    approve_all()
    county.remove(2, 5, 8)  # 3 of 8 = 37.5 % > max_removal_share 20 %

    summary = kit.run()

    assert summary.removed == 3
    removals = Revision.objects.filter(kind=Revision.Kind.REMOVAL)
    assert {r.status for r in removals} == {Revision.Status.QUARANTINED}
    assert {r.item.url for r in removals} == {county.article_url(n) for n in (2, 5, 8)}
    assert {r.reason for r in removals} == {"3 of 8 items gone at once (limit 20%)"}
    log = AuditLog.objects.get(action="sync.removals_quarantined")
    assert (log.actor, log.source.key, log.detail) == (
        "sync",
        SOURCE_ID,
        {"missing": 3, "items": 8},
    )
    assert Item.objects.filter(state=Item.State.ACTIVE).count() == 8


# --- 5. rewrite share and auto-approval ---------------------------------------------------


def long_body(number, *, alphabet=sitekit.ALPHABET_A):
    """Eight paragraphs of 80 characters: the body is most of the notice."""
    return tuple(prose(number * 10 + i, 80, alphabet=alphabet) for i in range(8))


def test_rewriting_most_of_an_approved_item_is_quarantined(kit, county, db):
    county.edit(2, paragraphs=long_body(2))
    kit.run()
    approve_all()
    published = item_of(county, 2).current
    county.edit(2, paragraphs=long_body(2, alphabet=OTHER_ALPHABET))

    summary = kit.run()

    assert summary.changed == 1
    revision = item_of(county, 2).revisions.get(seq=2)
    assert revision.status == Revision.Status.QUARANTINED
    assert revision.change_share > 0.5
    assert re.fullmatch(r"rewrites \d+% of the published version \(limit 50%\)", revision.reason), (
        revision.reason
    )
    assert item_of(county, 2).current == published
    log = AuditLog.objects.get(action="sync.quarantine")
    assert (log.actor, log.revision_id) == ("sync", revision.pk)


def test_small_change_to_an_approved_item_is_pending(kit, county, db):
    kit.run()
    approve_all()
    old = county.articles[2].paragraphs
    county.edit(2, paragraphs=(old[0][:-2] + "止。", *old[1:]))

    kit.run()

    revision = item_of(county, 2).revisions.get(seq=2)
    assert (revision.status, revision.reason) == (Revision.Status.PENDING, "")
    assert 0 < revision.change_share < 0.05


def test_auto_approve_source_publishes_new_items_as_auto(kit, county, db):
    kit.run(auto_approve=True)

    assert Source.objects.get().auto_approve is True
    revisions = Revision.objects.all()
    assert len(revisions) == 8
    for revision in revisions:
        assert (revision.status, revision.decided_by) == ("approved", "auto")
        assert revision.decided_at == kit.clock.now
        assert revision.item.current_id == revision.pk
        assert revision.item.title == revision.data["title"]


def test_rewriting_the_whole_body_of_a_short_notice_is_quarantined(kit, county, db):
    kit.run()
    approve_all()
    old = county.articles[2].paragraphs
    county.edit(2, paragraphs=tuple(prose(20 + i, 60, alphabet=OTHER_ALPHABET) for i in range(4)))

    kit.run()

    revision = item_of(county, 2).revisions.get(seq=2)
    before, after = "".join(old), revision.data["body_text"]
    assert not set(before) & set(after) - {"。"}  # not one character of the text survived
    assert revision.status == Revision.Status.QUARANTINED, revision.change_share


def test_auto_approve_still_quarantines_a_rewrite(kit, county, db):
    county.edit(4, paragraphs=long_body(4))
    kit.run(auto_approve=True)
    published = item_of(county, 4).current
    county.edit(4, paragraphs=long_body(4, alphabet=OTHER_ALPHABET))
    old = county.articles[6].paragraphs
    county.edit(6, paragraphs=(*old[:-1], old[-1][:-2] + "止。"))

    summary = kit.run(auto_approve=True)

    assert summary.changed == 2
    rewrite = item_of(county, 4).revisions.get(seq=2)
    assert (rewrite.status, rewrite.decided_by) == (Revision.Status.QUARANTINED, "")
    assert item_of(county, 4).current == published
    small = item_of(county, 6).revisions.get(seq=2)
    assert (small.status, small.decided_by) == (Revision.Status.APPROVED, "auto")
    assert item_of(county, 6).current == small


# --- 6. broken detail pages ---------------------------------------------------------------


def break_two_articles(loopback, county):
    """Article 2 answers 500 every time; article 4 is a 200 page without its fields."""
    loopback.script(county.article_path(2), loopback.reply(500, b"internal error"))
    loopback.script(county.article_path(4), loopback.reply(200, garbage_page()))


def test_broken_detail_pages_are_per_item_errors_and_the_rest_is_stored(kit, county, loopback, db):
    break_two_articles(loopback, county)

    summary = kit.run()

    run = last_run()
    assert run.status == SyncRun.Status.PARTIAL == summary.status
    assert (run.failed, run.new, run.listing_complete) == (2, 6, True)
    assert run.failed > 0  # what `gongkai sync` turns into exit code 1
    assert run.errors == [
        {"url": county.article_url(2), "field": "page",
         "message": f"cannot fetch {county.article_url(2)}: HTTP status 500"},
        {"url": county.article_url(4), "field": "publisher", "message": "missing on the page"},
    ]  # fmt: skip
    assert loopback.statuses_to(county.article_path(2)) == [500, 500]  # retried once
    stored = set(Item.objects.values_list("url", flat=True))
    assert stored == {county.article_url(n) for n in (1, 3, 5, 6, 7, 8)}
    assert not FetchState.objects.filter(url=county.url(INDEX)).exists()
    assert FetchState.objects.filter(url=county.url(INDEX_1)).exists()


def test_next_run_after_broken_pages_completes_the_work(kit, county, loopback, db):
    break_two_articles(loopback, county)
    kit.run()
    loopback.unscript(county.article_path(2), county.article_path(4))
    start = len(loopback.seen)

    summary = kit.run()

    assert (summary.status, summary.new, summary.unchanged, summary.failed) == ("ok", 2, 6, 0)
    fetched = exchanges_since(loopback, start)
    # The first list page was never marked done: fetched in full. The second was.
    assert (INDEX, 200, None) in fetched
    assert fetched[-1][:2] == (INDEX_1, 304)
    assert (county.article_path(2), 200, None) in fetched
    assert (county.article_path(4), 200, None) in fetched
    conditional = {p for p, s, etag in fetched if s == 304 and etag}
    assert {county.article_path(n) for n in (1, 3, 5)} <= conditional
    assert not {county.article_path(n) for n in (6, 7, 8)} & {p for p, _, _ in fetched}
    assert Item.objects.count() == 8
    assert FetchState.objects.filter(url=county.url(INDEX)).exists()


# --- 7 and 8. the network failing ---------------------------------------------------------


@pytest.fixture
def closed_port():
    """A loopback port with nothing listening on it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_site_down_fails_the_run_and_touches_nothing(kit, loopback, closed_port, db):
    site = f"http://127.0.0.1:{closed_port}"

    summary = kit.run(site=site)

    run = last_run()
    assert run.status == SyncRun.Status.FAILED == summary.status
    assert run.message.startswith(f"the list {site}{INDEX} could not be read: ")
    assert "Connection refused" in run.message  # the cause, not a robots.txt story
    assert [error["url"] for error in run.errors] == [f"{site}{INDEX}"]
    assert (run.new, run.listing_complete) == (0, False)
    assert not Item.objects.exists()
    assert not Revision.objects.exists()
    assert not FetchState.objects.exists()
    assert not Document.objects.exists()
    assert not AuditLog.objects.exists()
    assert Source.objects.get().blocked_until is None
    assert not kit.home.documents.exists()
    assert loopback.seen == []


def test_reset_mid_body_and_oversized_page_are_per_item_errors(kit, county, loopback, db):
    kit.max_bytes = 200_000  # the reset reply announces 100000 bytes: under the limit
    loopback.script(county.article_path(3), loopback.reply(200, b"<html>", behaviour="reset"))
    loopback.script(county.article_path(6), loopback.reply(200, b"<html>" + b"x" * 300_000))

    summary = kit.run()

    assert (summary.status, summary.failed, summary.new) == ("partial", 2, 6)
    errors = {error["url"]: error for error in last_run().errors}
    assert set(errors) == {county.article_url(3), county.article_url(6)}
    assert errors[county.article_url(3)]["field"] == "page"
    assert "IncompleteRead" in errors[county.article_url(3)]["message"]
    assert errors[county.article_url(6)]["field"] == "page"
    assert errors[county.article_url(6)]["message"].endswith("body larger than 200000 bytes")
    assert len(loopback.requests_to(county.article_path(3))) == 2  # broke off, retried once
    assert len(loopback.requests_to(county.article_path(6))) == 1  # too large: not retried
    stored = set(Item.objects.values_list("url", flat=True))
    assert stored == {county.article_url(n) for n in (1, 2, 4, 5, 7, 8)}


# --- 9. anti-bot pages --------------------------------------------------------------------


def test_412_challenge_blocks_the_source_which_then_backs_off(kit, county, loopback, db):
    loopback.script(INDEX, loopback.reply(412, TS_CHALLENGE))

    blocked = kit.run()

    assert blocked.status == SyncRun.Status.BLOCKED
    assert "412-challenge" in blocked.message
    assert last_run().status == SyncRun.Status.BLOCKED
    source = Source.objects.get()
    assert source.blocked_until > kit.clock.now
    assert (source.blocked_signal, source.blocked_count) == ("412-challenge", 1)
    assert AuditLog.objects.filter(action="source.blocked", source=source).count() == 1
    assert len(loopback.requests_to(INDEX)) == 1  # a challenge is never retried
    assert not Item.objects.exists()

    requests_so_far, asked_so_far = len(loopback.seen), len(kit.asked)
    kit.clock.advance(minutes=5)
    waiting = kit.run()

    assert waiting.status == SyncRun.Status.BLOCKED
    assert "backing off" in waiting.message
    assert (len(loopback.seen), len(kit.asked)) == (requests_so_far, asked_so_far)

    loopback.unscript(INDEX)
    recovered = kit.run(force=True)

    assert (recovered.status, recovered.new) == ("ok", 8)
    source.refresh_from_db()
    assert (source.blocked_until, source.blocked_signal, source.blocked_count) == (None, "", 0)


def test_tiny_html_200_is_taken_for_a_block(kit, loopback, db):
    busy = "<html><body>访问过于频繁，请稍后再试</body></html>".encode()
    loopback.script(INDEX, loopback.reply(200, busy))

    summary = kit.run()

    assert summary.status == SyncRun.Status.BLOCKED
    source = Source.objects.get()
    assert source.blocked_signal == "tiny-body"
    assert source.blocked_until > kit.clock.now
    assert not Item.objects.exists()


# --- 10. off-site links -------------------------------------------------------------------


def test_off_site_links_are_counted_as_external_and_never_fetched(kit, county, loopback, db):
    off_site = make_path(99)
    county.external = [
        "https://mp.weixin.qq.com/s/Dy2026DemoCountyNotice",
        # The same server under another host name: if it were fetched, the server would see it.
        f"http://localhost:{loopback.port}{off_site}",
    ]

    first = kit.run()
    second = kit.run()

    assert (first.status, first.external, first.new) == ("ok", 2, 8)
    assert (second.status, second.external) == ("ok", 2)
    assert last_run().external == 2
    assert all(url.startswith(county.root + "/") for url in kit.asked), kit.asked
    assert loopback.requests_to(off_site) == []
    assert not Item.objects.exclude(url__startswith=county.root + "/").exists()


# --- 11. attachments ----------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


def test_attachment_is_mirrored_once_by_content_hash(kit, county, loopback, db):
    pdf_path = county.attach(1, "P020260105_1.pdf", PDF, "附件1：2026年第一批名单.pdf")
    sha = hashlib.sha256(PDF).hexdigest()

    first = kit.run()

    assert (first.status, first.documents) == ("ok", 1)
    document = Document.objects.get()
    assert (document.sha256, document.size, document.media_type) == (
        sha,
        len(PDF),
        "application/pdf",
    )
    assert document.path == f"documents/{sha[:2]}/{sha}"
    assert document.source_url == county.url(pdf_path)
    stored = kit.home.root / document.path
    assert stored == kit.home.document_path(sha)
    assert stored.read_bytes() == PDF
    assert list(kit.home.tmp.iterdir()) == []
    (attachment,) = item_of(county, 1).revisions.get().data["attachments"]
    assert attachment == {
        "name": "附件1：2026年第一批名单.pdf",
        "url": county.url(pdf_path),
        "file_type": "pdf",
        "sha256": sha,
        "size_bytes": len(PDF),
    }
    assert "附件" not in item_of(county, 1).revisions.get().data["body_text"]

    start = len(loopback.seen)
    second = kit.run()

    assert (second.status, second.documents) == ("ok", 0)
    assert pdf_path not in [path for path, _, _ in exchanges_since(loopback, start)]
    assert Document.objects.count() == 1


def test_changed_article_fetches_its_unchanged_attachment_conditionally(kit, county, loopback, db):
    pdf_path = county.attach(1, "P020260105_1.pdf", PDF, "附件1：2026年第一批名单.pdf")
    kit.run()
    before = item_of(county, 1).revisions.get(seq=1).data["attachments"]
    county.edit(1, title="关于做好第1批事项办理工作的补充通知")
    start = len(loopback.seen)

    summary = kit.run()

    assert (summary.changed, summary.documents) == (1, 0)
    pdf_requests = [(s, bool(e)) for p, s, e in exchanges_since(loopback, start) if p == pdf_path]
    assert pdf_requests == [(304, True)]  # asked with its ETag, answered "not modified"
    assert Document.objects.count() == 1
    assert sum(1 for f in kit.home.documents.rglob("*") if f.is_file()) == 1
    after = item_of(county, 1).revisions.get(seq=2).data["attachments"]
    assert after == before


# --- 12. SIGKILL in the middle of a real sync ---------------------------------------------

DEMO_SOURCES = ("dayu-ldxx", "dayu-tzgg")  # run in this order: 61 leaders, then 120 notices
CLEAN_COUNTS = {"leader": 61, "notice": 120}


@pytest.fixture(scope="module")
def demo_site():
    """The real demo county site, `gongkai demo-site --port 0`, in a subprocess."""
    process = subprocess.Popen(
        [str(GONGKAI), "demo-site", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=cli_env(),
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready, "the demo site printed nothing within 60 s"
        line = process.stdout.readline().decode()
        found = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert found, line
        yield found.group(0)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        process.stdout.close()


@pytest.fixture(scope="module")
def demo_home_template(demo_site, tmp_path_factory):
    """`gongkai init --demo` once, restricted to two small sources; tests copy it."""
    home = tmp_path_factory.mktemp("demo-template") / "H"
    result = cli("init", "--home", home, "--demo", demo_site)
    assert result.returncode == 0, result.stderr
    config = home / "gongkai.toml"
    head, *blocks = config.read_text(encoding="utf-8").split("[[sources]]")
    kept = [block for block in blocks if re.search(r'id = "(.+?)"', block).group(1) in DEMO_SOURCES]
    config.write_text(head + "".join("[[sources]]" + block for block in kept), encoding="utf-8")
    assert len(kept) == len(DEMO_SOURCES)
    return home


def wait_for_revisions(process, database, at_least, *, deadline=60.0):
    """Poll the store until the running sync has stored ``at_least`` revisions."""
    until = time.monotonic() + deadline
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
    try:
        while time.monotonic() < until:
            if process.poll() is not None:
                pytest.fail(
                    f"the sync ended (exit {process.returncode}) before {at_least} revisions"
                )
            try:
                (count,) = connection.execute("SELECT COUNT(*) FROM store_revision").fetchone()
            except sqlite3.OperationalError:  # locked for a moment
                count = 0
            if count >= at_least:
                return count
            time.sleep(0.002)
    finally:
        connection.close()
    pytest.fail(f"fewer than {at_least} revisions after {deadline} s")
    return 0  # unreachable


@pytest.mark.slow
@pytest.mark.parametrize(
    "kill_after", [1, 90, 140], ids=["first-leader", "early-notices", "late-notices"]
)
def test_sync_killed_with_sigkill_is_completed_by_the_next_run(
    demo_home_template, tmp_path, kill_after
):
    home = tmp_path / "H"
    shutil.copytree(demo_home_template, home)
    database = home / "db.sqlite3"
    with (tmp_path / "killed-sync.log").open("wb") as log:
        process = subprocess.Popen(
            [str(GONGKAI), "sync", "--home", str(home)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=cli_env(),
        )
        try:
            wait_for_revisions(process, database, kill_after)
            os.kill(process.pid, signal.SIGKILL)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    [(stored_when_killed,)] = sqlite_rows(database, "SELECT COUNT(*) FROM store_revision")
    assert kill_after <= stored_when_killed < sum(CLEAN_COUNTS.values())

    result = cli("sync", "--home", home, timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    status = json.loads(cli("status", "--home", home, "--json").stdout)
    assert status["items"] == CLEAN_COUNTS
    assert status["pending"] == sum(CLEAN_COUNTS.values())
    assert {s["source"]: s["last_run"]["status"] for s in status["sources"]} == dict.fromkeys(
        DEMO_SOURCES, "ok"
    )
    runs = sqlite_rows(database, "SELECT status FROM store_syncrun")
    assert sorted(status for (status,) in runs).count("interrupted") == 1
    assert sqlite_rows(
        database, "SELECT COUNT(*), COUNT(DISTINCT item_id) FROM store_revision"
    ) == [(181, 181)]
    assert sqlite_rows(database, "SELECT DISTINCT kind, status FROM store_revision") == [
        ("new", "pending")
    ]
    assert [p.name for p in (home / "tmp").iterdir()] == []
    documents = sqlite_rows(database, "SELECT path, sha256, size FROM store_document")
    assert documents
    for path, sha, size in documents:
        content = (home / path).read_bytes()
        assert (hashlib.sha256(content).hexdigest(), len(content)) == (sha, size), path


# --- 13. exit codes of `gongkai sync` -----------------------------------------------------


def test_sync_with_a_misspelt_config_key_exits_2_naming_file_key_and_line(tmp_path):
    home = tmp_path / "H"
    home.mkdir()
    config = home / "gongkai.toml"
    config.write_text(
        '[publisher]\nname = "大余县人民政府"\n\n[review]\nauto_approve = false\n'
        "max_removal_shar = 0.3\n",
        encoding="utf-8",
    )

    result = cli("sync", "--home", home)

    assert result.returncode == 2
    assert f"{config.resolve()}:6: review.max_removal_shar: Extra inputs are not permitted" in (
        result.stderr
    )
    assert not (home / "db.sqlite3").exists()


def test_sync_of_an_unknown_source_exits_2(tmp_path):
    home = write_home(tmp_path / "H", site="http://127.0.0.1:9")

    result = cli("sync", "--home", home, "dayu-nosuch")

    assert result.returncode == 2
    assert "unknown sources: dayu-nosuch" in result.stderr


def test_sync_with_a_broken_profile_exits_2_naming_profile_key_and_line(tmp_path):
    broken = NOTICE_PROFILE.replace('pagination = "trs"', 'pagination = "pages"')
    home = write_home(tmp_path / "H", site="http://127.0.0.1:9", profile=broken)
    line = broken.splitlines().index('pagination = "pages"') + 1

    result = cli("sync", "--home", home)

    assert result.returncode == 2
    profile = home.resolve() / "profiles" / "notice.toml"
    assert f"{profile}:{line}: list.pagination: Input should be" in result.stderr
    assert sqlite_rows(home / "db.sqlite3", "SELECT COUNT(*) FROM store_syncrun") == [(0,)]


def test_sync_exits_1_when_an_item_failed_and_0_once_it_is_stored(tmp_path, county, loopback):
    home = write_home(tmp_path / "H", site=county.root)
    loopback.script(county.article_path(5), loopback.reply(500, b"internal error"))

    failed = cli("sync", "--home", home)

    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert f"{SOURCE_ID}: partial  new 7" in failed.stdout
    assert f"{county.article_url(5)}: page: cannot fetch" in failed.stderr

    loopback.unscript(county.article_path(5))
    fixed = cli("sync", "--home", home)

    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert f"{SOURCE_ID}: ok  new 1" in fixed.stdout
