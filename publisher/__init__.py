"""The county-office publisher: sync, store, review, releases, boards, web UI.

May import ``content``, Django, requests, APScheduler, tuf and Pillow; never
``kiosk`` or Kivy (architecture.md).
"""

__all__: list[str] = []
