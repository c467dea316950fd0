"""The shipped search index: every way a visitor can type a title finds it, and only matches."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from content.search import SCHEME, SearchIndex, SearchShard, query_grams, search_keys

TITLES = [
    "不动产登记",
    "关于2024年第3批乡村振兴项目的公示",
    "大余县医疗保障局PPP项目实施方案",
    "赣府办字〔2023〕12号",
    "𠮷安镇卫生院",
    "南安镇人民政府",
]
# A small alphabet, so random texts share grams and candidates overlap.
_HAN = "不动产登记乡村振兴县医疗保障局南安镇年批号"
_TEXT = st.text(alphabet=_HAN + "abcxyz0123456789", min_size=1, max_size=14)


def _shard(titles: list[str]) -> SearchIndex:
    """A shard as a kiosk sees it: built, shipped as JSON, loaded, merged."""
    built = SearchShard.build([search_keys(t) for t in titles])
    return SearchIndex.merge([SearchShard.from_json(json.loads(json.dumps(built.to_json())))])


def test_initials_pinyin_chinese_and_numbers_find_a_title() -> None:
    shard = _shard(TITLES)
    for query, title in [
        ("bdcdj", "不动产登记"),
        ("dengji", "不动产登记"),
        ("登记", "不动产登记"),
        ("dj", "不动产登记"),
        ("2024", "关于2024年第3批乡村振兴项目的公示"),
        ("2024年", "关于2024年第3批乡村振兴项目的公示"),
        ("3批", "关于2024年第3批乡村振兴项目的公示"),
        ("ppp", "大余县医疗保障局PPP项目实施方案"),
        ("PPP项目", "大余县医疗保障局PPP项目实施方案"),
        ("12", "赣府办字〔2023〕12号"),
        ("𠮷", "𠮷安镇卫生院"),
        ("nanan", "南安镇人民政府"),
    ]:
        assert [TITLES[p] for p in shard.find(query)] == [title], query


def test_no_false_matches() -> None:
    shard = _shard(TITLES)
    assert shard.find("bdcdx") == []
    assert shard.find("2025") == []
    assert shard.find("") == []
    assert shard.find("。，！") == []


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(_TEXT, min_size=1, max_size=8), pick=st.data())
def test_every_substring_way_finds_its_entry(texts: list[str], pick: st.DataObject) -> None:
    keys = [search_keys(t) for t in texts]
    shard = _shard(texts)
    owner = pick.draw(st.integers(0, len(texts) - 1))
    key = keys[owner]
    # A visitor types a piece of the text, of the initials, or pinyin from a syllable start.
    ways = [key.text, key.initials]
    built = SearchShard.build([key])  # for the syllable starts (publisher side only)
    assert built.keys[0].starts == key.starts
    ways += [key.pinyin[s:] for s in key.starts]
    source = pick.draw(st.sampled_from([w for w in ways if w]))
    start = pick.draw(st.integers(0, len(source) - 1)) if source not in ways[2:] else 0
    end = pick.draw(st.integers(start + 1, len(source)))
    query = source[start:end]
    found = shard.find(query)
    assert owner in found, (query, key)
    normal, _ = query_grams(query)
    for position in found:  # exact: a result contains the query
        other = keys[position]
        assert normal in other.text or normal in other.pinyin or normal in other.initials


def test_a_release_of_an_older_publisher_still_answers() -> None:
    # Scheme 1 shards (no "scheme" key) have no two-letter grams: ask for one letter.
    keys = [search_keys("不动产登记"), search_keys("医疗保障")]
    old = {
        "keys": [k.to_json() for k in keys],
        "postings": {"b": [0], "bdc": [0], "y": [1], "ylb": [1], "不动": [0], "医疗": [1]},
    }
    shard = SearchIndex.merge([SearchShard.from_json(old)])
    assert shard.scheme == 1 < SCHEME
    assert shard.find("yl") == [1]
    assert shard.find("bd") == [0]


def test_merged_positions_follow_the_shards_in_order() -> None:
    first = SearchShard.build([search_keys("不动产登记"), search_keys("医疗保障")])
    second = SearchShard.build([search_keys("不动产权证书")])
    merged = SearchIndex.merge([first, second])
    assert merged.find("bdc") == [0, 2]
    assert list(merged.postings["不动"]) == [0, 2]
