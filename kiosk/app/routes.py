"""Which builder draws which screen: one table, keyed by ``Screen``.

Each screen's module is imported when first shown, so the first frame
(正在获取内容) does not wait for the detail screen's charts and flowcharts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.viewmodels.nav import Screen

if TYPE_CHECKING:
    from collections.abc import Callable

    from kivy.uix.widget import Widget

    from kiosk.app.context import Ui
    from kiosk.viewmodels.nav import Place

__all__ = ["ROUTES", "View", "build_screen"]


@dataclass(frozen=True)
class View:
    """What a screen is drawn from besides the app: the place and the window's shape."""

    place: Place
    landscape: bool = False
    attract_index: int = 0
    loading_reason: str = ""


def build_screen(ui: Ui, screen: Screen, view: View) -> Widget:
    """The widget tree of ``screen``."""
    return ROUTES[screen](ui, view)


def _home(ui: Ui, view: View) -> Widget:
    from kiosk.app.screens.browse import build_home  # noqa: PLC0415 - see the module doc

    return build_home(ui, landscape=view.landscape)


def _groups(ui: Ui, view: View) -> Widget:
    from kiosk.app.screens.browse import build_groups  # noqa: PLC0415

    return build_groups(ui, view.place)


def _list(ui: Ui, view: View) -> Widget:
    from kiosk.app.screens.browse import build_list  # noqa: PLC0415

    return build_list(ui, view.place)


def _detail(ui: Ui, view: View) -> Widget:
    from kiosk.app.screens.detail import build_detail_screen  # noqa: PLC0415

    return build_detail_screen(ui, view.place, landscape=view.landscape)


def _search(ui: Ui, view: View) -> Widget:
    from kiosk.app.screens.search import build_search  # noqa: PLC0415

    return build_search(ui, landscape=view.landscape)


def _attract(ui: Ui, view: View) -> Widget:
    from kiosk.app.screens.idle import build_attract  # noqa: PLC0415

    return build_attract(ui, view.attract_index)


def _loading(ui: Ui, view: View) -> Widget:
    from kiosk.app.screens.idle import build_loading  # noqa: PLC0415

    return build_loading(ui, view.loading_reason)


def _applications(ui: Ui, view: View) -> Widget:  # noqa: ARG001 - the table's signature
    from kiosk.app.screens.applications import build_applications  # noqa: PLC0415

    return build_applications(ui)


ROUTES: dict[Screen, Callable[[Ui, View], Widget]] = {
    Screen.HOME: _home,
    Screen.GROUPS: _groups,
    Screen.LIST: _list,
    Screen.DETAIL: _detail,
    Screen.SEARCH: _search,
    Screen.ATTRACT: _attract,
    Screen.LOADING: _loading,
    Screen.APPLICATIONS: _applications,
}
