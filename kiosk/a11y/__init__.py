"""Accessibility services of the kiosk: read-aloud behind a small interface."""
