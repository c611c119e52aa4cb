"""Normalisation and shingles: what is folded, what is kept (digits), idempotence, stable hashes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.dedup.normalize import normalize_text
from curation.dedup.shingles import hash_shingles, jaccard, shingle_bytes, shingles_of, sorted_unique, text_shingles
from tests.strategies import texts


def test_normalisation_folds_case_compatibility_forms_punctuation_and_spaces():
    text = "L'Hypertension  ARTÉRIELLE : 5 mg/j — ﬁbrose,\t«œdème» ９ ½ dose…\n"
    assert normalize_text(text) == "l hypertension artérielle 5 mg j fibrose œdème 9 1 2 dose"


def test_digits_and_diacritics_are_kept():
    assert normalize_text("5 mg") != normalize_text("50 mg")
    assert normalize_text("Côte") == "côte" != normalize_text("cote")


def test_text_without_words_normalises_to_empty():
    assert normalize_text("") == ""
    assert normalize_text(" ... ;; — !! \u200b\x00 ") == ""


@settings(max_examples=300, deadline=None)
@given(st.one_of(texts, st.text(), st.text(alphabet=st.characters(codec="utf-8"), max_size=50)))
def test_normalisation_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert "  " not in once and once == once.strip()


def test_lowercasing_greek_capitals_with_marks_stays_idempotent():
    for text in ["Ϊ́", "Άͅ", "Ώͅ", "ϔ́"]:
        once = normalize_text(text)
        assert normalize_text(once) == once


def test_shingles_of_short_long_and_empty_texts():
    assert shingles_of("a b c", 5) == [b"a b c"]
    assert shingles_of("a b c d e f", 5) == [b"a b c d e", b"b c d e f"]
    assert shingles_of("œdème à j7", 2) == ["œdème à".encode(), "à j7".encode()]
    assert shingles_of("", 5) == []
    assert text_shingles("", 5).size == 0
    assert text_shingles("Trois mots seulement.", 5).size == 1


def test_shingles_are_unique_sorted_uint64_and_stable_across_platforms():
    repeated = text_shingles(" ".join(["un deux trois quatre cinq"] * 4), 5)
    assert repeated.dtype == np.uint64 and repeated.size == 5  # 5 distinct 5-grams in a cycle of 5 words
    assert np.all(np.diff(repeated.astype(np.float64)) > 0)
    # xxh3_64 of the UTF-8 bytes of the normalised shingle: a fixed value on every platform
    assert text_shingles("Le patient présente une hypertension.", 5).tolist() == [1163380580930826464]
    assert hash_shingles(shingle_bytes("Le patient présente une hypertension.", 5)).tolist() == [1163380580930826464]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), max_size=40))
def test_sorted_unique_matches_numpy(values):
    array = np.array(values, dtype=np.uint64)
    assert sorted_unique(array).tolist() == np.unique(array).tolist()


def test_exact_jaccard():
    a = np.array([1, 2, 3, 4], dtype=np.uint64)
    b = np.array([3, 4, 5], dtype=np.uint64)
    assert jaccard(a, b) == 2 / 5
    assert jaccard(a, a) == 1.0
    assert jaccard(a, np.zeros(0, dtype=np.uint64)) == 0.0


def test_a_dosage_change_changes_the_shingles():
    five = text_shingles("Prendre 5 mg de ramipril chaque matin.", 5)
    fifty = text_shingles("Prendre 50 mg de ramipril chaque matin.", 5)
    assert jaccard(five, fifty) < 0.5
