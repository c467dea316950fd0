"""The publisher's store (a Django app): items, revisions, fetch state, runs, documents.

Writes go through ``services`` (a package, one module per domain), reads through
``selectors``, and approved content as validated entities through ``approved``
(one cache for releases and boards); models hold data and invariants only.
"""

__all__: list[str] = []
