"""What every console page shares: the guard's body cap, login, roles, scope.

A page is a plain Django view wrapped in :func:`staff_view`::

    @staff_view(Role.BOARDS, methods=("GET", "POST"), max_body=16 * 1024)
    def board_rule_add(request: HttpRequest) -> HttpResponse:
        actor = actor_of(request)          # name, roles, town, client address
        board = get_visible_or_404(actor, board_scope)  # 404 for another town's
        ...

It declares the methods and body cap to the request guard
(``publisher.web.guard.accepts``), answers an anonymous request with a redirect
to the login page, sends someone still on a one-time password to change it,
and answers 403 to a user without the role. Scope is checked against the
object with :func:`require_visible` (404: another town's, whose existence must
not leak) and :func:`require_actionable` (403: county-wide content is
read-only to a town account); the services check both again.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from publisher.actors import Actor, OutOfScopeError, Role, Scope
from publisher.console.roles import GROUP_NAMES
from publisher.web.guard import accepts

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest
    from django.http.response import HttpResponseBase

__all__ = [
    "FORM_BODY",
    "actor_of",
    "console_context",
    "require_actionable",
    "require_visible",
    "staff_view",
]

_View = TypeVar("_View", bound="Callable[..., HttpResponseBase]")
#: The body cap of an ordinary console form (a login, a reason, a page of ids).
FORM_BODY = 16 * 1024


def staff_view(
    *roles: Role,
    methods: tuple[str, ...] = ("GET",),
    max_body: int = 0,
    password_ok: bool = False,
) -> Callable[[_View], _View]:
    """Make ``view`` a console page: login, current password, one of ``roles`` (any if none).

    Args:
        roles: the user needs one of these (none: any logged-in staff member).
        methods: the HTTP methods it takes (``HEAD`` comes with ``GET``).
        max_body: the most body bytes it reads; the guard refuses more unread.
        password_ok: reachable while the one-time password is unchanged (the
            password page itself).
    """
    allowed = tuple(dict.fromkeys([*methods, *(["HEAD"] if "GET" in methods else [])]))
    if "POST" in allowed and not max_body:
        max_body = FORM_BODY

    def wrap(view: _View) -> _View:
        @functools.wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not password_ok and _must_change(request):
                return redirect("console:password")
            if roles and not any(actor_of(request).may(role) for role in roles):
                raise PermissionDenied("需要" + "或".join(GROUP_NAMES[r] for r in roles) + "角色")
            try:
                return view(request, *args, **kwargs)
            except OutOfScopeError as exc:  # a service's scope check: 403, as Django's own
                raise PermissionDenied(str(exc)) from exc

        guarded = require_http_methods(list(allowed))(login_required(checked))
        return accepts(*allowed, max_body=max_body if "POST" in allowed else 0)(guarded)  # type: ignore[return-value]

    return wrap


def actor_of(request: HttpRequest) -> Actor:
    """The logged-in staff member as the services' ``Actor`` (cached on the request)."""
    cached = getattr(request, "_gongkai_actor", None)
    if isinstance(cached, Actor):
        return cached
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied("请先登录")
    profile = getattr(user, "staff_profile", None)
    perms = user.get_all_permissions()
    actor = Actor.web(
        user.get_username(),
        roles=frozenset(role for role in Role if f"console.{role.value}" in perms),
        scope=Scope.of_town(profile.town if profile else None),
        address=str(request.META.get("REMOTE_ADDR", "")),
    )
    request._gongkai_actor = actor  # type: ignore[attr-defined]  # noqa: SLF001
    return actor


def require_visible(actor: Actor, scope: str) -> None:
    """404 unless ``actor`` may see content of ``scope`` (another town's must not leak)."""
    if not actor.sees(scope):
        raise Http404


def require_actionable(actor: Actor, scope: str) -> None:
    """404 for another town's content, 403 for county-wide content to a town account."""
    require_visible(actor, scope)
    if not actor.acts_on(scope):
        raise PermissionDenied("县级内容对乡镇账号只读")


def console_context(request: HttpRequest) -> dict[str, Any]:
    """Template context of every page: who is logged in, their roles and town, for the nav."""
    if not request.path.startswith("/staff/") or not request.user.is_authenticated:
        return {}
    actor = actor_of(request)
    towns: dict[str, str] = settings.GONGKAI_TOWNS
    return {
        "staff": actor,
        "staff_roles": [GROUP_NAMES[r] for r in Role if actor.may(r)],
        "staff_town": towns.get(actor.town, actor.town) if actor.town else "全县",
        "may": {role.value: actor.may(role) for role in Role},
    }


def _must_change(request: HttpRequest) -> bool:
    profile = getattr(request.user, "staff_profile", None)
    return bool(profile and profile.must_change_password)
