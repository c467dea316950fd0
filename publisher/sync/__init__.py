"""The sync: walk each source's list, fetch what changed, store revisions.

Incremental by design:

* list pages are fetched conditionally; a 304 reuses the entries remembered
  from last time, so an unchanged site costs one small request per list page;
* a detail page is fetched only when its entry is new, its list entry changed,
  or its list page changed (static CMSs republish a column's pages when any of
  its articles is edited); that fetch is itself conditional;
* an attachment is downloaded only for a new or changed item, conditionally,
  and stored once per content hash;
* an item is stored as a new revision only when its content hash changed;
* an item no longer listed is flagged for review, never deleted, and only
  after a complete listing.

A broken page is one per-item error and never stops the run. State is written
per item in one transaction, and a list page's validators only after all of its
items were handled, so a run killed at any point is completed by the next one.

Usage::

    engine = SyncEngine(home=home, config=config, client_factory=client_factory(config))
    for summary in engine.run():
        print(summary.source, summary.status, summary.new, summary.changed)

Inside: the engine (``_engine``) hands each run a ``RunContext`` (``_context``);
the run (``_run``) reads the list with the listing strategy its profile's
pagination names (``_listing``, through ``_lists``), mirrors attachments
(``_documents``) and counts into a ``RunSummary`` (``_results``). ``try_profile``
(``_trial``) reads a site the same way for ``gongkai source try`` and stores nothing.
"""

from publisher.sync._engine import SyncEngine
from publisher.sync._results import Progress, RunSummary
from publisher.sync._trial import TrialItem, TrialReport, try_profile

__all__ = ["Progress", "RunSummary", "SyncEngine", "TrialItem", "TrialReport", "try_profile"]
