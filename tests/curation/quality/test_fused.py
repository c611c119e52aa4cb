"""The fused filter's statistics equal datatrove's helpers, including the corner cases."""

from __future__ import annotations

import numpy as np
import pytest
from datatrove.pipeline.filters.gopher_repetition_filter import (
    find_all_duplicate,
    find_duplicates,
    find_top_duplicate,
    get_n_grams,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.quality import fused
from curation.quality.fused import FrenchQuality, _duplicates, _Words
from curation.quality.thresholds import load_thresholds
from curation.quality.tokens import ChunkTokenizer

# few, short, overlapping pieces: many repeats, and "".join collisions such as ["ab", "c"] / ["a", "bc"]
pieces = st.lists(st.sampled_from(["a", "b", "ab", "c", "bc", "abc", "de", "l'", "«", "5", "la", "à"]), max_size=60)


@pytest.fixture(scope="module")
def tok() -> ChunkTokenizer:
    return ChunkTokenizer()


def _words(tok: ChunkTokenizer, tokens: list[str]) -> _Words:
    return _Words(tok, [tok.token_id(t) for t in tokens], tok.powers)


@settings(max_examples=400, deadline=None)
@given(tokens=pieces, n=st.integers(min_value=5, max_value=10))
def test_duplicated_ngram_chars_equals_find_all_duplicate(tok, tokens, n):
    words = _words(tok, tokens)
    expected = find_all_duplicate(tokens, n)
    assert words.duplicated_ngram_chars(n) == expected
    if expected:
        assert n in words.sizes_with_repeats([5, 6, 7, 8, 9, 10])


@settings(max_examples=400, deadline=None)
@given(tokens=pieces.filter(lambda t: len(t) >= 4), n=st.integers(min_value=2, max_value=4))
def test_top_ngram_equals_find_top_duplicate(tok, tokens, n):
    words = _words(tok, tokens)
    chars, count = words.top_ngram(n)
    assert chars == find_top_duplicate(get_n_grams(tokens, n))
    assert count == max(get_n_grams(tokens, n).count(g) for g in get_n_grams(tokens, n))


def test_top_ngram_ties_go_to_the_first_seen(tok):
    tokens = ["x", "yy", "zzz", "x", "yy", "zzz", "w"]  # ("x","yy") and ("yy","zzz") both twice
    assert _words(tok, tokens).top_ngram(2) == (2 * len("x yy"), 2)


def test_join_collisions_count_as_repeats(tok):
    tokens = ["ab", "c", "d", "e", "f", "g", "a", "bc", "d", "e", "f", "g"]  # "abcdefg" twice, different tokens
    assert _words(tok, tokens).duplicated_ngram_chars(6) == find_all_duplicate(tokens, 6) > 0


def test_hash_collisions_fall_back_to_strings(tok, monkeypatch):
    tokens = ["le", "patient", "va", "bien", "et", "sort", "demain", "avec", "un", "suivi"]
    words = _words(tok, tokens)
    constant = np.zeros(len(tokens) - 4, dtype=np.uint64)
    monkeypatch.setattr(_Words, "_ngram_keys", lambda self, n: constant[: self.count - n + 1])
    assert words.sizes_with_repeats([5]) == {5}
    assert words.duplicated_ngram_chars(5) == find_all_duplicate(tokens, 5) == 0


@given(elements=st.lists(st.sampled_from(["", "a", "bb", "a", "ccc\n"]), min_size=1, max_size=20))
def test_duplicates_equals_find_duplicates(elements):
    assert _duplicates(elements) == find_duplicates(elements)


def test_check_gives_value_and_threshold_in_detail():
    quality = FrenchQuality(load_thresholds())
    result = quality.check("\n".join(["Lire la suite", "Partager sur Facebook"] * 6))
    assert result.reason == "gopher_rep_dup_line_frac"
    assert "> 0.264" in result.detail
    assert quality.check("") == fused.QualityResult("gopher_rep_empty", "empty text")


def test_filters_crash_like_datatrove_on_unencodable_text():
    quality = FrenchQuality(load_thresholds())
    with pytest.raises(UnicodeEncodeError):
        quality.check("Le patient \ud800 va bien et sort demain avec un suivi par son médecin traitant.")
