"""Start Django for a given home (once per process)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publisher.home import Home

_configured: str | None = None


def setup(home: Home, *, migrate: bool = False) -> None:
    """Configure Django for ``home`` and, if asked, bring the schema up to date.

    Raises:
        RuntimeError: Django was already set up for another home in this process.
    """
    global _configured  # noqa: PLW0603 - Django itself is process-global
    root = str(home.root)
    if _configured is not None and _configured != root:
        raise RuntimeError(f"Django is already set up for {_configured}")
    if _configured is None:
        os.environ["GONGKAI_HOME"] = root
        os.environ["DJANGO_SETTINGS_MODULE"] = "publisher.settings"
        import django  # noqa: PLC0415 - only publisher commands pay for Django

        django.setup()
        _configured = root
    if migrate:
        from django.core.management import call_command  # noqa: PLC0415

        call_command("migrate", verbosity=0, interactive=False)
