"""The agent's state file: what the kiosk UI and the heartbeat report.

``HOME/state.json`` (written atomically) says which release is applied, when
the last refresh was attempted and how it went, and when the last *successful*
refresh was: the UI shows "内容更新于 <last_success_at>" and a stale badge when
``is_stale`` says the content may be out of date (no successful refresh for
longer than the configured limit, e.g. because the publisher is down or its
metadata expired).

Example::

    {"applied_version": 7, "applied_release": "7-3f2a…", "channel": "county",
     "last_success_at": "2026-11-26T10:41:03+00:00",
     "last_attempt_at": "2026-11-26T10:42:03+00:00",
     "last_result": "failed", "last_error": "fetch: cannot reach …", …}
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from kiosk.agent.errors import StorageError
from kiosk.agent.fs import FileSystem

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["DEFAULT_STALE_AFTER", "AgentState", "RefreshResult", "state_load", "state_save"]

log = logging.getLogger("gongkai.kiosk.agent")

#: The staleness limit when none is configured: a day without a successful refresh
#: (timestamp metadata expires after a day, and is re-signed 12 hours before).
DEFAULT_STALE_AFTER = timedelta(hours=24)


class RefreshResult(StrEnum):
    """How a refresh ended."""

    ACTIVATED = "activated"  # a new release is active
    CURRENT = "current"  # the active release is the newest
    FAILED = "failed"  # nothing changed; see last_error


@dataclass(frozen=True, kw_only=True, slots=True)
class AgentState:
    """The agent's persistent state.

    Attributes:
        channel: the channel of the applied release.
        applied_version: the active release's version.
        applied_release: the active release's folder name.
        applied_at: when it was activated.
        last_success_at: the last refresh that proved the content current.
        last_attempt_at: the last refresh attempt.
        last_result: how that attempt ended.
        last_error: why it failed (``"<kind>: <message>"``), None after a success.
        last_error_kind: the error's kind (``fetch``, ``verification``, ``expired`` …).
        downloaded_objects: objects the last activation downloaded.
        downloaded_bytes: their bytes.
        stale_after: the agent's staleness limit in seconds, so the UI applies
            the same one (``is_stale(now)``).
    """

    channel: str | None = None
    applied_version: int | None = None
    applied_release: str | None = None
    applied_at: datetime | None = None
    last_success_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_result: RefreshResult | None = None
    last_error: str | None = None
    last_error_kind: str | None = None
    downloaded_objects: int = 0
    downloaded_bytes: int = 0
    stale_after: int = int(DEFAULT_STALE_AFTER.total_seconds())

    def is_stale(self, now: datetime, limit: timedelta | None = None) -> bool:
        """Whether the content may be out of date: no successful refresh within the limit.

        Args:
            now: the current time (aware).
            limit: the limit; by default the one the agent recorded (``stale_after``).
        """
        if limit is None:
            limit = timedelta(seconds=self.stale_after)
        return self.last_success_at is None or now - self.last_success_at > limit

    def replace(self, **changes: Any) -> AgentState:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        """The JSON form (times as ISO 8601 with their offset)."""
        data: dict[str, Any] = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, datetime):
                value = value.isoformat()
            elif isinstance(value, RefreshResult):
                value = value.value
            data[field.name] = value
        return data

    @classmethod
    def from_json(cls, data: Any) -> AgentState:
        """Read the JSON form; unknown keys are ignored.

        Raises:
            TypeError: not a JSON object.
            ValueError: a value has the wrong type or format.
        """
        if not isinstance(data, dict):
            raise TypeError("the state is not a JSON object")
        names = {field.name for field in dataclasses.fields(cls)}
        values: dict[str, Any] = {k: v for k, v in data.items() if k in names}
        for name in ("applied_at", "last_success_at", "last_attempt_at"):
            if values.get(name) is not None:
                moment = datetime.fromisoformat(str(values[name]))
                if moment.tzinfo is None:
                    raise ValueError(f"{name} has no time zone")
                values[name] = moment
        if values.get("last_result") is not None:
            values["last_result"] = RefreshResult(values["last_result"])
        for name in ("applied_version", "downloaded_objects", "downloaded_bytes", "stale_after"):
            if values.get(name) is not None and not isinstance(values[name], int):
                raise ValueError(f"{name} must be an integer")
        return cls(**values)


def state_load(path: Path) -> AgentState:
    """The state in ``path``; a missing or unreadable file gives the empty state."""
    try:
        return AgentState.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return AgentState()
    except (OSError, ValueError, TypeError) as exc:
        log.warning("state file %s unreadable (%s); starting afresh", path, exc)
        return AgentState()


def state_save(path: Path, state: AgentState, *, fs: FileSystem | None = None) -> None:
    """Write the state atomically.

    Raises:
        StorageError: the disk refused.
    """
    data = json.dumps(state.to_json(), ensure_ascii=False, indent=1, sort_keys=True).encode()
    try:
        (fs or FileSystem()).write_atomic(path, data + b"\n")
    except OSError as exc:
        raise StorageError(f"cannot write {path}: {exc}", path=str(path), errno=exc.errno) from exc
