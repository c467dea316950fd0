"""4. Memory: the kiosk's RSS after its tour (every screen, both modes) beside a bare app's.

The kiosk child runs the app's own ``Tour`` (real taps through every screen in
both modes, screenshots included) and, when it is done, waits two of the app's
one-second ticks, the time the app takes to free and trim what the last screen
replaced, then reports its RSS. The bare child shows one Label and reports its
RSS 3 s after the first frame. Both also report their peak (``ru_maxrss``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from kioskbench.common import Row, child_command, launch, peak_rss_mb, report, rss_mb, verdict

#: Two of the kiosk's one-second ticks: the first collects, the next trims.
SETTLE_S = 2.2
BUDGET_MB = 100


def bench_memory(folder: Path, home: Path) -> list[Row]:
    """Run both children; the row compares RSS after the tour with the bare app's."""
    print("\n3. memory: RSS after visiting every screen in both modes (the app's own tour)")
    kiosk = launch(
        folder, "memory-app", child_command("app-tour", home=str(home), out=str(folder / "tour"))
    )
    fonts = str(home / "ui" / "fonts")
    bare = launch(
        folder, "memory-bare", child_command("bare-rss", home=str(folder / "bare"), fonts=fonts)
    )
    print(
        f"  kiosk: {kiosk['shots']} screenshots in {kiosk['seconds']:.0f} s (exit "
        f"{kiosk['exit']}); RSS after the tour {kiosk['rss']:.0f} MB, at the last screen "
        f"{kiosk['rss_last_screen']:.0f} MB; peak {kiosk['peak']:.0f} MB"
    )
    print(
        f"  bare Label app: RSS 3 s after its first frame {bare['rss']:.0f} MB; "
        f"peak {bare['peak']:.0f} MB"
    )
    ok = kiosk["exit"] == 0 and kiosk["shots"] > 0 and kiosk["rss"] <= bare["rss"] + BUDGET_MB
    return [
        ("memory: RSS after tour", f"{kiosk['rss']:.0f} MB", f"{bare['rss']:.0f} MB",
         f"+{kiosk['rss'] - bare['rss']:.0f} MB", f"<= bare+{BUDGET_MB} MB", verdict(ok=ok)),
        ("memory: peak", f"{kiosk['peak']:.0f} MB", f"{bare['peak']:.0f} MB",
         f"+{kiosk['peak'] - bare['peak']:.0f} MB", "-", "info"),
    ]  # fmt: skip


def app_tour(spec: dict[str, Any]) -> int:
    """The kiosk app touring every screen (``kiosk.app.tour.Tour``); RSS once settled."""
    from kiosk.app.bootstrap import configure
    from kiosk.app.settings import KioskSettings

    settings = KioskSettings(home=Path(spec["home"]).resolve(), speech=False)
    configure(settings)
    from kivy.clock import Clock

    started = time.perf_counter()
    out = Path(spec["out"])
    result: dict[str, Any] = {}
    keep: list[Any] = []  # Kivy's clock holds callbacks weakly

    def begin(_dt: float) -> None:
        from kivy.app import App

        from kiosk.app.tour import Tour

        kiosk = getattr(App.get_running_app(), "kiosk", None)
        if kiosk is None or kiosk.library is None:
            Clock.schedule_once(begin, 0.1)
            return
        tour = Tour(kiosk, out, done=finished)
        keep.append(tour)
        tour.start()

    def finished() -> None:
        result["rss_last_screen"] = rss_mb()
        Clock.schedule_once(settled, SETTLE_S)

    def settled(_dt: float) -> None:
        from kivy.app import App

        result.update(
            rss=rss_mb(),
            peak=peak_rss_mb(),
            shots=len(list(out.glob("*.png"))),
            seconds=time.perf_counter() - started,
        )
        report(result)
        App.get_running_app().stop()

    Clock.schedule_once(begin, 0)
    from kiosk.app.main import run

    return run(settings)


def bare_rss(spec: dict[str, Any]) -> int:
    """The bare Label app; its RSS 3 s after the first frame."""
    from kioskbench.start import bare_label, configure_bare, run_bare

    configure_bare(spec, maxfps=30)  # before Kivy is imported
    from kivy.app import App
    from kivy.clock import Clock

    def measure(_dt: float) -> None:
        report({"rss": rss_mb(), "peak": peak_rss_mb()})
        App.get_running_app().stop()

    # The first tick runs once the app has started: 3 s from there.
    Clock.schedule_once(lambda _dt: Clock.schedule_once(measure, 3.0), 0)
    return run_bare(bare_label())
