"""The hall kiosk: the update agent and the Kivy touchscreen app.

May import ``content``, Kivy and tuf; never ``publisher`` or Django
(architecture.md). ``kiosk.agent`` is the update agent (no Kivy: it runs on a
kiosk without a display too); ``kiosk.cli`` adds ``gongkai kiosk-agent``.
"""

__all__: list[str] = []
