"""The ``export`` command through typer's CliRunner, on an app built here (``curation.cli`` registers it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from curation.errors import ConfigError, LicenseError
from curation.export.cli import export
from tests.curation.export.corpus import EXPECTED, build_run

app = typer.Typer()
app.command()(export)


@app.callback()
def _group() -> None:
    """A group, so that the command is invoked by name as in ``biomedfr export``."""


runner = CliRunner()


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    return build_run(tmp_path_factory.mktemp("cli") / "run")


def test_export_then_verify(run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", str(run), "--policy", "commercial", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{EXPECTED['commercial']['kept']} of 18 documents exported" in result.output
    assert "share_alike_not_admitted" in result.output and "nd_derived" in result.output
    verified = runner.invoke(app, ["export", "--verify", str(out)])
    assert verified.exit_code == 0 and "the export is intact" in verified.output
    again = runner.invoke(app, ["export", str(run), "--policy", "commercial", "--out", str(out)])
    assert "0 shards written, 2 already complete" in again.output


def test_verify_fails_with_the_list_of_problems(run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["export", str(run), "--policy", "open", "--out", str(out)]).exit_code == 0
    (out / "data" / "00000.parquet").unlink()
    result = runner.invoke(app, ["export", "--verify", str(out)])
    assert result.exit_code == 1
    assert "problems" in result.output and "data/00000.parquet: shard missing" in result.output


def test_a_policy_file_and_overrides(run: Path, tmp_path: Path) -> None:
    policy = tmp_path / "mine.yaml"
    policy.write_text("name: mine\nnon_commercial: allow\nexclude_sources: [ccam-books]\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["export", str(run), "--policy", str(policy), "--set", "share_alike=exclude",
                                 "--out", str(out), "--name", "Mon corpus"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["policy"]["origin"] == str(policy) and manifest["policy"]["overrides"] == ["share_alike=exclude"]
    assert manifest["excluded"]["by_reason"]["source_not_admitted"] == 2
    assert manifest["excluded"]["by_reason"]["share_alike_not_admitted"] == 2
    assert "pretty_name: Mon corpus" in (out / "README.md").read_text(encoding="utf-8")


def test_bad_invocations_are_config_errors(run: Path, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["export", str(run), "--out", str(tmp_path / "o")])
    assert isinstance(missing.exception, ConfigError) and "--policy" in str(missing.exception)
    both = runner.invoke(app, ["export", str(run), "--verify", str(tmp_path)])
    assert isinstance(both.exception, ConfigError)
    unknown_key = tmp_path / "bad.yaml"
    unknown_key.write_text("name: bad\nnc: allow\n", encoding="utf-8")
    bad = runner.invoke(app, ["export", str(run), "--policy", str(unknown_key), "--out", str(tmp_path / "o")])
    assert isinstance(bad.exception, ConfigError) and "nc: unknown field" in str(bad.exception)


def test_a_source_without_license_stops_the_command(run: Path, tmp_path: Path) -> None:
    info = json.loads((run / "run.json").read_text(encoding="utf-8"))
    manifest = tmp_path / "articles.yaml"
    manifest.write_text(Path(info["sources"][0]["manifest_path"]).read_text().replace("license: CC-BY-4.0", "license: ''"))
    info["sources"][0]["manifest_path"] = str(manifest)
    broken = tmp_path / "run"
    broken.mkdir()
    (broken / "curated").symlink_to(run / "curated")
    (broken / "run.json").write_text(json.dumps(info), encoding="utf-8")
    result = runner.invoke(app, ["export", str(broken), "--policy", "open", "--out", str(tmp_path / "o")])
    assert isinstance(result.exception, LicenseError)
    assert "source 'articles'" in str(result.exception) and str(manifest) in str(result.exception)
