"""The demo county's issue-17 columns, synced over real sockets from their shipped profiles.

政策文件 is a Hanweb column whose documents sit behind ``downfile.jsp``; 人事信息 is a
JSP column without ETag or Last-Modified; 财政资金 answers a JSON POST and 公示公告
a JSONP GET (deploy/demosite/extra.py).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from importlib.resources import files

import pytest
from demosite import DemoServer
from django.utils import timezone

from publisher.config import Config, SourceConfig
from publisher.home import Home
from publisher.sources.http import HttpConfig, PoliteClient
from publisher.sources.jsonapi import JsonShapeError, unwrap_jsonp
from publisher.store.models import Item, SyncRun
from publisher.sync import SyncEngine

COLUMNS = {"zcwj": 40, "rsxx": 45, "czzj": 25, "gsgg": 25}


@pytest.fixture
def county():
    with DemoServer(host="127.0.0.1", port=0, seed=2008) as server:
        yield server


def _engine(site: str, home: Home, now=timezone.now) -> SyncEngine:
    sources = tuple(
        SourceConfig(id=f"dayu-{key}", profile=f"builtin:dayu/{key}", site=site) for key in COLUMNS
    )
    http = HttpConfig(user_agent="test", min_interval=0, retries=0, backoff_factor=0)
    return SyncEngine(
        home=home,
        config=Config(sources=sources),
        client_factory=lambda: PoliteClient(http),
        now=now,
    )


def _latest(source: str) -> dict:
    item = Item.objects.filter(source__key=source).order_by("id")
    return [i.revisions.order_by("-id").first().data for i in item]


@pytest.mark.django_db
def test_the_new_columns_sync_completely_and_rest_when_unchanged(county, tmp_path) -> None:
    home = Home(tmp_path / "home")
    home.make_folders()
    engine = _engine(county.url, home)

    first = {s.source.removeprefix("dayu-"): s for s in engine.run()}
    for key, count in COLUMNS.items():
        assert (first[key].status, first[key].new, first[key].failed) == ("ok", count, 0), key
        assert first[key].warnings == [], key
    # Every document behind downfile.jsp, under its real type and name.
    documents = [a for data in _latest("dayu-zcwj") for a in data["attachments"]]
    assert len(documents) == 40
    assert first["zcwj"].documents == 40
    assert Counter(a["file_type"] for a in documents) == {"pdf": 13, "docx": 14, "ofd": 13}
    for data in _latest("dayu-zcwj"):
        [document] = data["attachments"]
        # PDFs: filename*=UTF-8''…; Word: raw GBK bytes; OFD: no name, the bytes tell.
        assert document["name"] == f"{data['title']}.{document['file_type']}"
        assert document["sha256"]
        assert document["size_bytes"] > 0
        assert "downfile.jsp?classid=0&filename=" in document["url"]
    # 人事信息's articles show no breadcrumb: the list page's is kept.
    assert {tuple(d["provenance"]["breadcrumb"]) for d in _latest("dayu-rsxx")} == {
        ("首页", "政务公开", "人事信息")
    }
    assert Item.objects.filter(source__key="dayu-rsxx").count() == 45  # content.jsp?id=… apart

    again = {s.source.removeprefix("dayu-"): s for s in engine.run()}
    assert all(s.new == s.changed == s.failed == 0 for s in again.values())
    # No validators and a visit counter that changes every time: still only robots.txt and
    # the list pages (3 pages, and the empty 4th that ends the list), no article.
    assert again["rsxx"].requests == 1 + 4
    assert again["zcwj"].requests == 1 + 1  # the Hanweb first page answers 304
    assert again["czzj"].requests == 1 + 3  # one POST per page
    assert again["gsgg"].requests == 1 + 3

    county.site.mutate(1)  # one more item in every column
    third = {s.source.removeprefix("dayu-"): s for s in engine.run()}
    assert all((s.new, s.changed, s.failed) == (1, 0, 0) for s in third.values()), third
    assert third["rsxx"].requests == 1 + 4 + 1  # the list pages and the one new article
    assert SyncRun.objects.filter(source__key="dayu-zcwj").first().warnings == []

    # Eight days on, past recheck_days = 7: every article of the validator-less column is
    # read again once (none changed), the other columns still rest.
    later = _engine(county.url, home, now=lambda: timezone.now() + timedelta(days=8))
    fourth = {s.source.removeprefix("dayu-"): s for s in later.run(["dayu-rsxx", "dayu-czzj"])}
    assert (fourth["rsxx"].requests, fourth["rsxx"].unchanged) == (1 + 4 + 46, 46)
    assert fourth["czzj"].requests == 1 + 3  # a fingerprinted JSON list is not re-checked


def test_jsonp_answers_are_unwrapped() -> None:
    assert unwrap_jsonp('jQuery11020_1761({"a": [1]});') == {"a": [1]}
    assert unwrap_jsonp('/**/cb ( {"a": "x(y)"} )') == {"a": "x(y)"}
    assert unwrap_jsonp('{"plain": true}') == {"plain": True}
    with pytest.raises(JsonShapeError):
        unwrap_jsonp("<html>登录超时</html>")


@pytest.mark.django_db
def test_labelled_attachments_the_profile_does_not_take_are_warnings_per_item(
    county, tmp_path
) -> None:
    # The shipped profile without its attachment_patterns: the OFD links carry no extension
    # (downfile.jsp?classid=0&filename=<hex>, text 点击下载, after 附件：).
    text = load_profile_text("zcwj")
    without = "\n".join(line for line in text.splitlines() if "attachment_patterns" not in line)
    profile = tmp_path / "zcwj.toml"
    profile.write_text(without, encoding="utf-8")
    home = Home(tmp_path / "home")
    home.make_folders()
    http = HttpConfig(user_agent="test", min_interval=0, retries=0, backoff_factor=0)
    config = Config(sources=(SourceConfig(id="zcwj", profile=str(profile), site=county.url),))
    engine = SyncEngine(home=home, config=config, client_factory=lambda: PoliteClient(http))
    [run] = engine.run()
    assert (run.status, run.new, run.documents) == ("ok", 40, 27)  # the PDFs and Word files
    assert len(run.warnings) == 13  # one per OFD link, never silently dropped
    warning = run.warnings[0]
    assert warning["field"] == "attachment"
    assert "/art/" in warning["url"]
    assert "点击下载 (" in warning["message"]
    assert "downfile.jsp?classid=0&filename=" in warning["message"]
    assert "not mirrored" in warning["message"]
    assert len(SyncRun.objects.get(source__key="zcwj").warnings) == 13


def load_profile_text(key: str) -> str:
    """The text of a shipped profile."""
    return (files("publisher") / "profiles" / "dayu" / f"{key}.toml").read_text(encoding="utf-8")
