"""[[boards]] tables: each checked on its own, problems named by file, line, board and field."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from publisher.boards.config import board_groups, board_scope, load_boards, render_boards
from publisher.boards.demo import DEMO_BOARDS
from publisher.config import TownConfig

TOWNS = (TownConfig(name="南安镇", id="nanan"),)
GOOD = {
    "id": "hall-1",
    "name": "大厅",
    "driver": "onbon-k",
    "address": "192.168.1.50:5005",
    "width": 192,
    "height": 32,
    "colors": "dual",
}


def issues_of(**changes):
    table = {**GOOD, **changes}
    table = {key: value for key, value in table.items() if value is not None}
    return [(i.field, i.message) for i in load_boards([table], towns=TOWNS).issues]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"width": "wide"}, "width"),
        ({"colors": "rgb"}, "colors"),  # a font card has no full colour
        ({"font_px": 14}, "font_px"),
        ({"height": 12}, "font_px"),  # a 16 px font does not fit
        ({"hours": "08:00"}, "hours"),
        ({"hours": "08:00-08:00"}, "hours"),
        ({"address": "somewhere"}, "address"),
        ({"town": "atlantis"}, "town"),
        ({"driver": "huidu"}, "driver"),
        ({"baud": 1234}, "baud"),
        ({"colour": "red"}, "colour"),  # unknown keys are typos
        ({"id": None}, "id"),
    ],
)
def test_each_mistake_names_its_field(changes, field):
    found = issues_of(**changes)
    assert [f for f, _ in found] == [field], found


def test_good_boards_survive_bad_neighbours_and_ids_must_be_unique():
    lines = [
        "[[boards]]", 'id = "a"', 'name = "A"', 'driver = "preview"', 'address = "p/a"',
        "width = 64", "height = 16", 'colors = "mono"', 'hours = "22:00-06:00"',
        'town = "南安镇"', "",
        "[[boards]]", 'id = "a"', 'name = "A2"', 'driver = "preview"', 'address = "p/b"',
        "width = 64", "height = 16", 'colors = "mono"',
    ]  # fmt: skip
    text = "\n".join(lines)
    tables = tomllib.loads(text)["boards"]
    found = load_boards(tables, towns=TOWNS, file="g.toml", text=text, base=Path("/home/x"))
    (board,) = found.boards
    assert board.hours == ("22:00", "06:00")
    assert board.town == "nanan"  # a town by name or id; kept as its id
    assert board.address == "/home/x/p/a"  # preview folders live in the home
    assert board_groups(board) == {"all", "nanan"}
    assert board_scope(board) == "town-nanan"
    (issue,) = found.issues
    assert str(issue) == 'g.toml:13: boards[1] (id "a"): id: another board above has this id'


def test_the_demo_boards_round_trip_through_the_rendered_toml():
    text = render_boards(DEMO_BOARDS)
    towns = (TownConfig(name="南安镇", id="nanan"), TownConfig(name="新城镇", id="xincheng"))
    loaded = load_boards(tomllib.loads(text)["boards"], towns=towns)
    assert loaded.issues == ()
    assert loaded.boards == DEMO_BOARDS
    assert "# [[boards]]" in render_boards(())  # an empty home gets a commented example
