"""The boards' write services: the rules every face enforces, and who did it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from publisher.actors import COUNTY, Actor
from publisher.boards.compose import ContentSnapshot
from publisher.boards.config import BoardSet, UnknownBoardError
from publisher.boards.demo import DEMO_BOARDS
from publisher.boards.schedule import Content, Rule
from publisher.boards.services import (
    MAX_EMERGENCY,
    BoardRuleError,
    emergency_cancel,
    emergency_create,
    rule_add,
    rule_remove,
    rules_seed_demo,
)
from publisher.boards.store import rule_list
from publisher.errors import InputError
from publisher.store.models import AuditLog, BoardRule

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BOARDS = BoardSet(boards=DEMO_BOARDS, issues=())
EMPTY = ContentSnapshot()
ZHANG = Actor.cli("zhang")
WANG = Actor.cli("wang")
LI = Actor.web("li", scope=COUNTY, address="10.0.0.7")
DEMO = Actor.system("init --demo")


def _emergency(**changes: object) -> Rule:
    options: dict[str, object] = {
        "actor": ZHANG,
        "board_ids": ["hall-k"],
        "text": "暴雨预警 请勿外出",
        "until": NOW + timedelta(hours=6),
        "boards": BOARDS,
        "snapshot": EMPTY,
        "now": NOW,
    }
    return emergency_create(**(options | changes))  # type: ignore[arg-type]


def _audit() -> list[tuple[str, str]]:
    return list(AuditLog.objects.order_by("pk").values_list("actor", "action"))


@pytest.mark.django_db
def test_an_emergency_records_who_issued_and_who_cancelled_it():
    rule = _emergency()
    assert BoardRule.objects.get(pk=rule.id).created_by == "cli:zhang"
    assert emergency_cancel(actor=LI, board_ids=["hall-k"], boards=BOARDS, now=NOW) == 1
    assert _audit() == [("cli:zhang", "board_emergency"), ("web:li", "board_emergency_cancel")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"until": NOW - timedelta(minutes=1)}, "in the past"),
        ({"until": NOW + MAX_EMERGENCY + timedelta(minutes=1)}, "at most 7 days"),
        ({"board_ids": []}, "at least one board"),
        ({"text": "  "}, "needs a text"),
    ],
    ids=["past", "longer-than-7-days", "no-boards", "no-text"],
)
def test_emergencies_breaking_a_rule_are_refused_and_nothing_is_saved(changes, words):
    with pytest.raises(BoardRuleError, match=words) as refused:
        _emergency(**changes)
    assert isinstance(refused.value, InputError)
    assert refused.value.problems
    assert not BoardRule.objects.exists()
    assert _audit() == []


@pytest.mark.django_db
def test_an_emergency_on_an_unknown_board_names_the_known_ones():
    with pytest.raises(UnknownBoardError, match="known: hall-k") as refused:
        _emergency(board_ids=["nowhere"])
    assert refused.value.board_id == "nowhere"
    assert not BoardRule.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"boards": frozenset(), "groups": frozenset()}, "boards or groups"),
        ({"boards": frozenset({"nowhere"})}, "no board nowhere"),
        ({"start": 600, "end": 600}, "must differ"),
        ({"rrule": "FREQ=HOURLY"}, "."),
        (
            {"date_from": NOW.date(), "date_to": NOW.date() - timedelta(days=1)},
            "before the start date",
        ),
        ({"content": (Content("text", "价格 €5"),)}, "'€'"),
        ({"days": "workdays", "date_from": NOW.date().replace(year=2099)}, "notice for 2099"),
    ],
    ids=[
        "no-target",
        "unknown-board",
        "empty-window",
        "bad-rrule",
        "dates-reversed",
        "unshowable",
        "uncovered-year",
    ],
)
def test_rules_breaking_a_rule_are_refused_and_nothing_is_saved(changes, words):
    fields: dict[str, object] = {"boards": frozenset({"hall-k"}), "content": (Content("clock"),)}
    rule = Rule(id=0, name="测试", created_at=NOW, **(fields | changes))  # type: ignore[arg-type]
    with pytest.raises(BoardRuleError, match=words):
        rule_add(actor=ZHANG, rule=rule, boards=BOARDS, snapshot=EMPTY, now=NOW)
    assert not BoardRule.objects.exists()


@pytest.mark.django_db
def test_a_rule_is_added_and_removed_by_its_actors():
    rule = Rule(id=0, name="时钟", content=(Content("clock"),), created_at=NOW,
                boards=frozenset({"hall-k"}))  # fmt: skip
    saved = rule_add(actor=ZHANG, rule=rule, boards=BOARDS, snapshot=EMPTY, now=NOW)
    assert [r.id for r in rule_list(now=NOW)] == [saved.id]
    rule_remove(actor=WANG, rule_id=saved.id, boards=BOARDS)
    with pytest.raises(BoardRuleError, match=f"no schedule rule #{saved.id}"):
        rule_remove(actor=WANG, rule_id=saved.id, boards=BOARDS)
    assert _audit() == [("cli:zhang", "board_rule_add"), ("cli:wang", "board_rule_remove")]


@pytest.mark.django_db
def test_a_rules_kind_of_day_is_stored():
    rule = Rule(id=0, name="工作日时钟", content=(Content("clock"),), created_at=NOW,
                boards=frozenset({"hall-k"}), days="workdays")  # fmt: skip
    saved = rule_add(actor=ZHANG, rule=rule, boards=BOARDS, snapshot=EMPTY, now=NOW)
    assert saved.days == "workdays"
    assert [r.days for r in rule_list(now=NOW)] == ["workdays"]


@pytest.mark.django_db
def test_an_emergency_is_not_removed_as_a_rule():
    rule = _emergency()
    with pytest.raises(BoardRuleError, match="cancelled"):
        rule_remove(actor=WANG, rule_id=rule.id, boards=BOARDS)
    assert BoardRule.objects.filter(pk=rule.id).exists()


@pytest.mark.django_db
def test_the_demo_schedules_are_seeded_once():
    seeded = rules_seed_demo(actor=DEMO, site="http://127.0.0.1:8600", now=NOW)
    assert seeded == BoardRule.objects.count() > 0
    assert rules_seed_demo(actor=DEMO, site="http://127.0.0.1:8600", now=NOW) == 0
    assert set(BoardRule.objects.values_list("created_by", flat=True)) == {"system:init --demo"}
