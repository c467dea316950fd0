"""The one atomic write, back-off rule and county clock the packages share."""

from __future__ import annotations

import errno
import os
import random
import stat
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from content import atomicfile
from content.backoff import Backoff
from content.county_time import COUNTY_TZ_NAME, SHANGHAI, county_today

if TYPE_CHECKING:
    from pathlib import Path


def test_write_atomic_replaces_whole_file_with_the_asked_mode(tmp_path):
    target = tmp_path / "key.pem"
    target.write_bytes(b"old")
    atomicfile.write_atomic(target, b"new secret", mode=0o600)
    assert target.read_bytes() == b"new secret"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["key.pem"]


def test_write_atomic_mode_ignores_the_umask(tmp_path):
    old = os.umask(0o077)
    try:
        atomicfile.write_atomic(tmp_path / "public.json", b"{}", mode=0o644)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "public.json").stat().st_mode) == 0o644


def test_write_atomic_makes_parents_only_when_asked(tmp_path):
    with pytest.raises(FileNotFoundError):
        atomicfile.write_atomic(tmp_path / "a" / "b.txt", b"x")
    atomicfile.write_atomic(tmp_path / "a" / "b.txt", b"x", make_parents=True)
    assert (tmp_path / "a" / "b.txt").read_bytes() == b"x"


class _FailingRename(atomicfile.OsFileOps):
    def rename(self, source: Path, target: Path) -> None:  # noqa: ARG002
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_failed_step_leaves_the_target_and_no_temporary(tmp_path):
    target = tmp_path / "release.json"
    target.write_bytes(b"old")
    with pytest.raises(OSError, match="No space"):
        atomicfile.write_atomic(target, b"new", ops=_FailingRename())
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release.json"]


def test_spooled_file_is_kept_on_success_and_removed_on_error(tmp_path):
    with atomicfile.spooled_file(tmp_path, prefix=".download-") as (sink, path):
        sink.write(b"pdf bytes")
    assert path.read_bytes() == b"pdf bytes"
    assert path.name.startswith(".download-")
    assert path.name.endswith(".part")
    kept = path

    class _RefusedError(Exception):
        pass

    def spool_a_refused_body() -> Path:
        with atomicfile.spooled_file(tmp_path, prefix=".x-") as (sink, path):
            sink.write(b"challenge page")
            raise _RefusedError(path)

    with pytest.raises(_RefusedError) as refused:
        spool_a_refused_body()
    assert not refused.value.args[0].exists()
    assert sorted(tmp_path.iterdir()) == [kept]


@pytest.mark.parametrize(
    ("failures", "expected"),
    [(0, 0.0), (1, 30.0), (2, 60.0), (3, 120.0), (5, 480.0), (6, 600.0), (10_000, 600.0)],
)
def test_backoff_doubles_up_to_the_cap(failures, expected):
    assert Backoff(base=30.0, cap=600.0).delay(failures) == expected


def test_jittered_backoff_stays_in_its_band_and_under_the_cap():
    backoff = Backoff(base=10.0, cap=100.0, jitter=0.2)
    rng = random.Random(7)
    for failures in range(1, 12):
        raw = 10.0 * 2 ** (failures - 1)
        for _ in range(50):
            delay = backoff.jittered(failures, rng)
            assert min(raw * 0.8, 100.0) <= delay <= min(raw * 1.2, 100.0)


def test_backoff_rejects_nonsense():
    with pytest.raises(ValueError, match="jitter"):
        Backoff(base=1.0, cap=1.0, jitter=1.5)
    with pytest.raises(ValueError, match="negative"):
        Backoff(base=-1.0, cap=1.0)


def test_county_today_is_beijing_date():
    assert COUNTY_TZ_NAME == "Asia/Shanghai"
    late_utc = datetime(2026, 9, 30, 17, 30, tzinfo=UTC)  # 01:30 on 1 October in Beijing
    assert county_today(late_utc).isoformat() == "2026-10-01"
    assert datetime(2026, 10, 1, tzinfo=SHANGHAI).utcoffset().total_seconds() == 8 * 3600
    with pytest.raises(ValueError, match="aware"):
        county_today(datetime(2026, 10, 1))  # noqa: DTZ001 - the naive case under test
