"""Where the visitor is: a stack of places, with 返回 and 首页.

A place is plain data (a screen name and its parameters), so the app can
rebuild the screen after a mode switch or a new release and keep the
visitor's place when the item still exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Navigator", "Place"]

HOME = "home"


@dataclass(frozen=True)
class Place:
    """A screen and what it shows.

    Screens: ``home``; ``groups`` (section, facet); ``list`` (section, facet,
    group); ``detail`` (entity id); ``search``; ``attract`` (the idle loop).
    """

    screen: str
    section: str = ""
    facet: str = ""
    group: str = ""
    item: str = ""


@dataclass
class Navigator:
    """The back stack; the current place is the last one."""

    stack: list[Place] = field(default_factory=lambda: [Place(HOME)])

    @property
    def current(self) -> Place:
        """Where the visitor is."""
        return self.stack[-1]

    def go(self, place: Place) -> Place:
        """Open a place (a facet switch replaces the groups screen, not stacks it)."""
        if place.screen == HOME:
            return self.home()
        top = self.current
        if top.screen == place.screen == "groups" and top.section == place.section:
            self.stack[-1] = place
        elif place != top:
            self.stack.append(place)
        return place

    def back(self) -> Place:
        """Go one place back (home stays home)."""
        if len(self.stack) > 1:
            self.stack.pop()
        return self.current

    def home(self) -> Place:
        """Back to 首页, forgetting the way."""
        self.stack = [Place(HOME)]
        return self.current

    def prune(self, exists: set[str]) -> Place:
        """Drop detail places whose item is gone (after a new release)."""
        kept = [p for p in self.stack if p.screen != "detail" or p.item in exists]
        self.stack = kept or [Place(HOME)]
        return self.current
