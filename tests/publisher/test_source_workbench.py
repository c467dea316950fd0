"""The profile workbench: `gongkai source try` and `source check`, `status` before a sync.

Run as the county's IT person would: the `gongkai` command against the demo county
site on a real socket.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from demosite import DemoServer
from django.utils import timezone

from publisher.config import SourceConfig
from publisher.home_init import DEMO_COLUMNS
from publisher.sources.http import HttpConfig, PoliteClient
from publisher.sources.profiles import load_profile
from publisher.store.models import FetchState, Item
from publisher.sync import try_profile

from .sitekit import GONGKAI, cli, cli_env

BROKEN = """\
# 人事信息 with a broken title selector and a label the site does not use.
name = "人事信息"
entity_type = "notice"

[list]
url = "{site}/zwgk/rsxx/list.jsp?pageNum={page}"
pagination = "query"
links = "ul.list li a"
link_pattern = '/zwgk/rsxx/content\\.jsp$'

[detail]
title = "h2.biaoti"

[detail.fields]
publisher = "发布单位"
published_date = "发布日期"
"""


@pytest.fixture(scope="module")
def county():
    with DemoServer(host="127.0.0.1", port=0, seed=2008) as server:
        yield server


@pytest.fixture(scope="module")
def home(county, tmp_path_factory):
    path = tmp_path_factory.mktemp("workbench") / "home"
    result = cli("init", "--home", path, "--demo", county.url)
    assert result.returncode == 0, result.stderr
    return path


@pytest.mark.django_db
def test_a_trial_works_on_every_demo_column(county) -> None:
    http = HttpConfig(user_agent="test", min_interval=0, retries=0, backoff_factor=0)
    for key in DEMO_COLUMNS:
        with PoliteClient(http) as client:
            report = try_profile(
                reference=f"builtin:dayu/{key}",
                profile=load_profile(f"builtin:dayu/{key}"),
                config=SourceConfig(id="try", profile=f"builtin:dayu/{key}", site=county.url),
                client=client,
                now=timezone.now,
                items=1,
            )
        assert report.ok, (key, report.to_json())
        [item] = report.items
        assert (item.required_missing, item.error) == ([], ""), key
    assert Item.objects.count() == 0  # a trial stores nothing
    assert FetchState.objects.count() == 0


def test_source_try_prints_json(county, home) -> None:
    args = ("builtin:dayu/zcwj", "--site", county.url, "--items", "3", "--json", "--home", home)
    result = cli("source", "try", *args)
    assert result.returncode == 0, result.stderr
    zcwj = json.loads(result.stdout)
    assert zcwj["list"] | {"url": ""} == {
        "url": "", "pagination": "hanweb", "pages_read": 1, "entries": 40, "total": 40,
        "page_count": None, "external": 0,
    }  # fmt: skip
    kinds = [a["file_type"] for item in zcwj["items"] for a in item["attachments"]]
    assert sorted(kinds) == ["docx", "ofd", "pdf"]  # from the answers, not the links
    for item in zcwj["items"]:
        [document] = item["attachments"]
        assert document["name"] == f"{item['title']}.{document['file_type']}"


def test_source_try_names_what_a_broken_profile_misses(county, home) -> None:
    profile = home / "profiles" / "broken.toml"
    profile.write_text(BROKEN, encoding="utf-8")
    result = cli("source", "try", "profiles/broken.toml", "--site", county.url, "--items", "2",
                 "--home", home)  # fmt: skip
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "pagination: query  pages read 1  entries 20" in out
    assert "publisher              missing  (tried: label 发布单位)" in out
    assert "published_date         20" in out  # the label that exists is read
    assert "unused labels          发布机构、信息类别" in out  # where the right label is
    assert "summary: 2 items, fields found 1/2, 1/2; required fields missing in 2 items" in out
    # Nothing was stored: the home's store has no item and no run.
    status = json.loads(cli("status", "--json", "--home", home).stdout)
    assert status["items"] == {}
    assert status["last_runs"] == []


def test_source_check_and_status_before_the_first_sync(home) -> None:
    result = cli("source", "check", "--home", home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "dayu-zcwj: ok  builtin:dayu/zcwj  (notice, hanweb)" in result.stdout
    status = cli("status", "--home", home)
    assert status.returncode == 0
    for key in DEMO_COLUMNS:
        assert f"dayu-{key}" in status.stdout
    assert "never (not synced yet)" in status.stdout

    (home / "profiles" / "quoted.toml").write_text(
        BROKEN.replace('pagination = "query"', 'pagination = "query"\nmax_pages = "15"'),
        encoding="utf-8",
    )
    config = home / "gongkai.toml"
    original = config.read_text(encoding="utf-8")
    config.write_text(
        original + '\n[[sources]]\nid = "quoted"\nprofile = "profiles/quoted.toml"\n'
        'site = "http://127.0.0.1:1"\n',
        encoding="utf-8",
    )
    try:
        checked = cli("source", "check", "--home", home)
    finally:
        config.write_text(original, encoding="utf-8")
    assert checked.returncode == 2
    assert "quoted: PROBLEM  profiles/quoted.toml" in checked.stdout
    assert (
        "quoted.toml:8: list.max_pages: give a number without quotes, not the text '15'"
        in checked.stdout
    )


def test_json_output_into_a_closed_pipe_ends_quietly(home) -> None:
    """`gongkai status --json | head -c 0`: the reader is gone before the first write."""
    with subprocess.Popen(
        [str(GONGKAI), "status", "--json", "--home", str(home)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(),
    ) as process:
        assert process.stdout is not None
        process.stdout.close()  # like head, which stops reading and exits
        _, errors = process.communicate(timeout=60)
    assert "Traceback" not in errors.decode()
    assert "BrokenPipeError" not in errors.decode()
    assert process.returncode == 0
