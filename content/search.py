"""The kiosk's search index: Chinese text, full pinyin and pinyin initials.

Built by the publisher and shipped in releases, loaded (never built) by the
kiosk. The index is sharded like the release's index leaves, so a one-item
change ships one small shard (``SearchShard``), not a new index of
everything; the kiosk concatenates the shards into one ``SearchIndex``.

Each entry has search *keys*: its normalised text, the full pinyin of that text
(``budongchandengji``) and the initials (``bdcdj``). A shard maps every
**gram** to the entries that contain it: Chinese characters and the bigrams
with one in them; the 1-, 2- and 3-letter pieces of the pinyin starting at a
syllable; every 1-, 2- and 3-character piece of the initials and of the Latin
letters and digits in the text (``2024``, ``PPP``). A query selects candidates
by its grams, which are then checked by substring, so the answer is exact:
"bdcdj" finds 不动产登记, "dengji" finds it too, and so do 登记 and "2024".

``SCHEME`` numbers the gram rules; a shard says which it was built with, so a
kiosk asks an older release only for grams it has.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

__all__ = ["SCHEME", "SearchIndex", "SearchKeys", "SearchShard", "query_grams", "search_keys"]

#: The gram rules: 1 = CJK, pinyin 3-letter and initials 3-letter grams only
#: (no digits, one-letter candidates for two-letter queries); 2 = this module's.
SCHEME = 2
_KEEP = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134fA-Za-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]")
_LATIN = re.compile(r"[a-z0-9]+")
_GRAM = 3


@dataclass(frozen=True, slots=True)
class SearchKeys:
    """What one entry can be found by."""

    text: str
    pinyin: str
    initials: str
    #: Where each syllable starts in ``pinyin`` (publisher side only; not shipped).
    starts: tuple[int, ...] = ()

    def to_json(self) -> list[str]:
        """Compact form for a release object: ``[text, pinyin, initials]``."""
        return [self.text, self.pinyin, self.initials]


def search_keys(*texts: str) -> SearchKeys:
    """The keys of an entry whose searchable texts are ``texts`` (title first)."""
    text = "".join(_KEEP.findall(unicodedata.normalize("NFKC", " ".join(texts)))).lower()
    # Imported here: only the publisher builds keys; a kiosk loading the index
    # should not pay ~200 ms for pypinyin's dictionaries at start.
    from pypinyin import lazy_pinyin  # noqa: PLC0415

    syllables = [s.lower() for s in lazy_pinyin(text, errors="ignore") if s]
    initials = [s[0] for s in syllables]
    starts, offset = [], 0
    for syllable in syllables:
        starts.append(offset)
        offset += len(syllable)
    return SearchKeys(
        text=text,
        pinyin="".join(syllables),
        initials="".join(initials).lower(),
        starts=tuple(starts),
    )


def query_grams(query: str, scheme: int = SCHEME) -> tuple[str, list[str]]:
    """Normalise a query and the grams that select its candidates.

    Args:
        query: what was typed or tapped.
        scheme: the gram rules of the index asked (``SearchShard.scheme``).

    Returns:
        (normalised query, grams). Chinese gives its bigrams with a Chinese
        character in them (its one character when it is alone); a run of
        letters gives its first three, which a pinyin match starts with and an
        initials match contains; in a query with a digit or a Chinese
        character, every three-character piece of each run.
    """
    normal = "".join(_KEEP.findall(unicodedata.normalize("NFKC", query))).lower()
    if not normal:
        return normal, []
    if scheme < 2:  # the first scheme: releases of older publishers
        return normal, _grams_v1(normal)
    grams = _cjk_bigrams(normal) or {c for c in normal if _CJK.match(c)}
    # Letters alone may be pinyin, which is indexed only from a syllable start;
    # with a digit or a Chinese character the runs can only be in the text,
    # where every piece is indexed, so every piece narrows the candidates.
    anywhere = bool(grams) or any(c.isdigit() for c in normal)
    for run in _LATIN.findall(normal):
        grams |= _pieces(run, _GRAM) if anywhere and len(run) > _GRAM else {run[:_GRAM]}
    return normal, sorted(grams)


def _grams_v1(normal: str) -> list[str]:
    if _CJK.search(normal):
        if len(normal) == 1:
            return [normal]
        return sorted({normal[i : i + 2] for i in range(len(normal) - 1)})
    return [normal[:_GRAM] if len(normal) >= _GRAM else normal[0]]


@dataclass(slots=True)
class SearchShard:
    """The inverted index of one leaf's entries, as a release ships it.

    Attributes:
        keys: each entry's ``SearchKeys``, by position in the leaf.
        postings: gram → ascending positions of the entries that contain it.
        scheme: the gram rules it was built with (``SCHEME``).
    """

    keys: list[SearchKeys] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=dict)
    scheme: int = SCHEME

    @staticmethod
    def build(keys: list[SearchKeys]) -> SearchShard:
        """Index the entries' keys (publisher side)."""
        postings: dict[str, set[int]] = {}
        for position, key in enumerate(keys):
            for gram in _entry_grams(key):
                postings.setdefault(gram, set()).add(position)
        return SearchShard(keys, {g: sorted(p) for g, p in sorted(postings.items())})

    def to_json(self) -> dict[str, Any]:
        """Plain data for the release object."""
        return {
            "scheme": self.scheme,
            "keys": [k.to_json() for k in self.keys],
            "postings": self.postings,
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> SearchShard:
        """Load a shard from a release object (kiosk side; no indexing work).

        A shard without ``scheme`` comes from a publisher of the first scheme.
        """
        keys = [SearchKeys(row[0], row[1], row[2]) for row in data.get("keys", [])]
        # The parsed JSON lists are used as they are: a kiosk loads thousands of shards.
        return SearchShard(keys, dict(data.get("postings", {})), int(data.get("scheme", 1)))


@dataclass(slots=True)
class SearchIndex:
    """The index a kiosk queries: a release's shards, concatenated in walk order.

    Attributes:
        haystacks: per position, ``text NUL pinyin NUL initials`` (one
            substring test per candidate; a query never holds NUL).
        postings: gram → ascending positions, as 32-bit arrays (4 bytes a
            position, not a Python int's 36: the kiosk's memory is mostly this).
        scheme: the oldest scheme of the shards added.
    """

    haystacks: list[str] = field(default_factory=list)
    postings: dict[str, array[int]] = field(default_factory=dict)
    scheme: int = SCHEME

    @staticmethod
    def merge(shards: Iterable[SearchShard]) -> SearchIndex:
        """One index over the shards, positions numbered in order."""
        index = SearchIndex()
        for shard in shards:
            index.add(shard)
        return index

    def add(self, shard: SearchShard) -> None:
        """Append a shard's entries after those already here (leaf by leaf, as read).

        A concatenation, not indexing: a query then costs a few dictionary
        lookups however many leaves the release has.
        """
        offset = len(self.haystacks)
        self.haystacks.extend(f"{k.text}\0{k.pinyin}\0{k.initials}" for k in shard.keys)
        self.scheme = min(self.scheme, shard.scheme)
        postings = self.postings
        for gram, positions in shard.postings.items():
            merged = postings.get(gram)
            if merged is None:
                merged = postings[gram] = array("I")
            merged.extend([p + offset for p in positions] if offset else positions)

    def __len__(self) -> int:
        return len(self.haystacks)

    def candidates(self, grams: list[str], within: range | None = None) -> Iterator[int]:
        """Ascending positions (in ``within``, if given) holding every gram.

        A superset of the matches, made lazily: the rarest gram's postings are
        walked and the others probed by bisection, so a caller that stops
        early pays for what it took, and the cost follows the rarest gram.
        """
        lists = []
        for gram in grams:
            positions = self.postings.get(gram)
            if not positions:
                return
            lists.append(positions)
        if not lists:
            return
        lists.sort(key=len)
        rarest, others = lists[0], lists[1:]
        start, stop = 0, len(rarest)
        if within is not None:
            start = bisect_left(rarest, within.start)
            stop = bisect_left(rarest, within.stop, lo=start)
        for at in range(start, stop):
            position = rarest[at]
            if all(_holds(other, position) for other in others):
                yield position

    def matches(self, position: int, normal: str) -> bool:
        """Whether the entry at ``position`` contains the normalised query."""
        return normal in self.haystacks[position]

    def find(self, query: str) -> list[int]:
        """Positions of every entry matching ``query``, ascending."""
        normal, grams = query_grams(query, self.scheme)
        if not normal:
            return []
        return [p for p in self.candidates(grams) if self.matches(p, normal)]


def _entry_grams(key: SearchKeys) -> set[str]:
    text = key.text
    grams = {c for c in text if _CJK.match(c)} | _cjk_bigrams(text)
    # Pinyin queries start at a syllable: the pieces starting at each syllable.
    for start in key.starts:
        grams.update(key.pinyin[start : start + n] for n in range(1, _GRAM + 1))
    # Initials, codes and numbers match anywhere: every piece of them.
    for run in (key.initials, *_LATIN.findall(text)):
        grams |= _pieces(run)
    return grams


def _pieces(run: str, *lengths: int) -> set[str]:
    """Every piece of ``run`` of the given lengths (1 to 3 when none are given)."""
    sizes = lengths or range(1, _GRAM + 1)
    return {run[i : i + n] for n in sizes for i in range(len(run) - n + 1)}


def _cjk_bigrams(text: str) -> set[str]:
    """The two-character pieces of ``text`` with a Chinese character in them."""
    return {
        text[i : i + 2]
        for i in range(len(text) - 1)
        if _CJK.match(text[i]) or _CJK.match(text[i + 1])
    }


def _holds(positions: Sequence[int], position: int) -> bool:
    """Whether ascending ``positions`` hold ``position``."""
    at = bisect_left(positions, position)
    return at < len(positions) and positions[at] == position
