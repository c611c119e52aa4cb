"""The encoder student on a tiny random BERT (and ModernBERT) built here: it trains, saves and reloads."""

from __future__ import annotations

import pytest

from curation.classifier.data import example_of
from curation.classifier.encoder_student import EncoderConfig, EncoderStudent
from curation.classifier.student import load_student, read_info
from curation.classifier.synthetic import synthetic_passages, tiny_encoder
from curation.errors import ConfigError
from curation.scores import SIGNALS
from curation.steps.llm_annotate import CONTENT_TYPES


def small_config(path, **kw) -> EncoderConfig:
    return EncoderConfig(encoder=str(path), epochs=kw.pop("epochs", 4), batch_size=8, max_length=64, lr=2e-3,
                         warmup_ratio=0.0, dropout=0.0, threads=1, device="cpu", **kw)


@pytest.fixture(scope="module")
def trained(split, tiny_bert, tmp_path_factory):
    student = EncoderStudent.train(split.train[:96], small_config(tiny_bert))
    student.save(tmp_path_factory.mktemp("students") / "enc-student")
    return student


def test_loss_decreases_and_predictions_are_in_range(trained, split):
    assert len(trained.history) == 4 and trained.history[-1] < trained.history[0]
    predictions = trained.predict([e.text for e in split.validation[:20]] + [""])
    assert len(predictions) == 21
    for p in predictions:
        assert all(1.0 <= p.signal(s) <= 10.0 for s in SIGNALS) and p.content_type in CONTENT_TYPES


def test_save_load_round_trip(trained, split):
    info = read_info(trained.folder)
    assert info.kind == "encoder" and info.files[-1] == "heads.safetensors" and info.history == trained.history
    assert info.config["pooling"] == "mean" and info.train.examples == 96
    loaded = load_student(trained.folder)
    assert loaded.model_id == trained.model_id == f"encoder:enc-student:{info.model_hash[:12]}"
    sample = [e.text for e in split.validation[:16]]
    assert loaded.predict(sample) == trained.predict(sample)
    assert (trained.folder / "encoder" / "config.json").is_file()


def test_same_seed_same_predictions(trained, split, tiny_bert):
    again = EncoderStudent.train(split.train[:96], small_config(tiny_bert))
    sample = [e.text for e in split.validation[:8]]
    assert again.predict(sample) == trained.predict(sample)
    assert again.history == trained.history


def test_cls_pooling_on_a_tiny_modernbert(tmp_path, torch_one_thread):
    examples = [example_of(d) for d in synthetic_passages(8, 4, seed=5, words=40)]
    path = tiny_encoder(tmp_path / "tiny-modernbert", [e.text for e in examples], arch="modernbert")
    student = EncoderStudent.train(examples, small_config(path, pooling="cls", epochs=2))
    student.save(tmp_path / "student")
    loaded = load_student(tmp_path / "student")
    sample = [e.text for e in examples[:4]]
    assert loaded.predict(sample) == student.predict(sample)
    assert all(1.0 <= p.edu <= 10.0 for p in loaded.predict(sample))


def test_missing_or_wrong_encoder_is_a_config_error(split, tmp_path):
    with pytest.raises(ConfigError, match="is not a folder"):
        EncoderStudent.train(split.train[:4], EncoderConfig(encoder=str(tmp_path / "nowhere")))
    with pytest.raises(ConfigError, match="no config.json"):
        EncoderStudent.train(split.train[:4], EncoderConfig(encoder=str(tmp_path)))
    with pytest.raises(ConfigError, match="no training passage"):
        EncoderStudent.train([], EncoderConfig(encoder=str(tmp_path)))
