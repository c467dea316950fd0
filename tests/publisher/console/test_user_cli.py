"""`gongkai user`: accounts made from the shell, the one-time password, list, disable, reset."""

from __future__ import annotations

import json

import pytest

from ..sitekit import cli


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("users") / "H"
    assert cli("init", "--home", home, "--demo", "http://127.0.0.1:9").returncode == 0
    return home


def user(home, *args):
    return cli("user", *args, "--home", home)


def test_add_list_disable_and_reset(home):
    added = user(home, "add", "南安审核员", "--role", "审核员", "--role", "final_review",
                 "--town", "nanan", "--json")  # fmt: skip
    assert added.returncode == 0, added.stderr
    first = json.loads(added.stdout)
    assert first["name"] == "南安审核员"
    assert len(first["password"]) >= 12

    listed = json.loads(user(home, "list", "--json").stdout)
    [row] = [r for r in listed if r["name"] == "南安审核员"]
    assert row["roles"] == ["审核员", "终审"]
    assert (row["town"], row["active"], row["must_change_password"]) == ("nanan", True, True)
    assert first["password"] not in user(home, "list").stdout

    assert user(home, "disable", "南安审核员").returncode == 0
    [row] = [r for r in json.loads(user(home, "list", "--json").stdout) if r["town"] == "nanan"]
    assert row["active"] is False

    reset = user(home, "reset", "南安审核员")
    assert reset.returncode == 0
    assert "one-time password" in reset.stdout
    assert first["password"] not in reset.stdout
    [row] = [r for r in json.loads(user(home, "list", "--json").stdout) if r["town"] == "nanan"]
    assert (row["active"], row["must_change_password"]) == (True, True)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "某人", "--role", "局长"], "没有角色 局长"),
        (["add", "某人", "--role", "审核员", "--town", "atlantis"], "没有乡镇 atlantis"),
        (["disable", "无此人"], "没有账号 无此人"),
        (["reset", "无此人"], "没有账号 无此人"),
    ],
)
def test_bad_input_exits_2_naming_the_field(home, args, message):
    result = user(home, *args)

    assert result.returncode == 2
    assert message in result.stderr


def test_the_command_is_listed_in_help():
    assert "staff accounts of the web console" in cli("--help").stdout
