"""The kiosk app: glue between the view-models, the screens and Kivy's clock.

``run(settings)`` configures Kivy, finds the font, opens the window, checks the
display and runs until the kiosk is switched off; with ``settings.tour`` it
visits every screen in both modes and exits.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from content.county_time import SHANGHAI
from kiosk.app.bootstrap import check_display, configure, register_font
from kiosk.app.fonts import find_font
from kiosk.app.memory import Reclaimer, glibc_trim
from kiosk.viewmodels.idle import IdlePolicy
from kiosk.viewmodels.nav import Navigator, Place
from kiosk.viewmodels.search import SearchState
from kiosk.viewmodels.status import Freshness, freshness
from kiosk.viewmodels.theme import theme_for

if TYPE_CHECKING:
    from kivy.uix.widget import Widget

    from kiosk.a11y.speech import Speaker
    from kiosk.app.settings import KioskSettings
    from kiosk.viewmodels.library import Library

__all__ = ["run"]

log = logging.getLogger(__name__)
ATTRACT_SECONDS = 8.0


def run(settings: KioskSettings, speaker: Speaker | None = None) -> int:
    """Run the kiosk; returns the process exit code."""
    configure(settings)
    font = find_font(settings.ui_dir / "fonts")
    register_font(font)
    from kivy.app import App  # noqa: PLC0415 - after configure()

    from kiosk.a11y.speech import SilentSpeaker, default_speaker  # noqa: PLC0415

    voice: Speaker = speaker or (default_speaker() if settings.speech else SilentSpeaker())

    class KioskApp(App):  # type: ignore[misc]
        title = "政务公开"

        def build(self) -> Widget:
            self.kiosk = Kiosk(settings, voice)
            return self.kiosk.root

        def on_start(self) -> None:
            self.kiosk.start()

        def on_stop(self) -> None:
            voice.stop()

    app = KioskApp()

    def stop(_signum: int, _frame: object) -> None:
        # systemd stops the kiosk with SIGTERM: leave the loop, stop 朗读, exit 0.
        from kivy.clock import Clock  # noqa: PLC0415

        Clock.schedule_once(lambda _dt: app.stop())

    signal.signal(signal.SIGTERM, stop)
    app.run()
    return app.kiosk.exit_code if hasattr(app, "kiosk") else 1


class Kiosk:
    """The running kiosk: state, timers and screen rendering (implements ``context.Ui``)."""

    def __init__(self, settings: KioskSettings, speaker: Speaker) -> None:
        from kivy.core.window import Window  # noqa: PLC0415
        from kivy.uix.boxlayout import BoxLayout  # noqa: PLC0415

        self.settings = settings
        self.speaker = speaker
        self.elder = False
        self.theme = theme_for(elder=False)
        self.library: Library | None = None
        self.loading_reason = ""
        self.nav = Navigator()
        self.search_state = SearchState()
        self.idle = IdlePolicy(settings.idle_seconds)
        self.attract_index = 0
        self.exit_code = 0
        self.fresh: Freshness = Freshness("", stale=False, warning="")
        self._loading = False
        self.reclaimer = Reclaimer(glibc_trim())
        self.window = Window
        self.root = BoxLayout(orientation="vertical")
        self.header = BoxLayout(orientation="vertical", size_hint_y=None)
        self.body = BoxLayout()
        self.root.add_widget(self.header)
        self.root.add_widget(self.body)
        Window.bind(on_touch_down=self._touched, on_request_close=lambda *_: True)
        self.screen_name = ""
        self.current: Widget | None = None
        self.tour: object | None = None

    # -- Ui -------------------------------------------------------------------------------
    def today(self) -> date:
        """Today in Asia/Shanghai."""
        return datetime.now(SHANGHAI).date()

    def go(self, place: Place) -> None:
        """Open a place."""
        self.nav.go(place)
        self.render()

    def back(self) -> None:
        """返回."""
        self.nav.back()
        self.render()

    def home(self) -> None:
        """首页."""
        self.nav.home()
        self.render()

    def speak(self, text: str) -> None:
        """朗读."""
        self.speaker.speak(text)

    def stop_speaking(self) -> None:
        """停止朗读."""
        self.speaker.stop()

    def refresh_screen(self) -> None:
        """Rebuild the current screen."""
        self.render()

    def set_elder(self, *, elder: bool) -> None:
        """Switch 关怀模式 on or off and redraw everything."""
        self.elder = elder
        self.theme = theme_for(elder=elder)
        self.render()

    # -- life cycle ---------------------------------------------------------------------
    def start(self) -> None:
        """After the window exists: check the display, load content, start the timers."""
        from kivy.clock import Clock  # noqa: PLC0415

        check_display(allow_offscreen=self.settings.allow_offscreen)
        self.window.clearcolor = self.theme.bg
        self.update_freshness()
        self.render()
        # Read the release once the first frame is up: a loader thread started
        # now would hold the GIL while 正在获取内容 is being drawn. The first
        # tick runs before the first frame, so the loader starts from the second.
        Clock.schedule_once(lambda _dt: Clock.schedule_once(self._start_loading), 0)
        Clock.schedule_interval(self._tick, 1.0)
        Clock.schedule_interval(self._advance_attract, ATTRACT_SECONDS)
        if self.settings.tour is not None:
            from kiosk.app.tour import Tour  # noqa: PLC0415

            # Kivy's clock holds callbacks weakly: the kiosk keeps the tour alive.
            self.tour = Tour(self, self.settings.tour)
            self.tour.start()

    def _start_loading(self, _dt: float) -> None:
        self.load_library()

    def load_library(self) -> None:
        """Read the active release in the background; swap it in on the UI thread."""
        if self._loading:
            return
        self._loading = True
        threading.Thread(target=self._load, name="release-loader", daemon=True).start()

    def _load(self) -> None:
        from kivy.clock import Clock  # noqa: PLC0415

        from kiosk.agent.errors import NoReleaseError, StorageError  # noqa: PLC0415
        from kiosk.agent.reader import ReleaseReader  # noqa: PLC0415
        from kiosk.viewmodels.library import Library  # noqa: PLC0415

        library: Library | None = None
        reason = ""
        try:
            library = Library(ReleaseReader(self.settings.home))
        except NoReleaseError:
            reason = "尚未收到内容"
        except (StorageError, OSError) as exc:
            log.warning("cannot read the active release: %s", exc)
            reason = "内容读取失败，正在重试"
        Clock.schedule_once(lambda _dt: self._loaded(library, reason))

    def _loaded(self, library: Library | None, reason: str) -> None:
        self._loading = False
        self.loading_reason = reason
        if library is None:
            if self.library is None:
                self.render()
            return
        self.library = library
        self.reclaimer.settle()
        log.info("showing release %s", library.release_name)
        # Keep the visitor's place when the item still exists.
        self.nav.prune(set(library.by_id))
        self.search_state.refresh(library)
        self.render()

    def _tick(self, _dt: float) -> None:
        self.header_clock()
        if self.idle.check():
            self.go_idle()
        if self.library is None or self.library.reader.changed():
            self.load_library()
        self.update_freshness()
        self.reclaimer.tick()

    def go_idle(self) -> None:
        """Nobody is here: 首页's attract loop, search cleared, 朗读 stopped, normal mode."""
        self.speaker.stop()
        self.search_state.query = ""
        self.search_state.groups = []
        self.nav.home()
        self.elder = False
        self.theme = theme_for(elder=False)
        self.attract_index = 0
        self.nav.go(Place("attract"))
        self.render()

    def _advance_attract(self, _dt: float) -> None:
        if self.nav.current.screen == "attract":
            self.attract_index += 1
            self.render()

    def _touched(self, _window: Any, _touch: Any) -> bool:
        woke = self.idle.touch()
        if woke or self.nav.current.screen == "attract":
            from kivy.clock import Clock  # noqa: PLC0415

            Clock.schedule_once(lambda _dt: self.home())
            return True  # the waking tap only wakes
        return False

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
        # Each screen's module is imported when first shown: the first frame
        # (正在获取内容) does not wait for the detail screen's charts and flowcharts.
        self.window.clearcolor = self.theme.bg
        place = self.nav.current
        landscape = self.window.width > self.window.height
        if self.library is None and place.screen != "attract":
            from kiosk.app.screens.idle import build_loading  # noqa: PLC0415

            widget = build_loading(self, self.loading_reason)
            self.screen_name = "loading"
        elif place.screen == "attract":
            from kiosk.app.screens.idle import build_attract  # noqa: PLC0415

            widget = build_attract(self, self.attract_index)
        elif place.screen == "detail":
            from kiosk.app.screens.detail import build_detail_screen  # noqa: PLC0415

            widget = build_detail_screen(self, place)
        elif place.screen == "search":
            from kiosk.app.screens.search import build_search  # noqa: PLC0415

            widget = build_search(self, landscape=landscape)
        else:
            from kiosk.app.screens import browse  # noqa: PLC0415

            if place.screen == "groups":
                widget = browse.build_groups(self, place)
            elif place.screen == "list":
                widget = browse.build_list(self, place)
            else:
                widget = browse.build_home(self, landscape=landscape)
        if self.library is not None or place.screen == "attract":
            self.screen_name = place.screen
        log.info("screen %s %s", self.screen_name, place)
        self.body.clear_widgets()
        self.body.add_widget(widget)
        self.current = widget
        self.render_header()
        self.reclaimer.screen_replaced()

    def render_header(self) -> None:
        """Home, back, the time, 内容更新于 … (and the stale warning), 关怀模式."""
        from kivy.metrics import dp  # noqa: PLC0415
        from kivy.uix.boxlayout import BoxLayout  # noqa: PLC0415

        from kiosk.app.widgets.basic import Badge, TapButton, Text, fill  # noqa: PLC0415

        theme = self.theme
        self.header.clear_widgets()
        self.header.canvas.before.clear()
        fill(self.header, theme.surface)
        self.header.padding = (dp(theme.padding_dp), dp(8))
        top = BoxLayout(size_hint_y=None, height=dp(theme.touch_dp + 8), spacing=dp(12))
        if self.nav.current.screen not in {"home", "attract"}:
            top.add_widget(
                TapButton(
                    "首页",
                    theme,
                    self.home,
                    name="home",
                    size_hint_x=None,
                    width=dp(theme.touch_dp * 2.2),
                )
            )
            top.add_widget(
                TapButton(
                    "返回",
                    theme,
                    self.back,
                    primary=False,
                    name="back",
                    size_hint_x=None,
                    width=dp(theme.touch_dp * 2.2),
                )
            )
        self.clock_label = Text(_now_text(), theme, size=theme.body_sp, halign="center")
        top.add_widget(self.clock_label)
        mode = "关怀模式：开" if self.elder else "关怀模式：关"
        top.add_widget(
            TapButton(
                mode,
                theme,
                lambda: self.set_elder(elder=not self.elder),
                primary=self.elder,
                name="elder",
                size_hint_x=None,
                width=dp(theme.touch_dp * 4),
            )
        )
        self.header.add_widget(top)
        status = BoxLayout(size_hint_y=None, height=dp(theme.small_sp * 2), spacing=dp(12))
        status.add_widget(Text(self.fresh.text, theme, size=theme.small_sp, color=theme.muted))
        if self.fresh.stale:
            status.add_widget(Badge("！" + self.fresh.warning, theme, "warn"))
        self.header.add_widget(status)
        self.header.height = top.height + status.height + dp(16)

    def header_clock(self) -> None:
        """Update the time shown in the header."""
        label = getattr(self, "clock_label", None)
        if label is not None:
            label.text = _now_text()


def _now_text() -> str:
    now = datetime.now(SHANGHAI)
    weekdays = "一二三四五六日"
    return f"{now.month}月{now.day}日 星期{weekdays[now.weekday()]} {now:%H:%M}"
