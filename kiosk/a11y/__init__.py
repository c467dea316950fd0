"""Accessibility services of the kiosk: read-aloud behind a small interface."""

__all__: list[str] = []
