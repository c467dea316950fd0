"""The fleet: kiosks and LED boards as staff see them (status rows, enrolment, screenshots).

``selectors`` reads (kiosk and board rows, worst first, scoped by town);
``services`` writes (enrol, revoke: taking an actor); ``screenshots`` keeps
the latest screenshot each kiosk sends with its heartbeat.
"""

__all__: list[str] = []
