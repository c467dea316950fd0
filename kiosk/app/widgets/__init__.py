"""Kiosk widgets: basic pieces, the QR code, flowcharts and charts."""

__all__: list[str] = []
