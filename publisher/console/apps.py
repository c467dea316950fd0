"""Django app configuration of the staff console."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ConsoleConfig(AppConfig):
    """The ``publisher.console`` app; its groups are brought up to date after each migrate."""

    name = "publisher.console"
    label = "console"
    verbose_name = "Gongkai staff console"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Keep the role groups in step with the code after each migrate."""
        post_migrate.connect(_roles, sender=self)


def _roles(**_: Any) -> None:
    from publisher.console.services import roles_ensure  # noqa: PLC0415 - needs the models

    roles_ensure()
