"""Where content comes from: profiles of county sites, polite HTTP, page extraction."""

__all__: list[str] = []
