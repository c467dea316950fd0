"""``content.records`` against ``content.models``: a renamed field breaks a test, not a kiosk.

Each record ``TypedDict`` must name exactly its model's fields, mark as
``NotRequired`` exactly the fields that may be ``None`` (``to_record`` leaves
them out), and give each key the JSON form of the field's type (dates,
decimals and enums as text, tuples as lists, nested models as their records).
The demo county's records, index entries and loop must then fit the types.
"""

import json
import subprocess
import sys
import types
import typing
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Literal, NotRequired, TypedDict, Union

import pytest
from pydantic import BaseModel

import content.records
import content.release
from content import demo
from content.enums import EntityType
from content.models import ENTITY_MODELS
from content.models._base import Model
from content.release_build import _SUMMARY_FIELDS, build_release
from content.serialize import to_record

RECORDS: dict[EntityType, type] = {
    EntityType.AGENCY: content.records.AgencyRecord,
    EntityType.LEADER: content.records.LeaderRecord,
    EntityType.POWER_ITEM: content.records.PowerItemRecord,
    EntityType.PROJECT: content.records.ProjectRecord,
    EntityType.CATALOGUE_ENTRY: content.records.CatalogueEntryRecord,
    EntityType.GUIDE: content.records.GuideRecord,
    EntityType.NOTICE: content.records.NoticeRecord,
    EntityType.ANNUAL_REPORT: content.records.AnnualReportRecord,
}
#: Record types that describe release structures, not models (checked on a release below).
RELEASE_TYPES = {"EntrySummary", "LoopFigures", "LoopNotice", "LoopRecord"}
#: Bases and aliases: no model of their own.
NOT_MODELS = {"RecordBase", "EntityRecord", "StatsRecord", "DecimalText", "IsoDate", "IsoDateTime"}


# --- comparing a model with its record ------------------------------------------------


def _members(annotation: object) -> tuple[object, ...]:
    if typing.get_origin(annotation) in {Union, types.UnionType}:
        return typing.get_args(annotation)
    return (annotation,)


def _strip(annotation: object) -> object:
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _nullable(annotation: object) -> bool:
    return type(None) in _members(_strip(annotation))


def _json_shape(annotation: object) -> object:
    """The JSON form of a model field's type: what ``model_dump(mode="json")`` writes."""
    annotation = _strip(annotation)
    members = [m for m in _members(annotation) if m is not type(None)]
    if len(members) > 1:
        return ("union", frozenset(_json_shape(m) for m in members))
    annotation = _strip(members[0])
    origin = typing.get_origin(annotation)
    if origin is Literal:
        values = typing.get_args(annotation)
        return ("literal", frozenset(v.value if isinstance(v, Enum) else v for v in values))
    if origin is tuple:
        return ("list", _json_shape(typing.get_args(annotation)[0]))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return ("record", annotation.__name__ + "Record")
    if annotation in {str, date, datetime, Decimal} or (
        isinstance(annotation, type) and issubclass(annotation, Enum)
    ):
        return "str"
    if annotation in {bool, int}:
        return annotation.__name__
    raise AssertionError(f"no JSON form known for {annotation!r}")


def _record_shape(annotation: object) -> object:
    """The same description of a record key's type."""
    members = [m for m in _members(annotation) if m is not type(None)]
    if len(members) > 1:
        return ("union", frozenset(_record_shape(m) for m in members))
    annotation = members[0]
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return ("literal", frozenset(typing.get_args(annotation)))
    if origin is list:
        return ("list", _record_shape(typing.get_args(annotation)[0]))
    if typing.is_typeddict(annotation):
        return ("record", annotation.__name__)
    if annotation in {str, bool, int}:
        return annotation.__name__
    raise AssertionError(f"records hold JSON only, not {annotation!r}")


def _nested(model_annotation: object, record_annotation: object) -> list[tuple[type, type]]:
    """The (model, record) pairs inside two agreeing annotations, matched by name."""
    models = {}
    stack = [model_annotation]
    while stack:
        item = _strip(stack.pop())
        if isinstance(item, type) and issubclass(item, BaseModel):
            models[item.__name__ + "Record"] = item
        else:
            stack.extend(typing.get_args(item))
    pairs = []
    stack = [record_annotation]
    while stack:
        item = stack.pop()
        if typing.is_typeddict(item) and item.__name__ in models:
            pairs.append((models[item.__name__], item))
        else:
            stack.extend(typing.get_args(item))
    return pairs


def disagreements(model: type[BaseModel], record: type, seen: set[str] | None = None) -> list[str]:
    """Every way ``record`` fails to describe ``model``'s JSON, its nested records included."""
    seen = set() if seen is None else seen
    seen.add(record.__name__)
    where = record.__name__
    found = []
    if record.__name__ != model.__name__ + "Record":
        found.append(f"{where}: the record of {model.__name__} is named {model.__name__}Record")
    fields = model.model_fields
    keys = typing.get_type_hints(record)
    found += [f"{where}: no key {name!r} for the model's field" for name in fields.keys() - keys]
    found += [f"{where}: key {name!r} is no field of the model" for name in keys.keys() - fields]
    for name in sorted(fields.keys() & keys.keys()):
        field = fields[name].annotation
        if _nullable(field) != (name in record.__optional_keys__):
            state = "may be None" if _nullable(field) else "is never None"
            found.append(f"{where}.{name}: the field {state}, so the key must be "
                         f"{'NotRequired' if _nullable(field) else 'required'}")  # fmt: skip
        if _json_shape(field) != _record_shape(keys[name]):
            found.append(f"{where}.{name}: the field is written as {_json_shape(field)}, "
                         f"the key says {_record_shape(keys[name])}")  # fmt: skip
            continue
        for inner_model, inner_record in _nested(field, keys[name]):
            if inner_record.__name__ not in seen:
                found += disagreements(inner_model, inner_record, seen)
    return found


@pytest.mark.parametrize("entity_type", list(EntityType), ids=str)
def test_each_record_type_describes_its_model(entity_type):
    assert disagreements(ENTITY_MODELS[entity_type], RECORDS[entity_type]) == []


def test_every_record_type_is_checked_against_a_model():
    seen: set[str] = set()
    for entity_type, record in RECORDS.items():
        disagreements(ENTITY_MODELS[entity_type], record, seen)
    exported = set(content.records.__all__) - RELEASE_TYPES - NOT_MODELS
    assert exported - seen == set()


class _Renamed(Model):
    name: str
    phone: str | None = None
    born: date
    tags: tuple[str, ...] = ()


class _RenamedRecord(TypedDict):
    full_name: str
    phone: str
    born: int
    tags: list[str]


def test_a_renamed_or_retyped_field_is_reported():
    assert disagreements(_Renamed, _RenamedRecord) == [
        "_RenamedRecord: no key 'name' for the model's field",
        "_RenamedRecord: key 'full_name' is no field of the model",
        "_RenamedRecord.born: the field is written as str, the key says int",
        "_RenamedRecord.phone: the field may be None, so the key must be NotRequired",
    ]


class _Wrong(TypedDict):  # no ``from __future__ import annotations`` here: it hides NotRequired
    name: NotRequired[str]


def test_a_record_must_be_named_for_its_model():
    class Thing(Model):
        name: str

    assert disagreements(Thing, _Wrong) == [
        "_Wrong: the record of Thing is named ThingRecord",
        "_Wrong.name: the field is never None, so the key must be required",
    ]


# --- the release structures -------------------------------------------------------------


def test_an_entrys_summary_keys_are_the_record_keys_they_repeat():
    summary = typing.get_type_hints(content.records.EntrySummary)
    assert set(summary) == {k for keys in _SUMMARY_FIELDS.values() for k in keys} | {"valid_until"}
    for entity_type, names in _SUMMARY_FIELDS.items():
        record = typing.get_type_hints(RECORDS[entity_type])
        for name in names:
            assert _record_shape(summary[name]) == _record_shape(record[name]), (entity_type, name)
    notice = typing.get_type_hints(content.records.PeriodRecord)
    assert summary["valid_until"] == notice["end"]


# --- real records fit the types ---------------------------------------------------------


def misfits(value: object, annotation: object, path: str = "") -> list[str]:
    """Where a JSON value does not fit a record type (empty: it fits)."""
    members = _members(annotation)
    if len(members) > 1:
        tries = [misfits(value, member, path) for member in members]
        return [] if any(not t for t in tries) else min(tries, key=len)
    origin = typing.get_origin(annotation)
    if annotation is type(None):
        return [] if value is None else [f"{path}: {value!r} is not null"]
    if origin is Literal:
        return [] if value in typing.get_args(annotation) else [f"{path}: {value!r} not allowed"]
    if origin is list:
        if not isinstance(value, list):
            return [f"{path}: {value!r} is not a list"]
        (item,) = typing.get_args(annotation)
        return [m for i, v in enumerate(value) for m in misfits(v, item, f"{path}[{i}]")]
    if typing.is_typeddict(annotation):
        if not isinstance(value, dict):
            return [f"{path}: {value!r} is not an object"]
        keys = typing.get_type_hints(annotation)
        found = [f"{path}.{k}: unknown key" for k in value.keys() - keys.keys()]
        found += [f"{path}.{k}: missing" for k in annotation.__required_keys__ - value.keys()]
        for key in value.keys() & keys.keys():
            found += misfits(value[key], keys[key], f"{path}.{key}")
        return found
    if isinstance(annotation, type) and type(value) is annotation:
        return []
    return [f"{path}: {value!r} is not {annotation!r}"]


@pytest.fixture(scope="module")
def county():
    return demo.generate_county()


def test_the_demo_countys_records_fit_their_types(county):
    found = [
        problem
        for entity_type, entities in county.by_type().items()
        for entity in entities
        for problem in misfits(to_record(entity), RECORDS[entity_type], entity.id)
    ]
    assert found[:10] == []


def test_a_releases_index_entries_and_loop_fit_their_types(county):
    entities = [e for group in county.by_type().values() for e in group]
    plan = build_release(
        entities,
        channel="county",
        version=1,
        created_at=datetime(2026, 10, 31, tzinfo=UTC),
        publisher_url="https://gongkai.example.gov.cn",
    )
    objects = [json.loads(raw) for raw in plan.objects.values()]
    entries = [
        (leaf["entity_type"], entry)
        for leaf in objects
        if isinstance(leaf, dict) and leaf.get("kind") == "leaf"
        for entry in leaf["entries"]
    ]
    assert len(entries) == sum(root.count for root in plan.manifest.indexes.values()) > 1000
    found = [p for _, entry in entries for p in misfits(entry, content.release.IndexEntry, "entry")]
    allowed = {t.value: {*names, "valid_until"} for t, names in _SUMMARY_FIELDS.items()}
    found += [
        f"{kind} entry: summary key {key!r}"
        for kind, entry in entries
        for key in entry["summary"].keys() - allowed[kind]
    ]
    loop = json.loads(plan.objects[plan.manifest.loop.sha256])
    found += misfits(loop, content.records.LoopRecord, "loop")
    assert found[:10] == []
    assert loop["notices"]


# --- the public face -------------------------------------------------------------------


def test_all_lists_the_packages_public_names():
    public = {name for name in vars(content.records) if not name.startswith("_")}
    modules = {n for n in public if isinstance(getattr(content.records, n), types.ModuleType)}
    assert sorted(content.records.__all__) == content.records.__all__
    assert set(content.records.__all__) == public - modules


def test_the_records_load_no_pydantic():
    probe = (
        "import sys, content.records; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic' "
        "or m.startswith('content.models')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
