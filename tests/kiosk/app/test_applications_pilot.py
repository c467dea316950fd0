"""依申请公开 at the kiosk: how to apply, and 查询办理进度 answered by a real publisher.

A real `gongkai serve` on loopback holds the demo register and has this kiosk
enrolled; the in-process pilot taps the home button, the digit keys and 查询
with real touch events, and the answer comes over a real socket. The offline
message is tested against a port nobody listens on.
"""

from __future__ import annotations

import csv
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

from kiosk.agent.status import PublisherStatusLookup
from kiosk.viewmodels.nav import Screen
from kiosk.viewmodels.theme import ELDER

from ...publisher.servekit import GONGKAI, free_port, run, tune
from .pilot import fly

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "publisher" / "applications" / "demo" / "register.csv"


@pytest.fixture(scope="module")
def publisher(tmp_path_factory):
    """`gongkai serve` with the demo register; yields (base URL, token, name in the register)."""
    home = tmp_path_factory.mktemp("pub") / "H"
    run("init", "--home", str(home))
    tune(home, lookups_per_minute=3)
    run("applications", "import", str(DEMO), "--home", str(home))
    enrolled = run("device", "add", "hall-1", "--channel", "county", "--home", str(home))
    token = re.search(r"give it to the kiosk\): (\S+)", enrolled).group(1)
    with DEMO.open(encoding="utf-8-sig") as f:
        (applicant,) = [r["申请人"] for r in csv.DictReader(f) if r["收到日期"] == "2026-09-07"]
    port = free_port()
    log = home / "serve.log"
    with (
        log.open("w") as out,
        subprocess.Popen(
            [GONGKAI, "serve", "--home", str(home), "--port", str(port), "--no-sync"],
            stdout=out,
            stderr=subprocess.STDOUT,
        ) as serve,
    ):
        deadline = time.monotonic() + 60
        while "serving" not in log.read_text():
            assert serve.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        try:
            yield f"http://127.0.0.1:{port}", token, applicant
        finally:
            serve.terminate()
            serve.wait(timeout=20)


def type_digits(pilot, digits):
    for digit in digits:
        pilot.tap(f"digit-{digit}", frames=1)


def ask(pilot):
    pilot.tap("lookup")
    form = pilot.kiosk.lookup_form
    pilot.wait_for(lambda: form.answer is not None, "the publisher's answer")
    pilot.pause(3)


def test_lookup_by_number_and_phone_tail_over_a_real_socket(
    window, county_home, publisher, tmp_path
):
    base, token, applicant = publisher
    with fly(county_home, status_lookup=PublisherStatusLookup(base, token)) as pilot:
        pilot.wait_loaded()
        pilot.tap("applications")
        assert pilot.screen is Screen.APPLICATIONS
        texts = "\n".join(pilot.texts())
        assert "如何申请" in texts
        assert "受理机构" in texts  # from the release's disclosure guide
        # 依申〔2026〕26号 of the demo register; its phone ends 8866.
        type_digits(pilot, "202626")
        pilot.tap("field-phone")
        type_digits(pilot, "8866")
        assert "电话后四位：●●●●" in pilot.texts()
        ask(pilot)
        texts = "\n".join(pilot.texts())
        assert "办理状态：已受理" in texts
        assert "收到申请：2026年9月7日" in texts
        assert "答复期限：2026年10月10日" in texts
        assert applicant not in texts
        window.screenshot(name=str(tmp_path / "applications-lookup-normal-.png"))
        pilot.tap("read-result")
        assert "办理状态：已受理" in pilot.speaker.spoken[-1]
        # 关怀模式 on this screen: the same answer, the elder theme's larger type.
        pilot.kiosk.set_elder(elder=True)
        pilot.pause(3)
        assert pilot.kiosk.theme == ELDER
        assert "办理状态：已受理" in "\n".join(pilot.texts())
        window.screenshot(name=str(tmp_path / "applications-lookup-elder-.png"))
        pilot.kiosk.set_elder(elder=False)
        pilot.pause(2)
        # A wrong tail: not found; then the per-device limit (3 a minute) says so.
        pilot.tap("digit-backspace", frames=1)
        type_digits(pilot, "7")
        ask(pilot)
        assert "没有找到，请核对登记编号和电话后四位。" in pilot.texts()
        ask(pilot)  # the third in a minute
        ask(pilot)
        assert "查询过于频繁，请一分钟后再试。" in pilot.texts()
        # The visitor walks away: the next one never sees the digits. (The silent
        # speaker "reads" until stopped, and a reading holds the idle timeout off.)
        pilot.speaker.stop()
        pilot.advance(95)
        form = pilot.kiosk.lookup_form
        assert (form.number, form.phone, form.answer) == ("", "", None)


def test_offline_and_unconfigured_kiosks_say_so(window, county_home):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]  # closed again: nothing listens there
    lookup = PublisherStatusLookup(f"http://127.0.0.1:{dead}", "t", timeout=2)
    with fly(county_home, status_lookup=lookup) as pilot:
        pilot.wait_loaded()
        pilot.tap("applications")
        type_digits(pilot, "202626")
        pilot.tap("field-phone")
        type_digits(pilot, "8866")
        ask(pilot)
        assert "暂时无法连接办理系统（网络中断），请稍后再试或到政务公开窗口查询。" in pilot.texts()
    with fly(county_home) as pilot:
        pilot.wait_loaded()
        pilot.tap("applications")
        assert any("本机未连接办理系统" in text for text in pilot.texts())
