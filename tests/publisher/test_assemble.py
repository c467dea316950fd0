"""Assembly: the page types declare the fields profiles may name, and read exactly those.

The demo county's pages are served in-process (``demosite.app.DemoSite``) and
read with the builtin profiles, as a sync would.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from demosite.app import DemoSite, Request

from content import demo
from content.enums import AgencyKind, EntityType
from content.scope import ScopeResolver
from publisher.sources.assemble import FIELDS, TABLES, AssemblyContext, AssemblyError, assemble
from publisher.sources.decoding import decode_html
from publisher.sources.entity_pages import PAGES
from publisher.sources.html import parse_detail
from publisher.sources.page_fields import (
    Choice,
    Column,
    Listed,
    Money,
    Need,
    Number,
    Page,
    Table,
    Text,
    Whole,
)
from publisher.sources.profiles import load_profile
from publisher.sources.records import ListEntry, RawRecord

BASE = "http://127.0.0.1:8600"
COLUMNS = ("jgzn", "ldxx", "qlqd", "zdxm", "msss", "gkml", "gkzn", "tzgg", "gknb")
FETCHED = datetime(2026, 10, 31, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def site():
    return DemoSite(base_url=BASE, seed=demo.DEFAULT_SEED)


def _first_page(site, key):
    """The first page of a column, read with its builtin profile."""
    profile = load_profile(f"builtin:dayu/{key}")
    path = demo.COLUMNS[key].path
    url = next(
        entity.provenance.source_url
        for entities in site.county.by_type().values()
        for entity in entities
        if entity.provenance.source_url.startswith(BASE + path)
    )
    response = site.handle(Request("GET", urlsplit(url).path))
    text, _ = decode_html(response.body, response.headers.get("Content-Type"))
    record = parse_detail(text, url, profile.detail, ListEntry(url))
    ctx = AssemblyContext(
        entity_type=profile.entity_type,
        scopes=ScopeResolver(dict(demo.DEMO_TOWNS)),
        source_column=profile.name,
        parser=profile.parser,
        fetched_at=FETCHED,
    )
    return record, ctx


def test_every_entity_type_has_a_page_and_the_tables_follow_the_pages():
    assert set(PAGES) == set(EntityType)
    for entity_type, page in PAGES.items():
        assert page.entity_type is entity_type
        assert FIELDS[entity_type] == page.field_names()
        assert TABLES[entity_type] == page.table_names()
        assert not page.field_names() & page.table_names()


@pytest.mark.parametrize("key", COLUMNS)
def test_a_page_reads_every_field_it_declares(site, key):
    # A declared field its builder never reads would pass profile checks and be ignored.
    record, ctx = _first_page(site, key)
    read: set[str] = set()

    class Recording(PAGES[ctx.entity_type]):
        def text(self, name):
            read.add(name)
            return super().text(name)

    data = Recording(record).build(ctx)
    assert read == Recording.field_names()
    assert data["id"]
    assert assemble(record, ctx).entity_type is ctx.entity_type


class _Sample(Page):
    entity_type = EntityType.AGENCY
    need = Need()
    note = Text()
    whole = Whole()
    listed = Listed()
    number = Number()
    money = Money()
    kind = Choice(AgencyKind)
    kind_or_town = Choice(AgencyKind, default="镇")
    rows = Table()
    column = Column()


def _sample(**fields):
    record = RawRecord(
        url=f"{BASE}/x.shtml",
        entry=ListEntry(f"{BASE}/x.shtml"),
        fields=fields,
        tables={"column": [{"a": "甲"}, {"a": ""}, {"a": "乙"}]},
    )
    return _Sample(record)


def test_fields_are_read_the_way_they_are_declared():
    page = _sample(
        need=" 大余县 ", note="无", whole="7", listed="甲、乙，丙;丁", number="1,200%",
        money="1.2亿元", kind="乡",
    )  # fmt: skip
    assert page.need == "大余县"
    assert page.note is None  # 无, —, / … print an empty cell
    assert page.whole == 7
    assert page.listed == ["甲", "乙", "丙", "丁"]
    assert page.number == Decimal(1200)
    assert page.money == {"value": Decimal("1.2"), "unit": "亿元"}
    assert page.kind is AgencyKind.TOWNSHIP
    assert page.kind_or_town is AgencyKind.TOWN
    assert page.rows == []
    assert page.column == ["甲", "乙"]
    assert _Sample.field_names() == {
        "need", "note", "whole", "listed", "number", "money", "kind", "kind_or_town",
    }  # fmt: skip
    assert _Sample.table_names() == {"rows", "column"}
    assert _sample(money="500").money == {"value": Decimal(500), "unit": "万元"}


@pytest.mark.parametrize(
    ("fields", "name", "message"),
    [
        ({}, "need", "missing on the page"),
        ({"need": "—"}, "need", "missing on the page"),
        ({"whole": "七"}, "whole", "'七' is not a whole number"),
        ({"number": "约5"}, "number", "'约5' is not a number"),
        ({"money": "五万元"}, "money", "'五' is not a number"),
        ({}, "kind", "missing on the page"),
        ({"kind": "村"}, "kind", "'村' is not one of"),
    ],
)
def test_an_unreadable_field_is_named(fields, name, message):
    with pytest.raises(AssemblyError) as caught:
        getattr(_sample(**fields), name)
    assert caught.value.field == name
    assert caught.value.message.startswith(message)


def test_a_page_without_its_fields_names_the_first_one_missing(site):
    record, ctx = _first_page(site, "tzgg")
    record.fields.pop("publisher")
    with pytest.raises(AssemblyError) as caught:
        assemble(record, ctx)
    assert (caught.value.field, caught.value.message) == ("publisher", "missing on the page")


def test_a_field_may_not_hide_what_pages_do():
    with pytest.raises((TypeError, RuntimeError)) as caught:  # 3.11 wraps __set_name__'s

        class Clash(Page):
            record = Text()

    error = caught.value.__cause__ or caught.value
    assert "may not be named 'record'" in str(error)
