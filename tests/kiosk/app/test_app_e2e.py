"""The real app in a subprocess under Xvfb: the tour, real X input, Esc, idle and reload.

Screens are judged by their screenshots: every QR code on a detail screen is
decoded by zbar (pyzbar) and must be the URL the view-model says.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageGrab
from pyzbar.pyzbar import decode

from kiosk.agent.reader import ReleaseReader
from kiosk.viewmodels.details import build_detail
from kiosk.viewmodels.library import Library

SHANGHAI = ZoneInfo("Asia/Shanghai")
GONGKAI = str(Path(sys.executable).with_name("gongkai"))
SCREENS = {
    "home", "leader_groups", "leader_list", "leader_detail", "power_groups", "power_list",
    "power_detail", "power_flowchart", "power_flowchart_image", "project_groups",
    "project_list", "project_detail", "catalogue_groups", "catalogue_list",
    "catalogue_detail", "guide_list", "guide_detail", "report_list", "report_detail",
    "notice_list", "notice_detail", "search", "attract_offer", "attract_projects",
    "attract_notice", "attract_leaders", "attract_figures",
}  # fmt: skip


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    for key in ("SDL_VIDEODRIVER", "KIVY_HOME", "DISPLAY"):
        env.pop(key, None)
    env["MESA_SHADER_CACHE_DISABLE"] = "true"
    env["HOME"] = str(tmp_path)  # nothing may land in the real home
    return env


def _xvfb_run(args: list[str], tmp_path: Path, timeout: float) -> subprocess.CompletedProcess:
    if not shutil.which("xvfb-run"):
        pytest.fail("xvfb-run is missing: deploy/debian-packages.txt installs xvfb")
    command = ["xvfb-run", "-a", "-s", "-screen 0 1080x1920x24 -nolisten tcp", *args]
    return subprocess.run(
        command, env=_env(tmp_path), capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def tour(county_home, tmp_path_factory):
    out = tmp_path_factory.mktemp("tour")
    done = _xvfb_run(
        [GONGKAI, "kiosk", "--home", str(county_home), "--tour", str(out), "--no-speech"],
        out,
        timeout=480,  # the tour looks at each screen before tapping it, as a person does
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out, json.loads((out / "tour.json").read_text(encoding="utf-8")), done.stderr


def test_the_tour_visits_every_screen_in_both_modes(tour):
    out, shots, _ = tour
    names = {(s["screen"], s["mode"]) for s in shots}
    for mode in ("normal", "elder"):
        missing = {n for n in SCREENS if (n, mode) not in names}
        assert not missing, (mode, missing)
    assert ("loading", "normal") in names
    for shot in shots:
        image = Image.open(out / shot["file"])
        assert image.size == (1080, 1920)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is None or len(colours) > 20, shot["file"]  # never a blank screen


def test_every_detail_qr_decodes_to_the_documents_url(tour, county_home):
    out, shots, _ = tour
    library = Library(ReleaseReader(county_home))
    details = [s for s in shots if s["item"] and s["screen"] != "search"]
    assert len(details) >= 2 * 9
    for shot in details:
        expected = build_detail(library, shot["item"], datetime.now(SHANGHAI).date())
        assert expected is not None
        assert expected.qr is not None, shot
        image = Image.open(out / shot["file"])
        results = decode(image)
        found = [r.data.decode() for r in results]
        assert found == [expected.qr.url], shot["file"]
        assert "/d/" in found[0] or "/f/" in found[0], found  # the short link, not the site
        assert qr_version(image, results[0]) <= 3, (shot["file"], found[0])


def qr_version(image: Image.Image, result) -> int:
    """The version of a QR code in a screenshot, measured: its side over its module size.

    The finder pattern's top edge is 7 modules of dark; the symbol is 17 + 4·version.
    """
    gray = image.convert("L")
    left, top, width, _ = result.rect
    y = top + 1
    x = left
    while gray.getpixel((x, y)) >= 128 and x < left + width:
        x += 1
    start = x
    while gray.getpixel((x, y)) < 128 and x < left + width:
        x += 1
    module = (x - start) / 7
    modules = round((left + width - start) / module)
    assert (modules - 17) % 4 == 0, (modules, module)
    return (modules - 17) // 4


def test_every_screen_looks_different_in_the_elder_mode(tour):
    out, shots, _ = tour
    for shot in shots:
        if shot["mode"] != "normal" or shot["screen"] == "loading":
            continue
        normal = Image.open(out / shot["file"])
        elder = Image.open(out / shot["file"].replace("-normal", "-elder"))
        assert normal.tobytes() != elder.tobytes(), shot["file"]


def test_the_app_logs_its_display_and_renderer(tour):
    _, _, log = tour
    assert "video driver x11" in log
    assert "GL renderer" in log


def test_before_any_release_a_clear_loading_screen(tmp_path):
    home = tmp_path / "new-kiosk"
    home.mkdir()
    out = tmp_path / "tour"
    done = _xvfb_run(
        [GONGKAI, "kiosk", "--home", str(home), "--tour", str(out), "--no-speech"],
        tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    shots = json.loads((out / "tour.json").read_text(encoding="utf-8"))
    assert {s["screen"] for s in shots} == {"loading"}
    image = Image.open(out / "loading-normal.png").convert("RGB")
    assert len(image.getcolors(maxcolors=1 << 20) or []) > 20  # text drawn, not blank


def test_the_app_refuses_to_run_invisibly(tmp_path):
    env = _env(tmp_path)
    done = subprocess.run(
        [GONGKAI, "kiosk", "--home", str(tmp_path), "--no-speech"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "no display" in done.stderr


class _X:
    """An Xvfb of our own, for real input events with xdotool."""

    def __init__(self, tmp_path: Path) -> None:
        self.display = f":{90 + os.getpid() % 100}"
        self.server = subprocess.Popen(
            ["Xvfb", self.display, "-screen", "0", "1080x1920x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.env = _env(tmp_path) | {"DISPLAY": self.display}
        deadline = time.monotonic() + 10
        socket = Path("/tmp/.X11-unix") / f"X{self.display[1:]}"  # noqa: S108 - X's own path
        while not socket.exists():
            assert time.monotonic() < deadline, "Xvfb did not start"
            time.sleep(0.1)

    def xdotool(self, *args: str) -> None:
        subprocess.run(["xdotool", *args], env=self.env, check=True, timeout=10)

    def grab(self) -> Image.Image:
        return ImageGrab.grab(xdisplay=self.display)

    def close(self) -> None:
        self.server.terminate()
        self.server.wait(timeout=10)


def _wait_for(log: Path, text: str, timeout: float, *, after: int = 0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        content = log.read_text(encoding="utf-8", errors="replace")
        found = content.find(text, after)
        if found >= 0:
            return found + len(text)
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not logged within {timeout} s:\n{content[-2000:]}")


def test_real_taps_esc_and_the_idle_timeout(county_home, tmp_path):
    for tool in ("Xvfb", "xdotool"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} is missing: deploy/debian-packages.txt installs it")
    x = _X(tmp_path)
    log = tmp_path / "kiosk.log"
    with log.open("w") as sink:
        app = subprocess.Popen(
            [GONGKAI, "kiosk", "--home", str(county_home), "--idle", "6", "--no-speech"],
            env=x.env, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        at = _wait_for(log, "showing release", 60)
        at = _wait_for(log, "screen home", 10, after=at)
        time.sleep(1)
        # The 权力清单 tile: second column, first row of the home grid.
        x.xdotool("mousemove", "810", "480", "click", "1")
        at = _wait_for(log, "screen groups Place(screen='groups', section='powers'", 10, after=at)
        time.sleep(0.5)
        shot = x.grab()
        assert shot.size == (1080, 1920)  # borderless at 0,0, the panel's size
        x.xdotool("key", "Escape")
        time.sleep(1)
        assert app.poll() is None, "Esc must not quit a kiosk"
        at = _wait_for(log, "screen attract", 15, after=at)  # idle: back to the attract loop
        x.xdotool("mousemove", "540", "960", "click", "1")
        _wait_for(log, "screen home", 10, after=at)
    finally:
        app.send_signal(signal.SIGTERM)
        try:
            app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait(timeout=10)
        x.close()
