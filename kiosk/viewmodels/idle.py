"""When nobody has touched the kiosk for a while: back to 首页 and the attract loop."""

from __future__ import annotations

from dataclasses import dataclass, field
from time import monotonic
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["IdlePolicy"]


@dataclass
class IdlePolicy:
    """Decides when the kiosk is idle; the clock is injected for tests.

    Args:
        timeout: seconds without a touch before resetting (default 90).
        clock: a monotonic clock in seconds.
    """

    timeout: float = 90.0
    clock: Callable[[], float] = monotonic
    last_touch: float = field(default=0.0)
    idle: bool = False

    def __post_init__(self) -> None:
        self.last_touch = self.clock()

    def touch(self) -> bool:
        """Someone touched the screen; True when this woke the kiosk from idle."""
        self.last_touch = self.clock()
        woke, self.idle = self.idle, False
        return woke

    def hold(self) -> None:
        """Something the visitor asked for is still going on (朗读): not idle yet."""
        if not self.idle:
            self.last_touch = self.clock()

    def check(self) -> bool:
        """True once, at the moment the kiosk becomes idle."""
        if not self.idle and self.clock() - self.last_touch >= self.timeout:
            self.idle = True
            return True
        return False
