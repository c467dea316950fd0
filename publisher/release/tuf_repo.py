"""The publisher's TUF repository, a folder any static server can serve.

Layout (all immutable but ``timestamp.json``)::

    repository/metadata/N.root.json  N.targets.json  N.snapshot.json  timestamp.json
    repository/targets/channels/<channel>/<sha256>.manifest.json    (hash-prefixed)
    repository/objects/<ab>/<sha256>                                 (release objects)

Consistent snapshots are on; the targets are the channels' manifests. Expiry
is short where re-signing is cheap (timestamp one day, snapshot a week,
targets a month, root a year) and ``refresh`` re-signs well before it.
Built on python-tuf's metadata API.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from securesystemslib.signer import CryptoSigner, Signer
from tuf.api.exceptions import UnsignedMetadataError
from tuf.api.metadata import (
    Metadata,
    MetaFile,
    Root,
    Snapshot,
    TargetFile,
    Targets,
    Timestamp,
)
from tuf.api.serialization.json import JSONSerializer

from content import atomicfile
from publisher.release.keys import ONLINE_ROLES, KeyStore, KeyStoreError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path


__all__ = ["EXPIRY", "RENEW_BEFORE", "TufRepository"]

EXPIRY = {
    "root": timedelta(days=365),
    "targets": timedelta(days=30),
    "snapshot": timedelta(days=7),
    "timestamp": timedelta(days=1),
}
#: Re-sign a role when it would expire within this.
RENEW_BEFORE = {
    "root": timedelta(days=60),
    "targets": timedelta(days=10),
    "snapshot": timedelta(days=3),
    "timestamp": timedelta(hours=12),
}
_SERIALIZER = JSONSerializer(compact=False)


class TufRepository:
    """Sign and publish the repository's metadata and targets.

    Args:
        root: the repository folder (``HOME/repository``).
        keys: where the online keys are.
        now: the clock (tests freeze it).
    """

    def __init__(
        self, root: Path, keys: KeyStore, *, now: Callable[[], datetime] | None = None
    ) -> None:
        self.root = root
        self.metadata = root / "metadata"
        self.targets_dir = root / "targets"
        self.objects = root / "objects"
        self.keys = keys
        self._now = now or (lambda: datetime.now(UTC))

    # --- set-up and key rotation ---------------------------------------------------

    def initialize(self, root_signers: list[Signer], *, threshold: int = 1) -> Path:
        """Create version 1 of every role; return the path of root.json to provision.

        Raises:
            ValueError: the threshold is not met by the root keys given.
        """
        if not 1 <= threshold <= len(root_signers):
            raise ValueError(f"threshold {threshold} needs 1..{len(root_signers)} root keys")
        for folder in (self.metadata, self.targets_dir, self.objects):
            folder.mkdir(parents=True, exist_ok=True)
        online = self.keys.create_online()
        root = Root(expires=self._expiry("root"), consistent_snapshot=True)
        for signer in root_signers:
            root.add_key(signer.public_key, Root.type)
        root.roles[Root.type].threshold = threshold
        for role in ONLINE_ROLES:
            root.add_key(online[role].public_key, role)
        self._write_root(Metadata(root), root_signers)
        self._write(Metadata(Targets(expires=self._expiry("targets"))), "targets", versioned=True)
        self._sign_snapshot_and_timestamp()
        return self.metadata / "root.json"

    def rotate(self, role: str, root_signers: list[Signer]) -> Path:
        """Replace ``role``'s key: a new root version, signed by old and new root keys.

        For ``root``, ``root_signers`` must be the new root keys; the current
        ones are read from the offline folder by the caller and passed as
        ``current_root`` through ``rotate_root``. For online roles the new key
        is made here and the role re-signed.

        Raises:
            KeyStoreError: the root keys do not meet the current threshold.
        """
        current = self._load("root")
        previous = copy.deepcopy(current.signed)
        root: Root = current.signed
        for keyid in list(root.roles[role].keyids):
            root.revoke_key(keyid, role)
        new = KeyStore.write(self.keys.online / f"{role}.pem", _generate())
        root.add_key(new.public_key, role)
        root.version += 1
        root.expires = self._expiry("root")
        self._write_root(current, root_signers, previous=previous)
        if role == "targets":
            targets = self._load("targets")
            targets.signed.version += 1
            targets.signed.expires = self._expiry("targets")
            self._write(targets, "targets", versioned=True)
        self._sign_snapshot_and_timestamp()
        return self.metadata / "root.json"

    def rotate_root(
        self, old_signers: list[Signer], new_signers: list[Signer], threshold: int
    ) -> Path:
        """Replace the root keys; the new root is signed by a threshold of old and new.

        Raises:
            ValueError: the threshold is not met by the new keys.
        """
        if not 1 <= threshold <= len(new_signers):
            raise ValueError(f"threshold {threshold} needs 1..{len(new_signers)} root keys")
        current = self._load("root")
        previous = copy.deepcopy(current.signed)
        root: Root = current.signed
        for keyid in list(root.roles[Root.type].keyids):
            root.revoke_key(keyid, Root.type)
        for signer in new_signers:
            root.add_key(signer.public_key, Root.type)
        root.roles[Root.type].threshold = threshold
        root.version += 1
        root.expires = self._expiry("root")
        self._write_root(current, [*old_signers, *new_signers], previous=previous)
        return self.metadata / "root.json"

    # --- publishing -----------------------------------------------------------------

    def publish(self, files: Mapping[str, bytes]) -> int:
        """Add or replace targets (e.g. channel manifests); return the targets version."""
        metadata = self._load("targets")
        targets: Targets = metadata.signed
        for path, data in files.items():
            info = TargetFile.from_data(path, data, ["sha256"])
            digest = info.hashes["sha256"]
            folder, _, name = path.rpartition("/")
            location = self.targets_dir / folder / f"{digest}.{name}"
            _write_file(location, data)
            targets.targets[path] = info
        targets.version += 1
        targets.expires = self._expiry("targets")
        self._write(metadata, "targets", versioned=True)
        self._sign_snapshot_and_timestamp()
        return targets.version

    def target_path(self, path: str) -> Path | None:
        """The file of the current version of a target, if it exists."""
        info = self._load("targets").signed.targets.get(path)
        if info is None:
            return None
        folder, _, name = path.rpartition("/")
        return self.targets_dir / folder / f"{info.hashes['sha256']}.{name}"

    def put_object(self, sha256: str, data: bytes) -> bool:
        """Store a release object by its hash; return whether it was new."""
        location = self.object_path(sha256)
        if location.exists():
            return False
        _write_file(location, data)
        return True

    def object_path(self, sha256: str) -> Path:
        """Where the object with this hash is stored."""
        return self.objects / sha256[:2] / sha256

    def refresh(self) -> list[str]:
        """Re-sign every online role that expires soon; return the roles re-signed."""
        now = self._now()
        renewed = []
        targets = self._load("targets")
        if targets.signed.expires - now < RENEW_BEFORE["targets"]:
            targets.signed.version += 1
            targets.signed.expires = self._expiry("targets")
            self._write(targets, "targets", versioned=True)
            renewed.append("targets")
        snapshot = self._load("snapshot")
        if renewed or snapshot.signed.expires - now < RENEW_BEFORE["snapshot"]:
            self._sign_snapshot_and_timestamp()
            return [*renewed, "snapshot", "timestamp"]
        timestamp = self._load("timestamp")
        if timestamp.signed.expires - now < RENEW_BEFORE["timestamp"]:
            self._sign_timestamp(snapshot)
            renewed.append("timestamp")
        return renewed

    def expiries(self) -> dict[str, datetime]:
        """When each role's current metadata expires."""
        return {role: self._load(role).signed.expires for role in ("root", *ONLINE_ROLES)}

    # --- helpers --------------------------------------------------------------------

    def _sign_snapshot_and_timestamp(self) -> None:
        targets = self._load("targets")
        if (self.metadata / "snapshot.json").exists():
            snapshot = self._load("snapshot")
            snapshot.signed.version += 1
        else:
            snapshot = Metadata(Snapshot(expires=self._expiry("snapshot")))
        snapshot.signed.expires = self._expiry("snapshot")
        snapshot.signed.meta["targets.json"] = MetaFile(version=targets.signed.version)
        self._write(snapshot, "snapshot", versioned=True)
        self._sign_timestamp(snapshot)

    def _sign_timestamp(self, snapshot: Metadata[Snapshot]) -> None:
        raw = (self.metadata / f"{snapshot.signed.version}.snapshot.json").read_bytes()
        if (self.metadata / "timestamp.json").exists():
            timestamp = self._load("timestamp")
            timestamp.signed.version += 1
        else:
            timestamp = Metadata(Timestamp(expires=self._expiry("timestamp")))
        timestamp.signed.expires = self._expiry("timestamp")
        timestamp.signed.snapshot_meta = MetaFile.from_data(
            snapshot.signed.version, raw, ["sha256"]
        )
        self._write(timestamp, "timestamp", versioned=False)

    def _write_root(
        self, metadata: Metadata[Root], signers: list[Signer], *, previous: Root | None = None
    ) -> None:
        """Sign and write a root; it must meet the threshold of the new and the old root."""
        metadata.signatures.clear()
        for signer in signers:
            metadata.sign(signer, append=True)
        for authority in (metadata.signed, previous):
            if authority is None:
                continue
            try:
                authority.verify_delegate(Root.type, metadata.signed_bytes, metadata.signatures)
            except UnsignedMetadataError as exc:
                raise KeyStoreError(
                    f"the root keys given do not meet the root threshold: {exc}"
                ) from exc
        data = metadata.to_bytes(_SERIALIZER)
        _write_file(self.metadata / f"{metadata.signed.version}.root.json", data)
        _write_file(self.metadata / "root.json", data)

    def _write(self, metadata: Metadata, role: str, *, versioned: bool) -> None:  # type: ignore[type-arg]
        metadata.signatures.clear()
        metadata.sign(self.keys.online_signer(role))
        data = metadata.to_bytes(_SERIALIZER)
        if versioned:
            _write_file(self.metadata / f"{metadata.signed.version}.{role}.json", data)
        _write_file(self.metadata / f"{role}.json", data)

    def _load(self, role: str) -> Metadata:  # type: ignore[type-arg]
        return Metadata.from_file(str(self.metadata / f"{role}.json"))

    def _expiry(self, role: str) -> datetime:
        return (self._now() + EXPIRY[role]).replace(microsecond=0)


def _generate() -> CryptoSigner:
    return CryptoSigner.generate_ed25519()


def _write_file(path: Path, data: bytes) -> None:
    # Served to anyone (the content is public and signed), so 0644; a web
    # server never sees half a file. Folders are not fsynced per file: a
    # release is thousands of objects and the timestamp written last names
    # only what a crash cannot have lost.
    atomicfile.write_atomic(path, data, mode=0o644, sync_dir=False, make_parents=True)
