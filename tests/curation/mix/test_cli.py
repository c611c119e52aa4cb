"""The ``mix`` and ``ablations`` commands, registered on a small typer app as ``curation/cli.py`` will."""

from __future__ import annotations

import json

import pytest
import typer
import yaml
from typer.testing import CliRunner

from curation.errors import ConfigError
from curation.mix.cli import ablations, mix
from curation.mix.manifest import read_manifest
from tests.curation.mix.runs import table2_documents, typed_documents, write_run, write_table2_runs

app = typer.Typer()
app.command()(mix)
app.command()(ablations)
runner = CliRunner()


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> list[str]:
    return [str(p) for p in write_table2_runs(tmp_path_factory.mktemp("cli"))]


def test_mix_writes_the_manifest_and_prints_the_table(runs, tmp_path):
    args = ["mix", "--out", str(tmp_path / "out"), "--set", "budget_tokens=10000000", "--set", "seed=3"]
    for r in runs:
        args += ["--run", r]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "articles" in result.output and "ontology_books" in result.output and "Done." in result.output
    report = json.loads((tmp_path / "out" / "mix.json").read_text())
    assert report["config"]["seed"] == 3 and report["totals"]["budget_tokens"] == 10_000_000
    shares = {g["name"]: g["achieved_share"] for g in report["groups"]}
    assert shares == pytest.approx({"articles": 0.70, "ontology_books": 0.20, "emea": 0.06, "e3c": 0.04}, rel=0.01)
    assert len(read_manifest(tmp_path / "out")) == report["totals"]["documents_kept"]


def test_mix_reads_a_config_file_with_runs_relative_to_it(runs, tmp_path):
    config = tmp_path / "mix.yaml"
    docs = table2_documents()
    for name in ("emea", "e3c"):
        write_run(tmp_path / "runs" / name, docs[name])
    config.write_text(yaml.safe_dump({
        "runs": ["runs/emea", "runs/e3c"], "budget_tokens": 2_000_000, "max_repetitions": 1,
        "groups": [{"name": "emea", "sources": ["emea"], "share": 0.6}, {"name": "e3c", "sources": ["e3c"], "share": 0.4}],
    }))
    result = runner.invoke(app, ["mix", str(config), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "group 'emea' needs" in result.output  # > 1 pass, max_repetitions=1
    report = json.loads((tmp_path / "out" / "mix.json").read_text())
    assert [r["path"] for r in report["runs"]] == [str(tmp_path / "runs" / "emea"), str(tmp_path / "runs" / "e3c")]


def test_mix_config_errors_are_biomedfr_errors(runs, tmp_path):
    result = runner.invoke(app, ["mix", "--out", str(tmp_path / "out"), "--run", runs[0],
                                 "--set", "groups.0.share=0.5"])
    assert result.exit_code != 0 and isinstance(result.exception, ConfigError)
    assert "sum to 0.8" in str(result.exception)
    assert not (tmp_path / "out").exists()
    result = runner.invoke(app, ["mix", "--out", str(tmp_path / "out")])
    assert isinstance(result.exception, ConfigError) and "no runs to mix" in str(result.exception)


def test_ablations_write_one_manifest_per_corpus_and_a_summary(tmp_path):
    run = write_run(tmp_path / "run", typed_documents(count=600))
    out = tmp_path / "abl"
    result = runner.invoke(app, ["ablations", str(run), "--out", str(out), "--set", "seed=2"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "ablations.json").read_text())
    assert summary["config"]["seed"] == 2
    names = [v["name"] for v in summary["variants"]]
    assert {"full", "balanced", "random_control", "minus_patient_case", "edu_cont_ge_7", "term_ge_7"} <= set(names)
    for name in names:
        report = json.loads((out / name / "mix.json").read_text())
        assert report["kind"] == "ablation" and report["variant"] == name
        assert len(read_manifest(out / name)) == report["totals"]["documents_kept"]
    assert "Content types" in result.output and "random_control" in result.output and "Done." in result.output
    result = runner.invoke(app, ["ablations", str(run), "--out", str(out), "--set", "variants=[bogus]"])
    assert isinstance(result.exception, ConfigError) and "variants[0]" in str(result.exception)
