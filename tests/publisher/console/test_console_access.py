"""Accounts on the console: login, first-login password change, roles, CSRF, throttling."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from publisher.console.middleware import POLICY
from publisher.console.models import StaffProfile
from publisher.console.services import UserError, user_add, user_disable, user_reset
from publisher.console.views.auth import LOGIN_CHECKS
from publisher.store.models import AuditLog

from .conftest import PASSWORD, TOWNS

PAGES = [
    ("console:home", {}),
    ("console:password", {}),
    ("console:queue", {}),
    ("console:revision", {"revision_id": 1}),
    ("console:release_status", {"revision_id": 1}),
]
POSTS = [
    ("console:decide", {"revision_id": 1}),
    ("console:bulk", {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), PAGES + POSTS)
def test_anonymous_requests_are_sent_to_the_login_page(name, kwargs):
    url = reverse(name, kwargs=kwargs)
    method = Client().post if (name, kwargs) in POSTS else Client().get

    response = method(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('console:login')}?next={url}"


@pytest.mark.django_db
def test_first_login_forces_a_password_change_then_lets_the_user_in():
    made = user_add(actor="admin", name="张三", roles=["审核员"], town="", towns=set(TOWNS))
    client = Client()

    login = client.post(reverse("console:login"), {"username": "张三", "password": made.password})
    assert login.status_code == 302
    forced = client.get(reverse("console:queue"))
    assert forced.status_code == 302
    assert forced["Location"] == reverse("console:password")
    page = client.get(reverse("console:password"))
    assert "这是一次性密码" in page.content.decode()

    weak = client.post(
        reverse("console:password"),
        {"old_password": made.password, "new_password1": "12345", "new_password2": "12345"},
    )
    assert weak.status_code == 200
    assert "密码太短，至少需要 10 个字符" in weak.content.decode()  # beside the field, in Chinese
    assert StaffProfile.objects.get(user=made.user).must_change_password

    changed = client.post(
        reverse("console:password"),
        {"old_password": made.password, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert changed.status_code == 302
    assert not StaffProfile.objects.get(user=made.user).must_change_password
    assert client.get(reverse("console:queue")).status_code == 200
    assert AuditLog.objects.filter(action="user.password", actor="张三").exists()


@pytest.mark.django_db
def test_a_wrong_password_is_refused_in_chinese_and_keeps_the_name():
    user_add(actor="admin", name="张三", roles=["审核员"], town="", towns=set(TOWNS))

    response = Client().post(reverse("console:login"), {"username": "张三", "password": "nope"})

    assert response.status_code == 200
    text = response.content.decode()
    assert "请输入一个正确的" in text
    assert 'value="张三"' in text


@pytest.mark.django_db
def test_login_is_throttled_after_five_failures_even_with_the_right_password():
    made = user_add(actor="admin", name="张三", roles=["审核员"], town="", towns=set(TOWNS))
    client = Client()
    for _ in range(5):
        client.post(reverse("console:login"), {"username": "张三", "password": "guess"})

    locked = client.post(reverse("console:login"), {"username": "张三", "password": made.password})

    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    user_reset(actor="admin", name="张三")  # lifts the lockout with a new password
    again = User.objects.get(username="张三")
    assert again.is_active


@pytest.mark.django_db
def test_login_without_a_csrf_token_is_refused():
    made = user_add(actor="admin", name="张三", roles=["审核员"], town="", towns=set(TOWNS))

    response = Client(enforce_csrf_checks=True).post(
        reverse("console:login"), {"username": "张三", "password": made.password}
    )

    assert response.status_code == 403
    assert "请求已过期" in response.content.decode()


def test_posts_without_a_csrf_token_are_refused(staff, store):
    revision = store.revision()
    client = staff("张三", "审核员", csrf=True)

    decided = client.post(
        reverse("console:decide", args=[revision.pk]),
        {"decision": "approve", "secrecy_checked": "on"},
    )
    bulk = client.post(reverse("console:bulk"), {"ids": [revision.pk]})
    logout = client.post(reverse("console:logout"))

    assert (decided.status_code, bulk.status_code, logout.status_code) == (403, 403, 403)
    revision.refresh_from_db()
    assert revision.status == "pending"


def test_a_user_without_a_review_role_is_refused_with_403(staff, store):
    revision = store.revision()
    client = staff("王五", "屏幕排程")

    pages = [
        client.get(reverse("console:queue")),
        client.get(reverse("console:revision", args=[revision.pk])),
        client.post(
            reverse("console:decide", args=[revision.pk]),
            {"decision": "approve", "secrecy_checked": "on"},
        ),
        client.post(reverse("console:bulk"), {"ids": [revision.pk]}),
    ]

    assert [page.status_code for page in pages] == [403, 403, 403, 403]
    assert "需要审核员或终审角色" in pages[0].content.decode()
    assert client.get(reverse("console:home")).status_code == 200
    revision.refresh_from_db()
    assert revision.status == "pending"


def test_a_disabled_account_is_logged_out_and_cannot_log_in(staff):
    client = staff("张三", "审核员")
    assert client.get(reverse("console:home")).status_code == 200

    user_disable(actor="admin", name="张三")

    assert client.get(reverse("console:home")).status_code == 302
    refused = Client().post(reverse("console:login"), {"username": "张三", "password": PASSWORD})
    assert refused.status_code == 200
    assert "_auth_user_id" not in Client().session


def test_logout_ends_the_session(staff):
    client = staff("张三", "审核员")

    client.post(reverse("console:logout"))

    assert client.get(reverse("console:home")).status_code == 302


@pytest.mark.django_db
def test_user_add_refuses_an_unknown_role_town_or_a_taken_name():
    user_add(actor="admin", name="张三", roles=["review"], town="nanan", towns=set(TOWNS))
    with pytest.raises(UserError, match="没有角色 foo") as role:
        user_add(actor="admin", name="李四", roles=["foo"], town="", towns=set(TOWNS))
    with pytest.raises(UserError, match="没有乡镇 xinc") as town:
        user_add(actor="admin", name="李四", roles=["审核员"], town="xinc", towns=set(TOWNS))
    with pytest.raises(UserError, match="已存在") as taken:
        user_add(actor="admin", name="张三", roles=["审核员"], town="", towns=set(TOWNS))
    assert (role.value.field, town.value.field, taken.value.field) == ("role", "town", "name")
    assert not User.objects.filter(username="李四").exists()


def test_the_session_expires_after_the_idle_time_and_is_renewed_by_each_request(staff, settings):
    client = staff("张三", "审核员")

    response = client.get(reverse("console:home"))

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert cookie["path"] == "/staff/"
    assert cookie["httponly"]


def test_static_files_are_served_by_hashed_name_and_cached_for_good(staff):
    page = staff("张三", "审核员").get(reverse("console:home")).content.decode()
    href = page.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    assert href.startswith("/staff/static/console/console.")
    assert href != "/staff/static/console/console.css"

    response = Client().get(href)
    body = b"".join(response.streaming_content) if response.streaming else response.content

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"--brand" in body
    assert Client().get("/staff/static/staticfiles.json").status_code == 404
    assert Client().get("/staff/static/../../secret_key").status_code == 404


@pytest.mark.django_db
def test_password_checks_are_bounded_and_a_login_past_them_is_answered_503(settings):
    settings.GONGKAI_LOGIN_WAIT = 0.05
    user_add(actor="admin", name="张三", roles=["审核员"], town="", towns=set(TOWNS))
    held = [LOGIN_CHECKS.acquire(blocking=False) for _ in range(2)]
    try:
        busy = Client().post(reverse("console:login"), {"username": "张三", "password": "x"})
    finally:
        for taken in held:
            if taken:
                LOGIN_CHECKS.release()
    assert all(held)
    assert busy.status_code == 503
    assert "登录繁忙" in busy.content.decode()
    after = Client().post(reverse("console:login"), {"username": "张三", "password": "x"})
    assert after.status_code == 200


def test_console_pages_carry_a_content_security_policy_and_are_not_cached(staff):
    page = staff("张三", "审核员").get(reverse("console:home"))
    login = Client().get(reverse("console:login"))

    for response in (page, login):
        assert response["Content-Security-Policy"] == POLICY
        assert "no-store" in response["Cache-Control"]
        assert response["X-Frame-Options"] == "DENY"
    assert "script-src 'self';" in POLICY


@pytest.mark.django_db
def test_staff_without_the_slash_is_redirected():
    response = Client().get("/staff")

    assert response.status_code == 302
    assert response["Location"] == "/staff/"
