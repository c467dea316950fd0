"""Short links: the few characters a QR code and a printed address carry.

A released item opens at ``<publisher>/d/<code>`` and a mirrored document at
``<publisher>/f/<code>``. A code is derived from what it names (an entity's
stable id, a document's SHA-256), so it is the same in every release and on
every machine; the publisher stores each code it hands out and never gives
it to anything else (``publisher.store.services.links``): when the derived
code is taken, the next longer prefix of the same derivation is tried.

The alphabet is Crockford's base 32 in lower case: digits and letters without
``i``, ``l``, ``o`` and ``u``, so a person who types a printed address cannot
confuse 0 with o or 1 with l, and :func:`normalize_code` reads those
mistakes (and upper case) as what was meant. Five characters give 33 million
codes: a county's few thousand items and documents rarely collide, and a
short URL keeps the QR code at version 2 or 3 at error-correction level M.
"""

from __future__ import annotations

import hashlib
import re
from typing import Literal

__all__ = [
    "ALPHABET",
    "MAX_LENGTH",
    "MIN_LENGTH",
    "CodeKind",
    "derive_code",
    "normalize_code",
    "short_url",
]

#: Crockford's base 32, lower case.
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
MIN_LENGTH = 5
#: The longest code handed out (a SHA-256 gives 51 characters; 12 is plenty).
MAX_LENGTH = 12
#: ``d``: a released item (by stable id); ``f``: a mirrored document (by SHA-256).
CodeKind = Literal["d", "f"]
_READ_AS = str.maketrans({"o": "0", "i": "1", "l": "1"})
_CODE = re.compile(rf"^[{ALPHABET}]{{{MIN_LENGTH},{MAX_LENGTH}}}$")


def derive_code(kind: CodeKind, target: str, length: int = MIN_LENGTH) -> str:
    """The ``length``-character code of ``target`` (an entity id or a document hash).

    Longer codes of the same target extend shorter ones, so a collision is
    settled by taking one more character.

    Raises:
        ValueError: ``length`` outside ``MIN_LENGTH`` .. ``MAX_LENGTH``, or no target.
    """
    if not MIN_LENGTH <= length <= MAX_LENGTH or not target:
        raise ValueError(f"a code has {MIN_LENGTH}..{MAX_LENGTH} characters and a target")
    number = int.from_bytes(hashlib.sha256(f"{kind}:{target}".encode()).digest(), "big")
    characters = []
    for _ in range(length):
        number, digit = divmod(number, 32)
        characters.append(ALPHABET[digit])
    return "".join(characters)


def normalize_code(text: str) -> str | None:
    """The code a person meant by ``text`` (case, o/0, i/l/1 forgiven), or None if none."""
    code = text.strip().lower().translate(_READ_AS)
    return code if _CODE.match(code) else None


def short_url(publisher_url: str, kind: CodeKind, code: str) -> str:
    """The full short link: ``<publisher_url>/<kind>/<code>``."""
    return f"{publisher_url.rstrip('/')}/{kind}/{code}"
