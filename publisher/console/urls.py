"""The console's routes, under ``/staff/`` (namespace ``console``)."""

from __future__ import annotations

from django.urls import path, re_path

from publisher.console.views import applications, auth, review, static

app_name = "console"
urlpatterns = [
    path("", auth.home, name="home"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("password/", auth.password, name="password"),
    path("review/", review.queue, name="queue"),
    path("review/bulk/", review.bulk, name="bulk"),
    path("review/<int:revision_id>/", review.revision, name="revision"),
    path("review/<int:revision_id>/decide/", review.decide, name="decide"),
    path("review/<int:revision_id>/release/", review.release_status, name="release_status"),
    path("applications/", applications.register, name="applications"),
    path("applications/new/", applications.new, name="application_new"),
    path("applications/report/<int:year>/", applications.report, name="application_report"),
    path("applications/<str:number>/", applications.application, name="application"),
    path("applications/<str:number>/personal/", applications.personal, name="application_personal"),
    path("applications/<str:number>/event/", applications.event, name="application_event"),
    path("applications/<str:number>/reply/", applications.reply, name="application_reply"),
    re_path(r"^static/(?P<path>[A-Za-z0-9._/-]+)$", static.static, name="static"),
]
