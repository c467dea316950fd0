"""Template filters of the console."""

__all__: list[str] = []
