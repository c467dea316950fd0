"""What screens may ask of the app: a narrow interface, so screens stay thin."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from datetime import date

    from kiosk.viewmodels.library import Library
    from kiosk.viewmodels.nav import Place
    from kiosk.viewmodels.search import SearchState
    from kiosk.viewmodels.theme import Theme

__all__ = ["Ui"]


class Ui(Protocol):
    """The app as screens see it."""

    theme: Theme
    library: Library | None
    search_state: SearchState

    def today(self) -> date:
        """Today in Asia/Shanghai."""
        ...

    def go(self, place: Place) -> None:
        """Open a place."""
        ...

    def back(self) -> None:
        """返回."""
        ...

    def speak(self, text: str) -> None:
        """朗读 ``text`` (stops what was being read)."""
        ...

    def stop_speaking(self) -> None:
        """停止朗读."""
        ...

    def refresh_screen(self) -> None:
        """Rebuild the current screen (same place)."""
        ...
