"""The release index's typed shapes and its one walker (``content.release``)."""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime

import pytest

from content.demo import generate_county
from content.enums import EntityType
from content.release import (
    IndexEntry,
    IndexLeaf,
    IndexNode,
    MalformedIndexError,
    Manifest,
    ObjectRef,
    object_bytes,
    sha256_hex,
    walk,
    walk_index,
)
from content.release_build import EntryCache, ReleasePlan, ShortLinks, build_release


@functools.cache
def _plan() -> ReleasePlan:
    county = generate_county()
    entities = [entity for group in county.by_type().values() for entity in group]
    return build_release(
        entities,
        channel="county",
        version=1,
        created_at=datetime(2026, 10, 31, tzinfo=UTC),
        publisher_url="http://127.0.0.1:8700",
    )


def _load(objects: dict[str, bytes]):
    def load(ref: ObjectRef):
        return json.loads(objects[ref.sha256])

    return load


def _ref(data: object) -> tuple[ObjectRef, bytes]:
    raw = object_bytes(data)
    return ObjectRef(sha256=sha256_hex(raw), size=len(raw)), raw


def test_built_index_objects_have_the_typed_shapes():
    plan = _plan()
    leaves = 0
    for step in walk_index(
        plan.manifest.indexes.items(), lambda refs: map(_load(plan.objects), refs)
    ):
        node = step.node
        expected = IndexLeaf if node["kind"] == "leaf" else IndexNode
        assert set(node) == set(expected.__annotations__)
        assert node["entity_type"] == step.entity_type.value
        if node["kind"] == "leaf":
            leaves += 1
            for entry in node["entries"]:
                assert set(IndexEntry.__required_keys__) <= set(entry)
                assert set(entry) <= set(IndexEntry.__annotations__)
                assert entry["bucket"].startswith(node["prefix"])
        else:
            assert [c.sha256 for c in step.children] == [
                c["sha256"] for c in node["children"].values()
            ]
    assert leaves > len(EntityType)


def test_walk_lists_every_entry_once_type_by_type():
    plan = _plan()
    walked = list(walk(plan.manifest, _load(plan.objects)))
    assert len(walked) == sum(root.count for root in plan.manifest.indexes.values())
    assert len({entry["id"] for _, _, entry in walked}) == len(walked)
    types = [entity_type for entity_type, _, _ in walked]
    runs = [t for i, t in enumerate(types) if i == 0 or types[i - 1] is not t]
    assert runs == [t for t in plan.manifest.indexes if plan.manifest.indexes[t].count]
    # Highest prefix first within a type (the order kiosks have always listed entries in).
    for entity_type in plan.manifest.indexes:
        prefixes = [leaf["prefix"] for t, leaf, _ in walked if t is entity_type]
        assert prefixes == sorted(prefixes, reverse=True)


def test_walk_of_one_type():
    plan = _plan()
    leaders = list(walk(plan.manifest, _load(plan.objects), entity_type=EntityType.LEADER))
    assert leaders
    assert {t for t, _, _ in leaders} == {EntityType.LEADER}
    assert len(leaders) == plan.manifest.indexes[EntityType.LEADER].count


def test_walk_index_loads_a_level_at_once_and_enters_only_what_it_is_told():
    plan = _plan()
    levels: list[int] = []

    def load(refs):
        levels.append(len(refs))
        return [json.loads(plan.objects[ref.sha256]) for ref in refs]

    def enter(ref, parent):
        return parent is None  # the roots only

    steps = list(walk_index(plan.manifest.indexes.items(), load, enter=enter))
    assert levels == [len(plan.manifest.indexes)]
    assert [step.parent for step in steps] == [None] * len(steps)

    levels.clear()
    steps = list(walk_index(plan.manifest.indexes.items(), load))
    assert levels[0] == len(plan.manifest.indexes)
    assert sum(levels) == len(steps)
    parents = {step.ref.sha256 for step in steps}
    assert all(step.parent is None or step.parent in parents for step in steps)


ENTRY = {
    "id": "x", "bucket": "ab12", "title": "t", "date": None, "scope": "county",
    "object": "0" * 64, "size": 3, "summary": {}, "files": [],
}  # fmt: skip
MALFORMED = {
    "not an object": [1, 2],
    "unknown kind": {"kind": "tree"},
    "leaf without entries": {"kind": "leaf"},
    "entry without files": {
        "kind": "leaf",
        "entries": [{k: v for k, v in ENTRY.items() if k != "files"}],
    },
    "entry with null files": {"kind": "leaf", "entries": [{**ENTRY, "files": None}]},
    "entry with a bad size": {"kind": "leaf", "entries": [{**ENTRY, "size": -1}]},
    "entry with a bad object": {"kind": "leaf", "entries": [{**ENTRY, "object": 7}]},
    "child not a reference": {"kind": "node", "children": {"0": {"sha256": "nope", "size": 1}}},
    "children not a mapping": {"kind": "node", "children": ["0"]},
}


@pytest.mark.parametrize("value", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_index_object_is_refused_or_handed_over(value):
    ref, _ = _ref(value)
    roots = [(EntityType.NOTICE, ref)]
    with pytest.raises(MalformedIndexError) as raised:
        list(walk_index(roots, lambda refs: [value for _ in refs]))
    assert raised.value.sha256 == ref.sha256
    assert isinstance(raised.value, ValueError)

    handed: list[str] = []
    steps = walk_index(roots, lambda refs: [value for _ in refs], malformed=handed.append)
    assert list(steps) == []
    assert [exc.sha256 for exc in handed] == [ref.sha256]


def test_an_object_the_loader_could_not_read_is_skipped():
    leaf = {"kind": "leaf", "entity_type": "notice", "prefix": "", "entries": [ENTRY], "search": {}}
    leaf_ref, _ = _ref(leaf)
    node = {"kind": "node", "entity_type": "notice", "prefix": "",
            "children": {"0": leaf_ref.model_dump(), "1": leaf_ref.model_dump()}}  # fmt: skip
    node_ref, _ = _ref(node)
    answers = iter([[node], [None, leaf]])
    steps = list(walk_index([(EntityType.NOTICE, node_ref)], lambda _: next(answers)))
    assert [step.node["kind"] for step in steps] == ["node", "leaf"]
    assert steps[1].parent == node_ref.sha256
    assert steps[1].entries == [ENTRY]
    assert steps[0].entries == []


def test_a_manifest_round_trips():
    plan = _plan()
    assert Manifest.model_validate_json(plan.manifest_bytes) == plan.manifest


def test_short_links_ride_in_the_entries_and_count_in_the_digest():
    county = generate_county()
    notices = [n for n in county.notices if n.attachments and n.scope == "county"][:3]
    documents = {}
    for index, notice in enumerate(notices):
        sha = f"{index:02x}" * 32
        documents[sha] = f"f{index}aaa"
        attachment = notice.attachments[0].model_copy(update={"sha256": sha})
        notices[index] = notice.model_copy(update={"attachments": (attachment,)})
    links = ShortLinks(items={n.id: f"d{i}aaa" for i, n in enumerate(notices)}, documents=documents)
    made = {"channel": "county", "version": 1, "created_at": datetime(2026, 10, 31, tzinfo=UTC),
            "publisher_url": "http://127.0.0.1:8700"}  # fmt: skip
    cache = EntryCache()
    plain = build_release(notices, cache=cache, **made)
    linked = build_release(notices, cache=cache, links=links, **made)
    assert plain.manifest.content_digest != linked.manifest.content_digest
    entries = {e["id"]: e for _, _, e in walk(linked.manifest, _load(linked.objects))}
    for index, notice in enumerate(notices):
        assert entries[notice.id]["link"] == f"d{index}aaa"
        assert entries[notice.id]["file_links"] == {f"{index:02x}" * 32: f"f{index}aaa"}
    assert all("link" not in e for _, _, e in walk(plain.manifest, _load(plain.objects)))
