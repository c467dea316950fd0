"""The hall kiosk: the update agent and the Kivy touchscreen app.

May import ``content``, Kivy and tuf; never ``publisher`` or Django
(architecture.md).
"""

__all__: list[str] = []
