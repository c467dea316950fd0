"""``ReleaseReader``: what the kiosk app reads, through the shared store."""

from __future__ import annotations

import hashlib

import pytest

from content.enums import EntityType
from kiosk.agent import NoReleaseError, ReleaseReader, StorageError, VerificationError

from .localrepo import LocalRepo, edited, local_agent, provisioned, small_entities


@pytest.fixture(scope="module")
def content():
    return small_entities()


@pytest.fixture
def kiosk(tmp_path, content):
    entities, images = content
    repo = LocalRepo(tmp_path / "publisher")
    repo.release(entities, images)
    home = provisioned(tmp_path / "kiosk", repo)
    return repo, home


def test_a_new_kiosk_has_nothing_to_read(kiosk):
    _, home = kiosk
    with pytest.raises(NoReleaseError):
        ReleaseReader(home)


def test_the_reader_lists_entries_records_images_and_the_loop(kiosk):
    repo, home = kiosk
    assert local_agent(repo, home).refresh().result == "activated"

    reader = ReleaseReader(home)

    assert reader.version == 1
    assert reader.name == (home / "active").resolve().name
    entries = list(reader.entries())
    assert len(entries) == sum(root.count for root in reader.manifest.indexes.values())
    leaders = list(reader.entries(EntityType.LEADER))
    assert len(leaders) == reader.manifest.indexes[EntityType.LEADER].count
    assert {t for t, _, _ in leaders} == {EntityType.LEADER}
    for _, leaf, entry in leaders:
        assert leaf["kind"] == "leaf"
        record = reader.record(entry)
        assert record["id"] == entry["id"]
        for sha in entry["files"]:
            path = reader.path(sha)
            assert path.is_relative_to(home / "objects")
            assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
    assert any(entry["files"] for _, _, entry in leaders)
    loop = reader.loop()
    assert set(loop) == {"notices", "figures"}
    assert not reader.changed()


def test_a_reader_stays_on_its_release_until_it_moves_on(kiosk, content):
    repo, home = kiosk
    entities, images = content
    assert local_agent(repo, home).refresh().result == "activated"
    reader = ReleaseReader(home)
    repo.release(edited(entities, EntityType.LEADER), images)
    assert local_agent(repo, home).refresh().result == "activated"

    assert reader.changed()
    assert reader.version == 1
    assert len(list(reader.entries())) > 0  # v1 is previous: its objects are kept
    newer = ReleaseReader(home)
    assert newer.version == 2
    assert not newer.changed()


def test_the_reader_refuses_damaged_and_missing_objects(kiosk):
    repo, home = kiosk
    assert local_agent(repo, home).refresh().result == "activated"
    reader = ReleaseReader(home)
    [(_, _, entry), *_] = reader.entries(EntityType.AGENCY)
    path = reader.store.path(entry["object"])
    path.write_bytes(b"{}")
    with pytest.raises(VerificationError):
        reader.record(entry)
    assert ReleaseReader(home, verify=False).record(entry) == {}
    path.unlink()
    with pytest.raises(StorageError):
        reader.record(entry)
