"""`gongkai review` on a synced home: list, show, approve, reject, and the audit log.

A module-wide fake county site (``sitekit.CountySite``, 6 notices, never
changed) is synced once into a template home by the real `gongkai init` and
`gongkai sync`; every test works on its own copy of that home and reads the
store back with plain SQLite. The diff test needs a site that changes, so it
builds its own home against its own site.
"""

from __future__ import annotations

import getpass
import json
import shutil
from datetime import UTC, datetime

import pytest

from .conftest import ScriptedServer
from .sitekit import SOURCE_ID, CountySite, cli, sqlite_rows, write_home

ARTICLES = 6


@pytest.fixture(scope="module")
def review_site():
    server = ScriptedServer()
    try:
        yield CountySite(server, articles=ARTICLES)
    finally:
        server.stop()


def init_and_sync(home, site):
    """`gongkai init`, point its one source at ``site``, `gongkai sync`."""
    created = cli("init", "--home", home)
    assert created.returncode == 0, created.stderr
    write_home(home, site=site.root, initialised=True)
    synced = cli("sync", "--home", home)
    assert synced.returncode == 0, synced.stdout + synced.stderr
    return home


@pytest.fixture(scope="module")
def synced_template(review_site, tmp_path_factory):
    return init_and_sync(tmp_path_factory.mktemp("review-template") / "H", review_site)


@pytest.fixture
def home(synced_template, tmp_path):
    copy = tmp_path / "H"
    shutil.copytree(synced_template, copy)
    return copy


def review(home, *args):
    return cli("review", *args, "--home", home)


def rows(home, query, *params):
    return sqlite_rows(home / "db.sqlite3", query, *params)


def revision_ids(home):
    return [pk for (pk,) in rows(home, "SELECT id FROM store_revision ORDER BY id")]


def stamp(text):
    """A datetime as Django stores it in SQLite (UTC, no offset)."""
    value = datetime.fromisoformat(str(text))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def audit(home):
    return rows(
        home,
        "SELECT actor, action, item_id, revision_id, detail, at FROM store_auditlog ORDER BY id",
    )


# --- list and show ------------------------------------------------------------------------


def test_review_list_json_shows_every_revision_waiting(home, review_site):
    result = review(home, "list", "--json")

    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [row["id"] for row in listed] == revision_ids(home)
    assert {row["url"] for row in listed} == {
        review_site.article_url(n) for n in range(1, ARTICLES + 1)
    }
    for row in listed:
        number = int(row["url"].rsplit("_", 1)[1].removesuffix(".shtml"))
        assert row["title"] == review_site.articles[number].title
        assert (row["source"], row["entity_type"], row["kind"], row["status"]) == (
            SOURCE_ID, "notice", "new", "pending",
        )  # fmt: skip
        assert row["change"] == "new"


def test_review_show_prints_a_readable_report_of_a_new_item(home, review_site):
    first = revision_ids(home)[0]
    [(url,)] = rows(home, "SELECT source_url FROM store_revision WHERE id = ?", first)
    article = review_site.articles[int(url.rsplit("_", 1)[1].removesuffix(".shtml"))]

    result = review(home, "show", first)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"revision {first}  pending  new  notice"
    assert f"source:  {SOURCE_ID}  {url}" in lines
    assert any(line.startswith("changes: ") and line.endswith("(new item)") for line in lines)
    title = lines.index("--- title")
    assert lines[title + 1 : title + 3] == ["  - (none)", f"  + {article.title}"]
    assert "--- body_text" in lines
    for paragraph in article.paragraphs:
        assert f"  +{paragraph}" in lines


def test_review_show_of_an_unknown_revision_exits_1(home):
    result = review(home, "show", "999999")

    assert result.returncode == 1
    assert "no revision 999999" in result.stderr


def test_review_show_diffs_an_edited_item_against_the_published_version(tmp_path, county):
    home = init_and_sync(tmp_path / "H", county)
    assert review(home, "approve", "--secrecy-checked", "--all", "--as", "审核员").returncode == 0
    old = county.articles[3].paragraphs
    corrected = "更正：" + old[2][3:]
    county.edit(3, paragraphs=(*old[:2], corrected, *old[3:]))
    assert cli("sync", "--home", home).returncode == 0
    [(changed,)] = rows(home, "SELECT id FROM store_revision WHERE status = 'pending'")

    result = review(home, "show", changed)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"revision {changed}  pending  change  notice"
    assert "changes: 1 fields" in lines
    assert [line for line in lines if line.startswith("--- ")] == ["--- body_text"]
    assert f"  -{old[2]}" in lines
    assert f"  +{corrected}" in lines
    listed = json.loads(review(home, "list", "--json").stdout)
    assert [(row["id"], row["change"]) for row in listed] == [(changed, "1 fields: body_text")]


# --- decisions and the audit log ----------------------------------------------------------


def test_review_approve_publishes_the_revision_and_audits_who_and_when(home):
    chosen = revision_ids(home)[2]
    before = datetime.now(UTC)

    result = review(home, "approve", "--secrecy-checked", chosen, "--as", "审核员张三")

    after = datetime.now(UTC)
    assert result.returncode == 0, result.stderr
    assert "approved 1 revision(s) as 审核员张三" in result.stdout
    [(status, decided_by, decided_at, item)] = rows(
        home,
        "SELECT status, decided_by, decided_at, item_id FROM store_revision WHERE id = ?",
        chosen,
    )
    assert (status, decided_by) == ("approved", "审核员张三")
    assert before <= stamp(decided_at) <= after
    [(current, state, title)] = rows(
        home, "SELECT current_id, state, title FROM store_item WHERE id = ?", item
    )
    assert (current, state) == (chosen, "active")
    assert title
    [(actor, action, audited_item, revision, _, at)] = audit(home)
    assert (actor, action, audited_item, revision) == ("审核员张三", "review.approve", item, chosen)
    assert before <= stamp(at) <= after
    others = rows(home, "SELECT status FROM store_revision WHERE id != ?", chosen)
    assert {status for (status,) in others} == {"pending"}


def test_review_approve_all_publishes_everything_waiting_as_the_login_user(home):
    result = review(home, "approve", "--secrecy-checked", "--all")

    assert result.returncode == 0, result.stderr
    assert f"approved {ARTICLES} revision(s) as {getpass.getuser()}" in result.stdout
    assert rows(home, "SELECT DISTINCT status, decided_by FROM store_revision") == [
        ("approved", getpass.getuser())
    ]
    assert rows(
        home,
        "SELECT COUNT(*) FROM store_item i JOIN store_revision r ON r.id = i.current_id "
        "WHERE r.item_id = i.id",
    ) == [(ARTICLES,)]
    logged = audit(home)
    assert len(logged) == ARTICLES
    assert {(actor, action) for actor, action, *_ in logged} == {
        (getpass.getuser(), "review.approve")
    }
    assert sorted(revision for _, _, _, revision, _, _ in logged) == revision_ids(home)
    assert json.loads(review(home, "list", "--json").stdout) == []


def test_review_reject_keeps_the_item_unpublished_and_records_the_reason(home):
    chosen = revision_ids(home)[0]

    result = review(home, "reject", chosen, "--reason", "标题有误，待网站更正", "--as", "李四")

    assert result.returncode == 0, result.stderr
    [(status, reason, decided_by, item)] = rows(
        home, "SELECT status, reason, decided_by, item_id FROM store_revision WHERE id = ?", chosen
    )
    assert (status, reason, decided_by) == ("rejected", "标题有误，待网站更正", "李四")
    assert rows(home, "SELECT current_id FROM store_item WHERE id = ?", item) == [(None,)]
    [(actor, action, audited_item, revision, detail, _)] = audit(home)
    assert (actor, action, audited_item, revision) == ("李四", "review.reject", item, chosen)
    assert json.loads(detail) == {"reason": "标题有误，待网站更正"}
    listed = [row["id"] for row in json.loads(review(home, "list", "--json").stdout)]
    assert chosen not in listed
    assert len(listed) == ARTICLES - 1


def test_review_reject_reports_what_it_did(home):
    chosen = revision_ids(home)[0]

    result = review(home, "reject", chosen, "--reason", "重复发布", "--as", "李四")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "rejected 1 revision(s) as 李四\n"


def test_review_reject_without_a_reason_exits_2_and_decides_nothing(home):
    result = review(home, "reject", revision_ids(home)[0], "--as", "李四")

    assert result.returncode == 2
    assert "驳回须说明理由" in result.stderr
    assert audit(home) == []


def test_review_approve_without_the_secrecy_check_exits_2_and_publishes_nothing(home):
    result = cli("review", "approve", "--all", "--home", home)

    assert result.returncode == 2
    assert "保密审查" in result.stderr
    assert audit(home) == []


def test_approving_an_already_approved_revision_exits_1_and_changes_nothing(home):
    chosen = revision_ids(home)[1]
    assert review(home, "approve", "--secrecy-checked", chosen, "--as", "王五").returncode == 0

    again = review(home, "approve", "--secrecy-checked", chosen, "--as", "赵六")

    assert again.returncode == 1
    assert f"{chosen}: revision {chosen} is approved, not awaiting review" in again.stderr
    assert rows(home, "SELECT decided_by FROM store_revision WHERE id = ?", chosen) == [("王五",)]
    assert [actor for actor, *_ in audit(home)] == ["王五"]


def test_review_decisions_on_unknown_ids_exit_1(home):
    result = review(home, "approve", "--secrecy-checked", "999999")

    assert result.returncode == 1
    assert "1 id(s) not found" in result.stderr
    assert audit(home) == []


def test_review_decision_needs_ids_or_all(home):
    neither = review(home, "reject")
    both = review(home, "approve", "--secrecy-checked", revision_ids(home)[0], "--all")

    assert (neither.returncode, both.returncode) == (2, 2)
    assert "give revision ids, or --all" in neither.stderr
    assert audit(home) == []


def test_home_given_before_the_review_action_is_used(home, tmp_path):
    elsewhere = tmp_path / "elsewhere"  # where a fallback to ./var would look
    elsewhere.mkdir()

    result = cli("review", "--home", home, "list", "--json", cwd=elsewhere)

    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == ARTICLES
