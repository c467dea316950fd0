"""What the app's parts may ask of it: narrow interfaces, so screens and the tour stay thin.

``Ui`` is the app as a screen sees it; ``Stage`` is the app as something that
drives it sees it (the ``--tour``, a test's pilot).  Neither module imports
the app: ``kiosk.app.main`` implements both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from datetime import date

    from kivy.uix.widget import Widget

    from kiosk.viewmodels.applications import LookupForm, StatusLookup
    from kiosk.viewmodels.library import Library
    from kiosk.viewmodels.nav import Place, Screen
    from kiosk.viewmodels.search import SearchState
    from kiosk.viewmodels.theme import Theme

__all__ = ["Stage", "Ui"]


class Ui(Protocol):
    """The app as screens see it."""

    @property
    def theme(self) -> Theme:
        """The mode's sizes and colours."""
        ...

    @property
    def library(self) -> Library | None:
        """The release shown (None before the first)."""
        ...

    @property
    def search_state(self) -> SearchState:
        """The query typed on the keypad and its results."""
        ...

    @property
    def lookup_form(self) -> LookupForm:
        """What the visitor typed for 查询办理进度, and the answer."""
        ...

    @property
    def status_lookup(self) -> StatusLookup | None:
        """Asks the publisher for an application's status (None: not configured)."""
        ...

    def today(self) -> date:
        """Today in Asia/Shanghai."""
        ...

    def go(self, place: Place) -> None:
        """Open a place."""
        ...

    def back(self) -> None:
        """返回."""
        ...

    def home(self) -> None:
        """首页."""
        ...

    def set_elder(self, *, elder: bool) -> None:
        """Switch 关怀模式 (大字)."""
        ...

    def speak(self, text: str) -> None:
        """朗读 ``text`` (stops what was being read)."""
        ...

    def stop_speaking(self) -> None:
        """停止朗读."""
        ...

    @property
    def speaking(self) -> bool:
        """朗读 is reading."""
        ...

    def refresh_screen(self) -> None:
        """Rebuild the current screen (same place)."""
        ...


class Stage(Protocol):
    """The app as the tour (or a test) drives it: what it shows, and the visitor's moves."""

    exit_code: int

    @property
    def root(self) -> Widget:
        """The window's root: header and screen."""
        ...

    @property
    def current(self) -> Widget | None:
        """The screen's widget tree (below the header)."""
        ...

    @property
    def shown(self) -> Screen:
        """The screen drawn last."""
        ...

    @property
    def place(self) -> Place:
        """Where the visitor is."""
        ...

    @property
    def library(self) -> Library | None:
        """The release shown (None before the first)."""
        ...

    @property
    def loading_reason(self) -> str:
        """Why there is no release to show (empty while reading the first)."""
        ...

    @property
    def elder(self) -> bool:
        """关怀模式 is on."""
        ...

    def today(self) -> date:
        """Today in Asia/Shanghai."""
        ...

    def go(self, place: Place) -> None:
        """Open a place."""
        ...

    def home(self) -> None:
        """首页."""
        ...

    def set_elder(self, *, elder: bool) -> None:
        """Switch 关怀模式."""
        ...

    def show_slide(self, index: int) -> None:
        """Draw the attract loop at slide ``index`` (the next move redraws)."""
        ...

    def show_loading(self, reason: str) -> None:
        """Draw 正在获取内容 as a kiosk without a release would (the next move redraws)."""
        ...
