"""Fictional people and phone numbers for the demo county.

Names are drawn from common surnames and given-name characters; a few carry a
character outside GB2312 (堃, 镕 …) so that decoding pitfalls show up. Phone
numbers are ``0797-0NNNNNN``: a Chinese subscriber number never begins with 0,
so none of them can ring a real line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from content.demo._vocab_texts import GIVEN_CHARS, RARE_GIVEN_CHARS, SURNAMES

if TYPE_CHECKING:
    import random

AREA_CODE = "0797"


class NameBook:
    """Hands out unique fictional names from one random stream."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def name(self, *, rare: bool = False) -> str:
        """A new full name, 2 or 3 characters; ``rare`` uses a non-GB2312 character."""
        for _ in range(1000):
            surname = self._rng.choice(SURNAMES)
            given = [self._rng.choice(GIVEN_CHARS)]
            if rare:
                given = [self._rng.choice(RARE_GIVEN_CHARS)]
            if self._rng.random() < 0.7:
                given.append(self._rng.choice(GIVEN_CHARS))
            full = surname + "".join(given)
            if full not in self._used:
                self._used.add(full)
                return full
        raise RuntimeError("ran out of fictional names")  # pragma: no cover


def phone(rng: random.Random) -> str:
    """A fictional landline: the real area code, a subscriber number starting with 0."""
    return f"{AREA_CODE}-0{rng.randrange(100000, 999999)}"
