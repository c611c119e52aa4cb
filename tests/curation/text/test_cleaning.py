"""The heuristic extractor as a pure function: what is removed, repaired, merged, and the source spans."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from curation.text.cleaning import FIX_KINDS, CleaningParams, extract_passages, is_heading_like
from tests.strategies import FRENCH_WORDS

BODY1 = (
    "L’hypertension artérielle demeure le premier facteur de risque cardiovas-\n"
    "culaire modifiable. Près d’un adulte sur trois est concerné, et l’eﬃcacité\n"
    "du traitement est établie."
)
BODY2 = "Le dÃ©pistage est recommandÃ© chez les personnes Ã  risque, une fois par an."
BODY3 = "Le suivi repose sur l’automesure tensionnelle à domicile, pendant trois jours."


def _page(n: int, body: str) -> str:
    return f"Revue fictive · 2024 ; 18 (3) : 211-218\nDupont A. et al.\n\n{body}\n\nPage {n} / 3"


ARTICLE = "\f\n\n".join([
    _page(1, f"Introduction\n\n{BODY1}\n\nFigure 1. Proportion de patients contrôlés."),
    _page(2, BODY2),
    _page(3, f"{BODY3}\n\nRéférences\n\n1. Dupont A. Titre. Rev Fict. 2021;3:1-9.\n\n2. Durand B. Titre. 2020."),
])


def test_article_is_cleaned_and_cut_into_passages():
    result = extract_passages(ARTICLE)
    assert [p.text for p in result.passages] == [
        "Introduction\nL’hypertension artérielle demeure le premier facteur de risque cardiovasculaire modifiable. "
        "Près d’un adulte sur trois est concerné, et l’efficacité du traitement est établie.",
        "Le dépistage est recommandé chez les personnes à risque, une fois par an.",
        BODY3,
    ]
    assert result.fixes == [
        "running_header_removed", "page_number_removed", "references_removed", "caption_removed",
        "hyphenation_joined", "ligature_fixed", "mojibake_fixed",
    ]


def test_spans_cover_the_source_lines_of_each_passage():
    result = extract_passages(ARTICLE)
    first, second, third = result.passages
    assert ARTICLE[first.start : first.end] == f"Introduction\n\n{BODY1}"
    assert ARTICLE[second.start : second.end] == BODY2
    assert ARTICLE[third.start : third.end] == BODY3


def test_clean_text_has_no_fix():
    text = "Un premier paragraphe assez long pour être une phrase.\n\nUn second paragraphe, lui aussi complet."
    result = extract_passages(text)
    assert result.fixes == [] and [p.text for p in result.passages] == text.split("\n\n")


def test_headings_merge_into_the_next_paragraph_but_short_sentences_do_not():
    text = "Titre\n\nSous-titre\n\nLe corps du texte, long et complet.\n\nVoir figure 1.\n\nFin du texte, complète."
    assert [p.text for p in extract_passages(text).passages] == [
        "Titre\nSous-titre\nLe corps du texte, long et complet.", "Voir figure 1.", "Fin du texte, complète."
    ]
    trailing = extract_passages("Texte complet.\n\nConclusion").passages
    assert [p.text for p in trailing] == ["Texte complet.", "Conclusion"]
    assert is_heading_like("Et l’insuline ?", 8) and not is_heading_like("Voir figure 1.", 8)
    assert [p.text for p in extract_passages(text, CleaningParams(merge_below_words=0)).passages][0] == "Titre"


def test_nothing_left():
    result = extract_passages("Bibliographie\n\n1. Dupont A. Titre. 2021.\n\n2. Durand B. Titre. 2020.")
    assert result.passages == [] and result.fixes == ["references_removed"]
    assert extract_passages("").passages == [] and extract_passages(" \f \n").passages == []


layout_text = st.lists(
    st.sampled_from(
        FRENCH_WORDS + ["\n", "\n\n", "\f", "Page 2 / 3", "Figure 1.", "Références", "hyper-\n", "ﬁ", "Ã©"]
    ),
    max_size=120,
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(text=layout_text | st.text(max_size=300))
def test_any_text_gives_ordered_non_empty_passages_inside_the_input(text):
    result = extract_passages(text)
    previous_end = 0
    for passage in result.passages:
        assert passage.text.strip() == passage.text and passage.text
        assert previous_end <= passage.start < passage.end <= len(text)
        previous_end = passage.end
    assert set(result.fixes) <= set(FIX_KINDS)
