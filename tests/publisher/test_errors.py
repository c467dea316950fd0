"""The publisher's one error tree: its face, and every leaf on the right branch."""

from __future__ import annotations

import pytest

from publisher import errors
from publisher.errors import InputError, PublisherError, UnavailableError

INPUT = ("ConfigError", "HomeInitError", "ReleaseError", "KeySetupError", "DeviceError",
         "ReviewError", "UnknownBoardError", "BoardRuleError", "BoardContentError")  # fmt: skip
UNAVAILABLE = ("SourceError", "BoardError", "BoardUnreachableError", "BoardRejectedError",
               "BoardContentError", "FontMissingError", "KeyStoreError",
               "SchedulerLockedError")  # fmt: skip


def test_the_face_exports_exactly_its_public_names():
    for name in errors.__all__:  # lazy exports (content.lazy) join vars() when first used
        getattr(errors, name)
    public = {name for name in vars(errors) if not name.startswith("_")} - {
        "annotations",
        "lazy",
        "typing",
    }
    assert len(errors.__all__) == len(set(errors.__all__))
    assert set(errors.__all__) == public


@pytest.mark.parametrize("name", INPUT)
def test_bad_input_is_an_input_error(name):
    assert issubclass(getattr(errors, name), InputError)


@pytest.mark.parametrize("name", UNAVAILABLE)
def test_what_could_not_be_reached_or_stored_is_unavailable(name):
    assert issubclass(getattr(errors, name), UnavailableError)


def test_every_exported_error_has_the_one_root():
    assert {
        name for name in errors.__all__ if not issubclass(getattr(errors, name), PublisherError)
    } == set()
    assert set(INPUT) | set(UNAVAILABLE) | {
        "PublisherError",
        "InputError",
        "UnavailableError",
    } == set(errors.__all__)


def test_the_sources_tree_hangs_under_unavailable():
    from publisher.sources.errors import BlockedError, FetchError  # noqa: PLC0415

    assert issubclass(FetchError, UnavailableError)
    assert issubclass(BlockedError, PublisherError)


def test_leaves_that_were_builtin_errors_still_are():
    assert issubclass(errors.ReviewError, ValueError)
    assert issubclass(errors.BoardContentError, ValueError)
    assert issubclass(errors.SchedulerLockedError, RuntimeError)
    assert issubclass(errors.FontMissingError, RuntimeError)
