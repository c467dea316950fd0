"""Django app configuration of the application register."""

from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    """The ``publisher.applications`` app."""

    name = "publisher.applications"
    label = "applications"
    verbose_name = "依申请公开登记"
    default_auto_field = "django.db.models.BigAutoField"
