"""``biomedfr encoder eval`` end to end on the tiny config: tables, results.json, the plot, resuming, errors."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from curation.errors import ConfigError
from encoder.cli import app
from encoder.evaluate import FORMAT, _read_seed

TINY = Path(__file__).resolve().parents[3] / "recipes" / "encoder" / "eval-tiny.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def evaluated(tiny_checkpoint, tasks_root, tmp_path_factory, torch_one_thread):
    out = tmp_path_factory.mktemp("eval-cli") / "out"
    args = ["eval", str(TINY), "--set", f"data_root={tasks_root}", "--model", f"tiny={tiny_checkpoint}",
            "--out", str(out), "--no-progress"]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, args, result.output


def test_cli_writes_results_with_every_seed_config_model_and_energy(evaluated, tiny_checkpoint):
    out, _, output = evaluated
    summary = json.loads((out / "results.json").read_text())
    assert summary["format"] == FORMAT and summary["seeds"] == [42, 43] and summary["reference"] == "tiny"
    assert summary["config"]["finetune"]["lr"] == 3e-3 and summary["config"]["models"]["tiny"]["path"] == str(tiny_checkpoint)
    assert list(summary["tasks"]) == ["specialty", "symptoms", "entities"]
    assert [t["metric"] for t in summary["tasks"].values()] == ["macro_f1", "micro_f1", "entity_f1_strict"]
    model = summary["models"]["tiny"]
    assert model["path"] == str(tiny_checkpoint) and model["model_type"] == "modernbert"
    for task, info in model["tasks"].items():
        scores = [seed["score"] for seed in info["seeds"]]
        assert [seed["seed"] for seed in info["seeds"]] == [42, 43] and info["max_length"] == 64
        assert info["mean"] == pytest.approx(statistics.mean(scores)) and info["std"] == pytest.approx(statistics.stdev(scores))
        assert info["truncated"] == {"train": 0, "validation": 0, "test": 0}
        assert all(seed["validation"] > seed["validation_before"] for seed in info["seeds"]), task
        assert (out / "scores" / "tiny" / task / "seed-42.json").is_file()
    means = [info["mean"] for info in model["tasks"].values()]
    assert model["overall"]["mean"] == pytest.approx(sum(means) / 3)
    runs = [s["energy"] for t in model["tasks"].values() for s in t["seeds"]]
    assert summary["energy"]["tokens"] == sum(r["tokens"] for r in runs) > 0
    assert summary["energy"]["wall_seconds"] == pytest.approx(sum(r["wall_seconds"] for r in runs))
    assert (out / "results.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (out / "checkpoints").exists()
    for text in ("test scores, mean ± std over 2 seed(s)", "average", "entity_f1_strict", "Truncated documents",
                 "Energy of the evaluation", "kg CO2eq", "results.json"):
        assert text in output, text


def test_a_rerun_reuses_the_seed_results(evaluated):
    out, args, _ = evaluated
    before = json.loads((out / "results.json").read_text())
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0 and "6 seed result(s) reused" in result.output
    after = json.loads((out / "results.json").read_text())
    assert after["models"]["tiny"]["overall"] == before["models"]["tiny"]["overall"]
    seed = out / "scores" / "tiny" / "specialty" / "seed-42.json"
    stored = json.loads(seed.read_text())
    assert _read_seed(seed, stored["fingerprint"])["resumed"] is True
    assert _read_seed(seed, "another-config") is None  # a changed model, task or config runs the seed again


def test_a_missing_checkpoint_is_a_config_error(tasks_root, tmp_path):
    result = runner.invoke(app, ["eval", str(TINY), "--set", f"data_root={tasks_root}", "--model",
                                 f"x={tmp_path / 'nowhere'}", "--out", str(tmp_path / "o")])
    assert isinstance(result.exception, ConfigError)
    assert "models.x:" in str(result.exception) and "is not a folder" in str(result.exception)
    result = runner.invoke(app, ["eval", str(TINY), "--out", str(tmp_path / "o")])
    assert isinstance(result.exception, ConfigError) and "no model — give --model NAME=PATH" in str(result.exception)


def test_biomedfr_prints_one_line_and_exits_2_on_bad_data(tmp_path, tiny_checkpoint, tasks_root):
    bad = tmp_path / "tasks"
    for task in ("specialty", "symptoms", "entities"):
        (bad / task).mkdir(parents=True)
        for f in (tasks_root / task).iterdir():
            (bad / task / f.name).write_bytes(f.read_bytes())
    with (bad / "specialty" / "test.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"text": "x", "label": "psychiatrie"}) + "\n")
    proc = subprocess.run([sys.executable, "-m", "curation", "encoder", "eval", str(TINY), "--set",
                           f"data_root={bad}", "--model", f"tiny={tiny_checkpoint}", "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "test.jsonl:49: label 'psychiatrie' is not in the label set of train" in proc.stderr.replace("\n", "")
    assert "Traceback" not in proc.stderr


def test_evaluate_takes_a_checkpoint_exported_by_the_pretraining(tasks_root, tmp_path, torch_one_thread):
    """The pretraining's hand-off: ModernBertForMaskedLM + a tokenizer without [CLS], saved by export_model."""
    from transformers import AutoTokenizer, ModernBertForMaskedLM

    from encoder.evaluate import evaluate
    from encoder.evaluation.config import load_eval_config
    from encoder.model import export_model
    from tests.curation.pack.corpus import bpe_tokenizer
    from tests.encoder.evaluation.synthetic import corpus_texts
    from tests.encoder.tiny import tiny_modernbert

    tokenizer_dir = bpe_tokenizer(tmp_path / "bpe", corpus_texts(), vocab_size=512, mask=True)
    trained = tiny_modernbert(tmp_path / "trained", tokenizer_dir)
    exported = export_model(ModernBertForMaskedLM.from_pretrained(trained),
                            AutoTokenizer.from_pretrained(str(tokenizer_dir)), tmp_path / "final")
    config = load_eval_config(TINY, [f"data_root={tasks_root}", "seeds=[42]", "finetune.epochs=2",
                                     "tasks={specialty: {kind: single_label, path: specialty}}"],
                              models={"clm-detour": str(exported)}, out=tmp_path / "out")
    summary = evaluate(config, progress=False)
    model = summary["models"]["clm-detour"]
    assert model["model_type"] == "modernbert" and "adds no special tokens" in model["warnings"][0]
    assert len(model["tasks"]["specialty"]["seeds"]) == 1 and model["tasks"]["specialty"]["std"] is None
    assert model["overall"]["mean"] == model["tasks"]["specialty"]["mean"] == model["tasks"]["specialty"]["seeds"][0]["score"]
    assert json.loads((tmp_path / "out" / "results.json").read_text())["models"]["clm-detour"]["path"] == str(exported)
