"""Word shingles and Jaccard similarity."""

from __future__ import annotations

import pytest

from curation.text.shingles import jaccard, similarity, word_shingles


def test_shingles():
    assert word_shingles("a b c d".split(), 3) == {"a b c", "b c d"}
    assert word_shingles("a b".split(), 3) == frozenset()


def test_jaccard():
    assert jaccard({1, 2, 3}, {2, 3, 4}) == pytest.approx(0.5)
    assert jaccard(set(), set()) == 0.0
    assert jaccard({1}, set()) == 0.0


def test_similarity_uses_word_sets_for_short_texts():
    assert similarity("voir figure 1".split(), "figure 1 voir".split(), 5) == 1.0
    long = "le patient présente une hypertension artérielle sévère".split()
    assert similarity(long, long, 5) == 1.0
    assert similarity(long, long[::-1], 5) == 0.0
