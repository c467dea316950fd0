"""Who acts, and over what: the one typed actor every service takes.

A change is made by a person at the command line (``cli:zhang``), a signed-in
staff member in the web console (``web:li``) or the publisher itself
(``system:demo``). Services take an :class:`Actor` rather than a bare string,
so the audit log records the same words whichever face called, and a town
user's scope travels with the request down to the rule that checks it::

    actor = Actor.web("li", roles={Role.FLEET}, scope=Scope.of_town("nanan"), address="10.0.0.7")
    kiosk_revoke(actor=actor, name="nanan-hall-1")   # OutOfScopeError for a county kiosk

An actor carries:

* its *kind* (:class:`ActorKind`: cli, web, system) and login *name*;
* its *roles* (:class:`Role`): the console's groups grant them; the CLI (a
  shell on the publisher host) and the publisher itself hold every role;
* its *scope* (:class:`Scope`: the county or one town), which decides which
  rows a service may touch, whoever calls it (:meth:`Actor.sees`,
  :meth:`Actor.acts_on`, :meth:`Actor.require_town`);
* the client *address* of a console request (``""`` elsewhere).

The rules on roles, scope and four-eyes are checked by the services against
it, so the web and the CLI cannot differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from publisher.errors import InputError

__all__ = ["COUNTY", "Actor", "ActorKind", "OutOfScopeError", "Role", "Scope"]

#: ``content.models.COUNTY_SCOPE``, written out: `gongkai`'s parser loads this module
#: (for the role names) and must not load pydantic or Django (tests/content/test_cli.py).
COUNTY_SCOPE = "county"


class ActorKind(StrEnum):
    """Which face acted."""

    CLI = "cli"
    WEB = "web"
    SYSTEM = "system"


class Role(StrEnum):
    """The six staff roles; the console's groups carry these as permissions."""

    REVIEW = "review"  # 审核员
    FINAL_REVIEW = "final_review"  # 终审: second review of quarantined changes
    BOARDS = "boards"  # 屏幕排程: board schedules and emergencies
    FLEET = "fleet"  # 运维: devices, sources, "sync now"
    USERS = "users"  # 管理员: accounts
    APPLICATIONS = "applications"  # 依申请登记: the register of disclosure applications


#: Every role: the CLI's and the publisher's own.
_ALL_ROLES = frozenset(Role)


class OutOfScopeError(InputError):
    """The actor's scope (one town) does not cover what it tried to change.

    A console view lets it through as 403 (``publisher.console.access.staff_view``);
    the CLI (county scope) never meets it.
    """


@dataclass(frozen=True, slots=True)
class Scope:
    """The county (``town`` None) or one town, by its pinyin id (``nanan``)."""

    town: str | None = None

    @classmethod
    def of_town(cls, town: str | None) -> Scope:
        """A town's scope (``county``, an empty id or None is the county's)."""
        return COUNTY if town in (None, "", COUNTY_SCOPE) else cls(town)

    @property
    def is_county(self) -> bool:
        """True for the county-wide scope."""
        return self.town is None

    @property
    def key(self) -> str:
        """``county`` or ``town-<id>``: the content scope and channel key."""
        return COUNTY_SCOPE if self.town is None else f"town-{self.town}"

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


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts.

    Attributes:
        name: the login name, kept on decisions (and, with the kind, in the audit log).
        kind: the face that acted.
        roles: what the person may do (none unless granted; the CLI holds all).
        scope: the county, or the one town the person is limited to.
        address: the client address of a console request ("" from the CLI).
    """

    name: str
    kind: ActorKind = ActorKind.CLI
    roles: frozenset[Role] = field(default_factory=frozenset)
    scope: Scope = COUNTY
    address: str = ""

    @classmethod
    def cli(cls, login: str) -> Actor:
        """A person at the command line: a shell on the publisher host, every role, county-wide."""
        return cls(login or "unknown", ActorKind.CLI, _ALL_ROLES)

    @classmethod
    def web(
        cls,
        username: str,
        *,
        scope: Scope,
        roles: frozenset[Role] | set[Role] = frozenset(),
        address: str = "",
    ) -> Actor:
        """A signed-in staff member of the console, with their roles, scope and address."""
        return cls(username, ActorKind.WEB, frozenset(roles), scope, address[:64])

    @classmethod
    def system(cls, name: str) -> Actor:
        """The publisher itself (the demo's seeding, a scheduled job)."""
        return cls(name, ActorKind.SYSTEM, _ALL_ROLES)

    @classmethod
    def of(cls, actor: str | Actor) -> Actor:
        """``actor`` itself, or a CLI operator of that name (every role, county-wide)."""
        return actor if isinstance(actor, Actor) else cls.cli(actor)

    @property
    def town(self) -> str | None:
        """The town id the actor is limited to (``nanan``), or None for the county."""
        return self.scope.town

    def __str__(self) -> str:
        """What the audit log and ``created_by`` record: ``cli:zhang``, ``web:li``."""
        return f"{self.kind}:{self.name}"

    def may(self, role: Role) -> bool:
        """Whether the actor holds ``role``."""
        return role in self.roles

    def sees(self, scope: str) -> bool:
        """Whether content of ``scope`` is visible: a town sees the county's and its own."""
        return self.scope.is_county or scope in {COUNTY_SCOPE, self.scope.key}

    def acts_on(self, scope: str) -> bool:
        """Whether content of ``scope`` may be changed: county-wide is read-only to a town."""
        return self.scope.covers_key(scope)

    def require_town(self, town: str, *, what: str) -> None:
        """Refuse unless ``town`` (a board's or kiosk's) is in this actor's scope.

        Raises:
            OutOfScopeError: it is another town's, or county-wide for a town user.
        """
        if not self.scope.covers_town(town):
            raise OutOfScopeError(f"{what} is outside the scope of {self} ({self.scope})")
