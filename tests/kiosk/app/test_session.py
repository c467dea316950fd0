"""The visitor's session, the routing table and the release loader: plain Python, no window."""

from __future__ import annotations

import pytest

from kiosk.app.loader import NO_RELEASE, ReleaseLoader
from kiosk.viewmodels.nav import Place, Screen
from kiosk.viewmodels.session import Session
from kiosk.viewmodels.theme import ELDER, NORMAL


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def session(clock):
    return Session.begin(90, clock=clock)


def test_a_session_begins_at_home_in_the_normal_mode(session):
    assert session.place == Place(Screen.HOME)
    assert session.theme is NORMAL
    assert not session.attracting
    assert session.search.query == ""


def test_before_a_release_every_place_but_the_attract_loop_shows_loading(session):
    assert session.shown(loaded=False) is Screen.LOADING
    session.go(Place(Screen.LIST, "guide"))
    assert session.shown(loaded=False) is Screen.LOADING
    assert session.shown(loaded=True) is Screen.LIST
    session.end()
    assert session.shown(loaded=False) is Screen.ATTRACT


def test_the_elder_mode_is_a_theme(session):
    session.set_elder(elder=True)
    assert session.theme is ELDER
    session.set_elder(elder=False)
    assert session.theme is NORMAL


def test_the_idle_timeout_ends_the_session_once(session, clock):
    session.set_elder(elder=True)
    session.go(Place(Screen.SEARCH))
    session.search.query = "bd"
    clock.now += 89
    assert not session.tick()
    assert session.place.screen is Screen.SEARCH
    clock.now += 1
    assert session.tick()
    assert session.place == Place(Screen.ATTRACT)
    assert session.nav.back() == Place(Screen.HOME)  # 返回 from the loop is 首页
    session.go(Place(Screen.ATTRACT))
    assert session.theme is NORMAL
    assert session.search.query == ""
    assert session.search.groups == []
    clock.now += 500
    assert not session.tick()  # already idle: once


def test_a_touch_on_the_loop_or_after_the_timeout_only_wakes(session, clock):
    assert not session.touch()  # an ordinary tap acts
    clock.now += 90
    assert session.tick()
    assert session.touch()  # the first tap after the timeout wakes
    session.home()
    assert not session.touch()
    session.go(Place(Screen.ATTRACT))
    assert session.touch()  # so does any tap on the attract loop


def test_touches_postpone_the_timeout(session, clock):
    for _ in range(5):
        clock.now += 60
        session.touch()
        assert not session.tick()


def test_home_keeps_the_query_only_the_end_of_the_session_clears_it(session):
    session.go(Place(Screen.SEARCH))
    session.search.query = "bd"
    session.home()
    assert session.search.query == "bd"
    session.end()
    assert session.search.query == ""


def test_the_attract_loop_turns_only_while_shown_and_starts_over(session):
    assert not session.next_slide()
    assert session.attract_index == 0
    session.end()
    assert session.next_slide()
    assert session.next_slide()
    assert session.attract_index == 2
    session.home()
    session.end()
    assert session.attract_index == 0


def test_screens_are_an_enum_and_names_still_make_places():
    assert Place("list", "catalogue") == Place(Screen.LIST, "catalogue")
    assert Place("groups").screen is Screen.GROUPS
    assert repr(Place(Screen.GROUPS, "powers")).startswith(
        "Place(screen='groups', section='powers'"
    )
    with pytest.raises(ValueError, match="lits"):
        Place("lits")


def test_every_screen_has_a_route():
    from kiosk.app.routes import ROUTES

    assert set(ROUTES) == set(Screen)


class _Library:
    def __init__(self, name: str) -> None:
        self.name = name


def test_the_loader_delivers_on_the_ui_thread_and_keeps_the_last_good_release(tmp_path):
    posted, loaded = [], []
    results = [(None, NO_RELEASE), (_Library("1"), ""), (None, "内容读取失败，正在重试")]
    loader = ReleaseLoader(
        tmp_path, loaded.append, post=posted.append, read=lambda _home: results.pop(0)
    )
    for expect in ([None], [None, "1"], [None, "1"]):
        loader.load()
        assert loader.join(10)
        assert loader.busy  # until the UI thread takes the result
        loader.load()  # one read at a time
        (deliver,) = posted
        posted.clear()
        deliver()
        assert not loader.busy
        assert [getattr(x, "name", None) for x in loaded] == expect
    assert loader.library.name == "1"  # a failed re-read keeps showing the release read before
    assert loader.reason == "内容读取失败，正在重试"


def test_a_closed_loader_delivers_nothing(tmp_path):
    posted, loaded = [], []
    loader = ReleaseLoader(
        tmp_path, loaded.append, post=posted.append, read=lambda _home: (_Library("1"), "")
    )
    loader.load()
    assert loader.join(10)
    loader.close()
    posted[0]()
    loader.load()
    assert loaded == []
    assert loader.library is None
    assert len(posted) == 1
