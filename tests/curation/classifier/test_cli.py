"""``biomedfr classifier train|eval`` through typer's CliRunner on the sub-app."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from curation.classifier.cli import app
from curation.classifier.synthetic import synthetic_passages, write_shards
from curation.errors import ConfigError

runner = CliRunner()


@pytest.fixture(scope="module")
def trained_dir(shards, tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "student"
    result = runner.invoke(app, ["train", str(shards.parent), "--out", str(out), "--seed", "3",
                                 "--set", "epoch=40"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, result.output


def test_train_saves_the_student_the_split_and_an_evaluation(trained_dir, passages):
    out, output = trained_dir
    assert "Saved fasttext:student:" in output and "validation" in output and "Spearman" in output
    info = json.loads((out / "student.json").read_text())
    assert info["kind"] == "fasttext" and info["config"]["epoch"] == 40 and info["config"]["seed"] == 3
    split = json.loads((out / "split.json").read_text())
    sides = [set(split["articles"][p]) for p in ("train", "validation", "test")]
    assert not (sides[0] & sides[1]) and sum(len(split["passages"][p]) for p in split["passages"]) == len(passages)
    report = json.loads((out / "eval" / "eval.json").read_text())
    assert report["split"] == "validation" and report["n"] == len(split["passages"]["validation"])
    assert all(report["signals"][s]["spearman"] >= 0.8 for s in ("edu", "cont", "writ", "term"))


def test_eval_on_the_recorded_split_and_on_all(trained_dir, shards, tmp_path):
    out, _ = trained_dir
    result = runner.invoke(app, ["eval", str(out), str(shards), "--out", str(tmp_path / "ev")],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "ev" / "eval.json").read_text())
    recorded = json.loads((out / "split.json").read_text())
    assert report["split"] == "validation" and report["n"] == len(recorded["passages"]["validation"])
    assert (tmp_path / "ev" / "confusion.png").is_file() and (tmp_path / "ev" / "scatter_term.png").is_file()
    result = runner.invoke(app, ["eval", str(out), str(shards), "--all", "--out", str(tmp_path / "all")],
                           catch_exceptions=False)
    assert result.exit_code == 0 and "were used for training" in result.output
    assert json.loads((tmp_path / "all" / "eval.json").read_text())["n"] == 1200


def test_no_annotated_passage_says_which_fields_are_missing(tmp_path):
    write_shards(synthetic_passages(3, 2, annotated=False), tmp_path / "plain")
    result = runner.invoke(app, ["train", str(tmp_path / "plain"), "--out", str(tmp_path / "s")])
    assert isinstance(result.exception, ConfigError)
    message = str(result.exception)
    assert "no annotated passage among 6 documents" in message and "quality.edu missing on 6" in message
    assert "llm_annotate" in message


def test_option_errors(trained_dir, shards, tmp_path):
    out, _ = trained_dir
    result = runner.invoke(app, ["train", str(shards), "--out", str(out)])
    assert isinstance(result.exception, ConfigError) and "--overwrite" in str(result.exception)
    result = runner.invoke(app, ["train", str(shards), "--out", str(tmp_path / "x"), "--set", "epochs=3"])
    assert isinstance(result.exception, ConfigError) and "did you mean 'epoch'" in str(result.exception)
    result = runner.invoke(app, ["train", str(shards), "--out", str(tmp_path / "y"), "--kind", "encoder"])
    assert isinstance(result.exception, ConfigError) and "--encoder PATH" in str(result.exception)
    other = tmp_path / "other"
    write_shards(synthetic_passages(4, 2, seed=8, source="autre"), other)
    result = runner.invoke(app, ["eval", str(out), str(other)])
    assert isinstance(result.exception, ConfigError) and "--all" in str(result.exception)
    result = runner.invoke(app, ["eval", str(tmp_path / "nothing"), str(shards)])
    assert isinstance(result.exception, ConfigError) and "student folder not found" in str(result.exception)


def test_train_an_encoder_student(shards, tiny_bert, tmp_path):
    out = tmp_path / "enc"
    result = runner.invoke(app, ["train", str(shards), "--kind", "encoder", "--encoder", str(tiny_bert),
                                 "--out", str(out), "--validation", "0.05", "--set", "epochs=1",
                                 "--set", "max_length=32", "--set", "threads=1", "--set", "batch_size=32"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads((out / "student.json").read_text())["kind"] == "encoder"
    assert (out / "eval" / "eval.json").is_file()
