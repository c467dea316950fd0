"""Who acts, and over what: the typed actor and scope every service takes.

A change is made by a person at the command line (``cli:zhang``), a signed-in
staff member in the web console (``web:li``) or the publisher itself
(``system:demo``). Services take an :class:`Actor` rather than a bare string,
so the audit log records the same words whichever face called, and a town
user's scope travels with the request down to the rule that checks it::

    actor = Actor.web("li", scope=Scope.of_town("nanan"), address="10.0.0.7")
    kiosk_revoke(actor=actor, name="nanan-hall-1")   # OutOfScopeError for a county kiosk

Roles (who may review, schedule boards, run the fleet) are the web layer's
permission checks; the *scope* (county or one town) is checked here too,
because it decides which rows a service may touch, whoever calls it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied

from publisher.errors import InputError

__all__ = ["COUNTY", "Actor", "ActorKind", "OutOfScopeError", "Scope"]

#: The scope key of county-wide content, boards and the county channel.
_COUNTY_KEY = "county"


class ActorKind(StrEnum):
    """Which face acted."""

    CLI = "cli"
    WEB = "web"
    SYSTEM = "system"


class OutOfScopeError(InputError, PermissionDenied):
    """The actor's scope (one town) does not cover what it tried to change.

    A Django ``PermissionDenied``, so a view that lets it through answers 403;
    the CLI (county scope) never meets it.
    """


@dataclass(frozen=True)
class Scope:
    """The county (``town`` None) or one town, by its pinyin id (``nanan``)."""

    town: str | None = None

    @classmethod
    def of_town(cls, town: str) -> Scope:
        """A town's scope (``county`` or an empty id is the county's)."""
        return COUNTY if town in ("", _COUNTY_KEY) else cls(town)

    @property
    def is_county(self) -> bool:
        """True for the county-wide scope."""
        return self.town is None

    @property
    def key(self) -> str:
        """``county`` or ``town-<id>``: the content scope and channel key."""
        return _COUNTY_KEY if self.town is None else f"town-{self.town}"

    def covers_town(self, town: str) -> bool:
        """Whether a board or kiosk of ``town`` (``""``/``county``: county-wide) is in scope."""
        if self.town is None:
            return True
        return town == self.town

    def covers_key(self, key: str) -> bool:
        """Whether a content scope or channel key (``county``, ``town-<id>``) is in scope."""
        return self.town is None or key == self.key

    def __str__(self) -> str:
        return self.key


COUNTY = Scope()


@dataclass(frozen=True)
class Actor:
    """Who acts: a face, a login name, a scope and (on the web) the client's address."""

    kind: ActorKind
    name: str
    scope: Scope = COUNTY
    address: str = ""

    @classmethod
    def cli(cls, login: str) -> Actor:
        """A person at the command line; the CLI acts county-wide."""
        return cls(ActorKind.CLI, login or "unknown")

    @classmethod
    def web(cls, username: str, *, scope: Scope, address: str = "") -> Actor:
        """A signed-in staff member of the console, with their scope and address."""
        return cls(ActorKind.WEB, username, scope, address[:64])

    @classmethod
    def system(cls, name: str) -> Actor:
        """The publisher itself (the demo's seeding, a scheduled job)."""
        return cls(ActorKind.SYSTEM, name)

    def __str__(self) -> str:
        """What the audit log and ``created_by`` record: ``cli:zhang``, ``web:li``."""
        return f"{self.kind}:{self.name}"

    def require_town(self, town: str, *, what: str) -> None:
        """Refuse unless ``town`` (a board's or kiosk's) is in this actor's scope.

        Raises:
            OutOfScopeError: it is another town's, or county-wide for a town user.
        """
        if not self.scope.covers_town(town):
            raise OutOfScopeError(f"{what} is outside the scope of {self} ({self.scope})")
