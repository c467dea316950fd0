"""Django app configuration of the store."""

from django.apps import AppConfig


class StoreConfig(AppConfig):
    """The ``publisher.store`` app."""

    name = "publisher.store"
    label = "store"
    verbose_name = "Gongkai store"
    default_auto_field = "django.db.models.BigAutoField"
