"""The console in a real browser: Debian's chromium driven by Playwright against `gongkai serve`.

The home is the demo county's (synced, signed, one kiosk enrolled; ``servekit``).
A reviewer made by `gongkai user add` logs in with the one-time password, is
made to change it, opens the queue, approves a revision with the secrecy check
and watches the release that follows appear live (htmx), then starts a bulk
approval and sees the count to confirm. With ``GONGKAI_SCREENSHOTS=DIR`` each
page is saved there as a PNG (docs/screenshots/console/ holds the ones looked at).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from ..servekit import run, served

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NEW_PASSWORD = "Zhangjiang-bridge-77"  # noqa: S105 - the test reviewer's

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def publisher(tmp_path_factory):
    with served(tmp_path_factory.mktemp("console")) as it:
        yield it


@pytest.fixture
def browser():
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox"], headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


def shoot(page, name):
    folder = os.environ.get("GONGKAI_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_log_in_change_the_password_and_approve_an_item(publisher, browser):
    made = json.loads(
        run("user", "add", "审核员甲", "--role", "审核员", "--home", str(publisher.home), "--json")
    )
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")

    first_login(page, publisher.base, made["password"])

    page.click("nav >> text=内容审核")
    rows = page.locator("table.rows tbody tr")
    assert rows.count() >= 2
    shoot(page, "queue")
    title = rows.first.locator("td:nth-child(3) a").inner_text()
    rows.first.locator("td:nth-child(3) a").click()
    assert page.locator("h1").inner_text() == title
    shoot(page, "revision")

    page.click("button:has-text('通过并发布')")  # without the secrecy check: refused
    assert page.is_visible("text=发布前须确认已完成保密审查")
    page.check("#id_secrecy_checked")
    page.click("button:has-text('通过并发布')")
    assert page.is_visible("text=已通过并将发布")
    # The scheduler releases within seconds; htmx swaps the status in without a reload.
    page.wait_for_selector("#release table", timeout=30_000)
    assert "/ 1" in page.locator("#release").inner_text()  # of the channel's one kiosk
    shoot(page, "approved")

    page.click("text=返回审核列表")
    boxes = page.locator("table.rows tbody input[type=checkbox]")
    left = boxes.count()
    assert left >= 1
    for n in range(left):
        boxes.nth(n).check()
    page.click("button:has-text('批量通过所选')")
    assert page.locator(".confirm strong").inner_text() == str(left)
    shoot(page, "bulk-confirm")
    page.check("#id_secrecy_checked")
    page.click(f"button:has-text('确认通过 {left} 条')")
    assert page.is_visible(f"text=已通过 {left} 条")
    assert page.is_visible("text=没有符合条件的待审修订")


def test_the_register_of_applications_and_one_application(publisher, browser):
    home = str(publisher.home)
    register = Path(__file__).parents[3] / "publisher/applications/demo/register.csv"
    run("applications", "import", str(register), "--home", home)
    made = json.loads(
        run("user", "add", "登记员甲", "--role", "依申请登记", "--home", home, "--json")
    )
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")

    first_login(page, publisher.base, made["password"], name="登记员甲")

    page.click("nav >> text=依申请公开")
    assert page.locator("table.rows tbody tr").count() >= 10
    assert page.is_visible("text=已逾期")
    shoot(page, "applications")
    page.locator(".board section:nth-child(2) a").first.click()  # the first overdue one
    assert page.is_visible("text=办理过程")
    assert page.is_visible("button:has-text('登记答复')")
    assert page.locator(".personal").count() == 0
    shoot(page, "application")
    page.click("button:has-text('查看申请人信息')")
    assert page.is_visible("text=本次查看已记入审计日志")
    assert page.locator(".personal").count() == 1
    page.goto(f"{publisher.base}/staff/applications/report/2008/")
    assert page.locator("table.stats").count() == 1
    shoot(page, "application-report-2008")


def first_login(page, base, password, *, name="审核员甲"):
    """Log in with the one-time password and change it, refused once for a short one."""
    page.goto(f"{base}/staff/")
    assert "/staff/login/" in page.url
    shoot(page, "login")
    page.fill("#id_username", name)
    page.fill("#id_password", password)
    page.click("button:has-text('登录')")

    page.goto(f"{base}/staff/review/")
    assert page.url.endswith("/staff/password/")
    assert page.is_visible("text=这是一次性密码")
    page.fill("#id_old_password", password)
    page.fill("#id_new_password1", "short")
    page.fill("#id_new_password2", "short")
    page.click("button:has-text('保存新密码')")
    assert page.locator(".field.invalid").count() >= 1  # refused beside the field
    shoot(page, "password")
    page.fill("#id_old_password", password)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("button:has-text('保存新密码')")
    assert page.is_visible("text=密码已修改")
    shoot(page, "home")
