"""The hall kiosk's Kivy app: thin screens over ``kiosk.viewmodels``.

Import order matters with Kivy: ``kiosk.app.bootstrap.configure`` must run
before anything imports ``kivy.core.window`` (``kiosk.app.main`` does this).
"""

__all__: list[str] = []
