"""Setting up and rotating a home's signing keys: what ``gongkai keys`` does.

Each function checks what is asked, makes the keys, signs the new root and
copies it to where kiosks are provisioned from (``HOME/provision/root.json``),
so every face that manages keys follows the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from publisher.errors import InputError
from publisher.release.keys import KeyStore
from publisher.release.tuf_repo import TufRepository

if TYPE_CHECKING:
    from pathlib import Path

    from publisher.home import Home

__all__ = ["KeyRotation", "KeySetupError", "key_rotate", "keys_init"]


class KeySetupError(InputError):
    """Keys cannot be set up as asked (the repository has keys already, a bad threshold)."""


@dataclass(frozen=True, slots=True)
class KeyRotation:
    """What a rotation did: ``new_root_dir`` holds new root keys when ``root`` rotated."""

    role: str
    root_dir: Path
    new_root_dir: Path | None


def keys_init(*, home: Home, root_dir: Path | None, root_keys: int, threshold: int) -> Path:
    """Create the root keys (offline folder), the online keys and the repository.

    Args:
        home: the publisher home.
        root_dir: where to write the root keys; ``HOME/keys/offline-root`` when None.
        root_keys: how many root keys.
        threshold: how many root keys must sign.

    Returns:
        The folder of the root keys, to be carried offline.

    Raises:
        KeySetupError: the repository has keys already, or the threshold is not
            between 1 and ``root_keys``.
    """
    if (home.repository / "metadata" / "root.json").exists():
        raise KeySetupError(f"{home.repository} already has keys; use `gongkai keys rotate ROLE`")
    if not 1 <= threshold <= root_keys:
        raise KeySetupError("the threshold must be between 1 and the number of root keys")
    folder = (root_dir or home.offline_root).resolve()
    signers = KeyStore.create_root(folder, root_keys)
    repo = TufRepository(home.repository, KeyStore(home.online_keys))
    _provision(home, repo.initialize(list(signers), threshold=threshold))
    return folder


def key_rotate(
    *,
    home: Home,
    role: str,
    root_dir: Path | None,
    new_root_dir: Path | None = None,
    root_keys: int = 1,
    threshold: int = 1,
) -> KeyRotation:
    """Replace one role's key, signed by the current root keys from ``root_dir``.

    For ``root`` new root keys are written to ``new_root_dir`` (by default a
    ``-new`` folder beside ``root_dir``), ``root_keys`` of them with ``threshold``.

    Raises:
        KeyStoreError: the root keys are missing, unreadable or below the threshold.
        ValueError: the new root cannot be signed as asked.
    """
    repo = TufRepository(home.repository, KeyStore(home.online_keys))
    folder = (root_dir or home.offline_root).resolve()
    current = KeyStore.root_signers(folder)
    new_folder = None
    if role == "root":
        new_folder = (new_root_dir or folder.with_name(folder.name + "-new")).resolve()
        new = KeyStore.create_root(new_folder, root_keys)
        root_json = repo.rotate_root(current, list(new), threshold)
    else:
        root_json = repo.rotate(role, current)
    _provision(home, root_json)
    return KeyRotation(role, folder, new_folder)


# --- helpers -------------------------------------------------------------------------


def _provision(home: Home, root_json: Path) -> None:
    home.provision.parent.mkdir(parents=True, exist_ok=True)
    home.provision.write_bytes(root_json.read_bytes())
