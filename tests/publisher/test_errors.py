"""The publisher's one error tree: its face, and every leaf on the right branch."""

from __future__ import annotations

import importlib

import pytest

from publisher import errors
from publisher.errors import InputError, PublisherError, UnavailableError

#: Each leaf of the tree (``publisher/errors.py`` draws it) and the module it lives in.
LEAVES = {
    "ConfigError": "publisher.tomlfile",
    "HomeInitError": "publisher.home_init",
    "ReleaseError": "publisher.release.builder",
    "KeySetupError": "publisher.release.services",
    "DeviceError": "publisher.devices",
    "ReviewError": "publisher.store.services",
    "UnknownBoardError": "publisher.boards.config",
    "BoardRuleError": "publisher.boards.rules",
    "OutOfScopeError": "publisher.actors",
    "SyncRequestError": "publisher.store.services",
    "BoardContentError": "publisher.boards.drivers.base",
    "SourceError": "publisher.sources.errors",
    "BoardError": "publisher.boards.drivers.base",
    "BoardUnreachableError": "publisher.boards.drivers.base",
    "BoardRejectedError": "publisher.boards.drivers.base",
    "FontMissingError": "publisher.boards.fonts",
    "KeyStoreError": "publisher.release.keys",
    "SchedulerLockedError": "publisher.jobs",
}
INPUT = ("ConfigError", "HomeInitError", "ReleaseError", "KeySetupError", "DeviceError",
         "ReviewError", "UnknownBoardError", "BoardRuleError", "BoardContentError",
         "OutOfScopeError", "SyncRequestError")  # fmt: skip
UNAVAILABLE = ("SourceError", "BoardError", "BoardUnreachableError", "BoardRejectedError",
               "BoardContentError", "FontMissingError", "KeyStoreError",
               "SchedulerLockedError")  # fmt: skip


def _leaf(name: str) -> type[Exception]:
    leaf: type[Exception] = getattr(importlib.import_module(LEAVES[name]), name)
    return leaf


def test_the_face_is_the_three_roots_and_imports_nothing_of_the_publisher():
    assert set(errors.__all__) == {"PublisherError", "InputError", "UnavailableError"}
    assert {name for name in vars(errors) if not name.startswith("_")} - {"annotations"} == set(
        errors.__all__
    )


@pytest.mark.parametrize("name", sorted(LEAVES))
def test_the_tree_drawn_in_the_docstring_names_every_leaf(name):
    assert name in (errors.__doc__ or "")
    assert LEAVES[name] in (errors.__doc__ or "")


@pytest.mark.parametrize("name", INPUT)
def test_bad_input_is_an_input_error(name):
    assert issubclass(_leaf(name), InputError)


@pytest.mark.parametrize("name", UNAVAILABLE)
def test_what_could_not_be_reached_or_stored_is_unavailable(name):
    assert issubclass(_leaf(name), UnavailableError)


def test_every_leaf_has_the_one_root():
    assert set(INPUT) | set(UNAVAILABLE) == set(LEAVES)
    assert [name for name in LEAVES if not issubclass(_leaf(name), PublisherError)] == []


def test_the_sources_tree_hangs_under_unavailable():
    from publisher.sources.errors import BlockedError, FetchError  # noqa: PLC0415

    assert issubclass(FetchError, UnavailableError)
    assert issubclass(BlockedError, PublisherError)


def test_leaves_that_were_builtin_errors_still_are():
    assert issubclass(_leaf("ReviewError"), ValueError)
    assert issubclass(_leaf("BoardContentError"), ValueError)
    assert issubclass(_leaf("SchedulerLockedError"), RuntimeError)
    assert issubclass(_leaf("FontMissingError"), RuntimeError)


def test_the_actors_county_scope_is_the_content_models_one() -> None:
    from content.models import COUNTY_SCOPE  # noqa: PLC0415
    from publisher import actors  # noqa: PLC0415

    assert actors.COUNTY_SCOPE == COUNTY_SCOPE
