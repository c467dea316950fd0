"""Tests of ``content.models`` through batch validation and serialisation.

Records are raw dicts as a source or a JSON Lines file would give them; every
helper returns a fresh copy so tests can change them freely.
"""

import copy
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from content import (
    EntityType,
    EntityValidationError,
    content_hash,
    stable_id,
    to_json_line,
    validate_jsonl,
    validate_records,
)
from content.ids import ID_PREFIXES
from content.models import ENTITY_MODELS, CatalogueEntry
from content.normalize import SHANGHAI, IndexNoScheme
from content.validation import validate_entity

T = EntityType

PROVENANCE = {
    "source_url": "https://www.dayu.gov.cn/xxgk/t20230105_1.shtml",
    "source_site": "www.dayu.gov.cn",
    "fetched_at": "2023-01-06T09:00:00+08:00",
    "parser": "trs_static",
}

_MINIMAL = {
    T.AGENCY: {
        "id": "agency-county-gov",
        "name": "大余县人民政府",
        "kind": "county_government",
    },
    T.LEADER: {
        "id": "leader-county-head",
        "organization": "大余县人民政府",
        "name": "张　三",
        "post": "县长",
        "rank_order": 1,
        "responsibilities": "主持县政府全面工作。",
        "updated_at": "2023-01-05",
    },
    T.POWER_ITEM: {
        "id": "power-000101001000",
        "item_code": "000101001000",
        "name": "燃气经营许可",
        "power_type": "administrative_license",
        "legal_basis": [{"level": "law", "text": "《城镇燃气管理条例》第十五条"}],
        "implementing_body": "大余县住房和城乡建设局",
    },
    T.PROJECT: {
        "id": "project-2023-livelihood-1",
        "year": 2023,
        "category": "livelihood",
        "name": "新建城南小学",
        "target_description": "新建一所24个班的小学。",
        "lead_unit": "县教育局",
        "status": "in_progress",
    },
    T.CATALOGUE_ENTRY: {
        "id": "cat-1",
        "title": "关于做好春节期间安全生产工作的通知",
        "publisher": "大余县人民政府办公室",
        "published_date": "2023-01-05",
    },
    T.GUIDE: {
        "id": "guide-county-gov",
        "organization": "大余县人民政府",
        "version_date": "2023-01-01",
        "categories_text": "按主题分类编排。",
        "how_to_obtain": "通过政府网站获取。",
        "application_procedure": "填写申请表。",
        "office_name": "县政府办公室",
        "address": "大余县南安镇示例路1号",
        "office_hours": "工作日 8:00-12:00",
        "phone": "0797-0000000",
        "supervision": "可向县政务公开办举报。",
    },
    T.NOTICE: {
        "id": "notice-1",
        "title": "城区停水通知",
        "kind": "notice",
        "publisher": "县水务局",
        "published_date": "2023-01-05",
        "body_text": "1月6日城区部分片区停水。",
    },
    T.ANNUAL_REPORT: {
        "id": "report-county-2008",
        "organization": "大余县人民政府",
        "year": 2008,
        "format_version": "legacy_2008",
        "published_date": "2009-03-31",
        "stats": {"format": "legacy_2008"},
    },
}

# A field of each type whose change is a change of content.
_CONTENT_CHANGE = {
    T.AGENCY: ("name", "大余县人民政府办公室"),
    T.LEADER: ("post", "副县长"),
    T.POWER_ITEM: ("name", "燃气经营许可证核发"),
    T.PROJECT: ("name", "新建城北小学"),
    T.CATALOGUE_ENTRY: ("title", "关于做好国庆期间安全生产工作的通知"),
    T.GUIDE: ("phone", "0797-1111111"),
    T.NOTICE: ("title", "城区停电通知"),
    T.ANNUAL_REPORT: ("organization", "大余县人民政府办公室"),
}

ALL_TYPES = pytest.mark.parametrize("entity_type", list(T), ids=[t.value for t in T])


def _record(entity_type, /, **changes):
    """A fresh valid minimal record of ``entity_type`` with ``changes`` applied."""
    record = copy.deepcopy(_MINIMAL[entity_type])
    record["provenance"] = copy.deepcopy(PROVENANCE)
    record.update(changes)
    return record


def _issues(result):
    """The issues of a batch as (entity type, entity id, field) triples."""
    return [(issue.entity_type, issue.entity_id, issue.field) for issue in result.issues]


def _only_issue(entity_type, record):
    """Validate one record that must have exactly one issue; return that issue."""
    result = validate_records(entity_type, [record])
    assert result.entities == []
    assert len(result.issues) == 1, [str(issue) for issue in result.issues]
    return result.issues[0]


def _valid(entity_type, record):
    """Validate one record that must be valid; return the entity."""
    result = validate_records(entity_type, [record])
    assert result.issues == []
    assert result.ok
    (entity,) = result.entities
    return entity


# --- every entity type -------------------------------------------------------------


@ALL_TYPES
def test_minimal_record_validates_and_round_trips(entity_type):
    entity = _valid(entity_type, _record(entity_type))
    assert type(entity) is ENTITY_MODELS[entity_type]
    assert entity.entity_type is entity_type

    line = to_json_line(entity)
    assert "\n" not in line
    record = json.loads(line)
    assert record["entity_type"] == entity_type.value
    assert record["provenance"]["fetched_at"] == "2023-01-06T09:00:00+08:00"

    again = _valid(entity_type, record)
    assert again == entity
    assert to_json_line(again) == line
    assert content_hash(again) == content_hash(entity)


@ALL_TYPES
def test_content_hash_ignores_fetched_at_but_not_content(entity_type):
    entity = _valid(entity_type, _record(entity_type))
    refetched = _record(entity_type)
    refetched["provenance"]["fetched_at"] = "2024-06-01T12:00:00+08:00"
    field, new_value = _CONTENT_CHANGE[entity_type]
    changed = _record(entity_type, **{field: new_value})

    digest = content_hash(entity)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert content_hash(_valid(entity_type, refetched)) == digest
    assert content_hash(_valid(entity_type, changed)) != digest


@ALL_TYPES
def test_id_with_wrong_prefix_is_an_issue_on_id(entity_type):
    other = T.NOTICE if entity_type is not T.NOTICE else T.LEADER
    wrong = f"{ID_PREFIXES[other]}-1"
    issue = _only_issue(entity_type, _record(entity_type, id=wrong))
    assert (issue.entity_type, issue.entity_id, issue.field) == (entity_type, wrong, "id")
    assert f"{ID_PREFIXES[entity_type]}-" in issue.message


@pytest.mark.parametrize(
    "bad_id",
    ["Notice-1", "notice", "notice-", "notice-ABC", ""],
    ids=["capital_prefix", "no_dash", "nothing_after_dash", "capitals_after_dash", "empty"],
)
def test_malformed_id_is_an_issue_on_id(bad_id):
    issue = _only_issue(T.NOTICE, _record(T.NOTICE, id=bad_id))
    assert issue.field == "id"


@ALL_TYPES
def test_stable_id_is_deterministic_and_prefixed(entity_type):
    first = stable_id(entity_type, "大余县人民政府", "张三")
    assert first == stable_id(entity_type, "大余县人民政府", "张三")
    assert first == stable_id(entity_type, " 大余县人民政府 ", "张三")
    assert re.fullmatch(rf"{ID_PREFIXES[entity_type]}-[0-9a-f]{{16}}", first)
    assert first != stable_id(entity_type, "大余县人民政府", "李四")
    assert first != stable_id(entity_type, "张三", "大余县人民政府")
    assert _valid(entity_type, _record(entity_type, id=first)).id == first


def test_stable_id_accepts_ints_and_rejects_empty_keys():
    assert stable_id(T.PROJECT, 2023, "livelihood", "新建城南小学") == stable_id(
        T.PROJECT, "2023", "livelihood", "新建城南小学"
    )
    with pytest.raises(ValueError, match="non-empty"):
        stable_id(T.LEADER)
    with pytest.raises(ValueError, match="non-empty"):
        stable_id(T.LEADER, "大余县人民政府", "  ")


# --- scope -------------------------------------------------------------------------


@pytest.mark.parametrize("scope", ["county", "town-nanan"])
def test_valid_scope(scope):
    assert _valid(T.NOTICE, _record(T.NOTICE, scope=scope)).scope == scope


@pytest.mark.parametrize(
    "scope",
    ["town-", "Town-X", "village-a", "town-x", "town-南安", "", "county "],
    ids=["empty_town", "capitals", "village", "one_letter_town", "hanzi_town", "empty", "space"],
)
def test_invalid_scope(scope):
    issue = _only_issue(T.NOTICE, _record(T.NOTICE, scope=scope))
    assert issue.field == "scope"


def test_town_agency_must_have_its_town_scope():
    town = {"id": "agency-nanan", "name": "南安镇人民政府", "kind": "town"}
    issue = _only_issue(T.AGENCY, _record(T.AGENCY, **town))
    assert (issue.entity_id, issue.field) == ("agency-nanan", "scope")
    assert _valid(T.AGENCY, _record(T.AGENCY, **town, scope="town-nanan")).scope == "town-nanan"


def test_department_agency_must_be_county_wide():
    record = _record(T.AGENCY, kind="department", scope="town-nanan")
    assert _only_issue(T.AGENCY, record).field == "scope"


# --- batch validation ------------------------------------------------------------------


def _bad_batch():
    good_1 = _record(T.CATALOGUE_ENTRY, id="cat-1")
    bad_fetched_at = _record(T.CATALOGUE_ENTRY, id="cat-2")
    bad_fetched_at["provenance"]["fetched_at"] = "昨天"
    good_2 = _record(T.CATALOGUE_ENTRY, id="cat-3")
    bad_date = _record(T.CATALOGUE_ENTRY, id="cat-4", published_date="2023-02-30")
    no_id = _record(T.CATALOGUE_ENTRY)
    del no_id["id"]
    return [good_1, bad_fetched_at, good_2, bad_date, no_id]


def test_batch_keeps_good_records_and_collects_every_issue():
    result = validate_records(T.CATALOGUE_ENTRY, _bad_batch())
    assert not result.ok
    assert [entity.id for entity in result.entities] == ["cat-1", "cat-3"]
    assert _issues(result) == [
        ("catalogue_entry", "cat-2", "provenance.fetched_at"),
        ("catalogue_entry", "cat-4", "published_date"),
        ("catalogue_entry", "<record 5>", "id"),
    ]
    assert [issue.line for issue in result.issues] == [2, 4, 5]
    assert str(result.issues[0]).startswith("catalogue_entry cat-2: provenance.fetched_at: ")
    assert "昨天" in result.issues[0].message
    assert "2023-02-30" in result.issues[1].message


def test_batch_issues_name_their_source():
    result = validate_records(T.CATALOGUE_ENTRY, _bad_batch(), source="x.jsonl")
    assert [str(issue)[: len("x.jsonl:2: ")] for issue in result.issues] == [
        "x.jsonl:2: ",
        "x.jsonl:4: ",
        "x.jsonl:5: ",
    ]


def test_validate_jsonl_reports_bad_lines_with_their_numbers():
    good = json.dumps(_record(T.NOTICE), ensure_ascii=False)
    lines = [
        good,
        "{not json",
        "",
        "[1, 2]",
        "   ",
        good,
        json.dumps(_record(T.NOTICE, id="notice-2", entity_type="leader"), ensure_ascii=False),
    ]
    result = validate_jsonl(T.NOTICE, lines, source="x.jsonl")
    assert [entity.id for entity in result.entities] == ["notice-1"]
    assert _issues(result) == [
        ("notice", "<line 2>", "<record>"),
        ("notice", "<line 4>", "<record>"),
        ("notice", "notice-1", "id"),
        ("notice", "notice-2", "entity_type"),
    ]
    texts = [str(issue) for issue in result.issues]
    assert texts[0].startswith("x.jsonl:2: notice <line 2>: <record>: not valid JSON")
    assert texts[1].startswith("x.jsonl:4: notice <line 4>: <record>: must be a JSON object")
    assert texts[2].startswith("x.jsonl:6: notice notice-1: id: ")
    assert "line 1" in texts[2]
    assert texts[3].startswith("x.jsonl:7: notice notice-2: entity_type: ")


def test_duplicate_id_is_an_issue_on_the_later_record():
    first = _record(T.NOTICE)
    later = _record(T.NOTICE, title="另一条通知")
    result = validate_records(T.NOTICE, [first, later])
    assert [entity.title for entity in result.entities] == ["城区停水通知"]
    (issue,) = result.issues
    assert (issue.entity_id, issue.field, issue.line) == ("notice-1", "id", 2)
    assert "record 1" in issue.message


def test_record_of_another_entity_type_is_rejected():
    leader = _record(T.LEADER)
    leader["entity_type"] = "leader"
    issue = _only_issue(T.NOTICE, leader)
    assert (issue.entity_type, issue.entity_id, issue.field) == (
        "notice",
        "leader-county-head",
        "entity_type",
    )
    assert "'leader'" in issue.message


def test_validate_entity_raises_the_first_issue():
    with pytest.raises(EntityValidationError) as caught:
        validate_entity(T.NOTICE, _record(T.NOTICE, published_date="昨天"))
    error = caught.value
    assert (error.entity_type, error.entity_id, error.field) == (
        "notice",
        "notice-1",
        "published_date",
    )


# --- annual reports: legacy 2008 statistics ------------------------------------------------

# The 2008 report's figures: 3946 items disclosed proactively, all on the website;
# 11 applications (7 in person, 4 by letter), answered 7 granted, 2 partly, 2 refused.
STATS_2008 = {
    "format": "legacy_2008",
    "proactive_total": 3946,
    "proactive_via_website": 3946,
    "proactive_via_gazette": 0,
    "applications_total": 11,
    "applications_by_channel": {"in_person": 7, "letter": 4, "fax": 0, "email": 0, "online": 0},
    "replies_total": 11,
    "replies_granted": 7,
    "replies_partially_granted": 2,
    "replies_refused": 2,
    "reconsiderations": 0,
    "lawsuits": 0,
    "complaints": 0,
}


def _report_2008(**stat_changes):
    stats = copy.deepcopy(STATS_2008)
    stats.update(stat_changes)
    return _record(T.ANNUAL_REPORT, stats=stats)


def test_legacy_2008_report_with_the_real_figures_validates():
    report = _valid(T.ANNUAL_REPORT, _report_2008())
    stats = report.stats
    assert stats.proactive_total == 3946
    assert stats.proactive_via_website == 3946
    assert stats.applications_total == 11
    assert stats.applications_by_channel.in_person == 7
    assert stats.applications_by_channel.letter == 4
    assert stats.applications_by_channel.other is None
    assert (stats.replies_granted, stats.replies_partially_granted, stats.replies_refused) == (
        7,
        2,
        2,
    )
    assert (stats.reconsiderations, stats.lawsuits, stats.complaints) == (0, 0, 0)
    assert _valid(T.ANNUAL_REPORT, json.loads(to_json_line(report))) == report


def test_legacy_2008_channel_sum_is_checked():
    channels = {"in_person": 7, "letter": 3, "fax": 0, "email": 0, "online": 0, "other": 0}
    issue = _only_issue(T.ANNUAL_REPORT, _report_2008(applications_by_channel=channels))
    assert issue.field == "stats.applications_total"


def test_legacy_2008_channels_exceeding_the_total_is_an_issue_even_with_a_channel_missing():
    channels = {"in_person": 8, "letter": 4, "fax": 0, "email": 0, "online": 0}
    issue = _only_issue(T.ANNUAL_REPORT, _report_2008(applications_by_channel=channels))
    assert issue.field == "stats.applications_total"


def test_legacy_2008_reply_sum_is_checked():
    issue = _only_issue(T.ANNUAL_REPORT, _report_2008(replies_refused=3))
    assert issue.field == "stats.replies_total"
    assert "12" in issue.message


def test_legacy_2008_part_of_proactive_cannot_exceed_the_total():
    issue = _only_issue(T.ANNUAL_REPORT, _report_2008(proactive_via_website=4000))
    assert issue.field == "stats.proactive_via_website"


# --- annual reports: 2021 revised statistics ----------------------------------------------

_COLUMNS = (
    "natural_person",
    "business",
    "research",
    "public_interest_org",
    "legal_service",
    "other_org",
)


def _row(**counts):
    """One applications-table row with its total column filled in."""
    row = dict.fromkeys(_COLUMNS, 0) | counts
    row["total"] = sum(row[column] for column in _COLUMNS)
    return row


def _stats_2021():
    """A consistent 2021 table: 12 new + 1 carried over = 12 handled + 1 carried forward."""
    return {
        "format": "revised_2021",
        "proactive": {
            "rules": {"issued": 0, "repealed": 0, "in_force": 2},
            "normative_docs": {"issued": 5, "repealed": 1, "in_force": 30},
            "licensing_decisions": 1520,
            "penalty_decisions": 210,
            "coercion_decisions": 3,
            "fee_amount_wan_yuan": "12.5",
        },
        "applications": {
            "new": _row(natural_person=10, business=2),
            "carried_over": _row(natural_person=1),
            "result": {
                "disclosed": _row(natural_person=6, business=1),
                "partially_disclosed": _row(natural_person=2),
                "refused": {"state_secret": _row(natural_person=1)},
                "unable": {"not_held": _row(natural_person=1, business=1)},
                "total": _row(natural_person=10, business=2),
            },
            "carried_forward": _row(natural_person=1),
        },
        "review_litigation": {
            "reconsideration": {"upheld": 1, "total": 1},
            "litigation_direct": {"corrected": 1, "pending": 1, "total": 2},
        },
    }


def _report_2021(stats):
    return _record(
        T.ANNUAL_REPORT,
        id="report-county-2021",
        year=2021,
        format_version="revised_2021",
        published_date="2022-01-28",
        stats=stats,
    )


def test_revised_2021_consistent_table_validates():
    report = _valid(T.ANNUAL_REPORT, _report_2021(_stats_2021()))
    applications = report.stats.applications
    assert applications.new.total == 12
    assert applications.result.total.total == 12
    assert report.stats.proactive.fee_amount_wan_yuan == Decimal("12.5")
    assert _valid(T.ANNUAL_REPORT, json.loads(to_json_line(report))) == report


def test_revised_2021_balance_is_checked_per_column():
    stats = _stats_2021()
    stats["applications"]["carried_forward"] = _row(natural_person=1, business=1)
    issue = _only_issue(T.ANNUAL_REPORT, _report_2021(stats))
    assert issue.field == "stats.applications.result.total.business"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (("new",), "stats.applications.new.total"),
        (
            ("result", "refused", "state_secret"),
            "stats.applications.result.refused.state_secret.total",
        ),
        (("review", "reconsideration"), "stats.review_litigation.reconsideration.total"),
    ],
    ids=["new_row", "nested_outcome_row", "review_outcome"],
)
def test_revised_2021_row_total_must_be_the_sum_of_its_columns(path, field):
    stats = _stats_2021()
    if path[0] == "review":
        row = stats["review_litigation"][path[1]]
    else:
        row = stats["applications"]
        for key in path:
            row = row[key]
    row["total"] += 1
    issue = _only_issue(T.ANNUAL_REPORT, _report_2021(stats))
    assert issue.field == field


def test_revised_2021_result_total_must_be_the_sum_of_the_outcomes():
    stats = _stats_2021()
    # 9 instead of 10 in the total row, and the balance kept by carrying 2 forward.
    stats["applications"]["result"]["total"] = _row(natural_person=9, business=2)
    stats["applications"]["carried_forward"] = _row(natural_person=2)
    issue = _only_issue(T.ANNUAL_REPORT, _report_2021(stats))
    assert issue.field == "stats.applications.result.total.natural_person"
    assert "10" in issue.message


def test_report_format_version_must_match_its_stats():
    record = _report_2021(_stats_2021())
    record["format_version"] = "legacy_2008"
    assert _only_issue(T.ANNUAL_REPORT, record).field == "stats.format"


def test_report_cannot_be_published_before_its_year_ends():
    record = _report_2021(_stats_2021())
    record["published_date"] = "2021-06-01"
    assert _only_issue(T.ANNUAL_REPORT, record).field == "published_date"


def test_report_published_before_its_year_is_an_issue():
    record = _report_2021(_stats_2021())
    record["published_date"] = "2020-12-31"
    assert _only_issue(T.ANNUAL_REPORT, record).field == "published_date"


# --- power items: flowcharts -----------------------------------------------------------

_IMAGE = {"name": "行政处罚流程图", "url": "https://www.dayu.gov.cn/up/flow.jpg"}


def _steps():
    return [
        {"step_id": "accept", "name": "受理", "next": ["review", "reject"]},
        {"step_id": "review", "name": "审查", "next": ["decide"]},
        {"step_id": "reject", "name": "不予受理", "condition": "不符合受理条件"},
        {"step_id": "decide", "name": "决定"},
    ]


def _power(flowchart):
    return _record(T.POWER_ITEM, flowchart=flowchart)


def test_flowchart_with_steps_validates():
    item = _valid(T.POWER_ITEM, _power({"steps": _steps()}))
    assert [step.step_id for step in item.flowchart.steps] == [
        "accept",
        "review",
        "reject",
        "decide",
    ]
    assert item.flowchart.steps[0].next == ("review", "reject")


def test_flowchart_with_only_an_image_validates():
    item = _valid(T.POWER_ITEM, _power({"image": _IMAGE}))
    assert item.flowchart.image.file_type == "jpg"


def test_flowchart_needs_steps_or_an_image():
    issue = _only_issue(T.POWER_ITEM, _power({"chart_kind": "license"}))
    assert issue.field == "flowchart.steps"


def test_flowchart_next_must_name_a_known_step():
    steps = _steps()
    steps[1]["next"] = ["decide", "hearing"]
    issue = _only_issue(T.POWER_ITEM, _power({"steps": steps}))
    assert issue.field == "flowchart.steps.1.next"
    assert "hearing" in issue.message


def test_flowchart_step_ids_must_not_repeat():
    steps = _steps()
    steps[3]["step_id"] = "review"
    issue = _only_issue(T.POWER_ITEM, _power({"steps": steps}))
    assert issue.field == "flowchart.steps"
    assert "repeat" in issue.message


# --- projects -----------------------------------------------------------------------


def _updates():
    return [
        {"period": "2023-04", "as_of_date": "2023-04-30", "content": "完成前期工作。"},
        {"period": "2023-05", "as_of_date": "2023-05-31", "content": "主体开工。"},
    ]


def test_project_updates_in_date_order_validate():
    project = _valid(T.PROJECT, _record(T.PROJECT, updates=_updates(), progress_pct=100))
    assert [update.as_of_date for update in project.updates] == [
        date(2023, 4, 30),
        date(2023, 5, 31),
    ]
    assert project.progress_pct == Decimal(100)


def test_project_updates_out_of_date_order_are_rejected():
    record = _record(T.PROJECT, updates=_updates()[::-1])
    issue = _only_issue(T.PROJECT, record)
    assert issue.field == "updates"


@pytest.mark.parametrize("pct", [101, "100.5", -1], ids=["101", "100.5", "negative"])
def test_project_progress_pct_must_be_a_percentage(pct):
    issue = _only_issue(T.PROJECT, _record(T.PROJECT, progress_pct=pct))
    assert issue.field == "progress_pct"


# --- catalogue entries -----------------------------------------------------------------


def test_catalogue_entry_normalises_raw_page_values():
    record = _record(
        T.CATALOGUE_ENTRY,
        published_date="2023年1月5日",
        created_date="[2023-01-04]",
        doc_number="余府字[2023]5号",
        index_no=" ０１４４１６３３０／２０１８－０４７３６ ",
    )
    record["provenance"]["fetched_at"] = "2023-01-06T01:00:00Z"
    entry = _valid(T.CATALOGUE_ENTRY, record)
    assert entry.published_date == date(2023, 1, 5)
    assert entry.created_date == date(2023, 1, 4)
    assert entry.doc_number == "余府字〔2023〕5号"
    assert entry.index_no == "014416330/2018-04736"
    assert entry.provenance.fetched_at.tzinfo == SHANGHAI

    parsed = entry.index_no_parsed
    assert parsed is not None
    assert parsed.scheme is IndexNoScheme.ORG_CODE_YEAR_SERIAL
    assert (parsed.org_code, parsed.year, parsed.serial) == ("014416330", 2018, 4736)

    line = json.loads(to_json_line(entry))
    assert line["published_date"] == "2023-01-05"
    assert line["doc_number"] == "余府字〔2023〕5号"
    assert line["provenance"]["fetched_at"] == "2023-01-06T09:00:00+08:00"


def test_catalogue_entry_index_no_parsed_for_credit_code_and_opaque_numbers():
    credit = _valid(
        T.CATALOGUE_ENTRY,
        _record(T.CATALOGUE_ENTRY, index_no="11341702486344515H/202110-00013"),
    )
    assert credit.index_no_parsed.scheme is IndexNoScheme.CREDIT_CODE_MONTH_SERIAL
    assert (credit.index_no_parsed.year, credit.index_no_parsed.month) == (2021, 10)

    opaque = _valid(T.CATALOGUE_ENTRY, _record(T.CATALOGUE_ENTRY, index_no="320700-01-2008-0001"))
    assert opaque.index_no == "320700-01-2008-0001"
    assert opaque.index_no_parsed.scheme is IndexNoScheme.OPAQUE

    assert _valid(T.CATALOGUE_ENTRY, _record(T.CATALOGUE_ENTRY)).index_no_parsed is None


def test_catalogue_entry_expiry_cannot_precede_effective_date():
    record = _record(T.CATALOGUE_ENTRY, effective_date="2023-02-01", expiry_date="2023-01-31")
    assert _only_issue(T.CATALOGUE_ENTRY, record).field == "expiry_date"


def test_leader_name_padding_is_removed():
    assert _valid(T.LEADER, _record(T.LEADER)).name == "张三"


# --- immutability -------------------------------------------------------------------


def test_models_are_frozen():
    entry = _valid(T.CATALOGUE_ENTRY, _record(T.CATALOGUE_ENTRY, keywords=["安全生产"]))
    with pytest.raises(ValidationError, match="frozen"):
        entry.title = "改过的标题"
    with pytest.raises(ValidationError, match="frozen"):
        entry.provenance.source_site = "example.org"
    assert isinstance(entry.keywords, tuple)
    assert isinstance(entry.provenance.breadcrumb, tuple)


def test_models_reject_unknown_fields():
    issue = _only_issue(T.NOTICE, _record(T.NOTICE, colour="red"))
    assert issue.field == "colour"


def test_catalogue_entry_model_validates_directly():
    entry = CatalogueEntry.model_validate(
        _record(T.CATALOGUE_ENTRY, doc_number="余府字（2023）5号")
    )
    assert entry.doc_number == "余府字〔2023〕5号"
