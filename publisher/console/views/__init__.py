"""The console's views, one module per area; each is a thin adapter over services."""

__all__: list[str] = []
