"""Paragraphs of a page layout, reference sections and captions."""

from __future__ import annotations

from curation.text.blocks import is_caption, paragraphs, reference_ranges
from curation.text.layout import split_lines


def _blocks(text, removed=()):
    return paragraphs(split_lines(text), set(removed))


def test_paragraphs_break_at_blank_lines_pages_and_removed_lines():
    blocks = _blocks("a\nb\n\nc.\fd\n\nEntête\ne")
    assert [b.text for b in blocks] == ["a\nb", "c.", "d", "Entête\ne"]
    blocks = _blocks("a\nb\n\nc.\fd\n\nEntête\ne", removed=[6])
    assert [b.text for b in blocks] == ["a\nb", "c.", "d", "e"]


def test_a_sentence_running_over_a_page_break_is_one_paragraph():
    text = "Le traitement associe\nun diurétique et\fHeader\n\nun bêtabloquant."
    lines = split_lines(text)
    blocks = paragraphs(lines, {2})
    assert [b.text for b in blocks] == ["Le traitement associe\nun diurétique et\nun bêtabloquant."]
    assert text[blocks[0].start : blocks[0].end].endswith("un bêtabloquant.")


def test_references_from_heading_to_the_last_entry():
    blocks = _blocks(
        "Texte.\n\nRéférences\n\n1. Dupont A. Titre. 2020.\n\nDurand B, et al. Titre. Rev. 2019;4:1-9.\n\n"
        "Reçu le 2 février 2024 ; accepté le 9 avril 2024\nTous droits réservés"
    )
    assert reference_ranges(blocks) == [(1, 4)]
    assert reference_ranges(_blocks("Texte.\n\nBibliographie :\n1. A. 2020")) == [(1, 2)]
    assert reference_ranges(_blocks("A.\n\nRéférences\n\n1. X. 2020.\n\nB.\n\nBibliography\n\n[1] Y. 2021.")) == [
        (1, 3), (4, 6)
    ]


def test_trailing_numbered_entries_without_heading():
    blocks = _blocks("Texte.\n\n1. Dupont A. Titre. Rev. 2021;3:1-9.\n\n[2] Durand B. Titre. 2019.")
    assert reference_ranges(blocks) == [(1, 3)]
    assert reference_ranges(_blocks("Texte.\n\n1. Dupont A. Titre.\n2. Durand B. 2019;3:4.")) == [(1, 2)]
    assert reference_ranges(_blocks("Texte.\n\n1. Dupont A. Titre. Rev. 2021;3:1-9.")) == []
    assert reference_ranges(_blocks("Texte.\n\n1. Premier point.\n\n2. Second point.")) == []


def test_captions():
    for line in ("Figure 1. Proportion", "Fig. 2 : Courbe", "Tableau 3 – Doses", "Table 1: Doses", "Tableau II : x"):
        assert is_caption(_blocks(line)[0]), line
    for line in ("Figure 1 montre que", "Voir figure 1.", "Le tableau 1 : doses"):
        assert not is_caption(_blocks(line)[0]), line
