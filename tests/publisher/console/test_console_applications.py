"""The register of applications in the console: roles, CSRF, escaping, personal data, forms."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content.applications import ApplicantKind, Channel, EventKind
from publisher.applications.models import Application
from publisher.applications.services import Applicant, application_event, application_register
from publisher.store.models import AuditLog

SCRIPT = "<script>alert(1)</script>"
PHONE = "0797-0123456"
ID_NUMBER = "36072200000000001X"
TODAY = date(2026, 12, 22)


@pytest.fixture(autouse=True)
def pinned_day(settings):
    settings.GONGKAI_TODAY = TODAY
    settings.GONGKAI_NUMBER_PATTERN = "依申〔{year}〕{serial}号"
    settings.GONGKAI_DEFAULT_AGENCY = "县人民政府办公室"
    settings.GONGKAI_CALENDAR = None


def registered(name: str = "王小明", received: date = date(2026, 11, 2)) -> Application:
    return application_register(
        actor="test",
        pattern="依申〔{year}〕{serial}号",
        agency="县人民政府办公室",
        received_on=received,
        channel=Channel.IN_PERSON,
        applicant_kind=ApplicantKind.NATURAL_PERSON,
        applicant=Applicant(name=name, id_number=ID_NUMBER, phone=PHONE, address="东山路 8 号"),
        request_text="申请公开 2026 年县城道路改造项目的招标文件",
    )


def pages() -> list[tuple[str, dict[str, object]]]:
    number = "依申〔2026〕1号"
    return [
        ("console:applications", {}),
        ("console:application_new", {}),
        ("console:application", {"number": number}),
        ("console:application_report", {"year": 2026}),
    ]


def posts() -> list[tuple[str, dict[str, object]]]:
    number = "依申〔2026〕1号"
    return [
        ("console:application_personal", {"number": number}),
        ("console:application_event", {"number": number}),
        ("console:application_reply", {"number": number}),
        ("console:application_new", {}),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), pages() + posts())
def test_anonymous_requests_go_to_the_login_page(name, kwargs):
    url = reverse(name, kwargs=kwargs)  # type: ignore[arg-type]
    response = Client().post(url) if (name, kwargs) in posts() else Client().get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("console:login"))


@pytest.mark.parametrize(("name", "kwargs"), pages() + posts())
def test_other_roles_and_town_accounts_are_refused(staff, name, kwargs):
    registered()
    url = reverse(name, kwargs=kwargs)  # type: ignore[arg-type]
    for client in (staff("演示审核员", "审核员"), staff("南安登记", "依申请登记", town="nanan")):
        response = client.post(url) if (name, kwargs) in posts() else client.get(url)
        assert response.status_code == 403


def test_a_post_without_the_csrf_token_is_refused(staff):
    application = registered()
    client = staff("登记员", "依申请登记", csrf=True)

    response = client.post(reverse("console:application_personal", args=[application.number]))

    assert response.status_code == 403
    assert not AuditLog.objects.filter(action="application.view").exists()


def test_registering_keeps_personal_data_off_the_pages_and_escapes_it(staff):
    client = staff("登记员", "依申请登记")
    form = {
        "received_on": "2026-12-21",
        "channel": "letter",
        "applicant_kind": "natural_person",
        "agency": "县人民政府办公室",
        "applicant_name": SCRIPT,
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "address": "东山路 8 号",
        "request_text": "申请公开 2026 年县城道路改造项目的招标文件",
        "form_wanted": "纸质",
    }

    made = client.post(reverse("console:application_new"), form, follow=True)

    page = made.content.decode()
    assert made.status_code == 200
    assert "依申〔2026〕1号" in page
    for secret in ("alert(1)", PHONE, ID_NUMBER, "东山路"):
        assert secret not in page
    assert "2027" in page  # the due date reaches into a year without a notice: flagged
    assert "⚠" in page
    listing = client.get(reverse("console:applications")).content.decode()
    for secret in ("alert(1)", PHONE, ID_NUMBER, "东山路"):
        assert secret not in listing
    assert not AuditLog.objects.filter(action="application.view").exists()

    shown = client.post(reverse("console:application_personal", args=["依申〔2026〕1号"]))

    text = shown.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert SCRIPT not in text
    assert PHONE in text
    assert AuditLog.objects.filter(action="application.view", actor="登记员").count() == 1


def test_a_bad_field_is_named_in_chinese_and_the_input_kept(staff):
    client = staff("登记员", "依申请登记")

    response = client.post(
        reverse("console:application_new"),
        {"received_on": "2026-13-40", "channel": "in_person", "applicant_kind": "natural_person",
         "agency": "县人民政府办公室", "applicant_name": "李四", "request_text": "申请公开某文件"},
    )  # fmt: skip

    page = response.content.decode()
    assert response.status_code == 400
    assert "输入一个有效的日期" in page
    assert 'value="李四"' in page
    assert not Application.objects.exists()


def test_a_step_that_does_not_fit_is_refused_beside_its_field(staff):
    application = registered()
    client = staff("登记员", "依申请登记")
    url = reverse("console:application_event", args=[application.number])

    refused = client.post(url, {"kind": "correction_received", "on": "2026-11-05"})
    no_reason = client.post(url, {"kind": "extended", "on": "2026-11-05", "note": ""})
    done = client.post(url, {"kind": "correction_requested", "on": "2026-11-05"})

    assert refused.status_code == 400
    assert "尚未告知补正，不能登记收到补正" in refused.content.decode()
    assert no_reason.status_code == 400
    assert "延期须写明理由" in no_reason.content.decode()
    assert done.status_code == 302
    board = client.get(reverse("console:applications")).content.decode()
    assert "等待补正（1）" in board


def test_a_reply_is_recorded_and_counted_in_the_years_statistics(staff):
    application = registered()
    client = staff("登记员", "依申请登记")

    replied = client.post(
        reverse("console:application_reply", args=[application.number]),
        {"outcome": "disclosed", "on": "2026-11-20", "fee_yuan": ""},
    )
    report = client.get(reverse("console:application_report", args=[2026]))

    assert replied.status_code == 302
    application.refresh_from_db()
    assert application.outcome == "disclosed"
    assert report.status_code == 200
    assert "予以公开" in report.content.decode()


def test_the_register_page_costs_the_same_queries_for_more_rows(staff):
    client = staff("登记员", "依申请登记")
    registered()
    client.get(reverse("console:applications"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("console:applications"))
    for n in range(8):
        made = registered(name=f"申请人{n}", received=date(2026, 10, 1 + n))
        application_event(
            actor="test", application=made, kind=EventKind.CORRECTION_REQUESTED,
            on=date(2026, 10, 12),
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("console:applications"))

    assert "共 9 件" in page.content.decode()
    assert len(many) == len(few)


def test_a_year_before_2019_is_counted_in_the_2008_tables_rows(staff):
    registered(received=date(2008, 3, 10))
    client = staff("登记员", "依申请登记")

    page = client.get(reverse("console:application_report", args=[2008]))
    missing = client.get(reverse("console:application_report", args=[1999]))

    assert page.status_code == 200
    assert "当面" in page.content.decode()
    assert missing.status_code == 404
