"""The typographic normaliser of fidelity and dedup: values, and idempotence on any text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from curation.text.normalize import normalize_for_match, normalized_words
from tests.strategies import texts


def test_lowercase_no_diacritics_no_punctuation_digits_kept():
    assert normalize_for_match("L’Hypertension ARTÉRIELLE, 140/90 mmHg !") == "l hypertension arterielle 140 90 mmhg"
    assert normalize_for_match("  a\n\n\tb\f c  ") == "a b c"
    assert normalize_for_match("Œdème du cœur à J7") == "œdeme du cœur a j7"


def test_compatibility_forms_are_expanded():
    assert normalize_for_match("eﬃcacité déﬁnie ﬂux") == "efficacite definie flux"
    assert normalize_for_match("1,73 m²") == "1 73 m2"


def test_empty_and_punctuation_only():
    assert normalize_for_match("") == ""
    assert normalize_for_match(" — « … » ") == ""


def test_words():
    assert normalized_words("Le cœur, à 120/min.") == ["le", "cœur", "a", "120", "min"]


@settings(max_examples=300, deadline=None)
@given(text=texts | st.text(alphabet=st.characters(), max_size=300))
def test_normaliser_is_idempotent(text):
    once = normalize_for_match(text)
    assert normalize_for_match(once) == once
    assert "  " not in once and once == once.strip()
    assert once == once.lower()
