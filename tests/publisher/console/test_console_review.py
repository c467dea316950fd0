"""The review pages: queue, revision diff, decisions, four-eyes, scope, bulk, escaping."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from publisher.store.models import AuditLog, Revision
from publisher.store.services import Decision, ReviewDeniedError, revisions_decide

APPROVE = {"decision": "approve", "secrecy_checked": "on"}


def decide(client, revision, **form):
    return client.post(reverse("console:decide", args=[revision.pk]), form)


def status(revision):
    revision.refresh_from_db()
    return revision.status


# --- the queue ----------------------------------------------------------------------------


def test_the_queue_lists_what_waits_with_counts_and_filters(staff, store):
    store.revision(title="县级通知")
    store.revision(title="南安镇通知", scope="town-nanan")
    store.revision(title="隔离的修订", status="quarantined", change_share=0.8,
                   published={"title": "旧"})  # fmt: skip
    store.revision(title="已下线的条目", kind="removal", published={"title": "已下线的条目"})
    client = staff("张三", "审核员")

    everything = client.get(reverse("console:queue")).content.decode()
    quarantined = client.get(reverse("console:queue"), {"state": "quarantined"}).content.decode()
    nanan = client.get(reverse("console:queue"), {"town": "nanan"}).content.decode()

    assert "全部 4" in everything
    assert "待审核 3" in everything
    assert "隔离待查 1" in everything
    assert "下线 1" in everything
    assert all(t in everything for t in ("县级通知", "南安镇通知", "隔离的修订", "已下线的条目"))
    assert "隔离的修订" in quarantined
    assert "县级通知" not in quarantined
    assert "南安镇通知" in nanan
    assert "县级通知" not in nanan
    assert "南安镇" in everything  # the town's name, not its id


def test_a_bad_filter_is_named_in_chinese_and_keeps_what_was_typed(staff, store):
    store.revision()
    client = staff("张三", "审核员")

    page = client.get(
        reverse("console:queue"), {"since": "2026-11-30", "until": "2026-11-01", "agency": "j1"}
    ).content.decode()

    assert "结束日期早于开始日期" in page
    assert 'value="2026-11-30"' in page
    assert 'value="j1"' in page


def test_the_queue_pages_by_fifty(staff, store):
    for n in range(55):
        store.revision(title=f"第{n:02d}号通知")
    client = staff("张三", "审核员")

    first = client.get(reverse("console:queue")).content.decode()
    second = client.get(reverse("console:queue"), {"page": "2"}).content.decode()

    assert "第 1 / 2 页" in first
    assert "第00号通知" in first
    assert "第54号通知" not in first
    assert "第54号通知" in second


def test_the_queue_costs_the_same_queries_for_3_rows_as_for_120(staff, store):
    client = staff("张三", "审核员")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("console:queue")).status_code == 200
        return len(captured)

    for _ in range(3):
        store.revision()
    few = queries()
    for n in range(117):
        store.revision(scope="town-nanan" if n % 2 else "county")
    many = queries()

    assert few == many


def test_a_town_account_sees_the_county_and_its_town_never_another(staff, store):
    store.revision(title="县级通知")
    store.revision(title="南安镇通知", scope="town-nanan")
    store.revision(title="黄龙镇通知", scope="town-huangdi")
    client = staff("南安审核员", "审核员", town="nanan")

    page = client.get(reverse("console:queue")).content.decode()

    assert "县级通知" in page
    assert "南安镇通知" in page
    assert "黄龙镇通知" not in page
    assert "全部 2" in page


# --- a revision ---------------------------------------------------------------------------


def test_the_revision_page_highlights_changed_words_and_shows_source_and_attachments(staff, store):
    sha = "ab" * 32
    revision = store.revision(
        published={"title": "县长张三主持会议", "body_text": "第一段\n第二段"},
        data={
            "title": "县长李四主持会议",
            "body_text": "第一段\n第二段",
            "attachments": [
                {"name": "实施方案.pdf", "url": "http://county.example/a.pdf", "sha256": sha}
            ],
            "provenance": {
                "source_site": "大余县人民政府",
                "source_column": "通知公告",
                "fetched_at": "2026-11-20T17:30:00+08:00",
                "parser": "hanweb",
            },
        },
    )
    client = staff("张三", "审核员")

    page = client.get(reverse("console:revision", args=[revision.pk])).content.decode()

    assert "<del>张三</del>" in page
    assert "<ins>李四</ins>" in page
    assert "body_text" not in page  # unchanged fields are not listed
    assert revision.source_url in page
    assert f'href="/docs/{sha}"' in page
    assert "实施方案.pdf" in page
    assert "通知公告" in page
    assert "hanweb" in page


def test_titles_from_the_county_site_are_shown_as_text(staff, store):
    revision = store.revision(title="<script>alert(1)</script>{{7*7}}")
    client = staff("张三", "审核员")

    pages = [
        client.get(reverse("console:queue")).content.decode(),
        client.get(reverse("console:revision", args=[revision.pk])).content.decode(),
    ]

    for page in pages:
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in page
        # 49 would be the template engine evaluating {{7*7}}; the random CSRF
        # token may hold "49" too, so it is left out of the search.
        assert "49" not in re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_a_revision_of_another_town_is_not_found_and_cannot_be_decided(staff, store):
    revision = store.revision(scope="town-huangdi")
    client = staff("南安审核员", "审核员", town="nanan")

    page = client.get(reverse("console:revision", args=[revision.pk]))
    post = decide(client, revision, **APPROVE)
    live = client.get(reverse("console:release_status", args=[revision.pk]))

    assert (page.status_code, post.status_code, live.status_code) == (404, 404, 404)
    assert status(revision) == "pending"


def test_county_content_is_read_only_to_a_town_account(staff, store):
    revision = store.revision()
    client = staff("南安审核员", "审核员", town="nanan")

    page = client.get(reverse("console:revision", args=[revision.pk]))
    post = decide(client, revision, **APPROVE)

    assert page.status_code == 200
    assert "县级内容对乡镇账号只读" in page.content.decode()
    assert 'name="decision"' not in page.content.decode()
    assert post.status_code == 403
    assert status(revision) == "pending"
    assert not AuditLog.objects.filter(action__startswith="review").exists()


def test_a_town_account_approves_its_own_town(staff, store):
    revision = store.revision(scope="town-nanan")
    client = staff("南安审核员", "审核员", town="nanan")

    assert decide(client, revision, **APPROVE).status_code == 302
    assert status(revision) == "approved"


# --- decisions ----------------------------------------------------------------------------


def test_approval_needs_the_secrecy_check_and_is_audited_with_the_address(staff, store):
    revision = store.revision()
    client = staff("张三", "审核员")

    missing = decide(client, revision, decision="approve")
    assert missing.status_code == 400
    assert "发布前须确认已完成保密审查" in missing.content.decode()
    assert status(revision) == "pending"

    done = decide(client, revision, **APPROVE)

    assert done.status_code == 302
    assert status(revision) == "approved"
    revision.refresh_from_db()
    assert (revision.decided_by, revision.secrecy_checked_by) == ("张三", "张三")
    entry = AuditLog.objects.get(action="review.approve")
    assert (entry.actor, entry.address, entry.revision_id) == ("张三", "127.0.0.1", revision.pk)
    assert entry.detail == {"secrecy_checked": True}
    followed = client.get(done["Location"]).content.decode()
    assert "已通过并将发布" in followed
    assert "正在生成新版本" in followed  # the live release status, until a release exists
    assert "hx-get" in followed


def test_a_rejection_needs_a_reason_and_keeps_it(staff, store):
    revision = store.revision()
    client = staff("张三", "审核员")

    missing = decide(client, revision, decision="reject", reason="  ")
    done = decide(client, revision, decision="reject", reason="标题错别字，待网站更正")

    assert missing.status_code == 400
    assert "驳回须说明理由" in missing.content.decode()
    assert done.status_code == 302
    revision.refresh_from_db()
    assert (revision.status, revision.reason) == ("rejected", "标题错别字，待网站更正")
    assert AuditLog.objects.get(action="review.reject").detail == {
        "reason": "标题错别字，待网站更正"
    }


def test_a_quarantined_revision_needs_a_first_review_and_a_final_one_by_someone_else(staff, store):
    revision = store.revision(
        status="quarantined", change_share=0.62, published={"title": "旧标题", "body_text": "甲"}
    )
    first = staff("张三", "审核员", "终审")  # holds both roles, still only one pair of eyes
    second = staff("李四", "终审")

    page = first.get(reverse("console:revision", args=[revision.pk])).content.decode()
    assert "改写比例 62%，超过设定上限 50%" in page
    assert "初审通过" in page

    assert decide(first, revision, **APPROVE).status_code == 302
    revision.refresh_from_db()
    assert (revision.status, revision.first_reviewed_by) == ("quarantined", "张三")

    again = decide(first, revision, **APPROVE)
    assert again.status_code == 403
    assert "初审与终审须由不同的人完成" in again.content.decode()
    assert status(revision) == "quarantined"

    assert (
        "终审通过并发布"
        in second.get(reverse("console:revision", args=[revision.pk])).content.decode()
    )
    assert decide(second, revision, **APPROVE).status_code == 302
    revision.refresh_from_db()
    assert (revision.status, revision.decided_by) == ("approved", "李四")
    reviews = AuditLog.objects.filter(action__startswith="review").order_by("id")
    actions = list(reviews.values_list("action", "actor"))
    assert actions == [("review.first", "张三"), ("review.approve", "李四")]
    assert AuditLog.objects.get(action="review.approve").detail["first_reviewed_by"] == "张三"


def test_a_plain_reviewer_cannot_do_the_final_review(staff, store):
    revision = store.revision(status="quarantined", change_share=0.9, published={"title": "旧"})
    staff_a = staff("张三", "审核员")
    staff_b = staff("王五", "审核员")
    decide(staff_a, revision, **APPROVE)

    refused = decide(staff_b, revision, **APPROVE)

    assert refused.status_code == 403
    assert "隔离的修订须由终审角色复核" in refused.content.decode()
    assert status(revision) == "quarantined"


@pytest.mark.django_db
def test_the_cli_path_keeps_four_eyes_too(store):
    revision = store.revision(status="quarantined", change_share=0.9, published={"title": "旧"})

    first = revisions_decide(actor="张三", decision=Decision.APPROVE, ids=[revision.pk],
                             secrecy_checked=True)  # fmt: skip
    same = revisions_decide(actor="张三", decision=Decision.APPROVE, ids=[revision.pk],
                            secrecy_checked=True)  # fmt: skip
    other = revisions_decide(actor="李四", decision=Decision.APPROVE, ids=[revision.pk],
                             secrecy_checked=True)  # fmt: skip

    assert [r.pk for r in first.first_reviewed] == [revision.pk]
    assert isinstance(same.refused[0], ReviewDeniedError)
    assert [r.pk for r in other.decided] == [revision.pk]


def test_deciding_twice_changes_nothing_the_second_time(staff, store):
    revision = store.revision()
    client = staff("张三", "审核员")
    decide(client, revision, **APPROVE)

    again = decide(client, revision, decision="reject", reason="重复")

    assert again.status_code == 302
    assert "已被处理" in client.get(again["Location"]).content.decode()
    assert status(revision) == "approved"


# --- bulk ---------------------------------------------------------------------------------


def test_bulk_approval_states_the_count_then_approves_exactly_those(staff, store):
    chosen = [store.revision(title=f"通知{n}") for n in range(3)]
    other = store.revision(title="未勾选")
    quarantined = store.revision(status="quarantined", change_share=0.7, published={"title": "q"})
    client = staff("张三", "审核员")
    ids = [r.pk for r in [*chosen, quarantined]]

    confirm = client.post(reverse("console:bulk"), {"ids": ids})

    text = confirm.content.decode()
    assert confirm.status_code == 200
    assert "将通过 <strong>4</strong> 条修订" in text
    assert "其中 1 条为隔离修订，只记录初审" in text
    assert all(status(r) == "pending" for r in chosen)

    no_check = client.post(reverse("console:bulk"), {"ids": ids, "confirmed": 4})
    assert "发布前须确认已完成保密审查" in no_check.content.decode()
    assert all(status(r) == "pending" for r in chosen)

    done = client.post(
        reverse("console:bulk"), {"ids": ids, "confirmed": 4, "secrecy_checked": "on"}
    )

    assert done.status_code == 302
    assert [status(r) for r in chosen] == ["approved"] * 3
    assert status(other) == "pending"
    quarantined.refresh_from_db()
    assert (quarantined.status, quarantined.first_reviewed_by) == ("quarantined", "张三")


def test_bulk_approval_asks_again_when_the_count_changed(staff, store):
    rows = [store.revision() for _ in range(2)]
    client = staff("张三", "审核员")
    Revision.objects.filter(pk=rows[0].pk).update(status="superseded")

    stale = client.post(
        reverse("console:bulk"),
        {"ids": [r.pk for r in rows], "confirmed": 2, "secrecy_checked": "on"},
    )

    assert stale.status_code == 200
    assert "数量已变化" in stale.content.decode()
    assert "将通过 <strong>1</strong> 条修订" in stale.content.decode()
    assert status(rows[1]) == "pending"


def test_bulk_approval_of_a_whole_source_skips_what_the_town_may_not_decide(staff, store):
    county = store.revision(title="县级")
    own = [store.revision(scope="town-nanan") for _ in range(2)]
    client = staff("南安审核员", "审核员", town="nanan")

    confirm = client.post(reverse("console:bulk"), {"source": "dayu-tzgg"})

    assert "将通过 <strong>2</strong> 条修订" in confirm.content.decode()
    assert "另有 1 条您无权处理" in confirm.content.decode()
    ids = [r.pk for r in own]
    done = client.post(
        reverse("console:bulk"), {"ids": ids, "confirmed": 2, "secrecy_checked": "on"}
    )
    assert done.status_code == 302
    assert [status(r) for r in own] == ["approved", "approved"]
    assert status(county) == "pending"
    entries = AuditLog.objects.filter(action="review.approve")
    assert {json.dumps(e.detail) for e in entries} == {'{"secrecy_checked": true}'}


def test_a_quarantined_removal_says_many_items_vanished_at_once(staff, store):
    revision = store.revision(
        kind="removal", status="quarantined", change_share=1.0, published={"title": "旧"}
    )
    Revision.objects.filter(pk=revision.pk).update(reason="7 of 20 items gone at once (limit 20%)")
    client = staff("张三", "审核员")

    page = client.get(reverse("console:revision", args=[revision.pk])).content.decode()

    assert "同时从网站消失的条目比例超过设定上限 20%" in page
    assert "7 of 20 items gone at once" in page
    assert "100%" not in page
