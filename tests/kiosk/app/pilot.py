"""Drive the real kiosk app inside the test process, frame by frame (after Textual's Pilot).

``fly(home)`` starts the real ``KioskApp`` (``kiosk.app.main.build_app``) on the
session's one offscreen window, without ``App.run()``: the test pumps Kivy's
event loop itself, on virtual time, and taps widgets by name with real touch
events (the tour's ``MotionEvent``).  When the block ends the app stops the
way a kiosk does on SIGTERM (``App.stop``), the loader's thread is joined and
the window is left empty for the next test::

    with fly(county_home) as pilot:
        pilot.wait_loaded()
        pilot.tap("tile-guide")
        assert pilot.screen is Screen.LIST
        pilot.advance(90)                      # nobody touched it: the attract loop
        assert pilot.screen is Screen.ATTRACT

Kivy's window is one per process and is made by the ``window`` fixture
(conftest.py) before anything here; Kivy's own async app fixtures do not
run on pytest 9 (kivy.md §4.3).
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from kiosk.a11y.speech import SilentSpeaker
from kiosk.app.main import build_app
from kiosk.app.settings import KioskSettings
from kiosk.app.tour import find, find_row, tap, tap_at

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from kivy.app import App
    from kivy.uix.widget import Widget

    from kiosk.app.main import Kiosk
    from kiosk.viewmodels.nav import Place, Screen

__all__ = ["FPS", "Pilot", "VirtualTime", "fly"]

#: Virtual frames per second while pausing (the kiosk runs at 30).
FPS = 30
#: Virtual seconds a visitor looks at a screen before tapping it (longer than
#: the double-tap guard; ``quick=True`` taps without looking).
LOOK = 0.5


class VirtualTime:
    """One clock for Kivy's ``Clock`` and the kiosk's idle timeout, moved only by the test.

    Kivy's clock stops sleeping between frames (``maxfps`` 0): a frame costs
    what drawing it costs, and 90 idle seconds pass in a few frames.
    """

    def __init__(self) -> None:
        self.now = time.perf_counter()
        self._saved: tuple[Any, float] | None = None

    def __call__(self) -> float:
        return self.now

    def install(self) -> None:
        from kivy.clock import Clock

        self._saved = (Clock.time, Clock._max_fps)
        Clock.time = self
        Clock._max_fps = 0
        Clock._last_tick = self.now

    def uninstall(self) -> None:
        from kivy.clock import Clock

        assert self._saved is not None
        Clock.time, Clock._max_fps = self._saved
        # Without this the next real frame sleeps for the whole virtual span (kivy.md §4.2).
        Clock._last_tick = Clock.time()


class Pilot:
    """The running app, as a test drives it: taps, keys, frames and time."""

    def __init__(self, app: App, clock: VirtualTime, speaker: SilentSpeaker) -> None:
        self.app = app
        self.clock = clock
        self.speaker = speaker

    # -- what is shown -------------------------------------------------------------------
    @property
    def kiosk(self) -> Kiosk:
        return self.app.kiosk

    @property
    def screen(self) -> Screen:
        """The screen drawn last."""
        return self.kiosk.shown

    @property
    def place(self) -> Place:
        return self.kiosk.place

    def find(self, name: str) -> Widget:
        """The first widget (header or screen) whose name starts with ``name``."""
        widget = find(self.kiosk.root, name)
        if widget is None:
            raise LookupError(f"no widget named {name!r} on {self.screen}: {self.names()}")
        return widget

    def names(self) -> list[str]:
        """The names of the named widgets shown (buttons, tiles, keys)."""
        return [w.name for w in self.kiosk.root.walk() if getattr(w, "name", "")]

    def texts(self) -> list[str]:
        """Every text shown, top to bottom of the widget tree."""
        return [w.text for w in self.kiosk.root.walk() if getattr(w, "text", "")]

    # -- what a visitor does -------------------------------------------------------------
    def tap(self, name: str, *, frames: int = 3, quick: bool = False) -> None:
        """Tap the widget named ``name`` (a real touch at its centre), then let it act."""
        widget = self.find(name)
        self._look(quick=quick)
        tap(widget)
        self.pause(frames)

    def tap_at(self, x: float, y: float, *, frames: int = 3, quick: bool = False) -> None:
        """Tap at window coordinates (from the bottom left), whatever is there."""
        self._look(quick=quick)
        tap_at(x, y)
        self.pause(frames)

    def tap_row(self, *, frames: int = 3, quick: bool = False) -> None:
        """Tap the topmost row of the list shown (once the list has laid out its rows)."""
        self.wait_for(lambda: find_row(self.kiosk.root) is not None, "a list row")
        row = find_row(self.kiosk.root)
        assert row is not None
        self._look(quick=quick)
        tap(row)
        self.pause(frames)

    def _look(self, *, quick: bool) -> None:
        if not quick:
            self.clock.now += LOOK  # no frame: the screen stays as it is while one looks

    def press(self, key: str, *, frames: int = 2) -> None:
        """Press and release a hardware key (``escape``, ``a`` …) as SDL reports it."""
        from kivy.core.window import Keyboard, Window

        code = Keyboard.keycodes[key]
        text = key if len(key) == 1 else None
        if not Window.dispatch("on_key_down", code, 0, text, []):
            Window.dispatch("on_keyboard", code, 0, text, [])
        Window.dispatch("on_key_up", code, 0)
        self.pause(frames)

    # -- time ----------------------------------------------------------------------------
    def pause(self, frames: int = 1) -> None:
        """Run ``frames`` frames, 1/30 s of virtual time each."""
        from kivy.base import EventLoop

        for _ in range(frames):
            self.clock.now += 1 / FPS
            EventLoop.idle()

    def advance(self, seconds: float, *, step: float = 0.5) -> None:
        """Let ``seconds`` of virtual time pass untouched, one frame every ``step``."""
        from kivy.base import EventLoop

        end = self.clock.now + seconds
        while self.clock.now < end:
            self.clock.now = min(end, self.clock.now + step)
            EventLoop.idle()

    def wait_for(self, done: Callable[[], bool], what: str, timeout: float = 60) -> None:
        """Run frames until ``done()`` (real work: the loader's thread); fail after ``timeout`` s.

        Virtual time moves one frame per frame, so timers fire as they would.
        """
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                raise AssertionError(f"not within {timeout} s: {what} (on {self.screen})")
            self.pause(1)
            time.sleep(0.005)  # let the loader's thread have the GIL

    def wait_loaded(self) -> None:
        """Until the release is read and its first screen drawn."""
        self.wait_for(lambda: self.kiosk.library is not None, "the release is read")
        self.pause(3)


@contextmanager
def fly(home: Path, *, idle_seconds: float = 90.0, status_lookup: Any = None) -> Iterator[Pilot]:
    """The real kiosk app on ``home``'s active release, started and (afterwards) stopped.

    ``status_lookup`` answers 查询办理进度 (e.g. a real client of a served publisher).
    """
    from kivy.base import EventLoop, runTouchApp
    from kivy.core.window import Window

    clock = VirtualTime()
    clock.install()
    speaker = SilentSpeaker()
    settings = KioskSettings(
        home=home, idle_seconds=idle_seconds, allow_offscreen=True, speech=False
    )
    app = build_app(settings, speaker, clock=clock, status_lookup=status_lookup)
    try:
        # What App.run() does, minus the main loop: build, add the root to
        # the window, on_start; then start the event loop without running it.
        app._run_prepare()
        runTouchApp(embedded=True)
        pilot = Pilot(app, clock, speaker)
        pilot.pause(2)
        yield pilot
    finally:
        kiosk = getattr(app, "kiosk", None)
        if app.root is not None:
            # App.stop() takes the root off the window after stopping the clock,
            # and the layout that triggers would stay pending in every later frame.
            Window.remove_widget(app.root)
            EventLoop.idle()
        app.stop()  # on_stop (timers, touches, the loader), the loop closed
        if kiosk is not None:
            assert kiosk.loader.join(30), "the release loader did not finish"
        EventLoop.quit = False  # the session's window draws again for the next test
        from kiosk.app.screens.browse import RowView

        RowView.ui = None  # the rows' one link to the app (a kiosk runs one app per process)
        clock.uninstall()
