"""Paragraph and sentence spans."""

from __future__ import annotations

from curation.text.split import paragraph_spans, sentence_spans, word_spans


def _texts(text, spans):
    return [text[s:e] for s, e in spans]


def test_paragraphs_end_at_blank_lines_and_page_breaks():
    text = "  Un.\nsuite.\n\n \nDeux ! Oui.\f\n\nTrois\n \n quatre  "
    assert _texts(text, paragraph_spans(text)) == ["Un.\nsuite.", "Deux ! Oui.", "Trois", "quatre"]
    assert paragraph_spans("") == [] and paragraph_spans(" \n\n \f ") == []
    assert _texts("a\fb", paragraph_spans("a\fb")) == ["a", "b"]


def test_paragraphs_of_a_slice_are_offsets_into_the_text():
    text = "xx\n\nab\n\ncd"
    assert _texts(text, paragraph_spans(text, 4)) == ["ab", "cd"]


def test_sentences():
    text = "Le patient va bien. Il sort « demain ». Vraiment ?  Oui… fin"
    expected = ["Le patient va bien.", "Il sort « demain ».", "Vraiment ?", "Oui…", "fin"]
    assert _texts(text, sentence_spans(text)) == expected
    assert _texts(text, sentence_spans(text, 20, 39)) == ["Il sort « demain »."]


def test_word_spans():
    assert _texts("a  bb\nc", word_spans("a  bb\nc")) == ["a", "bb", "c"]
