"""Login, logout, password change (forced at first login), the console's home page."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from publisher.console.access import actor_of, staff_view
from publisher.console.review_reads import visible
from publisher.console.services import password_changed
from publisher.store.models import Revision
from publisher.web.guard import accepts

if TYPE_CHECKING:
    from django.contrib.auth.forms import PasswordChangeForm
    from django.http import HttpRequest

__all__ = ["LOGIN_CHECKS", "home", "login", "logout", "password"]

#: A login form is a name, a password and a token: far below this.
LOGIN_BODY = 4 * 1024
#: Password checks at once. Each costs the hasher's rounds (a good part of a second
#: of CPU, even for an unknown name), so anyone reaching the port could otherwise
#: keep every core busy; past this a login waits briefly, then is answered 503.
LOGIN_CHECKS = threading.BoundedSemaphore(2)


class _Login(auth_views.LoginView):
    template_name = "console/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not LOGIN_CHECKS.acquire(timeout=settings.GONGKAI_LOGIN_WAIT):
            return HttpResponse("登录繁忙，请稍后再试。", status=503, content_type="text/plain")
        try:
            return super().post(request, *args, **kwargs)
        finally:
            LOGIN_CHECKS.release()


class _Password(auth_views.PasswordChangeView):
    template_name = "console/password.html"
    success_url = reverse_lazy("console:home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        password_changed(actor=actor_of(self.request), user=form.user)
        messages.success(self.request, "密码已修改。")
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        profile = getattr(self.request.user, "staff_profile", None)
        context["first_login"] = bool(profile and profile.must_change_password)
        return context


login = accepts("GET", "HEAD", "POST", max_body=LOGIN_BODY)(_Login.as_view())
logout = accepts("POST", max_body=LOGIN_BODY)(
    auth_views.LogoutView.as_view(next_page=reverse_lazy("console:login"))
)
password = staff_view(methods=("GET", "POST"), max_body=LOGIN_BODY, password_ok=True)(
    _Password.as_view()
)


@staff_view()
def home(request: HttpRequest) -> HttpResponse:
    """The start page: what waits for this person, and where to go."""
    actor = actor_of(request)
    waiting = Revision.objects.filter(
        visible(actor), status__in=[Revision.Status.PENDING, Revision.Status.QUARANTINED]
    )
    counts = {
        "pending": waiting.filter(status=Revision.Status.PENDING).count(),
        "quarantined": waiting.filter(status=Revision.Status.QUARANTINED).count(),
    }
    return render(request, "console/home.html", {"counts": counts})
