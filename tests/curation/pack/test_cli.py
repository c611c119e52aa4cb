"""``pack`` as a command: the options reach the pack; bad options are configuration errors."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from curation.errors import ConfigError
from curation.pack.cli import pack
from tests.curation.pack.helpers import pack_files


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """biomedfr (test)."""

    app.command()(pack)
    return app


def test_pack_command_writes_the_same_pack(tmp_path, run_dir, tokenizer_dir, packed):
    out = tmp_path / "cli"
    args = ["pack", str(run_dir), "--tokenizer", str(tokenizer_dir), "--out", str(out), "--seq-len", "64",
            "--validation", "0.1", "--sequences-per-shard", "4", "--seed", "0", "--tasks", "2", "--workers", "1"]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 0, result.output
    assert "Done." in result.output and "train" in result.output
    assert pack_files(out) == pack_files(packed)
    again = CliRunner().invoke(_app(), args)
    assert again.exit_code == 0 and "already packed" in again.output


def test_pack_command_rejects_bad_options(tmp_path, run_dir, tokenizer_dir):
    result = CliRunner().invoke(_app(), ["pack", str(run_dir), "--tokenizer", str(tokenizer_dir),
                                         "--out", str(tmp_path / "x"), "--validation", "1.5"])
    assert isinstance(result.exception, ConfigError)
    assert "biomedfr pack: validation" in str(result.exception)
