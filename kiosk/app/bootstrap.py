"""Set Kivy up for a kiosk before any window exists.

Everything here must happen before ``kivy.core.window`` is imported: Kivy
reads its environment and ``Config`` once.  The settings follow
../shared/docs/kivy.md: no argv parsing, logs in the kiosk's folder, a
borderless window at 0,0 the panel's size (``fullscreen=auto`` needs a window
manager, and without one shows a crop where taps miss), no cursor, no
multitouch emulation, Esc does nothing, and 30 fps so an idle kiosk stays cool.
"""

from __future__ import annotations

import ctypes
import glob
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.app.fonts import KioskFont
    from kiosk.app.settings import KioskSettings

__all__ = ["DisplayError", "DisplayInfo", "check_display", "configure", "register_font"]

log = logging.getLogger(__name__)


class DisplayError(RuntimeError):
    """The app would run invisibly (or not at all); the message says why."""


@dataclass(frozen=True)
class DisplayInfo:
    """What the window runs on, logged at start."""

    video_driver: str
    gl_renderer: str

    @property
    def software_gl(self) -> bool:
        """llvmpipe/softpipe: about 10 fps full screen, 100 % CPU while scrolling."""
        return any(s in self.gl_renderer.lower() for s in ("llvmpipe", "softpipe", "swrast"))


def configure(settings: KioskSettings) -> None:
    """Environment and ``kivy.config.Config`` for the kiosk (call before the window)."""
    kivy_home = settings.ui_dir / "kivy"
    kivy_home.mkdir(parents=True, exist_ok=True)
    os.environ["KIVY_NO_ARGS"] = "1"  # else Kivy's getopt eats our arguments
    os.environ["KIVY_HOME"] = str(kivy_home)
    os.environ.setdefault("KIVY_LOG_MODE", "MIXED")  # our logging stays ours
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("MESA_SHADER_CACHE_DIR", str(settings.ui_dir / "mesa"))
    if not os.environ.get("DISPLAY") and not os.environ.get("SDL_VIDEODRIVER"):
        if not settings.allow_offscreen:
            raise DisplayError(
                "no display: DISPLAY is not set, so the kiosk would run invisibly. "
                "Start it in the kiosk's X session (or under xvfb-run for a tour)."
            )
        os.environ["SDL_VIDEODRIVER"] = "offscreen"

    from kivy.config import Config  # noqa: PLC0415 - Kivy reads env at import

    graphics = {
        "fullscreen": "0",
        "borderless": "1",
        "resizable": "0",
        "position": "custom",
        "left": "0",
        "top": "0",
        "width": str(settings.width),
        "height": str(settings.height),
        "show_cursor": "0",
        "maxfps": str(settings.maxfps),
        "allow_screensaver": "0",
        "multisamples": "0",
    }
    for key, value in graphics.items():
        Config.set("graphics", key, value)
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "keyboard_mode", "system")  # our own keypad; no VKeyboard
    Config.set("kivy", "log_maxfiles", "10")
    Config.set("kivy", "log_enable", "0")
    for key, _ in Config.items("input"):
        Config.remove_option("input", key)
    # One mouse/touch provider; no right-click multitouch dots. Real panels add
    # their mtdev/hidinput device in the kiosk's config (see docs/operations.md).
    Config.set("input", "mouse", "mouse,disable_multitouch,disable_on_activity")


def register_font(font: KioskFont) -> None:
    """Make the SC font Kivy's default, so no label can fall back to Roboto's tofu."""
    from kivy.core.text import DEFAULT_FONT, LabelBase  # noqa: PLC0415

    bold = str(font.bold) if font.bold else str(font.regular)
    LabelBase.register(DEFAULT_FONT, fn_regular=str(font.regular), fn_bold=bold)


def check_display(*, allow_offscreen: bool) -> DisplayInfo:
    """Log the SDL video driver and GL renderer; refuse an invisible window.

    Raises:
        DisplayError: SDL fell back to its offscreen driver and that was not allowed.
    """
    from kivy.graphics.opengl import GL_RENDERER, glGetString  # noqa: PLC0415

    renderer = glGetString(GL_RENDERER)
    info = DisplayInfo(_sdl_driver(), renderer.decode() if renderer else "unknown")
    log.info("video driver %s, GL renderer %s", info.video_driver, info.gl_renderer)
    if info.video_driver == "offscreen" and not allow_offscreen:
        raise DisplayError("SDL chose its offscreen driver: nothing would be visible")
    if info.software_gl:
        log.warning("software OpenGL (%s): expect slow scrolling on this kiosk", info.gl_renderer)
    return info


def _sdl_driver() -> str:
    import kivy  # noqa: PLC0415

    libs = Path(kivy.__file__).parent.parent / "Kivy.libs"
    found = glob.glob(str(libs / "libSDL2-2*"))  # noqa: PTH207 - a shared-object wildcard
    try:
        sdl = ctypes.CDLL(found[0]) if found else ctypes.CDLL("libSDL2-2.0.so.0")
    except OSError:
        return "unknown"
    sdl.SDL_GetCurrentVideoDriver.restype = ctypes.c_char_p
    driver = sdl.SDL_GetCurrentVideoDriver()
    return driver.decode() if driver else "none"
