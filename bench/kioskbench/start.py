"""1. Cold start to the first interactive frame, beside a bare Kivy app showing one Label."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from kioskbench.common import (
    T_LAUNCH,
    Row,
    child_command,
    launch,
    peak_rss_mb,
    report,
    stop_app,
    verdict,
)


def bench_start(folder: Path, home: Path, runs: int) -> list[Row]:
    """Launch the kiosk and the bare app ``runs`` times each, interleaved; medians compared."""
    import statistics

    print("\n1. cold start to the first interactive frame (1080x1920, Xvfb)")
    fonts = str(home / "ui" / "fonts")
    app = child_command("app-start", home=str(home))
    bare = child_command("bare-start", home=str(folder / "bare"), fonts=fonts, hold=0.0)
    # Untimed first runs: the kiosk extracts its font, Mesa fills its shader caches.
    launch(folder, "start-app-warmup", app)
    launch(folder, "start-bare-warmup", bare)
    apps, bares = [], []
    for run in range(runs):  # interleaved, so drift hits both alike
        apps.append(launch(folder, f"start-app-{run}", app))
        bares.append(launch(folder, f"start-bare-{run}", bare))
    first = statistics.median(r["first"] for r in apps)
    content = statistics.median(r["content"] for r in apps)
    base = statistics.median(r["first"] for r in bares)
    print(
        f"  kiosk first frame   {_spread([r['first'] for r in apps], 's')}  screen: "
        f"{apps[0]['first_screen']}"
    )
    print(
        f"  kiosk content ready {_spread([r['content'] for r in apps], 's')}  screen: "
        f"{apps[0]['content_screen']} (release read and 首页 drawn)"
    )
    print(f"  bare Label app      {_spread([r['first'] for r in bares], 's')}")
    print(
        f"  peak RSS at first frame: kiosk {apps[0]['rss_mb']:.0f} MB, "
        f"bare {bares[0]['rss_mb']:.0f} MB"
    )
    ratio = first / base
    return [
        ("start: first frame", f"{first:.2f} s", f"{base:.2f} s", f"{ratio:.2f}x", "<= 2x",
         verdict(ok=ratio <= 2.0)),
        ("start: content ready", f"{content:.2f} s", f"{base:.2f} s", f"{content / base:.2f}x",
         "-", "info"),
    ]  # fmt: skip


def _spread(values: list[float], unit: str) -> str:
    import statistics

    return (
        f"median {statistics.median(values):.2f} {unit} "
        f"(runs {', '.join(f'{v:.2f}' for v in values)})"
    )


def app_start(spec: dict[str, Any]) -> int:
    """``gongkai kiosk --home HOME``, timed to its first frame and to content ready."""
    from kiosk.app.bootstrap import configure
    from kiosk.app.settings import KioskSettings

    configure(KioskSettings(home=Path(spec["home"]).resolve()))  # what the CLI's run() does
    from kivy.clock import Clock

    frames = FirstFrames(float(os.environ[T_LAUNCH]), content=True, hold=0.0)
    Clock.schedule_once(frames.install, 0)
    from content.cli import main as gongkai

    return gongkai(["kiosk", "--home", spec["home"]])


def bare_start(spec: dict[str, Any]) -> int:
    """A bare Kivy app in the kiosk's environment showing one Label, timed to its first frame."""
    configure_bare(spec, maxfps=30)  # before Kivy is imported
    from kivy.clock import Clock

    frames = FirstFrames(float(os.environ[T_LAUNCH]), content=False, hold=spec["hold"])
    Clock.schedule_once(frames.install, 0)
    return run_bare(bare_label())


def bare_label() -> Any:
    """What the bare app shows: one Label in the kiosk's font."""
    from kivy.uix.label import Label

    return Label(text="政务公开 · 便民查询", font_size="40sp")


def run_bare(root: Any) -> int:
    """Run a bare Kivy app showing ``root`` (after ``configure_bare``) until it stops."""
    from kivy.app import App

    class BareApp(App):  # type: ignore[misc]
        def build(self) -> Any:
            return root

    BareApp().run()
    return 0


def configure_bare(spec: dict[str, Any], *, maxfps: int) -> None:
    """Configure Kivy as the kiosk does (``kiosk.app.bootstrap``) and register its font.

    Call it before importing Kivy: ``configure`` sets the environment Kivy reads
    at import (no argument parsing, the kiosk's window).
    """
    from kiosk.app.bootstrap import configure, register_font
    from kiosk.app.fonts import find_font
    from kiosk.app.settings import KioskSettings

    folder = Path(spec["home"])
    folder.mkdir(parents=True, exist_ok=True)
    configure(KioskSettings(home=folder, maxfps=maxfps))
    register_font(find_font(Path(spec["fonts"])))


class FirstFrames:
    """Times the first flip after ``on_start`` and (for the kiosk) the first with content."""

    def __init__(self, launched: float, *, content: bool, hold: float) -> None:
        self.launched = launched
        self.content = content
        self.hold = hold
        self.result: dict[str, Any] = {}
        self.app: Any = None

    def install(self, _dt: float) -> None:
        """On the first clock tick, after ``on_start``: take over ``on_flip``."""
        from kivy.app import App
        from kivy.clock import Clock
        from kivy.core.window import Window

        self.app = App.get_running_app()
        Window.bind(on_flip=self.flip)
        Clock.schedule_once(self.give_up, 60)

    def flip(self, window: Any) -> bool:
        """Flip (the default ``on_flip``), then note the frame."""
        window.flip()
        now = time.time()
        kiosk = getattr(self.app, "kiosk", None)
        if "first" not in self.result:
            self.result["first"] = now - self.launched
            self.result["first_screen"] = kiosk.screen_name if kiosk else "label"
            self.result["rss_mb"] = peak_rss_mb()
            if not self.content:
                self.finish()
        if self.content and "content" not in self.result and kiosk and kiosk.library:
            self.result["content"] = now - self.launched
            self.result["content_screen"] = kiosk.screen_name
            self.finish()
        return True

    def finish(self) -> None:
        """Print the result; stop the app (after ``hold`` seconds)."""
        from kivy.clock import Clock

        report(self.result)
        Clock.schedule_once(stop_app, self.hold)

    def give_up(self, _dt: float) -> None:
        """No frame worth reporting in a minute: stop without a result."""
        if "first" not in self.result or (self.content and "content" not in self.result):
            stop_app()
