"""The short links over real sockets, and their pages in a real phone browser.

A publisher home synced from the demo county is served by ``gongkai serve`` on
127.0.0.1; its QR code is drawn as the kiosk draws it (level M) and read back
by zbar; Chromium (Playwright, the system's /usr/bin/chromium, nothing
downloaded) opens the link at a phone's 390x844 with WeChat's user agent.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import qrcode
import qrcode.constants
from pyzbar.pyzbar import decode

from .servekit import request, served

CHROMIUM = "/usr/bin/chromium"
WECHAT = (
    "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
    "MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
PHONE = {"width": 390, "height": 844}
SOURCES = ("dayu-tzgg", "dayu-gkzn", "dayu-zdxm", "dayu-ldxx", "dayu-gknb")


@pytest.fixture(scope="module")
def publisher(tmp_path_factory):
    with served(tmp_path_factory.mktemp("phone"), sources=SOURCES) as it:
        yield it


@pytest.fixture(scope="module")
def store(publisher):
    """(item key → (code, entity type, record)), (sha256 → code), read from the home's store."""
    db = sqlite3.connect(f"file:{publisher.home / 'db.sqlite3'}?mode=ro", uri=True)
    rows = db.execute(
        "SELECT l.code, i.key, i.entity_type, r.data FROM store_shortlink l "
        "JOIN store_item i ON i.key = l.target JOIN store_revision r ON r.id = i.current_id "
        "WHERE l.kind = 'd'"
    ).fetchall()
    files = dict(db.execute("SELECT target, code FROM store_shortlink WHERE kind = 'f'"))
    db.close()
    return {key: (code, kind, json.loads(data)) for code, key, kind, data in rows}, files


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: deploy/debian-packages.txt installs it")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def _phone(browser, **options):
    return browser.new_context(
        viewport=PHONE, user_agent=WECHAT, is_mobile=True, has_touch=True,
        device_scale_factor=2, locale="zh-CN", **options,
    )  # fmt: skip


def _first(store, entity_type, test=lambda _: True):
    items, _ = store
    for key, (code, kind, record) in sorted(items.items()):
        if kind == entity_type and test(record):
            return key, code, record
    raise AssertionError(f"no {entity_type}")


def _scanned(url: str) -> tuple[str, int]:
    """``url`` drawn as the kiosk draws its QR code, read back by zbar: (text, version)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=8)
    code.add_data(url)
    code.make(fit=True)
    (symbol,) = decode(code.make_image().get_image())
    return symbol.data.decode(), code.version


def test_a_scanned_short_link_opens_a_readable_page_in_wechat(publisher, store, browser):
    _, code, record = _first(store, "notice", lambda r: r.get("attachments"))
    url, version = _scanned(f"{publisher.base}/d/{code}")
    assert url == f"{publisher.base}/d/{code}"
    assert version <= 3
    context = _phone(browser)
    page = context.new_page()
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    answer = page.goto(url)
    assert answer.status == 200
    assert page.locator("h1").inner_text() == record["title"]
    assert record["publisher"] in page.locator("dl").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    assert size >= 18
    assert all(u.startswith(publisher.base) for u in seen), seen  # no third-party resource
    page.get_by_text("在线阅读").first.click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{publisher.base}/f/")
    assert (
        record["attachments"][0]["name"].removesuffix(".pdf") in page.locator("main").inner_text()
    )
    assert len(page.locator(".doc p").all()) >= 1  # the PDF's text, as HTML
    context.close()


def test_large_text_and_reading_need_no_script(publisher, store, browser):
    _, code, _ = _first(store, "guide")
    context = _phone(browser, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{publisher.base}/d/{code}")
    before = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)"
    )
    assert page.locator("#speak").is_hidden()  # 朗读 needs the browser's speech: offered by script
    page.locator("label[for=big]").click()
    after = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    assert after >= before * 1.3
    context.close()


def test_a_desktop_browser_gets_the_same_page_in_a_column(publisher, store, browser):
    _, code, record = _first(store, "project")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{publisher.base}/d/{code}")
    assert page.locator("h1").inner_text() == record["name"]
    assert page.locator("main").bounding_box()["width"] <= 800
    assert page.locator("#speak").is_visible() == page.evaluate("'speechSynthesis' in window")
    context.close()


def test_pages_are_cacheable_small_and_utf8(publisher, store):
    _, code, _ = _first(store, "notice")
    status, headers, body = request(f"{publisher.base}/d/{code}")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"].startswith("public, max-age=")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert len(body) <= 100 * 1024
    again = request(f"{publisher.base}/d/{code}", headers={"If-None-Match": headers["ETag"]})
    assert again[0] == 304
    assert again[2] == b""
    head = request(f"{publisher.base}/d/{code}", method="HEAD")
    assert head[0] == 200
    assert head[2] == b""
    assert request(f"{publisher.base}/d/{code.upper()}")[2] == body  # typed in capitals


def test_unknown_codes_and_other_methods_are_refused(publisher, store):
    _, code, _ = _first(store, "notice")
    status, headers, body = request(f"{publisher.base}/d/zzzzz")
    assert status == 404
    assert "没有这个链接" in body.decode()
    assert headers["Cache-Control"] == "public, max-age=60"
    assert request(f"{publisher.base}/d/{code}", data=b"x", method="POST")[0] == 405
    assert request(f"{publisher.base}/d/{code}", data=b"x", method="GET")[0] == 413  # no body
    assert request(f"{publisher.base}/d/{'a' * 40}")[0] == 404
    assert request(f"{publisher.base}/f/{code}?p=abc")[0] == 404


def test_old_long_links_keep_working(publisher, store):
    _, files = store
    sha = min(files)
    status, headers, _ = request(f"{publisher.base}/docs/{sha}")
    assert status == 200
    assert headers["Content-Disposition"].startswith("inline")
