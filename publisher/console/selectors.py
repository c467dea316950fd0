"""Reads of the console: staff accounts as plain data."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

__all__ = ["users_list"]


def users_list() -> list[dict[str, Any]]:
    """Every account: name, roles, town ("" county), active, must change password, last login.

    The shape is the stable JSON of ``gongkai user list --json``.
    """
    rows = []
    users = User.objects.order_by("username").prefetch_related("groups")
    for user in users.select_related("staff_profile"):
        profile = getattr(user, "staff_profile", None)
        rows.append(
            {
                "name": user.username,
                "roles": sorted(group.name for group in user.groups.all()),
                "town": profile.town if profile else "",
                "active": user.is_active,
                "must_change_password": bool(profile and profile.must_change_password),
                "last_login": (
                    timezone.localtime(user.last_login).isoformat(timespec="seconds")
                    if user.last_login
                    else None
                ),
            }
        )
    return rows
