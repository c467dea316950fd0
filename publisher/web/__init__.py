"""The publisher's HTTP face: the TUF repository, document mirror, pokes, device API."""

__all__: list[str] = []
