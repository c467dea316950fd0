"""The publisher's store (a Django app): items, revisions, fetch state, runs, documents.

Writes go through ``services``, reads through ``selectors``; models hold data and
invariants only.
"""

__all__: list[str] = []
