"""The console's tables: a staff member's scope and first-login state.

Roles are Django groups carrying the permissions below (one per
``publisher.actors.Role``); ``services.roles_ensure`` keeps them.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class StaffProfile(models.Model):
    """What the console adds to a Django user: the town it is limited to, if any."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    #: A town id from ``[[towns]]`` (``nanan``), or "" for the whole county.
    town = models.CharField(max_length=32, blank=True)
    #: Set by ``user add`` and ``user reset``: the one-time password must be changed.
    must_change_password = models.BooleanField(default=True)

    class Meta:
        permissions: ClassVar = [
            ("review", "审核内容"),
            ("final_review", "终审隔离修订"),
            ("boards", "屏幕排程与紧急播报"),
            ("fleet", "运维终端、数据源与同步"),
            ("users", "管理账号"),
            ("applications", "登记依申请公开"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.town or 'county'})"
