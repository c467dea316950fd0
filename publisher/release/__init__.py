"""Signed releases: keys, the TUF repository, and cutting channel releases."""

__all__: list[str] = []
