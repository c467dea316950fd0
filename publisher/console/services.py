"""Writes of the console: staff accounts and the role groups. Each one audited.

``gongkai user …`` and the console's pages call these; the rules (known
roles, a known town, one-time passwords that must be changed) live here.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from publisher.actors import Actor
from publisher.console.models import StaffProfile
from publisher.console.roles import GROUP_NAMES, role_named
from publisher.errors import InputError
from publisher.store.services.audit import audit_log

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

__all__ = [
    "NewPassword",
    "UserError",
    "password_changed",
    "roles_ensure",
    "user_add",
    "user_disable",
    "user_reset",
]

#: Letters and digits that cannot be mistaken for one another when read aloud or copied.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class UserError(InputError, ValueError):
    """A staff account cannot be made or changed as asked.

    Attributes:
        field: what was wrong (``name``, ``role``, ``town``).
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class NewPassword:
    """A one-time password, to hand over once; it must be changed at first login."""

    user: User
    password: str


def roles_ensure() -> None:
    """Create the role groups with their permissions (idempotent; after each migrate)."""
    kind = ContentType.objects.get_for_model(StaffProfile)
    labels = dict(StaffProfile._meta.permissions)  # noqa: SLF001 - Django's own declaration
    for role, name in GROUP_NAMES.items():
        permission, _ = Permission.objects.get_or_create(
            codename=role.value, content_type=kind, defaults={"name": labels[role.value]}
        )
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([permission])


@transaction.atomic
def user_add(
    *, actor: str | Actor, name: str, roles: Sequence[str], town: str, towns: Collection[str]
) -> NewPassword:
    """Create a staff account with ``roles`` (names or ids) limited to ``town`` ("" county).

    Raises:
        UserError: the name is taken or empty, a role or the town is unknown.
    """
    who = Actor.of(actor)
    name = name.strip()
    if not name or len(name) > 150:
        raise UserError("name", "账号名不能为空，且不超过150个字符")
    if User.objects.filter(username=name).exists():
        raise UserError("name", f"账号 {name} 已存在")
    groups = _groups(roles)
    if town and town not in towns:
        known = "、".join(sorted(towns)) or "（配置中没有乡镇）"
        raise UserError("town", f"没有乡镇 {town}；可选：{known}")
    password = _one_time()
    user = User.objects.create_user(username=name, password=password)
    user.groups.set(groups)
    StaffProfile.objects.create(user=user, town=town, must_change_password=True)
    audit_log(
        actor=who.name,
        action="user.add",
        detail={"user": name, "roles": sorted(g.name for g in groups), "town": town},
        address=who.address,
    )
    return NewPassword(user, password)


@transaction.atomic
def user_disable(*, actor: str | Actor, name: str) -> User:
    """Disable an account: it can no longer log in, and its sessions end.

    Raises:
        UserError: no such account.
    """
    who = Actor.of(actor)
    user = _user(name)
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_log(actor=who.name, action="user.disable", detail={"user": name}, address=who.address)
    return user


@transaction.atomic
def user_reset(*, actor: str | Actor, name: str) -> NewPassword:
    """Give an account a new one-time password (and enable it, and lift a lockout).

    Raises:
        UserError: no such account.
    """
    from axes.utils import reset  # type: ignore[import-untyped]  # noqa: PLC0415 - loads Django request code

    who = Actor.of(actor)
    user = _user(name)
    password = _one_time()
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    StaffProfile.objects.update_or_create(user=user, defaults={"must_change_password": True})
    reset(username=name)
    audit_log(actor=who.name, action="user.reset", detail={"user": name}, address=who.address)
    return NewPassword(user, password)


def password_changed(*, actor: Actor, user: User) -> None:
    """Record that ``user`` chose their own password (the one-time one is gone)."""
    StaffProfile.objects.update_or_create(user=user, defaults={"must_change_password": False})
    audit_log(actor=actor.name, action="user.password", address=actor.address)


# --- helpers ------------------------------------------------------------------------


def _groups(roles: Sequence[str]) -> list[Group]:
    chosen = []
    for text in roles:
        role = role_named(text)
        if role is None:
            known = "、".join(GROUP_NAMES.values())
            raise UserError("role", f"没有角色 {text}；可选：{known}")
        chosen.append(GROUP_NAMES[role])
    roles_ensure()
    return list(Group.objects.filter(name__in=chosen))


def _user(name: str) -> User:
    user = User.objects.filter(username=name).first()
    if user is None:
        raise UserError("name", f"没有账号 {name}")
    return user


def _one_time() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(14))
