"""TUF signing keys of a publisher home.

* The **root** keys sign who may sign what. They are written to a folder meant
  to be carried offline (``--root-dir``, by default ``HOME/keys/offline-root``
  with a README saying so) and are needed only to initialise and rotate keys.
  Several root keys with a threshold are supported.
* The **targets**, **snapshot** and **timestamp** keys stay online in
  ``HOME/keys/online`` (mode 0600): releases and timestamp re-signing use them.

Keys are Ed25519, PEM/PKCS#8 files read through securesystemslib's
``file2:`` URIs. No key is ever in the repository: ``gongkai keys init`` makes
them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from securesystemslib.signer import CryptoSigner, Signer, SSlibKey

from content import atomicfile
from publisher.errors import UnavailableError

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

__all__ = ["ONLINE_ROLES", "KeyStore", "KeyStoreError"]

ONLINE_ROLES = ("targets", "snapshot", "timestamp")
_README = """These are the ROOT signing keys of a Gongkai publisher.

Move this folder to offline storage (a USB stick kept in a safe). They are needed
only to initialise the repository and to rotate keys (gongkai keys rotate ROLE
--root-dir THIS_FOLDER). Anyone holding a threshold of them can make every kiosk
of the county trust anything. Keep at least two copies, apart.
"""


class KeyStoreError(UnavailableError):
    """A key is missing, unreadable or does not match the repository."""


class KeyStore:
    """Where a home's keys live, and how to load them as signers.

    Args:
        online: the folder of the online keys (``HOME/keys/online``).
    """

    def __init__(self, online: Path) -> None:
        self.online = online

    def create_online(self) -> dict[str, CryptoSigner]:
        """Make fresh keys for the three online roles (existing ones are replaced)."""
        return {role: self.write(self.online / f"{role}.pem", CryptoSigner.generate_ed25519())
                for role in ONLINE_ROLES}  # fmt: skip

    def online_signer(self, role: str) -> Signer:
        """The signer of an online role.

        Raises:
            KeyStoreError: the key file is missing or unreadable.
        """
        return load_signer(self.online / f"{role}.pem")

    @staticmethod
    def create_root(folder: Path, count: int) -> list[CryptoSigner]:
        """Make ``count`` root keys in ``folder`` (the offline folder) with a README."""
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
        (folder / "README.txt").write_text(_README, encoding="utf-8")
        existing = {p.name for p in folder.glob("root-*.pem")}
        signers: list[CryptoSigner] = []
        number = 1
        while len(signers) < count:
            name = f"root-{number}.pem"
            if name not in existing:
                signers.append(KeyStore.write(folder / name, CryptoSigner.generate_ed25519()))
            number += 1
        return signers

    @staticmethod
    def root_signers(folder: Path) -> list[Signer]:
        """Every root key found in the offline folder.

        Raises:
            KeyStoreError: the folder holds none.
        """
        paths = sorted(folder.glob("root-*.pem"))
        if not paths:
            raise KeyStoreError(f"no root keys (root-*.pem) in {folder}")
        return [load_signer(path) for path in paths]

    @staticmethod
    def write(path: Path, signer: CryptoSigner) -> CryptoSigner:
        """Write a private key (0600) and its public key beside it."""
        atomicfile.write_atomic(path, signer.private_bytes, mode=0o600, make_parents=True)
        public = path.with_suffix(".pub.json")
        public.write_text(
            json.dumps(signer.public_key.to_dict() | {"keyid": signer.public_key.keyid})
        )
        return signer


def load_signer(path: Path) -> Signer:
    """A signer from a private key file and the public key beside it.

    Raises:
        KeyStoreError: either file is missing or unreadable.
    """
    public_path = path.with_suffix(".pub.json")
    try:
        data = json.loads(public_path.read_text())
        keyid = data.pop("keyid")
        public = SSlibKey.from_dict(keyid, data)
        return CryptoSigner.from_priv_key_uri(f"file2:{path}", public)
    except (OSError, ValueError, KeyError) as exc:
        raise KeyStoreError(f"cannot load the key {path}: {exc}") from exc


def keyids(signers: Iterable[Signer]) -> list[str]:
    """The key ids of some signers."""
    return [signer.public_key.keyid for signer in signers]
