"""`gongkai status --json` has the shape the issue promises."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from publisher.store import services
from publisher.store.selectors import status_summary


@pytest.mark.django_db
def test_status_json_shape():
    source = services.source_upsert(
        key="dayu-tzgg",
        name="通知公告",
        entity_type="notice",
        profile="builtin:dayu/tzgg",
        site="http://127.0.0.1:8600",
        auto_approve=False,
        enabled=True,
    )
    now = datetime(2026, 11, 26, 1, 30, tzinfo=UTC)
    run = services.run_start(source=source, trigger="manual", now=now)
    services.run_finish(
        run=run, status="ok", now=now, new=3, changed=1, unchanged=5, requests=12, bytes=3456
    )
    summary = status_summary()
    assert set(summary) >= {"items", "pending", "quarantined", "documents", "last_runs"}
    [last] = summary["last_runs"]
    assert {k: last[k] for k in ("source", "status", "new", "changed", "unchanged")} == {
        "source": "dayu-tzgg",
        "status": "ok",
        "new": 3,
        "changed": 1,
        "unchanged": 5,
    }
    assert {"removed", "failed", "requests", "bytes"} <= set(last)
    assert last["started_at"] == "2026-11-26T09:30:00+08:00"  # shown in Beijing time
