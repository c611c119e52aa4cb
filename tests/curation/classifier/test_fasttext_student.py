"""The fastText student: it learns the synthetic signals on held-out ARTICLES, deterministically, in one pass."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from scipy.stats import spearmanr

from curation.classifier.fasttext_student import (
    FastTextConfig,
    FastTextStudent,
    fasttext_words,
    label_names,
    labels_of,
    normalize,
)
from curation.classifier.student import Prediction, load_student, read_info
from curation.errors import ConfigError
from curation.scores import SIGNALS
from curation.steps.llm_annotate import CONTENT_TYPES
from tests.strategies import texts


def test_learns_every_signal_on_held_out_articles(fasttext_student, split):
    train_articles = {e.group for e in split.train}
    held_out = split.validation
    assert held_out and not {e.group for e in held_out} & train_articles
    predictions = fasttext_student.predict([e.text for e in held_out])
    for signal in SIGNALS:
        rho = spearmanr([p.signal(signal) for p in predictions], [e.score(signal) for e in held_out]).statistic
        assert rho >= 0.8, (signal, rho)
    accuracy = np.mean([p.content_type == e.content_type for p, e in zip(predictions, held_out)])
    assert accuracy >= 0.8


def test_predictions_are_in_range_and_typed(fasttext_student):
    predictions = fasttext_student.predict(["", "Définition du mécanisme.\nSecond paragraphe", "x" * 5000])
    assert len(predictions) == 3 and all(isinstance(p, Prediction) for p in predictions)
    for p in predictions:
        assert all(1.0 <= p.signal(s) <= 10.0 for s in SIGNALS) and p.content_type in CONTENT_TYPES
    assert fasttext_student.predict([]) == []


def test_save_load_round_trip(fasttext_student, split):
    folder = fasttext_student.folder
    info = read_info(folder)
    assert info.kind == "fasttext" and info.files == ["model.bin"] and len(info.model_hash) == 64
    assert info.config == FastTextConfig().model_dump() and info.labels == fasttext_student.labels
    assert info.train.examples == len(split.train) and info.train.fingerprint
    loaded = load_student(folder)
    assert loaded.model_id == fasttext_student.model_id == f"fasttext:ft-student:{info.model_hash[:12]}"
    texts_ = [e.text for e in split.validation[:50]]
    assert loaded.predict(texts_) == fasttext_student.predict(texts_)


def test_same_seed_same_model_and_predictions(split, fasttext_student, tmp_path):
    again = FastTextStudent.train(split.train)  # default seed, thread=1
    again.save(tmp_path / "ft-student")
    assert again.model_hash == fasttext_student.model_hash
    assert again.model_id == fasttext_student.model_id  # same folder name, same weights
    sample = [e.text for e in split.validation[:40]]
    assert again.predict(sample) == fasttext_student.predict(sample)


def test_probabilities_match_fasttexts_own_predict(fasttext_student, split):
    sample = [e.text for e in split.validation[:30]]
    ours = fasttext_student.probabilities(sample)
    labels, probs = fasttext_student._model.predict([normalize(t) for t in sample], k=-1, threshold=0.0)
    wanted = {name: j for j, name in enumerate(label_names("ordinal"))}
    for i, (names, values) in enumerate(zip(labels, probs)):
        for name, value in zip(names, values):
            assert ours[i, wanted[name]] == pytest.approx(value, abs=0.01)  # fastText's sigmoid lookup table


def test_labels_of_both_encodings(examples):
    ex = examples[0]
    ordinal = labels_of(ex, "ordinal")
    assert [x for x in ordinal if x.startswith("__label__edu_")] == [f"__label__edu_ge{k}" for k in range(2, ex.edu + 1)]
    assert ordinal[-1] == f"__label__type_{ex.content_type}"
    assert labels_of(ex, "categorical")[:4] == [f"__label__{s}_{ex.score(s)}" for s in SIGNALS]
    assert len(label_names("ordinal")) == 4 * 9 + 9 and len(label_names("categorical")) == 4 * 10 + 9


def test_categorical_encoding_also_learns(split):
    student = FastTextStudent.train(split.train, FastTextConfig(encoding="categorical"))
    held_out = split.validation
    predictions = student.predict([e.text for e in held_out])
    rho = spearmanr([p.edu for p in predictions], [e.edu for e in held_out]).statistic
    assert rho >= 0.8


def test_normalize():
    text = "L'enzyme\nde conversion (IEC),\u00a0très « utile » ; __label__x"
    assert fasttext_words(normalize(text)) == ["l'", "enzyme", "de", "conversion", "(", "iec", ")", ",", "très", "«",
                                               "utile", "»", ";", "labelx"]
    assert "\n" not in normalize("a\nb") and fasttext_words(normalize("a\tb\x00c")) == ["a", "b", "c"]


@settings(max_examples=200, deadline=None)
@given(texts)
def test_normalize_is_stable_and_one_line(text):
    once = normalize(text)
    assert "\n" not in once and "__label__" not in once and once == once.lower()
    assert fasttext_words(normalize(once)) == fasttext_words(once)


def test_config_errors(split):
    with pytest.raises(ConfigError, match="no training passage"):
        FastTextStudent.train([])
    with pytest.raises(ValueError, match="bucket"):
        FastTextConfig(wordNgrams=2, bucket=1000)
    with pytest.raises(ConfigError, match="not found"):
        load_student("/nowhere/student")


def test_odd_unicode_is_scored(fasttext_student):
    (p,) = fasttext_student.predict(["cœur \ud800 rénal \x00 \u2028 fin"])
    assert 1.0 <= p.edu <= 10.0


def test_training_does_not_read_uninitialised_memory(fasttext_student, tmp_path):
    """fasttext-numpy2-wheel leaves most of the input matrix uninitialised; the seeded ``.vec`` sets every row.

    With glibc filling fresh allocations with 0x5a bytes (``MALLOC_PERTURB_``), an unset row would change
    the model (or make it diverge): the model must come out byte-identical to the one trained here.
    """
    import os
    import subprocess
    import sys

    from tests.curation.classifier.conftest import ARTICLES, PER_ARTICLE, SEED

    code = (
        "from curation.classifier.data import example_of, split_examples\n"
        "from curation.classifier.fasttext_student import FastTextStudent\n"
        "from curation.classifier.synthetic import synthetic_passages\n"
        f"ex = [example_of(d) for d in synthetic_passages({ARTICLES}, {PER_ARTICLE}, seed={SEED})]\n"
        f"student = FastTextStudent.train(split_examples(ex, seed={SEED}, validation=0.2).train)\n"
        f"print(student.save({str(tmp_path / 'perturbed')!r}) and student.model_hash)\n"
    )
    env = {**os.environ, "MALLOC_PERTURB_": "165"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == fasttext_student.model_hash
