"""The publisher's home folder: config, database, mirrored documents.

Layout::

    HOME/gongkai.toml      the configuration (commented; `gongkai init` writes it)
    HOME/db.sqlite3        the store (SQLite in WAL mode), unless a database URL is set
    HOME/documents/ab/…    mirrored attachments, named by their sha256
    HOME/tmp/              downloads in progress (same filesystem, renamed into place)
    HOME/profiles/         the county's own source profiles, if any
    HOME/repository/       the signed TUF repository kiosks update from
    HOME/keys/online/      targets, snapshot and timestamp keys (0600)
    HOME/keys/offline-root the root keys, until carried offline
    HOME/provision/root.json  the trust anchor to install on new kiosks
HOME/secret_key        signs staff console sessions and CSRF tokens (0600)
HOME/static/           the staff console's static files, with hashed names
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from publisher.config import CONFIG_NAME, Config, load_config

__all__ = ["HOME_ENV", "Home", "resolve_home"]

HOME_ENV = "GONGKAI_HOME"
DEFAULT_HOME = Path("var")


@dataclass(frozen=True, slots=True)
class Home:
    """Paths inside one publisher home."""

    root: Path

    @property
    def config_path(self) -> Path:
        """``gongkai.toml``."""
        return self.root / CONFIG_NAME

    @property
    def documents(self) -> Path:
        """The content-addressed document store."""
        return self.root / "documents"

    @property
    def texts(self) -> Path:
        """The text extracted from documents for their phone pages (``publisher.doctext``)."""
        return self.root / "texts"

    def text_path(self, sha256: str) -> Path:
        """Where the extracted text of the document with this hash is kept."""
        return self.texts / sha256[:2] / f"{sha256}.txt"

    @property
    def tmp(self) -> Path:
        """Where downloads are written before they are renamed into place."""
        return self.root / "tmp"

    @property
    def repository(self) -> Path:
        """The TUF repository served to kiosks."""
        return self.root / "repository"

    @property
    def online_keys(self) -> Path:
        """The online signing keys (targets, snapshot, timestamp)."""
        return self.root / "keys" / "online"

    @property
    def offline_root(self) -> Path:
        """Where ``keys init`` writes root keys unless told otherwise (move them offline)."""
        return self.root / "keys" / "offline-root"

    @property
    def provision(self) -> Path:
        """The root.json that new kiosks are provisioned with."""
        return self.root / "provision" / "root.json"

    @property
    def profiles(self) -> Path:
        """The county's own profiles."""
        return self.root / "profiles"

    @property
    def secret_key_path(self) -> Path:
        """The key Django signs staff sessions and CSRF tokens with."""
        return self.root / "secret_key"

    @property
    def static(self) -> Path:
        """The staff console's collected static files."""
        return self.root / "static"

    def secret_key_ensure(self) -> bool:
        """Write a new secret key (0600) unless there is one; whether one was written.

        One key for the life of the home, so a restart or a second worker does not
        log every staff member out.
        """
        path = self.secret_key_path
        if path.exists():
            return False
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
        return True

    def secret_key(self) -> str | None:
        """The home's secret key, or None when there is none yet."""
        try:
            return self.secret_key_path.read_text(encoding="ascii").strip() or None
        except FileNotFoundError:
            return None

    def exists(self) -> bool:
        """Whether ``gongkai init`` has run here."""
        return self.config_path.is_file()

    def config(self) -> Config:
        """The validated configuration.

        Raises:
            publisher.tomlfile.ConfigError: missing or invalid.
        """
        return load_config(self.config_path)

    def document_path(self, sha256: str) -> Path:
        """Where the document with this hash is stored."""
        return self.documents / sha256[:2] / sha256

    def make_folders(self) -> None:
        """Create the home's folders (private to the service user)."""
        for folder in (self.root, self.documents, self.tmp, self.profiles):
            folder.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o750)


def resolve_home(option: str | Path | None) -> Home:
    """The home from ``--home``, else ``$GONGKAI_HOME``, else ``./var``."""
    chosen = option or os.environ.get(HOME_ENV) or DEFAULT_HOME
    return Home(Path(chosen).expanduser().resolve())
