"""The staff console under ``/staff/``: accounts, roles, per-town scope, review.

Server-rendered Django pages served by ``gongkai serve`` in the same process as
the repository and the device API. Pages plug in through ``access.staff_view``
(login, must-change password, role, body cap for the request guard) and the
``console/base.html`` layout; writes go through services that take an
``publisher.actors.Actor`` (``access.actor_of``).
"""

__all__: list[str] = []
