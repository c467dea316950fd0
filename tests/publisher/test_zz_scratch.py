from .conftest import ScriptedServer
from publisher.store.models import Item, Revision, SyncRun, FetchState


def test_scratch(kit, county, loopback, db):
    loopback.script(county.article_path(3), loopback.reply(200, b"x" * 2000, behaviour="reset"))
    kit.max_bytes = 200_000
    loopback.script(county.article_path(6), loopback.reply(200, b"<html>" + b"x" * 300_000))
    s = kit.run()
    print(s)
    print(ScriptedServer)
