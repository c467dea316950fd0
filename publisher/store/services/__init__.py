"""Writes to the store. Keyword-only, typed, each one atomic.

Naming follows ``<noun>_<verb>``. Review decisions and quarantines are written
to the audit log with who and when. One module per domain:

* ``sources``: sources, sync runs, fetch states, blocks by anti-bot pages;
* ``revisions``: fetched content recorded as revisions, removals flagged;
* ``review``: reviewers' approvals and rejections;
* ``documents``: mirrored documents and half-written downloads;
* ``sync_requests``: "sync now", queued in the one scheduler;
* ``channels``: channels marked for a new release;
* ``links``: short links of released items and mirrored documents;
* ``audit``: the audit trail.
"""

from publisher.store.services.audit import audit_log
from publisher.store.services.channels import channels_mark_dirty
from publisher.store.services.documents import document_store, temp_files_clear
from publisher.store.services.links import ShortLinkSpaceError, links_assign
from publisher.store.services.review import (
    Decision,
    DecisionReport,
    ReviewDeniedError,
    ReviewError,
    ReviewInputError,
    review_refusal,
    revision_approve,
    revision_reject,
    revisions_decide,
)
from publisher.store.services.revisions import (
    Policy,
    RecordOutcome,
    item_removals_flag,
    revision_record,
)
from publisher.store.services.sources import (
    BLOCK_BACKOFF,
    fetch_state_save,
    run_finish,
    run_start,
    runs_interrupt_stale,
    source_block,
    source_unblock,
    source_upsert,
)
from publisher.store.services.sync_requests import SyncQueue, SyncRequestError, source_sync_now

__all__ = [
    "BLOCK_BACKOFF",
    "Decision",
    "DecisionReport",
    "Policy",
    "RecordOutcome",
    "ReviewDeniedError",
    "ReviewError",
    "ReviewInputError",
    "ShortLinkSpaceError",
    "SyncQueue",
    "SyncRequestError",
    "audit_log",
    "channels_mark_dirty",
    "document_store",
    "fetch_state_save",
    "item_removals_flag",
    "links_assign",
    "review_refusal",
    "revision_approve",
    "revision_record",
    "revision_reject",
    "revisions_decide",
    "run_finish",
    "run_start",
    "runs_interrupt_stale",
    "source_block",
    "source_sync_now",
    "source_unblock",
    "source_upsert",
    "temp_files_clear",
]
