"""Screen builders: each turns a place and the view-models into a widget tree."""

__all__: list[str] = []
