"""The decontamination index: long and short items, normalisation, eval-set formats, save/load, config errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from curation.config import validate
from curation.decontam.config import DecontamConfig, DecontamSettings, EvalSetConfig, Normalization
from curation.decontam.eval_sets import FRENCHMEDMCQA_FIELDS, items_of
from curation.decontam.index import build_index, load_index, load_or_build
from curation.decontam.ngrams import normalizer, sequence_hash, window_hashes, word_hashes
from curation.errors import ConfigError
from tests.curation.decontam.helpers import (
    CSV_FIELDS,
    CSV_ROWS,
    FILLER,
    LONG,
    OTHER,
    PARQUET_FIELDS,
    REALDATA,
    SAMPLE,
    SHORT,
    fmcqa_set,
    mcq_text,
    settings,
    write_csv,
    write_json,
    write_parquet,
)


@pytest.fixture
def index(tmp_path):
    return build_index(settings(fmcqa_set(write_json(tmp_path / "fmcqa.json", [LONG, SHORT, OTHER]))))


def refs(matches) -> list[str]:
    return sorted({m.ref for m in matches})


def test_long_question_planted_in_a_document_is_caught(index):
    text = FILLER + "En révision, on rappelle la question suivante. " + LONG["question"] + " " + FILLER
    matches = index.matches(text)
    assert refs(matches) == ["fmcqa:q-long"]
    m = matches[0]
    assert m.length == 13
    assert m.ngram == "parmi les propositions suivantes concernant le traitement de l hypertension arterielle chez le"


def test_a_long_option_alone_is_caught_and_unrelated_text_is_not(index):
    assert refs(index.matches(FILLER * 3)) == []
    option = "Un inhibiteur de l'enzyme de conversion est recommandé en première intention chez ce patient"
    assert refs(index.matches(FILLER + option)) == []  # 12 words of the option then other words: no 13-gram
    # the question's end running into the first options (the n-grams that straddle query and options)
    straddle = "chez le patient diabétique, laquelle est exacte ? A. Les diurétiques thiazidiques sont contre-indiqués"
    assert refs(index.matches(FILLER + straddle)) == ["fmcqa:q-long"]


def test_short_item_is_matched_whole_and_only_whole(index):
    verbatim = FILLER + SHORT["question"] + " " + ", ".join(SHORT["answers"].values()) + ". " + FILLER
    matches = index.matches(verbatim)
    assert refs(matches) == ["fmcqa:q-short"]
    assert matches[0].length == 10 and matches[0].ngram == (
        "quel est l antidote du paracetamol n acetylcysteine naloxone flumazenil")
    # as a quiz page prints it, with option labels (``A. ...``): the labelled sequence (13 words)
    assert refs(index.matches(FILLER + mcq_text(SHORT) + "\n" + FILLER)) == ["fmcqa:q-short"]
    # sharing a few of its words, or its question alone, is not a match
    assert refs(index.matches("L'antidote du paracétamol est la N-acétylcystéine ; la naloxone est celui des "
                              "opiacés et le flumazénil celui des benzodiazépines.")) == []
    assert refs(index.matches(FILLER + "Quel est l'antidote du paracétamol ? " + FILLER)) == []
    assert refs(index.matches("naloxone flumazenil quel est l antidote du paracetamol")) == []


def test_short_question_with_its_answer_is_caught(index):
    flashcard = "Fiche 12. Quel est l'antidote du paracétamol ? N-acétylcystéine. Fiche 13."
    assert refs(index.matches(flashcard)) == ["fmcqa:q-short"]


@pytest.mark.parametrize("variant", [
    "PARMI LES PROPOSITIONS SUIVANTES CONCERNANT LE TRAITEMENT DE L'HYPERTENSION ARTÉRIELLE CHEZ LE PATIENT",
    "parmi les propositions suivantes concernant le traitement de l hypertension arterielle chez le patient",
    "Parmi les propositions suivantes — concernant le traitement de l’hypertension (artérielle) chez le patient",
    "Parmi   les\npropositions\t suivantes\n\nconcernant le traitement de\u00a0l'hypertension artérielle chez le patient",
    "Parmi les propositions suivantes concernant le traitement de l'hypertension arte\u0301rielle chez le patient",
])
def test_normalisation_does_not_hide_a_match(index, variant):
    assert refs(index.matches(FILLER + variant + " " + FILLER)) == ["fmcqa:q-long"]


def test_short_item_normalisation_does_not_hide_a_match(index):
    text = "QUEL EST L’ANTIDOTE DU PARACETAMOL?\n(a) n-acetylcysteine; (b) NALOXONE; (c) flumazenil."
    assert refs(index.matches(text)) == ["fmcqa:q-short"]


def test_matches_are_reported_per_eval_set_with_item_ids(tmp_path):
    index = build_index(settings(
        fmcqa_set(write_json(tmp_path / "a.json", [LONG, SHORT]), name="set-a"),
        fmcqa_set(write_json(tmp_path / "b.json", [OTHER]), name="set-b"),
        EvalSetConfig(name="set-c", path=str(write_csv(tmp_path / "c.csv")), fields=CSV_FIELDS),
    ))
    text = mcq_text(OTHER) + "\n" + FILLER + mcq_text(SHORT) + "\n" + CSV_ROWS[1]["enonce"]
    matches = index.matches(text)
    assert refs(matches) == ["set-a:q-short", "set-b:q-other", "set-c:c2"]
    assert [m.set for m in matches] == ["set-b", "set-a", "set-c"]  # in document order
    assert {s["name"]: s["indexed_items"] for s in index.summary()} == {"set-a": 2, "set-b": 1, "set-c": 2}
    assert index.item(0) == ("set-a", "q-long") and index.item(2) == ("set-b", "q-other")


def test_csv_eval_set_with_one_column_per_option(tmp_path):
    config = EvalSetConfig(name="csv", path=str(write_csv(tmp_path / "mcq.csv")), fields=CSV_FIELDS)
    items = list(items_of(config))
    assert [i.id for i in items] == ["c1", "c2"]
    question = CSV_ROWS[0]["enonce"]
    assert items[0].sequences == (
        f"{question} Glucagon Insuline Somatostatine Ghréline",
        f"{question} a Glucagon b Insuline c Somatostatine d Ghréline",  # option labels: letters by column position
        f"{question} Insuline",  # answer 'b' -> the option of column opb
    )
    index = build_index(settings(config))
    assert refs(index.matches(FILLER + CSV_ROWS[0]["enonce"] + " " + FILLER)) == []  # 12 words, then others
    assert refs(index.matches(FILLER + CSV_ROWS[0]["enonce"] + " A) Glucagon. " + FILLER)) == ["csv:c1"]
    assert refs(index.matches(CSV_ROWS[0]["enonce"] + " Glucagon, insuline, somatostatine")) == ["csv:c1"]


def test_parquet_eval_set_with_nested_question_list_options_and_index_answer(tmp_path):
    config = EvalSetConfig(name="pq", path=str(write_parquet(tmp_path / "mcq.parquet")), fields=PARQUET_FIELDS)
    items = list(items_of(config))
    assert [i.id for i in items] == ["101", "102"]
    assert items[0].sequences[2] == "Quelle vitamine est synthétisée au niveau cutané ? Vitamine D"  # label 1
    index = build_index(settings(config))
    # question (8 words) + options = 14 words: n-grams; question + answer (10 words): matched whole
    assert refs(index.matches("Quelle vitamine est synthétisée au niveau cutané ? Vitamine C, vitamine D, "
                              "vitamine B12.")) == ["pq:101"]
    assert refs(index.matches("Quelle vitamine est synthétisée au niveau cutané ? La vitamine D.")) == []
    assert refs(index.matches("Quelle vitamine est synthétisée au niveau cutané ? Vitamine D.")) == ["pq:101"]
    no_answer = build_index(settings(config.model_copy(update={"include_answer": False})))
    assert refs(no_answer.matches("Quelle vitamine est synthétisée au niveau cutané ? Vitamine D.")) == []


def test_jsonl_eval_set_with_text_field_and_row_number_ids(tmp_path):
    path = tmp_path / "cases.jsonl"
    passage = ("Une femme de 54 ans consulte pour une dyspnée d'effort d'aggravation progressive depuis trois mois "
               "associée à des oedèmes des membres inférieurs.")
    path.write_text(json.dumps({"text": passage}) + "\n\n" + json.dumps({"text": "trop court"}) + "\n",
                    encoding="utf-8")
    config = EvalSetConfig(name="cases", path=str(path), fields={"question": None, "text": "text"})
    index = build_index(settings(config))
    summary = index.summary()[0]
    assert (summary["records"], summary["indexed_items"], summary["skipped_items"]) == (2, 1, 1)
    assert refs(index.matches("Cas clinique. " + passage)) == ["cases:0"]


def test_real_frenchmedmcqa_loads_and_a_planted_item_is_caught():
    """FrenchMedMCQA field mapping: our FrenchMedMCQA-shaped items always, ../shared/realdata's real files when present."""
    paths = [SAMPLE] + [p for p in (REALDATA / "dev.json", REALDATA / "test.json") if p.is_file()]
    for path in paths:
        records = json.loads(path.read_text(encoding="utf-8"))
        config = EvalSetConfig(name="frenchmedmcqa", path=str(path), fields=FRENCHMEDMCQA_FIELDS)
        index = build_index(settings(config))
        summary = index.summary()[0]
        assert summary["records"] == summary["indexed_items"] == len(records), path
        assert summary["skipped_items"] == 0 and summary["duplicate_ids"] == 0
        # first, middle and last items: long questions, and short ones caught through their options
        for item in (records[0], records[len(records) // 2], records[-1]):
            planted = FILLER + mcq_text(item) + "\n" + FILLER
            assert f"frenchmedmcqa:{item['id']}" in refs(index.matches(planted)), (path, item["question"])
            plain = FILLER + item["question"] + " " + " ".join(item["answers"].values()) + " " + FILLER
            assert f"frenchmedmcqa:{item['id']}" in refs(index.matches(plain)), (path, item["question"])
        assert refs(index.matches(FILLER * 4)) == []


def test_index_save_load_round_trip(tmp_path, index):
    folder = index.save(tmp_path / "idx")
    loaded = load_index(folder)
    assert isinstance(loaded.hashes, np.memmap)
    for name in ("hashes", "items", "lengths"):
        assert np.array_equal(getattr(loaded, name), getattr(index, name))
    assert np.all(np.diff(loaded.hashes.astype(np.float64)) >= 0)
    assert loaded.meta == json.loads(json.dumps(index.meta))
    assert loaded.lookup_lengths == index.lookup_lengths == [13, 8, 10]
    for text in (FILLER + LONG["question"], mcq_text(SHORT), mcq_text(OTHER) + FILLER, FILLER):
        assert loaded.matches(text) == index.matches(text)
    assert index.save(tmp_path / "idx") == folder  # an existing index is kept


def test_load_or_build_builds_once_then_reuses_and_refuses_other_settings(tmp_path):
    eval_file = write_json(tmp_path / "fmcqa.json", [LONG, SHORT])
    s = settings(fmcqa_set(eval_file), index=str(tmp_path / "idx"))
    first = load_or_build(s)
    assert (tmp_path / "idx" / "index.json").is_file() and isinstance(first.hashes, np.memmap)
    assert load_or_build(s).fingerprint == first.fingerprint
    assert load_or_build(DecontamSettings(index=str(tmp_path / "idx"))).fingerprint == first.fingerprint
    with pytest.raises(ConfigError, match="built with n=13, the config says 8"):
        load_or_build(DecontamSettings(index=str(tmp_path / "idx"), n=8))
    with pytest.raises(ConfigError, match="other evaluation sets or settings"):
        load_or_build(s.model_copy(update={"n": 10}))
    write_json(eval_file, [LONG, SHORT, OTHER])
    with pytest.raises(ConfigError, match="other evaluation sets or settings"):
        load_or_build(s)
    with pytest.raises(ConfigError, match="no saved index there"):
        load_or_build(DecontamSettings(index=str(tmp_path / "nowhere")))


def test_hash_of_a_window_equals_the_hash_of_the_sequence():
    words = normalizer(Normalization())(FILLER * 3)
    hashes = word_hashes(words)
    for length in (1, 7, 13):
        windows = window_hashes(hashes, length)
        assert windows.size == len(words) - length + 1
        assert all(int(windows[i]) == sequence_hash(words[i : i + length]) for i in range(0, windows.size, 5))


def test_normalisation_options():
    text = "L'Adrénaline : 0,5 mg ; 12 ampoules"
    assert normalizer(Normalization())(text) == [b"l", b"adrenaline", b"0", b"5", b"mg", b"12", b"ampoules"]
    assert normalizer(Normalization(strip_accents=False, numbers="zero"))(text) == [
        b"l", "adrénaline".encode(), b"0", b"mg", b"0", b"ampoules"]


def test_config_errors_are_readable(tmp_path):
    with pytest.raises(ConfigError, match=r"x\.yaml: eval_set: unknown field — did you mean 'eval_sets'\?"):
        validate(DecontamConfig, {"eval_set": []}, "x.yaml")
    with pytest.raises(ConfigError, match="give 'eval_sets'"):
        validate(DecontamConfig, {}, "x.yaml")
    with pytest.raises(ConfigError, match="names must be distinct"):
        validate(DecontamConfig, {"eval_sets": [{"name": "a", "path": "x.json"}, {"name": "a", "path": "y.json"}]},
                 "x.yaml")
    with pytest.raises(ConfigError, match="no ':'"):
        validate(DecontamConfig, {"eval_sets": [{"name": "a:b", "path": "x.json"}]}, "x.yaml")
    with pytest.raises(ConfigError, match=r"eval_sets\[0\]\.fields\.option: unknown field — did you mean 'options'"):
        validate(DecontamConfig, {"eval_sets": [{"name": "a", "path": "x.json", "fields": {"option": "x"}}]}, "x.yaml")
    wrong = EvalSetConfig(name="w", path=str(write_json(tmp_path / "w.json", [LONG])),
                          fields={"question": "questoin", "options": "answers"})
    with pytest.raises(ConfigError, match=r"question='questoin'.*first record has keys: answers, correct_answers, id"):
        build_index(settings(wrong))
    with pytest.raises(ConfigError, match="file not found"):
        build_index(settings(EvalSetConfig(name="m", path=str(tmp_path / "missing.jsonl"))))
    (tmp_path / "bad.jsonl").write_text('{"question": "ok"}\n{not json\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.jsonl:2: invalid JSON"):
        build_index(settings(EvalSetConfig(name="b", path=str(tmp_path / "bad.jsonl"))))
    with pytest.raises(ConfigError, match="unknown format"):
        build_index(settings(EvalSetConfig(name="t", path=str(write_json(tmp_path / "x.txt", [LONG])))))
