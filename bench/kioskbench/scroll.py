"""3. Scrolling 公开目录's list beside a bare RecycleView of the same rows as plain Labels."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from kioskbench.common import Row, child_command, launch, pct, report, stop_app, verdict

SCROLL_PX = 40.0
SCROLL_ROUNDS = 2


def bench_scroll(folder: Path, home: Path, seconds: float) -> list[Row]:
    """Scroll the kiosk's list and the bare one alternately; frame times compared."""
    print(
        f"\n2. scrolling the 公开目录 list, {SCROLL_PX:.0f} px/frame for {seconds:.0f} s, "
        f"kiosk and bare alternately, {SCROLL_ROUNDS} runs each (frames pooled)"
    )
    rows_file = folder / "catalogue-rows.json"
    app_command = child_command("app-scroll", home=str(home), seconds=seconds, rows=str(rows_file))
    bare_command = child_command(
        "bare-scroll",
        home=str(folder / "bare"),
        fonts=str(home / "ui" / "fonts"),
        seconds=seconds,
        rows=str(rows_file),
    )
    runs: dict[str, list[dict[str, Any]]] = {"kiosk": [], "bare": []}
    for run in range(SCROLL_ROUNDS):  # the kiosk first: it writes the rows the bare app shows
        runs["kiosk"].append(launch(folder, f"scroll-app-{run}", app_command))
        runs["bare"].append(launch(folder, f"scroll-bare-{run}", bare_command))
    stats = {name: _pooled(found) for name, found in runs.items()}
    for name, label in (("kiosk", "kiosk RowView"), ("bare", "bare Label")):
        found, pooled = runs[name][0], stats[name]
        each = ", ".join(f"{pct(r['frames_ms'], 50):.1f}" for r in runs[name])
        print(
            f"  {label:14} {found['rows']} rows, {found['views']} row widgets, "
            f"{len(pooled['frame'])} frames: frame median {pct(pooled['frame'], 50):.1f} ms, "
            f"p95 {pct(pooled['frame'], 95):.1f} ms (per-run medians {each}); "
            f"in flip {pct(pooled['flip'], 50):.1f} ms; outside flip median "
            f"{pct(pooled['work'], 50):.1f} ms, p95 {pct(pooled['work'], 95):.1f} ms"
        )
    app, bare = stats["kiosk"], stats["bare"]
    return [
        _scroll_row("frame median", app["frame"], bare["frame"], 50, limit=1.2),
        _scroll_row("frame p95", app["frame"], bare["frame"], 95, limit=1.2),
        _scroll_row("work/frame median", app["work"], bare["work"], 50, limit_ms=5.0),
        _scroll_row("work/frame p95", app["work"], bare["work"], 95),
    ]


def _pooled(runs: list[dict[str, Any]]) -> dict[str, list[float]]:
    return {
        key: [ms for run in runs for ms in run[f"{key}s_ms"]] for key in ("frame", "flip", "work")
    }


def _scroll_row(
    name: str,
    app: list[float],
    bare: list[float],
    percentile: float,
    *,
    limit: float | None = None,
    limit_ms: float | None = None,
) -> Row:
    mine, base = pct(app, percentile), pct(bare, percentile)
    if limit is not None:
        target, result = f"<= {limit}x", verdict(ok=mine / base <= limit)
    elif limit_ms is not None:
        target, result = f"<= {limit_ms:.0f} ms", verdict(ok=mine <= limit_ms)
    else:
        target, result = "-", "info"
    return (
        f"scroll: {name}",
        f"{mine:.1f} ms",
        f"{base:.1f} ms",
        f"{mine / base:.2f}x",
        target,
        result,
    )


def app_scroll(spec: dict[str, Any]) -> int:
    """``kiosk.app.main.run`` uncapped, on the list of every catalogue entry, scrolled."""
    from kiosk.app.bootstrap import configure
    from kiosk.app.settings import KioskSettings

    settings = KioskSettings(home=Path(spec["home"]).resolve(), maxfps=0, speech=False)
    configure(settings)
    from kivy.clock import Clock

    scroller = Scroller(float(spec["seconds"]), Path(spec["rows"]))
    Clock.schedule_once(scroller.open_list, 0)
    from kiosk.app.main import run

    return run(settings)


def bare_scroll(spec: dict[str, Any]) -> int:
    """A bare RecycleView of Labels where the kiosk's list was, scrolled the same way."""
    from kioskbench.start import configure_bare, run_bare

    configure_bare(spec, maxfps=0)  # before Kivy is imported
    from kivy.clock import Clock

    scroller = Scroller(float(spec["seconds"]), Path(spec["rows"]))
    Clock.schedule_once(scroller.open_bare, 0)
    return run_bare(scroller.bare_view())


class Scroller:
    """Scrolls a RecycleView by ``SCROLL_PX`` per frame and times every flip."""

    def __init__(self, seconds: float, rows: Path) -> None:
        self.seconds = seconds
        self.rows = rows
        self.view: Any = None
        self.flips: list[tuple[float, float]] = []
        self.direction = -1.0
        self.until = 0.0
        self.done = False

    # kiosk side
    def open_list(self, _dt: float) -> None:
        """Wait for the release, open 公开目录's full list, then start."""
        from kivy.app import App
        from kivy.clock import Clock

        kiosk = getattr(App.get_running_app(), "kiosk", None)
        if kiosk is None or kiosk.library is None:
            Clock.schedule_once(self.open_list, 0.1)
            return
        from kiosk.viewmodels.nav import Place

        kiosk.go(Place("list", "catalogue"))
        Clock.schedule_once(self.start_kiosk, 1.5)

    def start_kiosk(self, _dt: float) -> None:
        """Find the list, write its rows and geometry for the bare run, scroll."""
        from kivy.app import App
        from kivy.uix.recycleview import RecycleView

        kiosk = App.get_running_app().kiosk
        self.view = next(w for w in kiosk.current.walk() if isinstance(w, RecycleView))
        layout = self.view.layout_manager
        x, y = self.view.to_window(self.view.x, self.view.y)
        sample = next(iter(self.view.view_adapter.views.values()), None)
        shape = {
            "pos": [x, y],
            "size": list(self.view.size),
            "row_height": layout.default_size[1],
            "spacing": layout.spacing,
            "bar_width": self.view.bar_width,
            "font_size": sample._title.font_size if sample else 18,  # noqa: SLF001
            "texts": [f"{d['title']}\n{d['subtitle']}" for d in self.view.data],
        }
        self.rows.write_text(json.dumps(shape, ensure_ascii=False), encoding="utf-8")
        self.start()

    # bare side
    def bare_view(self) -> Any:
        """A RecycleView of plain Labels where the kiosk's list was, with its rows."""
        from kivy.uix.floatlayout import FloatLayout
        from kivy.uix.recycleboxlayout import RecycleBoxLayout
        from kivy.uix.recycleview import RecycleView

        shape = json.loads(self.rows.read_text(encoding="utf-8"))
        width, height = shape["size"]
        root = FloatLayout()
        view = RecycleView(
            size_hint=(None, None),
            size=(width, height),
            pos=shape["pos"],
            bar_width=shape["bar_width"],
            scroll_type=["bars", "content"],
        )
        layout = RecycleBoxLayout(
            orientation="vertical",
            default_size=(None, shape["row_height"]),
            default_size_hint=(1, None),
            size_hint_y=None,
            spacing=shape["spacing"],
        )
        layout.bind(minimum_height=layout.setter("height"))
        view.add_widget(layout)
        view.viewclass = "Label"
        box = (width - 24, shape["row_height"])
        view.data = [
            {"text": t, "font_size": shape["font_size"], "text_size": box, "halign": "left"}
            for t in shape["texts"]
        ]
        root.add_widget(view)
        self.view = view
        return root

    def open_bare(self, _dt: float) -> None:
        """Let the bare list lay out as long as the kiosk's did, then scroll."""
        from kivy.clock import Clock

        Clock.schedule_once(lambda _dt: self.start(), 1.5)

    # both
    def start(self) -> None:
        """Take over ``on_flip`` and move the list every frame for ``seconds``."""
        from kivy.clock import Clock
        from kivy.core.window import Window

        Window.bind(on_flip=self.flip)
        Clock.schedule_interval(self.step, 0)
        self.until = time.perf_counter() + self.seconds

    def step(self, _dt: float) -> bool:
        """Move by ``SCROLL_PX``, bouncing off the ends."""
        if self.done:
            return False
        span = self.view.layout_manager.height - self.view.height
        if span <= 0:
            return True
        value = self.view.scroll_y + self.direction * SCROLL_PX / span
        if not 0.0 <= value <= 1.0:
            self.direction = -self.direction
            value = min(1.0, max(0.0, value))
        self.view.scroll_y = value
        return True

    def flip(self, window: Any) -> bool:
        """Flip (the default ``on_flip``), timed; report once ``seconds`` have passed."""
        began = time.perf_counter()
        window.flip()
        ended = time.perf_counter()
        if self.until and not self.done:
            self.flips.append((began, ended))
            if ended >= self.until:
                self.finish()
        return True

    def finish(self) -> None:
        """Frame times (flip end to flip end) and work outside the flip; stop."""
        from itertools import pairwise

        from kivy.clock import Clock

        flips = self.flips
        self.done = True
        adapter = self.view.view_adapter
        frames = [(b[1] - a[1]) * 1e3 for a, b in pairwise(flips)]
        work = [(b[0] - a[1]) * 1e3 for a, b in pairwise(flips)]
        inside = [(e - s) * 1e3 for s, e in flips]
        report(
            {
                "rows": len(self.view.data),
                "views": len(adapter.views) + sum(len(v) for v in adapter.dirty_views.values()),
                "frames_ms": frames,
                "flips_ms": inside,
                "works_ms": work,
            }
        )
        Clock.schedule_once(stop_app, 0)
