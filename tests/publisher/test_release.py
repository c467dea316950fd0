"""Publisher side of signed releases: keys, the TUF repository, the release builder."""

from __future__ import annotations

import functools
import http.server
import json
import stat
import threading
from datetime import UTC, datetime, timedelta

import pytest
from securesystemslib.signer import CryptoSigner
from tuf.api.exceptions import ExpiredMetadataError, UnsignedMetadataError
from tuf.api.metadata import Metadata
from tuf.ngclient import Updater

from content import demo
from content.demo._context import sealed
from content.release import Manifest
from content.serialize import to_record
from publisher.config import Config, PublisherSection, SourceConfig, TownConfig
from publisher.home import Home
from publisher.release.builder import ReleaseBuilder, ReleaseError, channels_of
from publisher.release.keys import KeyStore, KeyStoreError
from publisher.release.tuf_repo import TufRepository
from publisher.store import services
from publisher.store.models import Channel, ChannelRelease, Revision

TOWNS = (TownConfig(name="南安镇", id="nanan"), TownConfig(name="新城镇", id="xincheng"))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def static_server():
    """Serve a folder over HTTP on loopback; yields a function folder → base URL."""
    servers = []

    def serve(folder):
        handler = functools.partial(_Quiet, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def _home(tmp_path) -> tuple[Home, Config]:
    home = Home(tmp_path / "home")
    home.make_folders()
    config = Config(
        publisher=PublisherSection(public_url="http://127.0.0.1:8700"),
        towns=TOWNS,
        sources=(SourceConfig(id="s", profile="builtin:dayu/tzgg", site="http://127.0.0.1:8600"),),
    )
    return home, config


def _approve(entities, source_key="s"):
    source = services.source_upsert(
        key=source_key,
        name="t",
        entity_type="notice",
        profile="builtin:dayu/tzgg",
        site="http://127.0.0.1:8600",
        auto_approve=True,
        enabled=True,
    )
    policy = services.Policy(auto_approve=True, max_rewrite_share=1.0, max_removal_share=1.0)
    now = datetime.now(UTC)
    for entity in entities:
        services.revision_record(source=source, entity=entity, run=None, policy=policy, now=now)


def _keys(home: Home, *, count=1, threshold=1):
    signers = KeyStore.create_root(home.offline_root, count)
    repo = TufRepository(home.repository, KeyStore(home.online_keys))
    return repo, repo.initialize(list(signers), threshold=threshold)


def _client(tmp_path, base, root_json, name="client"):
    folder = tmp_path / name
    (folder / "meta").mkdir(parents=True, exist_ok=True)
    (folder / "targets").mkdir(exist_ok=True)
    return Updater(
        str(folder / "meta"),
        f"{base}/metadata/",
        str(folder / "targets"),
        f"{base}/targets/",
        bootstrap=root_json.read_bytes(),
    )


def _manifest(updater, channel) -> Manifest:
    info = updater.get_targetinfo(f"channels/{channel}/manifest.json")
    assert info is not None
    with open(updater.download_target(info), "rb") as handle:  # noqa: PTH123
        return Manifest.model_validate_json(handle.read())


def test_online_keys_are_private_and_root_keys_offline(tmp_path):
    home, _ = _home(tmp_path)
    _keys(home, count=3, threshold=2)
    for role in ("targets", "snapshot", "timestamp"):
        mode = stat.S_IMODE((home.online_keys / f"{role}.pem").stat().st_mode)
        assert mode == 0o600
    assert len(list(home.offline_root.glob("root-*.pem"))) == 3
    assert not list(home.online_keys.glob("root*"))
    root = json.loads((home.repository / "metadata" / "root.json").read_text())
    assert root["signed"]["roles"]["root"]["threshold"] == 2
    assert root["signed"]["consistent_snapshot"] is True


@pytest.mark.django_db
def test_releases_verify_with_the_tuf_client_and_rebuild_only_on_change(tmp_path, static_server):
    home, config = _home(tmp_path)
    _, root_json = _keys(home)
    county = demo.generate_county()
    county_notice = next(n for n in county.notices if n.scope == "county")
    town_notice = next(n for n in county.notices if n.scope == "town-nanan")
    _approve([county_notice, town_notice])
    builder = ReleaseBuilder(home=home, config=config)
    first = {o.channel: o for o in builder.build()}
    assert set(first) == set(channels_of(config)) == {"county", "town-nanan", "town-xincheng"}
    assert all(o.version == 1 for o in first.values())
    base = static_server(home.repository)
    updater = _client(tmp_path, base, root_json)
    updater.refresh()
    nanan = _manifest(updater, "town-nanan")
    assert nanan.indexes["notice"].count == 2  # county content plus the town's own
    assert _manifest(updater, "county").indexes["notice"].count == 1
    assert all(
        builder.repository().object_path(ref.sha256).exists() for ref in nanan.indexes.values()
    )

    # Nothing changed: nothing rebuilt.
    assert all(o.version is None for o in builder.build())
    # A town item changed: only that town's channel gets a new release.
    edited = town_notice.model_copy(update={"body_text": town_notice.body_text + "（更正）"})
    _approve([sealed(edited)])
    assert Channel.objects.get(key="town-nanan").dirty_since is not None
    assert Channel.objects.get(key="county").dirty_since is None
    second = {o.channel: o.version for o in builder.build_dirty()}
    assert second == {"town-nanan": 2}
    assert ChannelRelease.objects.filter(channel__key="town-nanan").count() == 2
    later = _client(tmp_path, base, root_json, name="later")
    later.refresh()
    assert _manifest(later, "town-nanan").version == 2


@pytest.mark.django_db
def test_approving_in_review_marks_channels_dirty():
    county = demo.generate_county()
    notice = next(n for n in county.notices if n.scope == "county")
    source = services.source_upsert(
        key="s",
        name="t",
        entity_type="notice",
        profile="builtin:dayu/tzgg",
        site="http://127.0.0.1:8600",
        auto_approve=False,
        enabled=True,
    )
    policy = services.Policy(auto_approve=False, max_rewrite_share=1.0, max_removal_share=1.0)
    services.revision_record(
        source=source, entity=notice, run=None, policy=policy, now=datetime.now(UTC)
    )
    assert not Channel.objects.filter(dirty_since__isnull=False).exists()
    services.revision_approve(revision=Revision.objects.get(), actor="tester", secrecy_checked=True)
    assert Channel.objects.get(key="county").dirty_since is not None


def test_release_needs_keys(tmp_path):
    home, config = _home(tmp_path)
    with pytest.raises(ReleaseError, match="keys init"):
        ReleaseBuilder(home=home, config=config).repository()


def test_rotating_an_online_key_is_followed_by_clients(tmp_path, static_server):
    home, _ = _home(tmp_path)
    repo, root_json = _keys(home)
    repo.publish({"channels/county/manifest.json": b'{"v": 1}'})
    base = static_server(home.repository)
    _client(tmp_path, base, root_json).refresh()
    old = (home.online_keys / "timestamp.pem").read_bytes()
    repo.rotate("timestamp", KeyStore.root_signers(home.offline_root))
    assert (home.online_keys / "timestamp.pem").read_bytes() != old
    repo.publish({"channels/county/manifest.json": b'{"v": 2}'})
    client = Updater(
        str(tmp_path / "client" / "meta"),
        f"{base}/metadata/",
        str(tmp_path / "client" / "targets"),
        f"{base}/targets/",
        bootstrap=None,
    )
    client.refresh()
    info = client.get_targetinfo("channels/county/manifest.json")
    with open(client.download_target(info), "rb") as handle:  # noqa: PTH123
        assert handle.read() == b'{"v": 2}'


def test_a_root_rotation_needs_the_threshold_of_root_keys(tmp_path):
    home, _ = _home(tmp_path)
    repo, _ = _keys(home, count=3, threshold=2)
    signers = KeyStore.root_signers(home.offline_root)
    new = KeyStore.create_root(tmp_path / "new-root", 2)
    with pytest.raises(KeyStoreError):
        repo.rotate_root(signers[:1], list(new), 2)  # one old key, threshold 2
    repo.rotate_root(signers[:2], list(new), 2)
    root = json.loads((home.repository / "metadata" / "root.json").read_text())
    assert root["signed"]["version"] == 2


def test_a_wrong_key_is_rejected_by_clients(tmp_path, static_server):
    home, _ = _home(tmp_path)
    repo, root_json = _keys(home)
    repo.publish({"channels/county/manifest.json": b"{}"})
    # An attacker with write access to the files but not the keys re-signs targets.
    path = home.repository / "metadata" / "2.targets.json"
    forged = Metadata.from_file(str(path))
    forged.signatures.clear()
    forged.sign(CryptoSigner.generate_ed25519())
    forged.to_file(str(path))
    base = static_server(home.repository)
    with pytest.raises(UnsignedMetadataError):
        _client(tmp_path, base, root_json).refresh()


def test_timestamps_are_re_signed_well_before_they_expire(tmp_path, static_server):
    home, _ = _home(tmp_path)
    clock = [datetime.now(UTC)]
    repo = TufRepository(home.repository, KeyStore(home.online_keys), now=lambda: clock[0])
    root_json = repo.initialize(list(KeyStore.create_root(home.offline_root, 1)))
    assert repo.refresh() == []  # nothing near expiry
    clock[0] += timedelta(hours=13)
    assert repo.refresh() == ["timestamp"]
    assert repo.expiries()["timestamp"] > clock[0] + timedelta(hours=23)
    clock[0] += timedelta(days=5)
    assert "snapshot" in repo.refresh()
    # Without re-signing, clients refuse metadata past its expiry.
    stale = TufRepository(
        tmp_path / "stale",
        KeyStore(tmp_path / "stale-keys"),
        now=lambda: datetime.now(UTC) - timedelta(days=2),
    )
    stale_root = stale.initialize(list(KeyStore.create_root(tmp_path / "stale-root", 1)))
    with pytest.raises(ExpiredMetadataError):
        _client(tmp_path, static_server(tmp_path / "stale"), stale_root, name="stale").refresh()
    del root_json


def test_the_release_carries_approved_content_only(tmp_path):
    home, config = _home(tmp_path)
    del home, config
    county = demo.generate_county()
    record = to_record(county.notices[0])
    assert "provenance" in record  # releases keep provenance for 来源 on screens


@pytest.mark.django_db
def test_releases_and_boards_share_one_cache_of_validated_content(tmp_path, caplog):
    from publisher.boards.store import snapshot_load  # noqa: PLC0415
    from publisher.store.approved import ApprovedCache, approved_entities  # noqa: PLC0415
    from publisher.store.models import Item  # noqa: PLC0415

    _, config = _home(tmp_path)
    notices = [n for n in demo.generate_county().notices if n.scope == "county"][:3]
    _approve(notices)
    cache = ApprovedCache()
    released = approved_entities(cache=cache)
    snapshot = snapshot_load(config, approved=cache)
    # the boards get the very objects the release validated: validated once
    assert {id(n) for n in snapshot.notices} == {id(e) for e in released}
    assert snapshot.allowed_hosts == config.allowed_hosts() == {"127.0.0.1:8600", "127.0.0.1:8700"}
    # a revision that no longer validates is left out, and said once
    broken = Item.objects.get(key=notices[0].id).current
    Revision.objects.filter(pk=broken.pk).update(data={"title": ""})
    fresh = ApprovedCache()
    with caplog.at_level("WARNING", logger="gongkai.store"):
        assert len(approved_entities(cache=fresh)) == 2
        assert len(approved_entities(cache=fresh)) == 2
    assert len([r for r in caplog.records if "left off" in r.getMessage()]) == 1
    # what is no longer published leaves the cache
    Item.objects.filter(key=notices[1].id).update(state=Item.State.REMOVED)
    approved_entities(cache=fresh)
    assert len(fresh) == 2  # one valid, one remembered as invalid


@pytest.mark.django_db
def test_an_approval_landing_mid_build_is_not_cleared_unreleased(tmp_path):
    home, config = _home(tmp_path)
    _keys(home)
    county = demo.generate_county()
    first, second = [n for n in county.notices if n.scope == "county"][:2]
    _approve([first])
    landed = []

    def approve_now():
        # Between the build's read of the approved content and its clear of the flag.
        if not landed:
            landed.append(True)
            _approve([second])

    builder = ReleaseBuilder(home=home, config=config, after_read=approve_now)
    assert {o.channel: o.version for o in builder.build_dirty()}["county"] == 1
    assert landed
    assert Channel.objects.get(key="county").dirty_since is not None  # still to release
    again = {o.channel: o for o in builder.build_dirty()}
    assert again["county"].version == 2
    assert again["county"].entities == 2  # the approval that landed mid-build
    assert not Channel.objects.filter(dirty_since__isnull=False).exists()
    assert builder.build_dirty() == []


@pytest.mark.django_db(transaction=True)
def test_two_builds_of_one_home_never_interleave(tmp_path):
    home, config = _home(tmp_path)
    _keys(home)
    _approve([next(n for n in demo.generate_county().notices if n.scope == "county")])
    inside, release, events = threading.Event(), threading.Event(), []

    def hold():
        events.append("first read")
        inside.set()
        assert release.wait(20)
        events.append("first done")

    holder = ReleaseBuilder(home=home, config=config, after_read=hold)
    other = ReleaseBuilder(
        home=home, config=config, after_read=lambda: events.append("second read")
    )
    first = threading.Thread(target=holder.build)
    first.start()
    assert inside.wait(20)
    second = threading.Thread(target=other.build)
    second.start()
    second.join(0.5)
    assert second.is_alive()  # waiting for the lock, not building
    release.set()
    first.join(20)
    second.join(20)
    assert events == ["first read", "first done", "second read"]
    impatient = ReleaseBuilder(home=home, config=config, after_read=hold, lock_wait=0.2)
    release.clear()
    inside.clear()
    blocker = threading.Thread(target=holder.build)
    blocker.start()
    assert inside.wait(20)
    with pytest.raises(ReleaseError, match="another release is being built"):
        impatient.build()
    release.set()
    blocker.join(20)
