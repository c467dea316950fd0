"""`gongkai applications` as an office uses it: import the register, list, show, record steps.

Real `gongkai` processes on a real home; the spreadsheet import with bad rows
(in CSV and XLSX) keeps the good ones and names file, line and field.
"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from datetime import datetime
from importlib.resources import files

import pytest
from openpyxl import Workbook

from publisher.applications.columns import COLUMNS

from .sitekit import cli

DEMO = files("publisher.applications") / "demo" / "register.csv"
NAMES_HEADER = list(COLUMNS.values())


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    home = tmp_path_factory.mktemp("apps") / "H"
    assert cli("init", "--home", home).returncode == 0
    return home


@pytest.fixture
def home(template, tmp_path):
    copy = tmp_path / "H"
    shutil.copytree(template, copy)
    return copy


def apps(home, *args):
    return cli("applications", *args, "--home", home)


def good_row(serial, **over):
    row = dict.fromkeys(COLUMNS, "")
    row |= {
        "serial": str(serial),
        "received_on": "2026-09-24",
        "channel": "当面",
        "applicant_kind": "自然人",
        "applicant_name": "岑望舒",
        "phone": "0797-0123456",
        "address": "大余县虚构路8号",
        "request_text": "申请公开某某工程的批复",
    }
    return row | over


def write_csv(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(NAMES_HEADER)
        writer.writerows([row[key] for key in COLUMNS] for row in rows)


def test_demo_register_imports_once_and_lists(home):
    first = apps(home, "import", str(DEMO), "--json")
    assert first.returncode == 0, first.stderr
    added = json.loads(first.stdout)["added"]
    assert len(added) >= 40
    again = apps(home, "import", str(DEMO), "--json")
    assert json.loads(again.stdout)["added"] == []
    listed = apps(home, "list", "--year", "2008", "--json", "--today", "2026-11-20")
    rows = json.loads(listed.stdout)
    assert len(rows) == 11
    assert {row["status"] for row in rows} == {"replied"}
    overdue = json.loads(apps(home, "list", "--overdue", "--json", "--today", "2026-11-20").stdout)
    assert [row["number"] for row in overdue] == ["依申〔2026〕26号", "依申〔2026〕27号"]
    text = apps(home, "dashboard", "--today", "2026-11-20").stdout
    assert "已超期 (2)" in text
    assert "待申请人补正 (2)" in text
    seed_text = files("publisher.applications") / "demo" / "report-2008.toml"
    out = home / "reports"
    made = cli(
        "report", "annual", "--year", "2008", "--legacy-2008", "--text", seed_text,
        "--out", out, "--json", "--home", home,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    stats = json.loads(made.stdout)["stats"]
    assert (stats["applications_total"], stats["replies_granted"]) == (11, 7)
    assert stats["proactive_total"] == 3946
    assert sorted(p.name for p in out.iterdir()) == [
        "annual-report-2008.html",
        "annual-report-2008.json",
        "annual-report-2008.pdf",
    ]


def test_add_event_reply_show_and_personal_view_audit(home):
    added = apps(
        home,
        "add",
        "--received",
        "2026-12-10",
        "--channel",
        "信函",
        "--kind",
        "法律服务机构",
        "--name",
        "虚构律师事务所",
        "--phone",
        "0797-0765432",
        "--request",
        "申请公开某批复",
        "--json",
    )
    assert added.returncode == 0, added.stderr
    one = json.loads(added.stdout)
    assert one["due"] == "2027-01-07"
    assert one["warning"]  # 2027 has no State Council notice yet
    assert "虚构律师事务所" not in added.stdout
    number = one["number"]
    refused = apps(home, "event", number, "extended", "--on", "2026-12-20")
    assert refused.returncode == 2
    assert "reason" in refused.stderr
    ok = apps(home, "event", number, "extended", "--on", "2026-12-20", "--note", "需会商", "--json")
    assert json.loads(ok.stdout)["status"] == "extended"
    replied = apps(
        home, "reply", number, "--outcome", "partially-disclosed", "--on", "2027-01-15", "--json"
    )
    assert json.loads(replied.stdout)["status"] == "replied"
    plain = apps(home, "show", number)
    assert "虚构律师事务所" not in plain.stdout
    personal = apps(home, "show", number, "--personal")
    assert "虚构律师事务所" in personal.stdout
    with sqlite3.connect(home / "db.sqlite3") as db:
        views = db.execute(
            "select actor, detail from store_auditlog where action='application.view'"
        ).fetchall()
    assert len(views) == 1
    assert views[0][0].startswith("cli")
    assert json.loads(views[0][1]) == {"number": number}
    missing = apps(home, "show", "依申〔1999〕9号")
    assert missing.returncode == 1


def test_csv_import_reports_bad_rows_and_keeps_good_ones(home, tmp_path):
    sheet = tmp_path / "台账.csv"
    write_csv(
        sheet,
        [
            good_row(1),
            good_row(2, received_on="2026-13-01"),
            good_row(3, channel="飞鸽传书"),
            good_row(4, replied_on="2026-10-09"),  # no result
            good_row(5, applicant_name=""),
            good_row(6, extended="2026-10-09"),  # no reason
            good_row(7, replied_on="2026-10-09", outcome="部分公开", fee_yuan="30"),
        ],
    )
    result = apps(home, "import", str(sheet), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["added"] == ["依申〔2026〕1号", "依申〔2026〕7号"]
    problems = {(p["line"], p["field"]) for p in report["problems"]}
    assert problems == {
        (3, "received_on"),
        (4, "channel"),
        (5, "outcome"),
        (6, "applicant_name"),
        (7, "extension_reason"),
    }
    assert "台账.csv line 3, 收到日期 (received_on)" in result.stderr
    # A personal field's value is never repeated in a message.
    assert "岑望舒" not in result.stderr
    assert "0797-0123456" not in result.stderr


def test_xlsx_import_with_a_title_row_and_date_cells(home, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["大余县依申请公开登记台账（虚构）"])
    sheet.append(NAMES_HEADER)
    row = good_row(3)
    row["received_on"] = datetime(2026, 9, 24)  # noqa: DTZ001 - a naive Excel date cell
    sheet.append([row[key] for key in COLUMNS])
    sheet.append([good_row(4, applicant_kind="外星人")[key] for key in COLUMNS])
    path = tmp_path / "register.xlsx"
    book.save(path)
    result = apps(home, "import", str(path), "--json")
    report = json.loads(result.stdout)
    assert report["added"] == ["依申〔2026〕3号"]
    assert [(p["line"], p["field"]) for p in report["problems"]] == [(4, "applicant_kind")]


def test_report_text_errors_name_the_key(home, tmp_path):
    text = tmp_path / "report.toml"
    text.write_text("[proactive]\nlicensing_decisions = -1\n", encoding="utf-8")
    result = cli(
        "report",
        "annual",
        "--year",
        "2026",
        "--text",
        text,
        "--out",
        tmp_path / "o",
        "--home",
        home,
    )
    assert result.returncode == 2
    assert "licensing_decisions" in result.stderr


def test_unreadable_file_is_usage_error(home, tmp_path):
    bad = tmp_path / "register.txt"
    bad.write_text("x")
    result = apps(home, "import", str(bad))
    assert result.returncode == 2
    assert "register.txt" in result.stderr
