"""The kiosk app: the composition root wiring the session, the loader, the header and screens.

``run(settings)`` configures Kivy, finds the font, opens the window, checks the
display and runs until the kiosk is switched off; with ``settings.tour`` it
visits every screen in both modes and exits.  ``build_app`` makes the Kivy
``App`` without running it (tests drive it frame by frame).

The rules live in plain Python: the visitor's session (place, 关怀模式, search,
the idle timeout) in ``kiosk.viewmodels.session``, what each screen shows in
the other view-models.  ``Kiosk`` only turns their state into widgets and
Kivy's events (touches, clock ticks, a release read) into their commands.
"""

from __future__ import annotations

import logging
import signal
from datetime import date, datetime
from time import monotonic
from typing import TYPE_CHECKING, Any

from content.county_time import SHANGHAI
from kiosk.app.bootstrap import check_display, configure, register_font
from kiosk.app.fonts import find_font
from kiosk.app.loader import ReleaseLoader
from kiosk.app.memory import Reclaimer, glibc_trim
from kiosk.app.routes import View, build_screen
from kiosk.app.screenshots import ScreenCapture, window_grab
from kiosk.viewmodels.nav import Place, Screen
from kiosk.viewmodels.session import Session
from kiosk.viewmodels.status import Freshness, freshness

if TYPE_CHECKING:
    from collections.abc import Callable

    from kivy.app import App
    from kivy.clock import ClockEvent
    from kivy.uix.widget import Widget

    from kiosk.a11y.speech import Speaker
    from kiosk.app.settings import KioskSettings
    from kiosk.app.tour import Tour
    from kiosk.viewmodels.applications import LookupForm, StatusLookup
    from kiosk.viewmodels.library import Library
    from kiosk.viewmodels.search import SearchState
    from kiosk.viewmodels.theme import Theme

__all__ = ["Kiosk", "build_app", "run"]

log = logging.getLogger(__name__)
ATTRACT_SECONDS = 8.0


def run(settings: KioskSettings, speaker: Speaker | None = None) -> int:
    """Run the kiosk; returns the process exit code."""
    configure(settings)
    register_font(find_font(settings.ui_dir / "fonts"))
    app = build_app(settings, speaker)

    def stop(_signum: int, _frame: object) -> None:
        # systemd stops the kiosk with SIGTERM: leave the loop, stop 朗读, exit 0.
        from kivy.clock import Clock  # noqa: PLC0415

        Clock.schedule_once(lambda _dt: app.stop())

    signal.signal(signal.SIGTERM, stop)
    app.run()
    kiosk: Kiosk | None = getattr(app, "kiosk", None)
    return kiosk.exit_code if kiosk is not None else 1


def build_app(
    settings: KioskSettings,
    speaker: Speaker | None = None,
    *,
    clock: Callable[[], float] = monotonic,
    status_lookup: StatusLookup | None = None,
) -> App:
    """The kiosk's Kivy ``App`` (after ``configure`` and ``register_font``), not yet run.

    ``clock`` is the idle timeout's (tests pass their virtual time); ``status_lookup``
    asks the publisher for 查询办理进度 (default: from ``settings.publisher``, if set).
    """
    from kivy.app import App  # noqa: PLC0415 - after configure()

    from kiosk.a11y.speech import SilentSpeaker, default_speaker  # noqa: PLC0415

    voice: Speaker = speaker or (
        default_speaker(settings.voice_model) if settings.speech else SilentSpeaker()
    )

    class KioskApp(App):  # type: ignore[misc]
        title = "政务公开"

        def build(self) -> Widget:
            self.kiosk = Kiosk(settings, voice, clock=clock, status_lookup=status_lookup)
            return self.kiosk.root

        def on_start(self) -> None:
            self.kiosk.start()

        def on_stop(self) -> None:
            self.kiosk.stop()
            voice.stop()

    return KioskApp()


class Kiosk:
    """The running kiosk (implements ``context.Ui`` for screens, ``context.Stage`` for the tour)."""

    def __init__(
        self,
        settings: KioskSettings,
        speaker: Speaker,
        *,
        clock: Callable[[], float] = monotonic,
        status_lookup: StatusLookup | None = None,
    ) -> None:
        from kivy.core.window import Window  # noqa: PLC0415
        from kivy.uix.boxlayout import BoxLayout  # noqa: PLC0415

        from kiosk.app.header import Header, HeaderActions  # noqa: PLC0415 - needs the window

        self.settings = settings
        self.speaker = speaker
        self._status_lookup = status_lookup or _status_lookup(settings)
        self.session = Session.begin(settings.idle_seconds, clock=clock)
        self.loader = ReleaseLoader(settings.home, self._loaded)
        self.exit_code = 0
        self.fresh: Freshness = Freshness("", stale=False, warning="")
        self.reclaimer = Reclaimer(glibc_trim())
        self.capture = ScreenCapture(settings.home, window_grab, clock=clock)
        self.window = Window
        self.header = Header(HeaderActions(self.home, self.back, self._toggle_elder))
        self.body = BoxLayout()
        self._root = BoxLayout(orientation="vertical")
        self._root.add_widget(self.header)
        self._root.add_widget(self.body)
        self._shown = Screen.LOADING
        self._drawn_place: Place | None = None
        self._current: Widget | None = None
        self._events: list[ClockEvent] = []
        self._running = False
        self._bars: list[Any] = []  # the screen's 朗读 bars (``show_speaking``)
        self._speaking = False
        # Kivy's clock holds callbacks weakly: the kiosk keeps the tour alive.
        self.tour: Tour | None = None

    # -- Ui and Stage ---------------------------------------------------------------------
    @property
    def theme(self) -> Theme:
        """The mode's sizes and colours."""
        return self.session.theme

    @property
    def library(self) -> Library | None:
        """The release shown (None before the first)."""
        return self.loader.library

    @property
    def search_state(self) -> SearchState:
        """The keypad's query and its results."""
        return self.session.search

    @property
    def lookup_form(self) -> LookupForm:
        """查询办理进度: what was typed and answered (cleared with the session)."""
        return self.session.lookup

    @property
    def status_lookup(self) -> StatusLookup | None:
        """Asks the publisher for an application's status (None: not configured)."""
        return self._status_lookup

    @property
    def root(self) -> Widget:
        """The window's root: header and screen."""
        return self._root

    @property
    def current(self) -> Widget | None:
        """The screen's widget tree."""
        return self._current

    @property
    def shown(self) -> Screen:
        """The screen drawn last."""
        return self._shown

    @property
    def screen_name(self) -> str:
        """The screen drawn last, as the log names it."""
        return str(self._shown)

    @property
    def place(self) -> Place:
        """Where the visitor is."""
        return self.session.place

    @property
    def loading_reason(self) -> str:
        """Why there is no release to show."""
        return self.loader.reason

    @property
    def elder(self) -> bool:
        """关怀模式 is on."""
        return self.session.elder

    def today(self) -> date:
        """Today in Asia/Shanghai."""
        return datetime.now(SHANGHAI).date()

    def go(self, place: Place) -> None:
        """Open a place (what was being read was about the screen left: it stops)."""
        self.speaker.stop()
        self.session.go(place)
        self.render()

    def back(self) -> None:
        """返回."""
        self.speaker.stop()
        self.session.back()
        self.render()

    def home(self) -> None:
        """首页."""
        self.speaker.stop()
        self.session.home()
        self.render()

    def speak(self, text: str) -> None:
        """朗读."""
        self.speaker.speak(text)
        self._sync_reading()

    def stop_speaking(self) -> None:
        """停止朗读."""
        self.speaker.stop()
        self._sync_reading()

    @property
    def speaking(self) -> bool:
        """朗读 is reading."""
        return self.speaker.speaking

    def refresh_screen(self) -> None:
        """Rebuild the current screen."""
        self.render()

    def set_elder(self, *, elder: bool) -> None:
        """Switch 关怀模式 on or off and redraw everything."""
        self.session.set_elder(elder=elder)
        self.render()

    def show_slide(self, index: int) -> None:
        """Draw the attract loop at slide ``index``, as the loop would in time."""
        self.session.go(Place(Screen.ATTRACT))
        self.session.attract_index = index
        self.render()

    def show_loading(self, reason: str) -> None:
        """Draw 正在获取内容 with ``reason``, as a kiosk without a release would."""
        self._draw(Screen.LOADING, reason)

    # -- life cycle ---------------------------------------------------------------------
    def start(self) -> None:
        """After the window exists: check the display, load content, start the timers."""
        from kivy.clock import Clock  # noqa: PLC0415

        check_display(allow_offscreen=self.settings.allow_offscreen)
        self._running = True
        self.window.bind(on_touch_down=self._touched, on_request_close=_refuse_close)
        self.update_freshness()
        self.render()
        # Read the release once the first frame is up: a loader thread started
        # now would hold the GIL while 正在获取内容 is being drawn. The first
        # tick runs before the first frame, so the loader starts from the second.
        self._events = [
            Clock.schedule_once(lambda _dt: self._later(self.loader.load), 0),
            Clock.schedule_interval(self._tick, 1.0),
            Clock.schedule_interval(self._advance_attract, ATTRACT_SECONDS),
        ]
        if self.settings.tour is not None:
            from kiosk.app.tour import Tour  # noqa: PLC0415 - only for --tour

            self.tour = Tour(self, self.settings.tour)
            self.tour.start()

    def stop(self) -> None:
        """The app is stopping: no more timers, touches or releases."""
        self._running = False
        for event in self._events:
            event.cancel()
        self._events = []
        self.window.unbind(on_touch_down=self._touched, on_request_close=_refuse_close)
        self.loader.close()

    def go_idle(self) -> None:
        """Nobody is here: 首页's attract loop, search cleared, 朗读 stopped, normal mode."""
        self.session.end()
        self._session_ended()

    def update_freshness(self) -> None:
        """Re-read the agent's state file for 内容更新于 and the stale badge."""
        found = freshness(
            self.settings.home / "state.json", datetime.now(SHANGHAI), self.settings.stale_after
        )
        if found != self.fresh:
            self.fresh = found
            self.render_header()

    # -- drawing ------------------------------------------------------------------------
    def render(self) -> None:
        """Draw the header and the current place."""
        self._draw(self.session.shown(loaded=self.library is not None), self.loading_reason)

    def render_header(self) -> None:
        """Home, back, the time, 内容更新于 … (and the stale warning), 关怀模式."""
        screen = self.session.place.screen
        self.header.draw(
            self.theme,
            ways_back=screen not in {Screen.HOME, Screen.ATTRACT},
            elder=self.session.elder,
            fresh=self.fresh,
        )

    def _draw(self, screen: Screen, reason: str) -> None:
        self.window.clearcolor = self.theme.bg
        place = self.session.place
        view = View(
            place,
            landscape=self.window.width > self.window.height,
            attract_index=self.session.attract_index,
            loading_reason=reason,
        )
        widget = build_screen(self, screen, view)
        if (screen, place) != (self._shown, self._drawn_place):
            self.session.screen_changed()
        self._shown, self._drawn_place = screen, place
        log.info("screen %s %s", screen, place)
        self.body.clear_widgets()
        self.body.add_widget(widget)
        self._current = widget
        self._bars = [w for w in widget.walk() if hasattr(w, "show_speaking")]
        self._speaking = self.speaker.speaking
        self.render_header()
        self.reclaimer.screen_replaced()
        self.capture.page_changed()

    # -- events -------------------------------------------------------------------------
    def _later(self, action: Callable[[], None]) -> None:
        """Run ``action`` on the next frame, unless the kiosk has stopped by then."""
        from kivy.clock import Clock  # noqa: PLC0415

        def run(_dt: float) -> None:
            if self._running:
                action()

        Clock.schedule_once(run, 0)

    def _loaded(self, library: Library | None) -> None:
        if library is not None:
            self.reclaimer.settle()
            log.info("showing release %s", library.release_name)
            self.session.release_changed(library)
        self.render()

    def _tick(self, _dt: float) -> None:
        self.header.tick()
        self._sync_reading()
        if self.session.tick(busy=self._speaking):
            self._session_ended()
        if self.loader.stale():
            self.loader.load()
        self.update_freshness()
        self.reclaimer.tick()
        if self.settings.screenshots:
            self.capture.tick()

    def _sync_reading(self) -> None:
        """Tell the screen's 朗读 bars when reading has started or ended."""
        speaking = self.speaker.speaking
        if speaking != self._speaking:
            self._speaking = speaking
            for bar in self._bars:
                bar.show_speaking(speaking=speaking)

    def _session_ended(self) -> None:
        self.speaker.stop()
        self.render()

    def _advance_attract(self, _dt: float) -> None:
        if self.session.next_slide():
            self.render()

    def _toggle_elder(self) -> None:
        self.set_elder(elder=not self.session.elder)

    def _touched(self, _window: Any, touch: Any) -> bool:
        attracting = self.session.attracting
        if self.session.touch():
            # On the attract loop a tap opens what the slide shows; else it only wakes.
            pick = getattr(self._current, "action_at", None) if attracting else None
            self._later(pick(*touch.pos) if pick is not None else self.home)
            return True
        # The second tap of a double tap lands on the screen the first opened.
        return self.session.too_soon()


def _status_lookup(settings: KioskSettings) -> StatusLookup | None:
    """The publisher lookup of ``settings``, or None (no publisher, no readable token)."""
    if settings.publisher is None or settings.token_file is None:
        return None
    from kiosk.agent.status import PublisherStatusLookup, read_token  # noqa: PLC0415

    try:
        token = read_token(settings.token_file)
    except (OSError, ValueError) as exc:
        log.warning("查询办理进度 is off: the token file cannot be read (%s)", exc)
        return None
    return PublisherStatusLookup(settings.publisher, token)


def _refuse_close(*_args: Any) -> bool:
    return True  # a visitor's Alt+F4 (or the window manager) must not close the kiosk
