"""Short link codes: derived from the target, typeable, forgiving when typed back."""

from __future__ import annotations

import itertools

import pytest

from content.shortlink import (
    ALPHABET,
    MAX_LENGTH,
    MIN_LENGTH,
    derive_code,
    normalize_code,
    short_url,
)


def test_a_code_is_stable_and_depends_on_kind_and_target():
    code = derive_code("d", "notice-5ac56f54bedf8629")
    assert code == derive_code("d", "notice-5ac56f54bedf8629")
    assert len(code) == MIN_LENGTH
    assert set(code) <= set(ALPHABET)
    assert code != derive_code("f", "notice-5ac56f54bedf8629")
    assert code != derive_code("d", "notice-5ac56f54bedf8620")


def test_longer_codes_extend_shorter_ones():
    codes = [derive_code("f", "ab" * 32, n) for n in range(MIN_LENGTH, MAX_LENGTH + 1)]
    for shorter, longer in itertools.pairwise(codes):
        assert longer.startswith(shorter)


def test_the_alphabet_has_no_letters_a_reader_confuses():
    assert len(ALPHABET) == 32
    assert not set("ilou") & set(ALPHABET)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("7kq2x", "7kq2x"), ("7KQ2X", "7kq2x"), (" 7kq2x ", "7kq2x"), ("ab1o0", "ab100"),
     ("abIL0", "ab110")],
)  # fmt: skip
def test_a_typed_code_is_read_as_meant(typed, meant):
    assert normalize_code(typed) == meant


@pytest.mark.parametrize("bad", ["", "abcd", "a" * 13, "7kq2u", "7kq-x", "7kq2x/"])
def test_what_is_not_a_code_is_refused(bad):
    assert normalize_code(bad) is None


def test_bad_lengths_are_refused_and_the_url_is_short():
    with pytest.raises(ValueError, match="characters"):
        derive_code("d", "x", MIN_LENGTH - 1)
    with pytest.raises(ValueError, match="characters"):
        derive_code("d", "", MIN_LENGTH)
    assert short_url("http://127.0.0.1:8700/", "d", "7kq2x") == "http://127.0.0.1:8700/d/7kq2x"
