"""The fleet's reads and writes: kiosk and board rows, enrolment, revocation, screenshots."""

from __future__ import annotations

import base64
import io
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from publisher.actors import COUNTY, Actor, OutOfScopeError, Scope
from publisher.boards.config import BoardSet
from publisher.boards.demo import DEMO_BOARDS
from publisher.config import Config, TownConfig
from publisher.devices import (
    DeviceError,
    HeartbeatError,
    device_enrol,
    device_heartbeat,
    heartbeat_parse,
)
from publisher.fleet.screenshots import ScreenshotPolicy
from publisher.fleet.selectors import KioskState, board_rows, kiosk_rows, kiosk_screenshot
from publisher.fleet.services import kiosk_enrol, kiosk_revoke
from publisher.home import Home
from publisher.store.models import AuditLog, Channel, ChannelRelease, Device, DeviceScreenshot

CHANNELS = ("county", "town-nanan", "town-xincheng")
ZHANG = Actor.cli("zhang")
NANAN = Actor.web("chen", scope=Scope.of_town("nanan"))
STALE = timedelta(minutes=20)


def _png(width: int = 36, height: int = 64, colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def _release(channel: str, version: int) -> None:
    row, _ = Channel.objects.get_or_create(key=channel)
    ChannelRelease.objects.create(
        channel=row,
        version=version,
        content_digest="d",
        manifest_sha256="m",
        targets_version=version,
        created_at=timezone.now(),
    )


def _kiosk(name: str, channel: str = "county", **seen: object) -> Device:
    device_enrol(actor=ZHANG, name=name, channel=channel, channels=CHANNELS)
    Device.objects.filter(name=name).update(**seen)
    return Device.objects.get(name=name)


@pytest.mark.django_db
def test_kiosks_come_worst_first_with_words():
    now = timezone.now()
    _release("county", 3)
    _kiosk("current", applied_version=3, last_seen_at=now, last_refresh_ok=True)
    _kiosk("behind", applied_version=2, last_seen_at=now, last_refresh_ok=True)
    _kiosk(
        "failing",
        applied_version=3,
        last_seen_at=now,
        last_refresh_ok=False,
        last_error="fetch: cannot reach",
    )
    _kiosk("lost", applied_version=3, last_seen_at=now - timedelta(hours=2))
    _kiosk("new")
    rows = kiosk_rows(scope=COUNTY, now=now, stale_after=STALE)
    assert [(r.name, r.words) for r in rows] == [
        ("lost", "失联"),
        ("failing", "更新失败"),
        ("new", "从未上线"),
        ("behind", "版本落后"),
        ("current", "正常"),
    ]
    assert rows[0].stale
    assert rows[1].last_error == "fetch: cannot reach"
    assert (rows[3].applied_version, rows[3].latest_version, rows[3].behind) == (2, 3, True)


@pytest.mark.django_db
def test_a_town_sees_its_own_kiosks_and_revoked_ones_only_when_asked():
    now = timezone.now()
    _kiosk("county-1")
    _kiosk("nanan-1", "town-nanan", last_seen_at=now)
    _kiosk("nanan-2", "town-nanan")
    kiosk_revoke(actor=ZHANG, name="nanan-2")
    towns = {"nanan": "南安镇"}
    rows = kiosk_rows(scope=NANAN.scope, now=now, stale_after=STALE, towns=towns)
    assert [(r.name, r.town, r.town_name) for r in rows] == [("nanan-1", "nanan", "南安镇")]
    every = kiosk_rows(scope=COUNTY, now=now, stale_after=STALE, include_revoked=True)
    assert every[-1].state is KioskState.REVOKED
    assert every[-1].name == "nanan-2"


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 200])
def test_kiosk_rows_cost_the_same_queries_for_ten_or_many(count):
    now = timezone.now()
    for channel in CHANNELS:
        _release(channel, 1)
    rows = [
        Device(
            name=f"k{n:04d}",
            channel=Channel.objects.get(key=CHANNELS[n % 3]),
            token_hash=f"{n:064d}",
            last_seen_at=now,
        )
        for n in range(count)
    ]
    Device.objects.bulk_create(rows)
    for device in Device.objects.all()[:5]:
        DeviceScreenshot.objects.create(
            device=device,
            png=_png(),
            sha256="s",
            width=36,
            height=64,
            taken_at=now,
            received_at=now,
        )
    with CaptureQueriesContext(connection) as queries:
        listed = kiosk_rows(scope=COUNTY, now=now, stale_after=STALE)
    assert len(listed) == count
    assert len(queries) == 3
    assert sum(1 for r in listed if r.screenshot_at) == 5


@pytest.mark.django_db
def test_boards_show_last_push_result_and_reachability_in_words():
    from publisher.store.models import BoardState  # noqa: PLC0415

    BoardState.objects.create(
        board_id="hall-k", result="unreachable", reachable=False, failures=3, error="no reply"
    )
    BoardState.objects.create(
        board_id="nanan-g6", result="ok", reachable=True, last_push_at=timezone.now()
    )
    boards = BoardSet(DEMO_BOARDS, ())
    with CaptureQueriesContext(connection) as queries:
        rows = board_rows(boards=boards, scope=COUNTY)
    assert len(queries) == 1
    assert [(r.id, r.result_words, r.reachable_words) for r in rows[:2]] == [
        ("hall-k", "无法连接", "无法连接"),
        ("square-ft", "从未推送", "未知"),
    ]
    assert [r.id for r in board_rows(boards=boards, scope=NANAN.scope)] == ["nanan-g6"]


@pytest.mark.django_db
def test_enrolment_gives_the_token_once_with_the_files_to_provision(tmp_path):
    home = Home(tmp_path)
    home.provision.parent.mkdir(parents=True)
    home.provision.write_text('{"signed": {"_type": "root"}}')
    config = Config(towns=(TownConfig(name="南安镇", id="nanan"),))
    with pytest.raises(DeviceError, match=r"no .*root\.json"):
        kiosk_enrol(
            actor=NANAN, name="x", channel="town-nanan", home=Home(tmp_path / "none"), config=config
        )
    done = kiosk_enrol(
        actor=NANAN, name="nanan-hall-2", channel="town-nanan", home=home, config=config
    )
    assert done.files["token"] == f"{done.token}\n".encode()
    assert json.loads(done.files["root.json"]) == {"signed": {"_type": "root"}}
    steps = done.files["安装说明.txt"].decode()
    assert "--channel town-nanan" in steps
    assert done.token not in steps  # the token travels in its own file, never in the notes
    assert done.token not in json.dumps(list(AuditLog.objects.values_list("detail", flat=True)))
    with pytest.raises(OutOfScopeError):
        kiosk_enrol(actor=NANAN, name="county-9", channel="county", home=home, config=config)
    with pytest.raises(DeviceError, match="exists"):
        kiosk_enrol(
            actor=ZHANG, name="nanan-hall-2", channel="town-nanan", home=home, config=config
        )


@pytest.mark.django_db
def test_a_town_revokes_its_kiosks_and_not_another_towns():
    _kiosk("xincheng-1", "town-xincheng")
    _kiosk("nanan-1", "town-nanan")
    with pytest.raises(DeviceError, match="no active device"):
        kiosk_revoke(actor=NANAN, name="xincheng-1")
    assert Device.objects.get(name="xincheng-1").revoked_at is None
    kiosk_revoke(actor=NANAN, name="nanan-1")
    assert Device.objects.get(name="nanan-1").revoked_at is not None
    assert AuditLog.objects.filter(action="device.revoke").get().actor == "web:chen"


def _beat(png: bytes, **extra: object) -> bytes:
    shot = {"png": base64.b64encode(png).decode(), "taken_at": timezone.now().isoformat()}
    return json.dumps({"applied_version": 0, "screenshot": shot, **extra}).encode()


@pytest.mark.parametrize(
    ("png", "words"),
    [
        (b"GIF89a" + b"\0" * 40, "not a PNG"),
        (_png(2000, 10), "at most 1280x1280"),
        (_png() + b"\0" * 70_000, "at most 65536 bytes"),
    ],
    ids=["not-png", "too-wide", "too-large"],
)
def test_a_bad_screenshot_refuses_the_heartbeat_naming_the_field(png, words):
    with pytest.raises(HeartbeatError, match=words) as refused:
        heartbeat_parse(_beat(png))
    assert refused.value.field == "screenshot.png"


def test_a_screenshot_with_unknown_fields_or_no_time_is_refused():
    for body in (
        b'{"screenshot": {"png": "aGk=", "taken_at": "2026-01-01T00:00:00Z", "x": 1}}',
        b'{"screenshot": {"png": "aGk="}}',
    ):
        with pytest.raises(HeartbeatError) as refused:
            heartbeat_parse(body)
        assert refused.value.field.startswith("screenshot.")


@pytest.mark.django_db
def test_the_latest_screenshot_is_kept_at_most_once_per_interval_and_not_when_off():
    device = _kiosk("hall-1")
    policy = ScreenshotPolicy(min_interval=timedelta(minutes=2))
    first, second = _png(colour="red"), _png(colour="blue")
    device_heartbeat(
        device=device, heartbeat=heartbeat_parse(_beat(first)), address="10.0.0.9", policy=policy
    )
    device_heartbeat(
        device=device, heartbeat=heartbeat_parse(_beat(second)), address="10.0.0.9", policy=policy
    )
    shot = kiosk_screenshot(name="hall-1", scope=COUNTY)
    assert shot is not None
    assert shot.png == first  # the second came too soon
    assert (shot.width, shot.height) == (36, 64)
    assert kiosk_screenshot(name="hall-1", scope=NANAN.scope) is None
    DeviceScreenshot.objects.all().delete()
    device_heartbeat(
        device=device,
        heartbeat=heartbeat_parse(_beat(first)),
        address="",
        policy=ScreenshotPolicy(enabled=False),
    )
    assert not DeviceScreenshot.objects.exists()
    assert Device.objects.get(name="hall-1").last_seen_at is not None  # the rest still counts


@pytest.mark.django_db
def test_device_names_are_checked_and_a_town_enrols_only_on_its_channel():
    with pytest.raises(DeviceError, match="printable"):
        device_enrol(actor=ZHANG, name="bad\nname", channel="county", channels=CHANNELS)
    with pytest.raises(OutOfScopeError):
        device_enrol(actor=NANAN, name="x", channel="town-xincheng", channels=CHANNELS)
