"""The six staff roles as groups: their Chinese names and the permission each carries."""

from __future__ import annotations

from publisher.actors import Role

__all__ = ["GROUP_NAMES", "role_named"]

#: Group name (as staff read it) of each role.
GROUP_NAMES: dict[Role, str] = {
    Role.REVIEW: "审核员",
    Role.FINAL_REVIEW: "终审",
    Role.BOARDS: "屏幕排程",
    Role.FLEET: "运维",
    Role.USERS: "管理员",
    Role.APPLICATIONS: "依申请登记",
}


def role_named(name: str) -> Role | None:
    """The role called ``name`` (``审核员`` or ``review``), or None."""
    for role, group in GROUP_NAMES.items():
        if name in {group, role.value}:
            return role
    return None
