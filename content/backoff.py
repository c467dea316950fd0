"""Exponential back-off: how long to wait after the n-th failure in a row.

One rule for every retry loop that waits between whole attempts (a kiosk
agent's refresh, a publisher's push to a failing board): the first failure
waits ``base``, each further one doubles it, never past ``cap``. Jitter, when
asked for, spreads a fleet's retries so a publisher that comes back is not
met by every kiosk in the same second. (HTTP retries inside one sync request
use urllib3's ``Retry``, which also honours ``Retry-After``.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import random

__all__ = ["Backoff"]

# 2**30 times any sensible base is far past any cap; stops float overflow.
_MAX_DOUBLINGS = 30


@dataclass(frozen=True)
class Backoff:
    """Delays that double from ``base`` up to ``cap`` seconds.

    Attributes:
        base: the wait after the first failure, in seconds.
        cap: the longest wait, in seconds (jitter included).
        jitter: a share (0 to 1) by which a delay may be stretched or shrunk
            at random, for :meth:`jittered`.
    """

    base: float
    cap: float
    jitter: float = 0.0

    def __post_init__(self) -> None:
        if self.base < 0 or self.cap < 0 or not 0 <= self.jitter <= 1:
            raise ValueError("base and cap must not be negative; jitter is a share 0..1")

    def delay(self, failures: int) -> float:
        """Seconds to wait after ``failures`` consecutive failures (0 → no wait)."""
        return min(self.cap, self._uncapped(failures))

    def jittered(self, failures: int, rng: random.Random) -> float:
        """:meth:`delay` stretched by up to ±``jitter``, still at most ``cap``."""
        spread = rng.uniform(1 - self.jitter, 1 + self.jitter)
        return min(self.cap, self._uncapped(failures) * spread)

    def _uncapped(self, failures: int) -> float:
        if failures <= 0:
            return 0.0
        return self.base * 2.0 ** min(failures - 1, _MAX_DOUBLINGS)
