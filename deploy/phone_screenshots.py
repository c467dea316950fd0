# ruff: noqa: T201, INP001 - a script for the docs' screenshots: it prints what it took
r"""Phone screenshots of the short-link pages, one per entity type and one of a document.

Opens each page of a served publisher in Chromium (Playwright, /usr/bin/chromium,
nothing downloaded) at a phone's 390x844 with WeChat's user agent, and writes
``<type>.png`` (and ``document.png``, ``notice-dark.png``) into the folder given.
The items are the first of each type, by id, in the home's store::

    .venv/bin/python deploy/phone_screenshots.py --home var/demo \\
        --base http://127.0.0.1:8700 --out docs/screenshots/phone
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

WECHAT = (
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 "
    "MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN"
)


def pages(home: Path) -> dict[str, str]:
    """Screenshot name → path on the publisher, from the home's store."""
    from publisher.django_setup import setup  # noqa: PLC0415 - Django only once asked
    from publisher.home import resolve_home  # noqa: PLC0415

    setup(resolve_home(home))
    from publisher.store.models import Item, ShortLink  # noqa: PLC0415

    codes = dict(ShortLink.objects.filter(kind="d").values_list("target", "code"))
    found: dict[str, str] = {}
    items = Item.objects.filter(state=Item.State.ACTIVE, key__in=list(codes)).order_by("key")
    for item in items.select_related("current"):
        data = item.current.data if item.current else {}
        if item.entity_type == "power_item" and not (data.get("flowchart") or {}).get("steps"):
            continue  # show one with its steps
        if item.entity_type in {"notice", "catalogue_entry"} and not data.get("attachments"):
            continue  # show one with an attachment
        if item.entity_type == "leader" and not data.get("photo"):
            continue
        found.setdefault(item.entity_type, f"/d/{codes[item.key]}")
    document = ShortLink.objects.filter(kind="f").order_by("code").first()
    if document is not None:
        found["document"] = f"/f/{document.code}"
    return found


def main() -> None:
    """Take the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--base", required=True, help="the publisher's URL")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    chosen = pages(args.home)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        for scheme in ("light", "dark"):
            context = browser.new_context(
                viewport={"width": 390, "height": 844}, user_agent=WECHAT, is_mobile=True,
                has_touch=True, device_scale_factor=2, locale="zh-CN", color_scheme=scheme,
            )  # fmt: skip
            page = context.new_page()
            for name, path in sorted(chosen.items()):
                if scheme == "dark" and name != "notice":
                    continue
                page.goto(args.base.rstrip("/") + path, wait_until="networkidle")
                suffix = "-dark" if scheme == "dark" else ""
                page.screenshot(path=str(args.out / f"{name}{suffix}.png"))
                print(f"{name}{suffix}: {path}")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
