"""Who acts on the store: a person's name, roles, scope and address.

Every service that decides something takes an ``Actor``, whether the call
comes from the staff console (a logged-in user, its roles and town, the
client address) or from the CLI (a shell on the publisher host, trusted with
every role county-wide, named by ``--as`` or the login). The rules on roles,
scope and four-eyes are checked by the services against it, so the web and the
CLI cannot differ.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from content.models import COUNTY_SCOPE

__all__ = ["Actor", "Role"]


class Role(enum.StrEnum):
    """The six staff roles; the console's groups carry these as permissions."""

    REVIEW = "review"  # 审核员
    FINAL_REVIEW = "final_review"  # 终审: second review of quarantined changes
    BOARDS = "boards"  # 屏幕排程: board schedules and emergencies
    FLEET = "fleet"  # 运维: devices, sources, "sync now"
    USERS = "users"  # 管理员: accounts
    APPLICATIONS = "applications"  # 依申请登记: the register of disclosure applications


@dataclass(frozen=True, slots=True)
class Actor:
    """A person acting on the store.

    Attributes:
        name: the login name, kept in the audit log and on decisions.
        roles: what the person may do.
        town: the town id the person is limited to (``nanan``), or None for the county.
        address: the client address of a console request ("" from the CLI).
    """

    name: str
    roles: frozenset[Role] = field(default_factory=lambda: frozenset(Role))
    town: str | None = None
    address: str = ""

    @classmethod
    def of(cls, actor: str | Actor) -> Actor:
        """``actor`` itself, or a CLI operator of that name (every role, county-wide)."""
        return actor if isinstance(actor, Actor) else cls(name=actor)

    def may(self, role: Role) -> bool:
        """Whether the person holds ``role``."""
        return role in self.roles

    def sees(self, scope: str) -> bool:
        """Whether content of ``scope`` is visible: a town sees the county's and its own."""
        return self.town is None or scope in {COUNTY_SCOPE, f"town-{self.town}"}

    def acts_on(self, scope: str) -> bool:
        """Whether content of ``scope`` may be changed: county-wide is read-only to a town."""
        return self.town is None or scope == f"town-{self.town}"
