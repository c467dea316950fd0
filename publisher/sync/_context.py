"""What one source's run is handed (``RunContext``), and the signals that stop it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from publisher.sources.http import Validators

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from content.scope import ScopeResolver
    from publisher.config import SourceConfig
    from publisher.home import Home
    from publisher.sources.errors import BlockedError
    from publisher.sources.http import PoliteClient
    from publisher.sources.profiles import Profile
    from publisher.store import services
    from publisher.store.models import FetchState, Source, SyncRun
    from publisher.sync._results import Progress

__all__ = ["RunBlockedError", "RunContext", "SiteDownError", "validators_of"]


@dataclass(frozen=True, slots=True)
class RunContext:
    """Everything one run of one source works with, given to it by the engine.

    Attributes:
        home: the publisher home (documents and temp folders).
        config: the source's configuration.
        profile: the source's profile.
        source: the source's row in the store.
        run: the run's row in the store.
        policy: how the run's new content is reviewed.
        client: the run's HTTP client (open for the whole run).
        scopes: resolves town names to scopes for the assembled entities.
        now: the clock.
        progress: where to report progress.
        refetch: read every page again, ignoring what the last run learnt.
    """

    home: Home
    config: SourceConfig
    profile: Profile
    source: Source
    run: SyncRun
    policy: services.Policy
    client: PoliteClient
    scopes: ScopeResolver
    now: Callable[[], datetime]
    progress: Progress
    refetch: bool = False

    @property
    def list_url(self) -> str:
        """The source's list URL (``{site}`` replaced)."""
        return self.profile.list_url(self.config.site)

    def referer(self, *, first: bool = False) -> str | None:
        """The Referer for a request made from the list (none for the list's first page)."""
        return None if first or not self.profile.referer else self.list_url


class RunBlockedError(Exception):
    """A BlockedError surfaced; the run stops and the source backs off."""

    def __init__(self, error: BlockedError) -> None:
        self.error = error
        super().__init__(str(error))


class SiteDownError(Exception):
    """The list is unreadable or too many fetches failed in a row; the run stops."""


def validators_of(state: FetchState | None) -> Validators | None:
    """The validators for a conditional GET of what ``state`` remembers, if any."""
    if state is None or not (state.etag or state.last_modified):
        return None
    return Validators(etag=state.etag or None, last_modified=state.last_modified or None)
