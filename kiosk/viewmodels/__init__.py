"""The kiosk app's view-models: navigation, lists, details, search, idle and themes.

Plain Python with no Kivy import, so every rule of what the kiosk shows is
tested without a display; the Kivy screens in ``kiosk.app`` only draw them.
"""

__all__: list[str] = []
