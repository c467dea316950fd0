from publisher.store import services
from publisher.store.models import Revision
from .test_sync_faults import approve_all, rewritten, item_of


def test_scratch(kit, county, db):
    kit.run(); approve_all()
    county.edit(2, paragraphs=rewritten(2))
    kit.run()
    r = item_of(county, 2).revisions.get(seq=2)
    print(r.change_share, r.reason)
    print(len(services._canonical(r.data)), len(r.data["body_text"]))
    print(services._canonical(r.data))
