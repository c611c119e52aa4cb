"""Word counts and letter share as the passage filter measures them."""

from __future__ import annotations

import pytest

from curation.text.words import alpha_ratio, count_words, words


def test_words_need_a_letter_or_a_digit():
    assert words("L’hypertension — artérielle ≥ 140 mmHg .") == ["L’hypertension", "artérielle", "140", "mmHg"]
    assert count_words("L’hypertension — artérielle ≥ 140 mmHg .") == 4
    assert count_words("") == 0


def test_alpha_ratio():
    assert alpha_ratio("abc 123") == pytest.approx(0.5)
    assert alpha_ratio("a b") == 1.0
    assert alpha_ratio("   ") == 0.0
    assert alpha_ratio("52,1 51,3") == 0.0
