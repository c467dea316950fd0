"""Where the visitor is: a stack of places, with 返回 and 首页.

A place is plain data (a screen and its parameters), so the app can rebuild
the screen after a mode switch or a new release and keep the visitor's place
when the item still exists.  Screens are a ``Screen`` enum: the app routes on
it, and a misspelt screen fails where the place is made, not when it is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum

__all__ = ["Navigator", "Place", "Screen"]


class Screen(StrEnum):
    """The kiosk's screens (the values are what the log and the tour call them)."""

    HOME = "home"
    GROUPS = "groups"  # a section's groups of one facet (按部门, 按类别 …)
    LIST = "list"  # a section's or group's items
    DETAIL = "detail"  # one item
    SEARCH = "search"  # the keypad and its results
    ATTRACT = "attract"  # the idle loop
    APPLICATIONS = "applications"  # 依申请公开: how to apply, 查询办理进度
    #: 正在获取内容: drawn before the first release, never a place on the stack.
    LOADING = "loading"


@dataclass(frozen=True)
class Place:
    """A screen and what it shows.

    ``home``; ``groups`` (section, facet); ``list`` (section, facet, group);
    ``detail`` (entity id); ``search``; ``attract`` (the idle loop).  A screen
    given by its name (``Place("list", "catalogue")``) becomes its ``Screen``.

    Raises:
        ValueError: no screen has that name.
    """

    screen: Screen
    section: str = ""
    facet: str = ""
    group: str = ""
    item: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "screen", Screen(self.screen))

    def __repr__(self) -> str:
        # The screen by its value, as before the enum: the log reads
        # "screen groups Place(screen='groups', section='powers', …)".
        parts = ", ".join(f"{f.name}={str(getattr(self, f.name))!r}" for f in fields(self))
        return f"Place({parts})"


HOME = Place(Screen.HOME)


@dataclass
class Navigator:
    """The back stack; the current place is the last one."""

    stack: list[Place] = field(default_factory=lambda: [HOME])

    @property
    def current(self) -> Place:
        """Where the visitor is."""
        return self.stack[-1]

    def go(self, place: Place) -> Place:
        """Open a place (a facet switch replaces the groups screen, not stacks it)."""
        if place.screen is Screen.HOME:
            return self.home()
        top = self.current
        if top.screen is place.screen is Screen.GROUPS and top.section == place.section:
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
        self.stack = [HOME]
        return self.current

    def prune(self, exists: set[str]) -> Place:
        """Drop detail places whose item is gone (after a new release)."""
        kept = [p for p in self.stack if p.screen is not Screen.DETAIL or p.item in exists]
        self.stack = kept or [HOME]
        return self.current
