"""Kiosk app tests: a kiosk home holding the demo county, and one offscreen Kivy window.

Kivy reads its environment once, at import: it is set here, before any test
module imports Kivy (kivy.md §4.2).  Widget tests share one session window,
and so does the real app driven in-process by ``pilot`` (pilot.py), started
and stopped per test; whole-app tests with real X input run ``gongkai kiosk``
in a subprocess under Xvfb.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ["KIVY_HOME"] = tempfile.mkdtemp(prefix="kivy_home_")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
os.environ.setdefault("KIVY_METRICS_DENSITY", "1")
os.environ.setdefault("MESA_SHADER_CACHE_DISABLE", "true")
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")

import pytest

from .demohome import build_kiosk_home


@pytest.fixture(scope="session")
def county_home(tmp_path_factory):
    """A kiosk home with the demo county's ``town-nanan`` release active (real images)."""
    return build_kiosk_home(tmp_path_factory.mktemp("kiosk-county"), channel="town-nanan")


@pytest.fixture(scope="session")
def window(tmp_path_factory):
    """The one Kivy window of the test process (1080x1920, no input providers)."""
    from kivy.config import Config

    Config.set("graphics", "width", "1080")
    Config.set("graphics", "height", "1920")
    Config.set("kivy", "exit_on_escape", "0")  # as the kiosk's own configure() sets it
    for key, _ in Config.items("input"):
        Config.remove_option("input", key)
    from kivy.base import EventLoop

    from kiosk.app.bootstrap import register_font
    from kiosk.app.fonts import find_font

    register_font(find_font(tmp_path_factory.mktemp("fonts")))
    EventLoop.ensure_window()
    from kivy.core.window import Window

    return Window


@pytest.fixture
def pump(window):
    """Run ``n`` frames of the event loop."""
    from kivy.base import EventLoop

    def _pump(n: int = 3) -> None:
        for _ in range(n):
            EventLoop.idle()

    return _pump


@pytest.fixture
def pilot(window, county_home):
    """The real kiosk app on the demo county's release, in this process (see pilot.py)."""
    from .pilot import fly

    with fly(county_home) as running:
        yield running
