"""``--tour``: visit every screen in both modes with synthetic taps and screenshot each.

Taps are real Kivy touch events (a ``MotionEvent`` through the event loop),
so the tour exercises the same paths a finger does.  Each screenshot is named
for what it shows and the mode (``power_detail-elder.png``); ``tour.json``
lists them with the item and the QR URL the screen showed.  The tour sees
the app only through ``context.Stage``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock
from kivy.input.motionevent import MotionEvent

from kiosk.app.loader import NO_RELEASE
from kiosk.viewmodels.nav import Place, Screen
from kiosk.viewmodels.session import DOUBLE_TAP_GUARD

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from kivy.uix.widget import Widget

    from kiosk.app.context import Stage

__all__ = ["Tour", "find", "find_row", "tap", "tap_at"]

log = logging.getLogger(__name__)
FRAMES = 3  # frames to let layout settle after a change
#: Frames to wait on a new screen before tapping it, as a person looks first
#: (a tap sooner is taken for the second tap of a double tap, and ignored).
LOOK = int(DOUBLE_TAP_GUARD * 30) + 2


class _Tap(MotionEvent):  # type: ignore[misc]
    def __init__(self, x: float, y: float, width: float, height: float) -> None:
        super().__init__(
            "tour", 1, {"sx": x / width, "sy": y / height}, is_touch=True, type_id="touch"
        )
        self.profile = ["pos"]

    def depack(self, args: dict[str, float]) -> None:
        self.sx, self.sy = args["sx"], args["sy"]
        super().depack(args)


def tap(widget: Widget) -> None:
    """Press and release at the widget's centre, as a finger would."""
    tap_at(*widget.to_window(*widget.center))


def tap_at(x: float, y: float) -> None:
    """Press and release at window coordinates ``x``, ``y`` (from the bottom left)."""
    from kivy.base import EventLoop  # noqa: PLC0415
    from kivy.core.window import Window  # noqa: PLC0415

    touch = _Tap(x, y, Window.width, Window.height)
    EventLoop.post_dispatch_input("begin", touch)
    EventLoop.post_dispatch_input("end", touch)


def find(root: Widget, name: str) -> Widget | None:
    """The first widget under ``root`` whose ``name`` starts with ``name``."""
    for widget in root.walk():
        if str(getattr(widget, "name", "")).startswith(name):
            return widget
    return None


def find_row(root: Widget) -> Widget | None:
    """The first visible list row."""
    from kiosk.app.screens.browse import RowView  # noqa: PLC0415

    rows = [w for w in root.walk() if isinstance(w, RowView) and w.item]
    return max(rows, key=lambda w: w.y) if rows else None


class Tour:
    """Drives the kiosk through every screen, one step per few frames."""

    def __init__(self, kiosk: Stage, out: Path, done: Callable[[], None] | None = None) -> None:
        """Tour ``kiosk`` into ``out``; then call ``done`` (by default: stop the app)."""
        self.kiosk = kiosk
        self.out = out
        self._done = done
        self.shots: list[dict[str, Any]] = []
        self._steps: Iterator[int] | None = None

    def start(self) -> None:
        """Begin once the release is loaded."""
        self.out.mkdir(parents=True, exist_ok=True)
        self._steps = self._run()
        Clock.schedule_once(self._next, 0.5)

    def _next(self, _dt: float) -> None:
        assert self._steps is not None  # noqa: S101 - set in start()
        try:
            frames = next(self._steps)
        except StopIteration:
            self._finish()
            return
        except Exception:
            log.exception("the tour failed")
            self.kiosk.exit_code = 1
            self._finish()
            return
        Clock.schedule_once(self._next, frames / 30)

    def _finish(self) -> None:
        (self.out / "tour.json").write_text(
            json.dumps(self.shots, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        if self._done is not None:
            self._done()
            return
        from kivy.app import App  # noqa: PLC0415

        App.get_running_app().stop()

    def shoot(self, name: str) -> None:
        """Screenshot the window as ``<name>-<mode>.png``."""
        from kivy.core.window import Window  # noqa: PLC0415

        mode = "elder" if self.kiosk.elder else "normal"
        target = self.out / f"{name}-{mode}.png"
        written = Path(Window.screenshot(name=str(self.out / f"{name}-{mode}-.png")))
        written.replace(target)
        current = self.kiosk.current
        qr = getattr(getattr(current, "qr_card", None), "qr_url", None)
        self.shots.append(
            {
                "file": target.name,
                "screen": name,
                "mode": mode,
                "item": self.kiosk.place.item,
                "qr": qr,
            }
        )
        log.info("tour: %s", target)

    def _tap(self, name: str) -> Iterator[int]:
        yield LOOK  # a just-built screen is laid out on the next frame
        widget = find(self.kiosk.root, name)
        if widget is None:
            raise LookupError(f"tour: no widget named {name!r} on {self.kiosk.shown}")
        tap(widget)
        yield FRAMES

    def _rows(self) -> Iterator[int]:
        """Wait (up to two seconds) for the RecycleView to lay out its rows."""
        for _ in range(60):
            if find_row(self.kiosk.root) is not None:
                return
            yield 1

    def _tap_row(self) -> Iterator[int]:
        yield LOOK
        row = find_row(self.kiosk.root)
        if row is None:
            raise LookupError(f"tour: no list row on {self.kiosk.shown}")
        tap(row)
        yield FRAMES

    def _run(self) -> Iterator[int]:  # noqa: C901 - a script of screens
        kiosk = self.kiosk
        # The first screen a new kiosk shows, before the release is read.
        while kiosk.library is None:
            if kiosk.loading_reason:
                break
            yield 10
        for elder in (False, True):
            if elder:
                yield from self._elder_on()
            if kiosk.library is None:
                self.shoot("loading")
                continue
            kiosk.home()
            yield FRAMES
            self.shoot("home")
            for section, name in (
                ("leaders", "leader"),
                ("powers", "power"),
                ("projects", "project"),
                ("catalogue", "catalogue"),
            ):
                kiosk.home()
                yield FRAMES
                yield from self._tap(f"tile-{section}")
                self.shoot(f"{name}_groups")
                yield LOOK
                if find(kiosk.root, "group-") is None:
                    continue  # an empty section: its 暂无内容 is the screenshot above
                yield from self._tap("group-")
                yield from self._rows()
                self.shoot(f"{name}_list")
                yield from self._tap_row()
                self.shoot(f"{name}_detail")
            for place, name in self._special_details():
                kiosk.go(place)
                yield FRAMES
                self.shoot(name)
            for section, name in (("guide", "guide"), ("reports", "report"), ("notices", "notice")):
                kiosk.home()
                yield FRAMES
                yield from self._tap(f"tile-{section}")
                yield from self._rows()
                self.shoot(f"{name}_list")
                if find_row(kiosk.root) is None:
                    continue  # an empty section: 暂无内容
                yield from self._tap_row()
                self.shoot(f"{name}_detail")
            kiosk.home()
            yield FRAMES
            yield from self._tap("search")
            yield from self._tap("key-clear")
            for key in "BDCDJ":
                yield from self._tap(f"key-{key}")
            self.shoot("search")
            yield from self._attract()
            if not elder:
                yield from self._loading()

    def _elder_on(self) -> Iterator[int]:
        """Tap 关怀模式 on (again, as a person would, if the tap changed nothing).

        Under load a tap can come within the double-tap guard of a slow frame.
        """
        for _ in range(3):
            yield from self._tap("elder")
            if self.kiosk.elder:
                return

    def _attract(self) -> Iterator[int]:
        """Each kind of slide of the attract loop (the first of each)."""
        from kiosk.viewmodels.attract import attract_slides  # noqa: PLC0415

        library = self.kiosk.library
        slides = attract_slides(library, self.kiosk.today()) if library else []
        shot: set[str] = set()
        for index, slide in enumerate(slides):
            if slide.kind in shot:
                continue
            shot.add(slide.kind)
            self.kiosk.show_slide(index)
            yield FRAMES
            self.shoot(f"attract_{slide.kind}")
        self.kiosk.home()

    def _loading(self) -> Iterator[int]:
        """What a new kiosk shows before its first release (drawn, then restored)."""
        kiosk = self.kiosk
        kiosk.home()
        kiosk.show_loading(NO_RELEASE)
        yield FRAMES
        self.shoot("loading")
        kiosk.set_elder(elder=False)

    def _special_details(self) -> list[tuple[Place, str]]:
        """A power drawn from steps, one with only a published image, and a 2021 report."""
        library = self.kiosk.library
        found: list[tuple[Place, str]] = []
        if library is None:
            return found
        from content.enums import EntityType  # noqa: PLC0415

        steps = image = None
        for entry in library.by_type[EntityType.POWER_ITEM]:
            record = library.record(entry.id) or {}
            chart = record.get("flowchart") or {}
            if steps is None and len(chart.get("steps") or ()) >= 5:
                steps = entry.id
            if image is None and chart.get("image") and not chart.get("steps"):
                image = entry.id
            if steps and image:
                break
        if steps:
            found.append((Place(Screen.DETAIL, item=steps), "power_flowchart"))
        if image:
            found.append((Place(Screen.DETAIL, item=image), "power_flowchart_image"))
        return found
