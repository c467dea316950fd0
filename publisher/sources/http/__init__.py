"""Polite HTTP for syncing county government websites (domain.md §4, pitfalls 20, 23-28).

One :class:`PoliteClient` serves a sync run. It sends an identifying User-Agent,
keeps one connection per host, serialises the requests to a host and spaces
their starts by ``min_interval``, retries transient failures with backoff
(urllib3 ``Retry``, honouring ``Retry-After``), obeys robots.txt, caps response
sizes and recognises anti-bot pages instead of passing them off as content::

    config = HttpConfig(user_agent="GongkaiSync/0.1 (+https://example.org/gongkai)")
    with PoliteClient(config) as client:
        page = client.get(list_url, referer=column_url)
        html = page.text()
        later = client.get(list_url, referer=column_url, validators=page.validators)
        if not later.not_modified:
            ...
        attachment = client.download(file_url, Path("var/incoming"), referer=page.url)
        attachment.path.rename(store / attachment.sha256)  # same filesystem

Every failure is a :class:`~publisher.sources.errors.SourceError`: a ``FetchError``
(or a subclass) when the site could not be fetched, a ``BlockedError`` when it
answered with a challenge or rate-limit page. No requests or urllib3 exception
escapes.

Inside: the settings (``_config``), what a fetch returns (``_messages``), the
client itself (``_client``), and its helpers: retrying (``_retry``), judging an
answer (``_judge``: anti-bot pages, error statuses, sizes), robots.txt
(``_robots``) and spooling a download into a temp file (``_spool``).
"""

from publisher.sources.http._client import PoliteClient
from publisher.sources.http._config import HttpConfig
from publisher.sources.http._messages import Download, Response, Validators

__all__ = ["Download", "HttpConfig", "PoliteClient", "Response", "Validators"]
