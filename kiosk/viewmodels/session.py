"""One visitor's session at the kiosk: where they are, the mode, the search, and its end.

The app draws what the session says and tells it what happened (a touch, a
clock tick, a new release); every rule of how a session begins and ends lives
here, tested without a window::

    session = Session.begin(idle_seconds=90, clock=fake_clock)
    session.go(Place(Screen.SEARCH))
    session.set_elder(elder=True)          # 关怀模式: the elder theme
    fake_clock.advance(90)
    session.tick()                         # True: idle, back to the attract loop
    session.place.screen                   # Screen.ATTRACT, search cleared, normal mode
    session.touch()                        # True: this tap only wakes the kiosk
"""

from __future__ import annotations

from dataclasses import dataclass, field
from time import monotonic
from typing import TYPE_CHECKING

from kiosk.viewmodels.applications import LookupForm
from kiosk.viewmodels.idle import IdlePolicy
from kiosk.viewmodels.nav import Navigator, Place, Screen
from kiosk.viewmodels.search import SearchState
from kiosk.viewmodels.theme import theme_for

if TYPE_CHECKING:
    from collections.abc import Callable

    from kiosk.viewmodels.library import Library
    from kiosk.viewmodels.theme import Theme

__all__ = ["DOUBLE_TAP_GUARD", "Session"]

ATTRACT = Place(Screen.ATTRACT)
#: Seconds after a screen change in which a touch is the second tap of a double
#: tap (measured: 190 ms after the first), not a choice on the screen just
#: shown: nobody reads a new screen and picks from it faster than this.
DOUBLE_TAP_GUARD = 0.3


@dataclass
class Session:
    """The state one visitor leaves behind, and when it is reset for the next.

    Args:
        idle: when nobody has touched the kiosk for long enough.
        nav: the back stack.
        search: the query typed on the keypad and its results.
        elder: 关怀模式 (larger text and targets, stronger contrast).
        attract_index: the idle loop's slide.
    """

    idle: IdlePolicy
    nav: Navigator = field(default_factory=Navigator)
    search: SearchState = field(default_factory=SearchState)
    #: 查询办理进度: the digits typed; cleared with the session (the next visitor never sees them).
    lookup: LookupForm = field(default_factory=LookupForm)
    elder: bool = False
    attract_index: int = 0
    changed_at: float = float("-inf")  # when another screen was last shown

    @classmethod
    def begin(cls, idle_seconds: float, *, clock: Callable[[], float] = monotonic) -> Session:
        """A session at 首页 that ends after ``idle_seconds`` untouched on ``clock``."""
        return cls(IdlePolicy(idle_seconds, clock))

    @property
    def theme(self) -> Theme:
        """The mode's sizes and colours."""
        return theme_for(elder=self.elder)

    @property
    def place(self) -> Place:
        """Where the visitor is."""
        return self.nav.current

    @property
    def attracting(self) -> bool:
        """The idle loop is showing."""
        return self.place.screen is Screen.ATTRACT

    def shown(self, *, loaded: bool) -> Screen:
        """The screen to draw: the place's, or 正在获取内容 until a release is read.

        The attract loop needs no release (it shows the title without slides).
        """
        if not loaded and not self.attracting:
            return Screen.LOADING
        return self.place.screen

    # -- what the visitor does -----------------------------------------------------------
    def go(self, place: Place) -> None:
        """Open a place."""
        self.nav.go(place)

    def back(self) -> None:
        """返回."""
        self.nav.back()

    def home(self) -> None:
        """首页 (the query stays for 搜索 until the session ends)."""
        self.nav.home()

    def set_elder(self, *, elder: bool) -> None:
        """Switch 关怀模式 on or off."""
        self.elder = elder

    def touch(self) -> bool:
        """Someone touched the screen; True when the touch only wakes the kiosk.

        A tap on the attract loop, or the first after the timeout, opens 首页
        instead of acting on whatever is under the finger.
        """
        woke = self.idle.touch()
        return woke or self.attracting

    def screen_changed(self) -> None:
        """Another screen (or place) has just been drawn."""
        self.changed_at = self.idle.clock()

    def too_soon(self) -> bool:
        """A touch now would be the second tap of a double tap: ignore it."""
        return self.idle.clock() - self.changed_at < DOUBLE_TAP_GUARD

    # -- what time and content do --------------------------------------------------------
    def tick(self, *, busy: bool = False) -> bool:
        """Once a second: True when the session has just ended (see ``end``).

        ``busy``: 朗读 is reading what the visitor asked for; a listener does not
        touch the screen, and the reading must not be cut off by the timeout.
        """
        if busy:
            self.idle.hold()
        if self.idle.check():
            self.end()
            return True
        return False

    def end(self) -> None:
        """Nobody is here: the search cleared, normal mode, the attract loop from its start."""
        self.search.query = ""
        self.search.groups = []
        self.lookup.clear()
        self.nav.home()
        self.elder = False
        self.attract_index = 0
        self.nav.go(ATTRACT)

    def next_slide(self) -> bool:
        """The attract loop's next slide; False (nothing to redraw) when it is not showing."""
        if not self.attracting:
            return False
        self.attract_index += 1
        return True

    def release_changed(self, library: Library) -> None:
        """A new release: keep the visitor's place where its item still exists, re-search."""
        self.nav.prune(set(library.by_id))
        self.search.refresh(library)
