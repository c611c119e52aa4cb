"""The French threshold file: fineweb-2's fra_Latn values, French stop words, min_doc_words 30."""

from __future__ import annotations

import pytest

from curation.errors import ConfigError
from curation.quality.thresholds import FRENCH_THRESHOLDS, QualityThresholds, load_thresholds


def test_french_file_holds_fineweb2_values():
    t = load_thresholds()
    rep, fw, gq = t.gopher_repetition, t.fineweb_quality, t.gopher_quality
    assert t.language == "fra_Latn"
    # configs/fra_Latn.yml
    assert rep.dup_line_frac == 0.264
    assert rep.top_n_grams == [(2, 0.161), (3, 0.149), (4, 0.134)]
    assert rep.dup_n_grams == [(5, 0.15), (6, 0.141), (7, 0.131), (8, 0.121), (9, 0.111), (10, 0.1)]
    assert (fw.line_punct_thr, fw.new_line_ratio) == (0.1, 0.185)
    assert (gq.min_avg_word_length, gq.max_avg_word_length, gq.max_non_alpha_words_ratio) == (2, 11, 0.812)
    assert set(gq.stop_words) == {
        "de", "la", "le", "et", "à", "en", "l'", "des", "du", "les", "est", "d'", "un", "une", "il", "dans",
        "par", "au",
    }
    # fineweb-2-pipeline.py overrides
    assert (rep.dup_para_frac, rep.dup_line_char_frac, rep.dup_para_char_frac) == (0, 0, 0)
    assert (fw.short_line_thr, fw.char_duplicates_ratio) == (999, 0.1)
    assert gq.min_stop_words == 2
    # datatrove defaults kept, and the passage minimum
    assert (gq.max_doc_words, gq.max_symbol_word_ratio, gq.max_bullet_lines_ratio) == (100000, 0.1, 0.9)
    assert gq.max_ellipsis_lines_ratio == 0.3
    assert gq.min_doc_words == 30


def test_file_documents_its_source_and_the_passage_minimum():
    text = FRENCH_THRESHOLDS.read_text(encoding="utf-8")
    assert "huggingface/fineweb-2" in text and "configs/fra_Latn.yml" in text and "fineweb-2-pipeline.py" in text
    assert "min_doc_words is 30" in text


def test_defaults_are_datatrove_defaults():
    from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter

    t = QualityThresholds()
    rep = GopherRepetitionFilter()
    assert (t.gopher_repetition.dup_line_frac, t.gopher_repetition.dup_para_char_frac) == (
        rep.dup_line_frac, rep.dup_para_char_frac)
    assert tuple(t.gopher_repetition.top_n_grams) == rep.top_n_grams
    fw = FineWebQualityFilter()
    assert t.fineweb_quality.line_punct_thr == fw.line_punct_thr
    assert t.fineweb_quality.new_line_ratio == fw.new_line_ratio
    gq = GopherQualityFilter()
    assert t.gopher_quality.min_doc_words == gq.min_doc_words
    assert set(t.gopher_quality.stop_words) == gq.stop_words


def test_overrides_apply_by_section():
    t = load_thresholds(overrides={"gopher_quality": {"min_doc_words": 50}})
    assert t.gopher_quality.min_doc_words == 50
    assert t.gopher_quality.max_avg_word_length == 11  # the rest of the file is kept


@pytest.mark.parametrize(
    "overrides, where",
    [
        ({"gopher_quality": {"min_doc_word": 50}}, "gopher_quality.min_doc_word"),
        ({"gopher_repetition": {"top_n_grams": [[5, 0.1]]}}, "gopher_repetition.top_n_grams"),
        ({"fineweb_quality": {"new_line_ratio": "lots"}}, "fineweb_quality.new_line_ratio"),
    ],
)
def test_bad_values_are_config_errors(overrides, where):
    with pytest.raises(ConfigError, match=where.replace(".", r"\.")):
        load_thresholds(overrides=overrides)


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_thresholds(tmp_path / "nope.yaml")
