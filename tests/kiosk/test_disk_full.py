"""A full disk (ENOSPC) at any point of a download or activation fails cleanly.

The agent's file system is injected (``kiosk.agent.FileSystem``); ``_DiskFull``
refuses the first call that matches a case with ENOSPC, as a full disk would.
"""

from __future__ import annotations

import errno
import os
import shutil
from dataclasses import dataclass

import pytest

from kiosk.agent import ActivationError, FileSystem, StorageError, state_load, verify_release

from .repokit import link


@dataclass(frozen=True)
class Case:
    operation: str
    where: str  # a substring of the path
    nth: int = 1
    error: type = ActivationError
    kind: str = "activation"


CASES = {
    "storing a downloaded object": Case("write", "/objects/", error=StorageError, kind="storage"),
    "making the staging folder": Case("mkdir", "/releases/.staging-"),
    "storing a later object": Case("write", "/objects/", nth=4, error=StorageError, kind="storage"),
    "writing the manifest": Case("write", "/manifest.json"),
    "writing the release record": Case("write", "/release.json"),
    "linking the object store": Case("symlink", "/releases/.staging-"),
    "syncing the staging folder": Case("fsync", "/releases/.staging-"),
    "committing the staging folder": Case("rename", "/releases/"),
    "making the new active link": Case("symlink", "/active.tmp"),
    "switching active": Case("rename", "/active"),
}


class _DiskFull(FileSystem):
    def __init__(self, case: Case) -> None:
        self.case = case
        self.matches = 0
        self.failed = False

    def _before(self, operation, path):
        if operation == self.case.operation and self.case.where in str(path):
            self.matches += 1
            if self.matches == self.case.nth:
                self.failed = True
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_full_disk_fails_cleanly_and_leaves_active(
    case, repo_server, new_home, make_agent, publisher
):
    server = repo_server("v1")
    home = new_home()
    assert make_agent(server.url, home).refresh().version == 1
    before = link(home / "active")
    server.folder = server.folder.with_name("repo-v2-next")
    shutil.copytree(publisher.repo_v2, server.folder)
    full = _DiskFull(case)

    report = make_agent(server.url, home, fs=full).refresh()

    assert full.failed, "the case did not match any file-system call"
    assert report.result == "failed"
    assert type(report.error) is case.error
    assert report.error.disk_full
    assert link(home / "active") == before
    verify_release((home / "active").resolve())
    assert not list((home / "releases").glob(".staging-*"))
    assert not (home / "active.tmp").is_symlink()
    assert sorted(p.name for p in (home / "releases").iterdir()) == [before.split("/")[1]]
    state = state_load(home / "state.json")
    assert state.last_error_kind == case.kind
    assert "No space left on device" in state.last_error
    # Space freed: the next refresh completes.
    report = make_agent(server.url, home).refresh()
    assert report.result == "activated"
    assert report.version == 2


def test_a_full_disk_on_a_new_kiosk_leaves_no_active(repo_server, new_home, make_agent):
    server = repo_server("v1")
    home = new_home()
    full = _DiskFull(Case("symlink", "/releases/.staging-"))

    report = make_agent(server.url, home, fs=full).refresh()

    assert isinstance(report.error, ActivationError)
    assert not (home / "active").is_symlink()
    assert list((home / "releases").iterdir()) == []
    # The objects already verified are kept: the retry downloads nothing.
    server.reset()
    assert make_agent(server.url, home).refresh().result == "activated"
    assert server.requests("/repo/objects/") == []
