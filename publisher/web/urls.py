"""URL routes of the publisher's HTTP face; the staff console under ``/staff/``."""

from __future__ import annotations

from django.urls import include, path, re_path
from django.views.generic import RedirectView

from publisher.applications import web as applications
from publisher.web import mobile, views

urlpatterns = [
    re_path(r"^repo/(?P<path>(?:metadata|targets|objects)/[A-Za-z0-9._/-]+)$", views.repository),
    re_path(r"^docs/(?P<sha256>[0-9a-f]{64})$", views.documents),
    # Short links (content.shortlink): an item's and a document's phone page.
    re_path(r"^d/(?P<code>[0-9A-Za-z]{5,12})$", mobile.item),
    re_path(r"^f/(?P<code>[0-9A-Za-z]{5,12})$", mobile.document),
    path("api/channels/<str:channel>/events", views.events),
    path("api/devices/heartbeat", views.heartbeat),
    path("api/applications/status", applications.status),
    path("staff", RedirectView.as_view(url="/staff/")),  # as people type it
    path("staff/", include("publisher.console.urls")),
]
