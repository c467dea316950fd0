"""The kiosk's search index: Chinese text, full pinyin and pinyin initials.

Built by the publisher and shipped in releases, loaded (never built) by the
kiosk. The index is sharded like the release's index leaves, so a one-item
change ships one small shard, not a new index of everything.

Each entry has search *keys*: its normalised text, the full pinyin of that text
(``budongchandengji``) and the initials (``bdcdj``). A shard maps every
**gram** to the entries that contain it: Chinese characters and bigrams;
3-letter pieces of the pinyin starting at a syllable; every 3-letter piece and
every letter of the initials. A query selects candidates by its grams, which
are then checked by substring, so the answer is exact: "bdcdj" finds 不动产登记,
"dengji" finds it too, and so does 登记.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

__all__ = ["SearchKeys", "SearchShard", "query_grams", "search_keys"]

_KEEP = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134fA-Za-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]")
_PINYIN_GRAM = 3


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


def query_grams(query: str) -> tuple[str, list[str]]:
    """Normalise a query and the grams that select its candidates.

    Returns:
        (normalised query, grams). A Chinese query gives its bigrams (or its
        one character); a Latin query gives its first three letters (its first
        letter when shorter), which a pinyin or initials match must start with.
    """
    normal = "".join(_KEEP.findall(unicodedata.normalize("NFKC", query))).lower()
    if not normal:
        return normal, []
    if _CJK.search(normal):
        if len(normal) == 1:
            return normal, [normal]
        return normal, sorted({normal[i : i + 2] for i in range(len(normal) - 1)})
    return normal, [normal[:_PINYIN_GRAM] if len(normal) >= _PINYIN_GRAM else normal[0]]


@dataclass(slots=True)
class SearchShard:
    """The inverted index of one leaf's entries.

    Attributes:
        keys: each entry's ``SearchKeys``, by position in the leaf.
        postings: gram → positions of the entries that contain it.
    """

    keys: list[SearchKeys] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=dict)

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
        return {"keys": [k.to_json() for k in self.keys], "postings": self.postings}

    @staticmethod
    def from_json(data: dict[str, Any]) -> SearchShard:
        """Load a shard from a release object (kiosk side; no indexing work)."""
        keys = [SearchKeys(row[0], row[1], row[2]) for row in data.get("keys", [])]
        # The parsed JSON lists are used as they are: a kiosk loads thousands of shards.
        return SearchShard(keys, dict(data.get("postings", {})))

    @staticmethod
    def merge(shards: list[SearchShard]) -> SearchShard:
        """One shard over many, positions numbered in order (kiosk side, at load).

        Merging is a concatenation, not indexing: a query then costs a few
        dictionary lookups however many leaves the release has.
        """
        keys: list[SearchKeys] = []
        postings: dict[str, list[int]] = {}
        for shard in shards:
            offset = len(keys)
            keys.extend(shard.keys)
            for gram, positions in shard.postings.items():
                merged = postings.get(gram)
                moved = [p + offset for p in positions] if offset else list(positions)
                if merged is None:
                    postings[gram] = moved
                else:
                    merged.extend(moved)
        return SearchShard(keys, postings)

    def find(self, normal: str, grams: list[str]) -> list[int]:
        """Positions of entries matching a query given by ``query_grams``."""
        if not normal:
            return []
        candidates: set[int] | None = None
        for gram in grams:
            positions = self.postings.get(gram)
            if not positions:
                return []
            candidates = set(positions) if candidates is None else candidates & set(positions)
            if not candidates:
                return []
        pool = range(len(self.keys)) if candidates is None else sorted(candidates)
        return [
            i
            for i in pool
            if normal in self.keys[i].text
            or normal in self.keys[i].pinyin
            or normal in self.keys[i].initials
        ]


def _entry_grams(key: SearchKeys) -> set[str]:
    text = key.text
    grams = {c for c in text if _CJK.match(c)}
    grams |= {text[i : i + 2] for i in range(len(text) - 1) if _CJK.match(text[i])}
    # Pinyin queries start at a syllable: index the 3-letter piece and the first
    # letter at each syllable start.
    for start in key.starts:
        grams.add(key.pinyin[start : start + _PINYIN_GRAM])
        grams.add(key.pinyin[start])
    initials = key.initials
    grams |= {initials[i : i + _PINYIN_GRAM] for i in range(len(initials) - _PINYIN_GRAM + 1)}
    return grams
