"""The agent running forever: pokes, polls, backoff while offline, heartbeats."""

from __future__ import annotations

import itertools
import signal
import subprocess
import threading
import time

from kiosk.agent import state_load, verify_release

from .repokit import GONGKAI, TOKEN, RepoServer, link


def _wait(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_poke_makes_the_running_agent_activate_within_seconds(publisher, new_home, tmp_path):
    token = publisher.device_add("hall-loop")
    home = new_home()
    log = tmp_path / "agent.log"
    command = [GONGKAI, "kiosk-agent", "--publisher", publisher.url, "--home", str(home),
               f"--token={token}", "--poll", "600"]  # fmt: skip
    with log.open("w") as stderr, subprocess.Popen(command, stderr=stderr) as agent:
        try:
            _wait(lambda: state_load(home / "state.json").applied_version, 30, "first activation")
            _wait(lambda: "listening for pokes" in log.read_text(), 30, "the poke stream")
            first = state_load(home / "state.json")
            first_link = link(home / "active")

            publisher.update()  # one leader changes and is approved; the service releases
            approved = time.monotonic()
            _wait(
                lambda: (
                    (state_load(home / "state.json").applied_version or 0) > first.applied_version
                ),
                30,
                "the poked release",
            )
            latency = time.monotonic() - approved

            state = state_load(home / "state.json")
            print(  # noqa: T201 - the measured figure, shown with -s
                f"\npoke → activated in {latency:.2f} s after the approval; downloaded "
                f"{state.downloaded_objects} objects, {state.downloaded_bytes} bytes"
            )
            assert latency < 20  # the poll interval is 600 s: only the poke can explain it
            assert 0 < state.downloaded_objects < 20
            assert link(home / "previous") == first_link
            verify_release((home / "active").resolve())
            _wait(
                lambda: (
                    publisher.devices()["hall-loop"]["applied_version"] == state.applied_version
                ),
                10,
                "the heartbeat",
            )
        finally:
            agent.send_signal(signal.SIGTERM)
            assert agent.wait(timeout=20) == 0


def test_the_agent_backs_off_while_offline_and_recovers(repo_server, new_home, make_agent):
    server = repo_server("v1")
    port, folder = server.port, server.folder
    server.stop()
    agent = make_agent(
        f"http://127.0.0.1:{port}", new_home(), poll_interval=0.2, retry_interval=0.05,
        max_backoff=0.4, connect_timeout=1.0,
    )  # fmt: skip
    reports = []
    original = agent.refresh

    def recording():
        started = time.monotonic()
        report = original()
        reports.append((started, time.monotonic(), report))
        return report

    agent.refresh = recording
    loop = threading.Thread(target=agent.run_forever, daemon=True)
    loop.start()
    try:
        _wait(lambda: len(reports) >= 5, 10, "five failed refreshes")
        waits = [b[0] - a[1] for a, b in itertools.pairwise(reports)][:4]
        assert all(r.result == "failed" for *_, r in reports[:5])
        assert waits[0] < 0.1  # 0.05 ± 20 %
        assert waits[2] > waits[0] * 2  # doubling per failure
        assert max(waits) < 0.4 + 0.1  # capped at max_backoff
        back = RepoServer(folder, port=port)
        try:
            _wait(lambda: reports[-1][2].result == "activated", 5, "recovery")
            assert (agent.home.active).is_symlink()
        finally:
            agent.stop()
            loop.join(timeout=10)
            back.stop()
    finally:
        agent.stop()
    assert not loop.is_alive()


def test_heartbeats_keep_coming_between_refreshes(repo_server, new_home, make_agent):
    server = repo_server("v1")
    agent = make_agent(
        server.url, new_home(), token=TOKEN, poll_interval=60, heartbeat_interval=0.2
    )
    loop = threading.Thread(target=agent.run_forever, daemon=True)
    loop.start()
    try:
        _wait(lambda: len(server.heartbeats) >= 4, 5, "heartbeats")
    finally:
        agent.stop()
        loop.join(timeout=10)
    assert not loop.is_alive()
    # One refresh (at start), then heartbeats alone.
    assert len(server.requests("/repo/metadata/timestamp.json")) == 1
    assert all(beat["applied_version"] == 1 for beat in server.heartbeats)
