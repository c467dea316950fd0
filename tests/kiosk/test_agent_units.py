"""The agent's pure parts and small rules: no network, no publisher."""

from __future__ import annotations

import hashlib
import inspect
import itertools
import random
import subprocess
import sys
import types
from datetime import UTC, datetime, timedelta

import pytest

import kiosk.agent
from kiosk.agent import (
    Agent,
    AgentConfig,
    AgentState,
    ObjectStore,
    RefreshResult,
    StorageError,
    VerificationError,
    state_load,
    state_save,
)
from kiosk.agent.pokes import SseEvent, SseParser


def test_all_lists_exactly_the_public_names():
    for name in kiosk.agent.__all__:  # lazy exports (content.lazy) join vars() when first used
        getattr(kiosk.agent, name, None)
    public = {
        name
        for name, value in vars(kiosk.agent).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and (
            not (inspect.isclass(value) or inspect.isroutine(value))
            or value.__module__.startswith("kiosk.")
        )
    }
    assert len(kiosk.agent.__all__) == len(set(kiosk.agent.__all__))
    assert set(kiosk.agent.__all__) == public


def test_the_agent_imports_no_gui_and_no_server_code():
    code = (
        "import sys, kiosk.agent, kiosk.cli; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'kivy', 'django', 'publisher'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


SSE_CASES = {
    "one release": ([b"event: release\ndata: 7\n\n"], [SseEvent("release", "7")]),
    "split across chunks": (
        [b"retry: 5000\n\nevent: rel", b"ease\nda", b"ta: 8\n", b"\n"],
        [SseEvent("release", "8")],
    ),
    "keepalive comments": ([b": keepalive\n\n: keepalive\n\n"], []),
    "crlf lines": ([b"event: release\r\ndata: 9\r\n\r\n"], [SseEvent("release", "9")]),
    "default event name": ([b"data: x\n\n"], [SseEvent("message", "x")]),
    "no dispatch without a blank line": ([b"event: release\ndata: 1\n"], []),
}


@pytest.mark.parametrize(("chunks", "events"), SSE_CASES.values(), ids=SSE_CASES.keys())
def test_sse_parser(chunks, events):
    parser = SseParser()
    assert [e for chunk in chunks for e in parser.feed(chunk)] == events


def test_sse_parser_reads_the_retry_field():
    parser = SseParser()
    list(parser.feed(b"retry: 5000\n\n"))
    assert parser.retry == 5.0


def test_sse_parser_refuses_an_endless_line():
    with pytest.raises(ValueError, match="too long"):
        list(SseParser().feed(b"x" * 70_000))


def test_state_round_trips_and_tells_staleness(tmp_path):
    now = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    state = AgentState(
        channel="county",
        applied_version=3,
        applied_release="3-abcdefabcdef",
        last_success_at=now,
        last_attempt_at=now + timedelta(minutes=1),
        last_result=RefreshResult.FAILED,
        last_error="fetch: cannot reach",
        last_error_kind="fetch",
    )
    state_save(tmp_path / "state.json", state)
    loaded = state_load(tmp_path / "state.json")
    assert loaded == state
    limit = timedelta(hours=24)
    assert not loaded.is_stale(now + limit, limit)
    assert loaded.is_stale(now + limit + timedelta(seconds=1), limit)
    assert AgentState().is_stale(now, limit)  # never refreshed


@pytest.mark.parametrize(
    "text", ["", "{", "[1]", '{"applied_version": "x"}', '{"last_success_at": "2026-11-26"}']
)
def test_an_unreadable_state_file_starts_afresh(tmp_path, text):
    (tmp_path / "state.json").write_text(text)
    assert state_load(tmp_path / "state.json") == AgentState()


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("publisher", "ftp://x"),
        ("channel", "Town-X"),
        ("channel", "town-"),
        ("poll_interval", 0),
        ("poll_jitter", 1.0),
        ("parallel", 0),
        ("stale_after", timedelta(0)),
        ("token", " "),
    ],
)
def test_config_refuses_bad_values(tmp_path, option, value):
    options = {"publisher": "http://127.0.0.1:1", "home": tmp_path, option: value}
    with pytest.raises(ValueError, match=option.split("_")[0]):
        AgentConfig(**options)


def test_backoff_doubles_per_failure_and_is_capped(tmp_path):
    config = AgentConfig(
        publisher="http://127.0.0.1:1", home=tmp_path, poll_interval=60, retry_interval=5,
        max_backoff=600,
    )  # fmt: skip
    agent = Agent(config, rng=random.Random(1))
    polls = [agent._delay(0) for _ in range(200)]
    assert 48 <= min(polls) < 52
    assert 68 < max(polls) <= 72
    waits = [agent._delay(n) for n in range(1, 12)]
    assert 4 <= waits[0] <= 6
    assert 8 <= waits[1] <= 12
    assert all(b >= a for a, b in itertools.pairwise(waits[:7]))
    assert max(waits) == waits[-1] == 600  # the cap: 10 minutes
    agent.http.clear()


def test_pokes_for_the_applied_version_are_ignored(tmp_path):
    agent = Agent(AgentConfig(publisher="http://127.0.0.1:1", home=tmp_path))
    agent._applied = 5
    agent.poke(5)
    assert not agent._wake.is_set()
    agent.poke(6)
    assert agent._wake.is_set()
    agent._wake.clear()
    agent.poke(7)  # within a second of the last: coalesced
    assert not agent._wake.is_set()
    agent.http.clear()


def test_the_store_refuses_bytes_that_do_not_match(tmp_path):
    store = ObjectStore(tmp_path / "objects")
    data = b"hello"
    sha = hashlib.sha256(data).hexdigest()
    with pytest.raises(VerificationError):
        store.put(data, sha256="0" * 64)
    assert store.put(data, sha256=sha) == sha
    assert store.has(sha)
    assert store.get(sha) == data
    assert list(store) == [sha]
    store.path(sha).write_bytes(b"jello")
    with pytest.raises(VerificationError, match="damaged"):
        store.get(sha)
    with pytest.raises(StorageError):
        store.get("1" * 64)
    for bad in ("../../etc/passwd", "A" * 64, "0" * 63):
        with pytest.raises(VerificationError):
            store.path(bad)


def test_a_failed_image_download_settles_every_claim_so_no_entity_waits_forever(tmp_path):
    from kiosk.agent._http import HttpClient  # noqa: PLC0415
    from kiosk.agent.collector import Collector  # noqa: PLC0415
    from kiosk.agent.errors import FetchError  # noqa: PLC0415

    class Unreachable(HttpClient):
        def get(self, url, *, max_bytes, headers=None):  # noqa: ARG002
            raise FetchError(f"HTTP 404 for {url}", url=url, status=404)

    config = AgentConfig(publisher="http://127.0.0.1:1", home=tmp_path, parallel=4)
    collector = Collector(config, ObjectStore(tmp_path / "objects"), Unreachable())
    first, second = "a" * 64, "b" * 64
    # One entity claims both images and fails on the first; another needs the second.
    with pytest.raises(FetchError):
        collector._store_images({first: 10, second: 10})
    with pytest.raises(FetchError):  # settled with the failure, not left pending
        collector._store_images({second: 10})


def test_the_store_writes_through_incoming_and_syncs_only_what_it_wrote(tmp_path):
    from kiosk.agent import FileSystem  # noqa: PLC0415

    class Recording(FileSystem):
        def __init__(self) -> None:
            self.steps: list[tuple[str, str]] = []

        def _before(self, operation, path):
            self.steps.append((operation, str(path.relative_to(tmp_path))))

    fs = Recording()
    store = ObjectStore(tmp_path / "objects", fs=fs)
    sha = store.put(b"hello")
    (op1, incoming), (op2, folder), (op3, temporary), (op4, target) = fs.steps
    assert (op1, op2, op3, op4) == ("mkdir", "mkdir", "write", "rename")
    assert incoming == "objects/.incoming"
    assert temporary.startswith("objects/.incoming/")
    assert (folder, target) == (f"objects/{sha[:2]}", f"objects/{sha[:2]}/{sha}")
    fs.steps.clear()
    store.put(b"hello")  # held: nothing to do
    store.sync()
    store.sync()
    assert fs.steps == [("fsync", f"objects/{sha[:2]}")]
    assert (store.stats.writes, store.stats.syncs) == (1, 1)
    (tmp_path / "objects" / ".incoming" / "left.tmp").write_bytes(b"half")
    assert store.sweep() == 1
    assert list(store) == [sha]
