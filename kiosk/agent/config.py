"""The agent's configuration: one typed, validated dataclass with bounded defaults."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.agent.state import DEFAULT_STALE_AFTER

if TYPE_CHECKING:
    from datetime import timedelta
    from pathlib import Path

__all__ = ["DEFAULT_CHANNEL", "AgentConfig"]

DEFAULT_CHANNEL = "county"
_CHANNEL = re.compile(r"^(county|town-[a-z]{2,32})$")


@dataclass(frozen=True, kw_only=True, slots=True)
class AgentConfig:
    """How one kiosk agent runs.

    Args:
        publisher: the publisher's base URL (``http://host:port``); the
            repository is under ``/repo/``, pokes and heartbeats under ``/api/``.
        home: the kiosk home (see ``kiosk.agent.home``).
        channel: the channel this kiosk shows (``county`` or ``town-<id>``).
        token: the device token for heartbeats (None: no heartbeats).
        poll_interval: seconds between polls of timestamp.json.
        poll_jitter: the fraction by which each poll interval varies (± uniformly).
        retry_interval: the first wait after a failed refresh; doubles per failure.
        max_backoff: the longest wait between refreshes while failing.
        heartbeat_interval: the longest time between heartbeats.
        stale_after: after this long without a successful refresh the kiosk
            says its content may be out of date.
        connect_timeout: seconds to connect to the publisher.
        read_timeout: seconds to wait between bytes.
        deadline: seconds any one request may take in all, plus its expected
            size at ``min_rate`` (a stalled or dripping publisher is given up).
        min_rate: the slowest download accepted, in bytes per second on average.
        parallel: objects downloaded at once.
        max_file_bytes: the largest image accepted when its size is not given.
        app_version: reported in heartbeats.
        pokes: listen for the publisher's server-sent pokes (off: poll only).

    Raises:
        ValueError: a value is out of range (checked at construction).
    """

    publisher: str
    home: Path
    channel: str = DEFAULT_CHANNEL
    token: str | None = None
    poll_interval: float = 60.0
    poll_jitter: float = 0.2
    retry_interval: float = 5.0
    max_backoff: float = 600.0
    heartbeat_interval: float = 300.0
    stale_after: timedelta = DEFAULT_STALE_AFTER
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    deadline: float = 20.0
    min_rate: float = 32 * 1024
    parallel: int = 4
    max_file_bytes: int = 64 * 1024 * 1024
    app_version: str = "unknown"
    pokes: bool = True

    def __post_init__(self) -> None:
        if not self.publisher.startswith(("http://", "https://")):
            raise ValueError(f"publisher must be an http(s) URL, not {self.publisher!r}")
        if not _CHANNEL.match(self.channel):
            raise ValueError(f"channel must be county or town-<id>, not {self.channel!r}")
        if self.token is not None and not self.token.strip():
            raise ValueError("token must not be empty")
        positive = {
            "poll_interval": self.poll_interval,
            "retry_interval": self.retry_interval,
            "max_backoff": self.max_backoff,
            "heartbeat_interval": self.heartbeat_interval,
            "connect_timeout": self.connect_timeout,
            "read_timeout": self.read_timeout,
            "deadline": self.deadline,
            "min_rate": self.min_rate,
            "stale_after": self.stale_after.total_seconds(),
        }
        for name, value in positive.items():
            if not value > 0:
                raise ValueError(f"{name} must be positive, not {value}")
        if not 0 <= self.poll_jitter < 1:
            raise ValueError(f"poll_jitter must be in [0, 1), not {self.poll_jitter}")
        if not 1 <= self.parallel <= 32:
            raise ValueError(f"parallel must be 1..32, not {self.parallel}")
        if self.max_file_bytes < 1:
            raise ValueError("max_file_bytes must be positive")

    @property
    def base_url(self) -> str:
        """The publisher URL without a trailing slash."""
        return self.publisher.rstrip("/")

    @property
    def metadata_url(self) -> str:
        """Where the TUF metadata is."""
        return f"{self.base_url}/repo/metadata/"

    @property
    def targets_url(self) -> str:
        """Where the TUF targets (channel manifests) are."""
        return f"{self.base_url}/repo/targets/"

    def object_url(self, sha256: str) -> str:
        """Where a release object is."""
        return f"{self.base_url}/repo/objects/{sha256[:2]}/{sha256}"

    @property
    def events_url(self) -> str:
        """The channel's poke stream (server-sent events)."""
        return f"{self.base_url}/api/channels/{self.channel}/events"

    @property
    def heartbeat_url(self) -> str:
        """Where heartbeats go."""
        return f"{self.base_url}/api/devices/heartbeat"

    @property
    def target_path(self) -> str:
        """The channel manifest's TUF target path."""
        return f"channels/{self.channel}/manifest.json"
