"""Fixtures of the console tests: collected static files, staff accounts, revisions.

Static files are collected once per session into a temporary folder (the
manifest storage needs them to name files by hash). ``staff`` makes an account
through the same service `gongkai user add` uses, with its password already
changed unless asked otherwise, and returns a logged-in test client.
``revisions`` writes items and revisions straight into the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from publisher.console.models import StaffProfile
from publisher.console.services import user_add
from publisher.store.models import Item, Revision, Source

PASSWORD = "Qiantang-river-2026"  # noqa: S105 - a test account's
TOWNS = {"nanan": "南安镇", "huangdi": "黄龙镇"}


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    before = settings.STATIC_ROOT
    settings.STATIC_ROOT = root
    call_command("collectstatic", interactive=False, verbosity=0)
    yield root
    settings.STATIC_ROOT = before


@pytest.fixture(autouse=True)
def towns(settings):
    # PBKDF2's million rounds cost a second per login on these two cores; the rounds
    # are Django's to test, not ours.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.GONGKAI_TOWNS = dict(TOWNS)
    settings.GONGKAI_REVIEW_LIMITS = (0.5, 0.2)
    return settings.GONGKAI_TOWNS


@pytest.fixture
def staff(db):
    """``staff("name", "审核员", town="nanan")`` → a logged-in client of a new account."""

    def make(
        name: str, *roles: str, town: str = "", changed: bool = True, csrf: bool = False
    ) -> Client:
        made = user_add(actor="test", name=name, roles=roles, town=town, towns=set(TOWNS))
        made.user.set_password(PASSWORD)
        made.user.save()
        StaffProfile.objects.filter(user=made.user).update(must_change_password=not changed)
        client = Client(enforce_csrf_checks=csrf)
        client.force_login(User.objects.get(username=name))
        return client

    return make


@dataclass
class Store:
    source: Source

    def revision(
        self,
        *,
        title: str = "关于开展冬季防火检查的通知",
        scope: str = "county",
        status: str = Revision.Status.PENDING,
        kind: str = Revision.Kind.NEW,
        data: dict[str, Any] | None = None,
        published: dict[str, Any] | None = None,
        change_share: float = 0.0,
        key: str | None = None,
    ) -> Revision:
        """An item of ``scope`` with one revision awaiting review (and a published one)."""
        now = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
        number = Item.objects.count() + 1
        item = Item.objects.create(
            source=self.source,
            key=key or f"notice-{number}",
            entity_type="notice",
            scope=scope,
            title=title if published else "",
            url=f"http://county.example/tzgg/{number}.shtml",
        )
        seq = 1
        if published is not None:
            old = Revision.objects.create(
                item=item, seq=1, kind=Revision.Kind.NEW, status=Revision.Status.APPROVED,
                data=published, source_url=item.url, fetched_at=now,
            )  # fmt: skip
            item.current = old
            item.save()
            seq = 2
        return Revision.objects.create(
            item=item,
            seq=seq,
            kind=kind,
            status=status,
            data=data if data is not None else {"title": title, "body_text": "正文"},
            source_url=item.url,
            fetched_at=now,
            change_share=change_share,
        )


@pytest.fixture
def store(db):
    source = Source.objects.create(
        key="dayu-tzgg", name="通知公告", entity_type="notice",
        profile="builtin:dayu/tzgg", site="http://county.example",
    )  # fmt: skip
    return Store(source)
