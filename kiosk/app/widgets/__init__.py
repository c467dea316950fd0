"""Kiosk widgets: basic pieces, the QR code, flowcharts and charts."""
