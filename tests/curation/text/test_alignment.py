"""Character coverage: the two-level alignment gives the character-level SequenceMatcher's count, fast."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.text.alignment import char_level_covered, coverage, covered_chars
from curation.text.normalize import normalize_for_match

SOURCE = normalize_for_match(
    "L'hypertension artérielle se définit, en consultation, par une pression artérielle systolique supérieure "
    "ou égale à 140 mmHg ou une pression diastolique supérieure ou égale à 90 mmHg, confirmée lors de plusieurs "
    "visites. Sa prévalence augmente nettement avec l'âge et dépasse 60 % après 65 ans. Longtemps "
    "asymptomatique, elle expose pourtant à des complications graves : accident vasculaire cérébral, "
    "infarctus du myocarde, insuffisance cardiaque, fibrillation atriale et maladie rénale chronique."
)


def test_identical_and_disjoint():
    assert coverage(SOURCE, SOURCE) == 1.0
    assert coverage("zzzz kkkk", SOURCE) == pytest.approx(1 / 9)  # only the space is found
    assert coverage("", SOURCE) == 1.0
    assert covered_chars("abc", "") == 0


def test_a_passage_inside_its_source_is_fully_covered():
    inner = " ".join(SOURCE.split()[10:40])
    assert coverage(inner, SOURCE) == 1.0


def test_partial_words_are_recovered_at_character_level():
    assert coverage("hypertension arterielle", "hyperten sion arterielle") == 1.0
    assert covered_chars("pression arterielle", "pression xrterielle") == len("pression arterielle") - 1


def test_an_inserted_sentence_is_not_covered():
    words = SOURCE.split()
    extra = "ceci est une phrase ajoutee qui nexiste pas"
    passage = " ".join(words[:30] + extra.split() + words[30:60])
    expected = char_level_covered(passage, SOURCE)
    assert covered_chars(passage, SOURCE) == pytest.approx(expected, abs=3)
    assert coverage(passage, SOURCE) < 0.95


def test_matches_character_level_alignment_on_edited_passages():
    rng = random.Random(7)
    words = SOURCE.split()
    for _ in range(20):
        start = rng.randrange(0, len(words) - 30)
        chunk = [w if rng.random() > 0.1 else w[:-1] + "x" for w in words[start : start + 30]]
        passage = " ".join(chunk)
        assert covered_chars(passage, SOURCE) == pytest.approx(char_level_covered(passage, SOURCE), abs=2)


@settings(max_examples=100, deadline=None)
@given(a=st.text(alphabet="ab c", max_size=40), b=st.text(alphabet="ab c", max_size=60))
def test_coverage_is_a_share(a, b):
    a, b = " ".join(a.split()), " ".join(b.split())
    assert 0 <= covered_chars(a, b) <= len(a)
    assert 0.0 <= coverage(a, b) <= 1.0
