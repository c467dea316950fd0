"""Sources, "sync now", freshness per agency and the audit trail, as the console reads them."""

from __future__ import annotations

import csv
import io
import threading
import time
from datetime import date, datetime, timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content.county_time import SHANGHAI
from publisher.actors import COUNTY, Actor, OutOfScopeError, Scope
from publisher.config import Config, SourceConfig
from publisher.jobs import SchedulerSyncQueue
from publisher.store.audit_trail import AuditFilter, audit_csv, audit_entries
from publisher.store.freshness import agency_freshness
from publisher.store.models import AuditLog, Item, Revision, Source
from publisher.store.services import (
    SyncRequestError,
    audit_log,
    run_finish,
    run_start,
    source_block,
    source_sync_now,
    source_upsert,
)
from publisher.store.sources_status import SourceState, source_rows

SITE = "http://127.0.0.1:8600"
CONFIG = Config(
    sources=(
        SourceConfig(id="tzgg", profile="builtin:dayu/tzgg", site=SITE),
        SourceConfig(id="ldxx", profile="builtin:dayu/ldxx", site=SITE),
        SourceConfig(id="old", profile="builtin:dayu/tzgg", site=SITE, enabled=False),
        SourceConfig(id="fresh", profile="builtin:dayu/tzgg", site=SITE),
    )
)
ZHANG = Actor.cli("zhang")
TODAY = date(2026, 3, 31)


class ListQueue:
    """A SyncQueue that remembers what it was asked to queue."""

    def __init__(self) -> None:
        self.queued: list[str] = []

    def queue(self, source_id: str) -> bool:
        if source_id in self.queued:
            return False
        self.queued.append(source_id)
        return True


def _source(key: str) -> Source:
    return source_upsert(
        key=key,
        name=f"{key} 栏目",
        entity_type="notice",
        profile="builtin:dayu/tzgg",
        site=SITE,
        auto_approve=False,
        enabled=True,
    )


@pytest.mark.django_db
def test_sources_show_their_last_runs_state_and_back_off_worst_first():
    now = timezone.now()
    tzgg, ldxx = _source("tzgg"), _source("ldxx")
    for n in range(7):
        run = run_start(source=tzgg, trigger="scheduled", now=now - timedelta(hours=7 - n))
        run_finish(run=run, status="ok", now=now - timedelta(hours=7 - n), new=n)
    run = run_start(source=ldxx, trigger="scheduled", now=now)
    run_finish(run=run, status="blocked", now=now, message="HTTP 412")
    source_block(source=ldxx, signal="http-412", now=now)
    with CaptureQueriesContext(connection) as queries:
        rows = source_rows(config=CONFIG, now=now, runs=5)
    assert len(queries) == 2
    assert [(r.id, r.state) for r in rows] == [
        ("ldxx", SourceState.BLOCKED),
        ("fresh", SourceState.NEVER_RUN),
        ("tzgg", SourceState.OK),
        ("old", SourceState.DISABLED),
    ]
    assert rows[0].words == "被反爬拦截，暂停中"
    assert (rows[0].blocked_signal, rows[0].blocked_count) == ("http-412", 1)
    assert rows[0].blocked_until > now
    assert [run.new for run in rows[2].runs] == [6, 5, 4, 3, 2]
    assert rows[2].runs[0].status_words == "成功"


@pytest.mark.django_db
def test_sync_now_queues_once_and_refuses_what_it_must_not_run():
    now = timezone.now()
    queue = ListQueue()
    assert source_sync_now(actor=ZHANG, source_id="tzgg", config=CONFIG, queue=queue, now=now)
    assert not source_sync_now(actor=ZHANG, source_id="tzgg", config=CONFIG, queue=queue, now=now)
    source_block(source=_source("ldxx"), signal="http-412", now=now)
    for source_id, words in (
        ("ldxx", "blocked by an anti-bot page"),
        ("old", "disabled"),
        ("nowhere", "no source"),
    ):
        with pytest.raises(SyncRequestError, match=words):
            source_sync_now(actor=ZHANG, source_id=source_id, config=CONFIG, queue=queue, now=now)
    town = Actor.web("chen", scope=Scope.of_town("nanan"))
    with pytest.raises(OutOfScopeError):
        source_sync_now(actor=town, source_id="tzgg", config=CONFIG, queue=queue, now=now)
    assert queue.queued == ["tzgg"]
    assert AuditLog.objects.filter(action="source.sync_now").count() == 2


def test_the_scheduler_queue_runs_the_job_in_its_worker_not_in_the_caller():
    ran: list[tuple[str, str]] = []
    done = threading.Event()

    def sync(source_id: str) -> None:
        ran.append((source_id, threading.current_thread().name))
        done.set()

    scheduler = BackgroundScheduler(timezone="Asia/Shanghai")
    queue = SchedulerSyncQueue(scheduler, sync)
    assert queue.queue("tzgg")
    assert not queue.queue("tzgg")  # one waits already
    assert ran == []  # queued, not run by the request
    scheduler.start()
    try:
        assert done.wait(10)
        # The scheduler drops a one-off job just after handing it to the worker; a
        # shutdown in between makes that drop fail in the scheduler's thread.
        gone = time.monotonic() + 10
        while scheduler.get_job("sync-now:tzgg") is not None and time.monotonic() < gone:
            time.sleep(0.01)
    finally:
        scheduler.shutdown(wait=True)
    assert ran[0][0] == "tzgg"
    assert ran[0][1] != threading.current_thread().name


def _item(source: Source, key: str, entity_type: str, data: dict, scope: str = "county") -> None:
    item = Item.objects.create(
        source=source, key=key, entity_type=entity_type, scope=scope, url=f"{SITE}/{key}"
    )
    revision = Revision.objects.create(
        item=item,
        seq=1,
        kind="new",
        status="approved",
        data=data,
        source_url=item.url,
        fetched_at=timezone.now(),
    )
    item.current = revision
    item.save()


@pytest.mark.django_db
def test_freshness_per_agency_flags_those_with_nothing_new_in_90_days():
    notices, agencies = _source("tzgg"), _source("jgxx")
    _item(agencies, "ag-edu", "agency", {"id": "ag-edu", "name": "县教育局"})
    _item(agencies, "ag-water", "agency", {"id": "ag-water", "name": "县水利局"})
    _item(
        agencies, "ag-nanan", "agency", {"id": "ag-nanan", "name": "南安镇人民政府"}, "town-nanan"
    )
    for n, (agency, day) in enumerate(
        [
            ("ag-edu", "2026-03-20"),
            ("ag-edu", "2026-01-15"),
            ("ag-water", "2025-10-01"),
            ("ag-nanan", "2026-03-30"),
        ]
    ):
        scope = "town-nanan" if agency == "ag-nanan" else "county"
        _item(
            notices,
            f"n-{n}",
            "notice",
            {"agency_id": agency, "published_date": day, "body_text": "…" * 50},
            scope,
        )
    _item(notices, "n-9", "notice", {"publisher": "县卫健委", "published_date": "2026-02-01"})
    with CaptureQueriesContext(connection) as queries:
        table = agency_freshness(scope=COUNTY, today=TODAY)
    assert len(queries) == 2
    rows = {row.key: row for row in table.agencies}
    assert (rows["ag-edu"].last_published, rows["ag-edu"].last_30, rows["ag-edu"].last_90) == (
        date(2026, 3, 20),
        1,
        2,
    )
    assert rows["ag-water"].stale
    assert rows["ag-water"].words == "超过90天未更新"
    assert rows["县卫健委"].last_90 == 1  # named by its publisher text
    assert next(row.key for row in table.agencies) == "ag-water"  # stalest first
    assert table.months[-1] == date(2026, 3, 1)
    assert rows["ag-edu"].monthly[-1] == 1
    assert rows["ag-edu"].monthly[-3] == 1
    assert {row.key for row in table.columns} == {"tzgg"}
    town = agency_freshness(scope=Scope.of_town("nanan"), today=TODAY)
    assert [row.key for row in town.agencies] == ["ag-nanan"]


@pytest.mark.django_db
def test_the_audit_trail_filters_pages_and_exports_without_personal_data():
    source = _source("tzgg")
    web = Actor.web("li", scope=COUNTY, address="10.0.0.7")
    audit_log(actor=web, action="board_rule_add", detail={"rule": 1, "name": "=HYPERLINK(1)"})
    audit_log(
        actor=ZHANG, action="device.enrol", detail={"device": "hall-1", "channel": "town-nanan"}
    )
    audit_log(
        actor="sync",
        action="source.blocked",
        source=source,
        detail={"signal": "http-412", "applicant_phone": "13800000000", "applicant": "王某某"},
    )
    page = audit_entries(scope=COUNTY, filters=AuditFilter(action="board_"))
    assert [(line.actor, line.address) for line in page.lines] == [("web:li", "10.0.0.7")]
    assert audit_entries(scope=COUNTY, filters=AuditFilter(source="tzgg")).total == 1
    assert audit_entries(scope=COUNTY, limit=2).total == 3
    assert len(audit_entries(scope=COUNTY, limit=2).lines) == 2
    town = audit_entries(scope=Scope.of_town("nanan"))
    assert [line.action for line in town.lines] == ["device.enrol"]
    since = datetime.now(SHANGHAI) - timedelta(minutes=1)
    text = "".join(audit_csv(scope=COUNTY, filters=AuditFilter(since=since)))
    assert text.startswith("\ufeff时间,操作人,操作")
    assert "13800000000" not in text
    assert "王某某" not in text
    assert "另有 2 项未导出" in text
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == 4
    rule_row = next(row for row in rows if row[2] == "board_rule_add")
    assert rule_row[6] == "10.0.0.7"
    assert '"=HYPERLINK(1)"' in rule_row[7]  # inside JSON, so no formula either
