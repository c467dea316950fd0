"""The one scheduler: jobs with explicit ids, coalescing, one instance, a lock per home."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from publisher.config import Config, SourceConfig, parse_schedule
from publisher.home import Home
from publisher.jobs import JOB_DEFAULTS, SchedulerLockedError, build_scheduler, scheduler_lock

GONGKAI = str(Path(sys.executable).parent / "gongkai")


def _config() -> Config:
    return Config(
        sources=(
            SourceConfig(
                id="a", profile="builtin:dayu/ldxx", site="http://x.example", schedule="every 30m"
            ),
            SourceConfig(
                id="b",
                profile="builtin:dayu/tzgg",
                site="http://x.example",
                schedule="cron: 0 3 * * *",
            ),
            SourceConfig(
                id="c", profile="builtin:dayu/gknb", site="http://x.example", enabled=False
            ),
        )
    )


def test_one_job_per_enabled_source_with_explicit_ids_and_safe_defaults():
    scheduler = build_scheduler(_config(), sync_source=lambda _source_id: None)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"sync:a", "sync:b"}
    assert isinstance(jobs["sync:a"].trigger, IntervalTrigger)
    assert jobs["sync:a"].trigger.interval.total_seconds() == 1800
    assert isinstance(jobs["sync:b"].trigger, CronTrigger)
    assert str(jobs["sync:b"].trigger.timezone) == "Asia/Shanghai"
    assert JOB_DEFAULTS == {"coalesce": True, "max_instances": 1, "misfire_grace_time": 600}
    for job in jobs.values():
        assert job.coalesce is True
        assert job.max_instances == 1
        assert job.misfire_grace_time == 600


@pytest.mark.parametrize(
    ("text", "kind", "seconds"),
    [("every 90s", "interval", 90), ("every 6h", "interval", 21600),
     ("every 1d", "interval", 86400), ("cron: */15 * * * *", "cron", 0)],
)  # fmt: skip
def test_schedules(text, kind, seconds):
    schedule = parse_schedule(text)
    assert (schedule.kind, schedule.seconds) == (kind, seconds)


@pytest.mark.parametrize("text", ["every 10s", "hourly", "cron: * * *", "every 5 weeks"])
def test_bad_schedules_are_refused(text):
    with pytest.raises(ValueError):
        parse_schedule(text)


def test_a_second_scheduler_for_one_home_is_refused(tmp_path):
    home = Home(tmp_path)
    fd = scheduler_lock(home)
    try:
        with pytest.raises(SchedulerLockedError):
            scheduler_lock(home)
    finally:
        os.close(fd)
    os.close(scheduler_lock(home))  # free again once released


def test_serve_runs_and_stops(tmp_path):
    home = tmp_path / "home"
    subprocess.run(
        [GONGKAI, "init", "--home", str(home)], check=True, capture_output=True, timeout=120
    )
    result = subprocess.run(
        [GONGKAI, "serve", "--home", str(home), "--for", "1"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "serving" in result.stdout


def test_boards_are_evaluated_every_30_s_and_slides_cycled_every_second_apart():
    scheduler = build_scheduler(
        _config(), sync_source=None, boards_evaluate=lambda: None, boards_cycle=lambda: None
    )
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"boards:evaluate", "boards:cycle"}
    assert jobs["boards:evaluate"].trigger.interval.total_seconds() == 30
    assert jobs["boards:cycle"].trigger.interval.total_seconds() == 1
    # Its own worker: a push waiting on a dead board never holds a slide up.
    assert jobs["boards:cycle"].executor == "boards-cycle"
    assert jobs["boards:cycle"].coalesce is True
