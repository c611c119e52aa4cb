"""The phased loop on the sample pack: loss decreases, exact resume, the phase switch keeps the optimizer
state and restarts the schedule, tokenizer identity, export, the command line end to end."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from curation.errors import ConfigError
from encoder.config import load_train_config

RECIPES = Path(__file__).resolve().parents[2] / "recipes" / "encoder"
pytestmark = pytest.mark.slow


def _config(recipe: str, model: Path, pack: Path, out: Path, *extra: str):
    return load_train_config(RECIPES / recipe, [f"model.path={model}", f"data.path={pack}", f"save_folder={out}",
                                                *extra])


@pytest.fixture(scope="module")
def detour(tiny_encoder, sample_pack, tmp_path_factory):
    """The tiny CLM-detour arm trained once (8 causal steps, 4 MLM steps), every checkpoint kept."""
    from encoder.train import train

    out = tmp_path_factory.mktemp("detour") / "run"
    config = _config("tiny-clm-detour.yaml", tiny_encoder, sample_pack, out, "save_num_checkpoints_to_keep=3")
    return config, train(config, progress=False)


def _losses(history, phase=None):
    return [r["loss"] for r in history if "loss" in r and (phase is None or r["phase"] == phase)]


def test_the_loss_decreases_in_both_phases_of_the_tiny_detour(detour):
    _, result = detour
    clm = _losses(result.state.history, "clm")
    assert len(clm) == 8 and len(_losses(result.state.history, "mlm")) == 4
    assert clm[-1] < clm[0] - 0.2, clm
    phases = {p["name"]: p for p in result.summary["phases"]}
    assert phases["clm"]["eval_loss"] < 6.0 and phases["mlm"]["eval_loss"] is not None
    assert result.summary["tokens"] == result.energy.tokens > 0
    assert result.summary["energy"]["energy_kwh"] == pytest.approx(
        result.energy.device_hours * 0.7 * 1.2), "GPU-hours x TDP x PUE"


def test_a_restart_from_a_checkpoint_gives_the_same_losses(detour, tmp_path):
    from encoder.train import train

    config, result = detour
    out = tmp_path / "resumed"
    (out / "checkpoints").mkdir(parents=True)
    shutil.copytree(result.out_dir / "checkpoints" / "ba4", out / "checkpoints" / "ba4")
    resumed = train(config.model_copy(update={"save_folder": str(out)}), progress=False)
    straight = [r for r in result.state.history if r["step"] > 4]
    again = [r for r in resumed.state.history if r["step"] > 4]
    assert [r.get("loss") for r in again] == [r.get("loss") for r in straight], "bit-identical losses after step 4"
    assert [r.get("eval_loss") for r in again] == [r.get("eval_loss") for r in straight]
    assert resumed.state.global_step == 12 and resumed.energy.tokens < result.energy.tokens, \
        "the resumed invocation only trained the last 8 steps"


def test_the_phase_switch_keeps_the_optimizer_state_and_restarts_the_schedule(detour, torch_one_thread):
    torch = torch_one_thread
    _, result = detour
    for name, steps in (("ba8", 8), ("ba12", 12)):
        state = torch.load(result.out_dir / "checkpoints" / name / "optimizer.bin", weights_only=False)["state"]
        assert {int(s["step"]) for s in state.values()} == {steps}, "Adam's step count runs across phases"
    mlm = [r for r in result.state.history if r["phase"] == "mlm" and "lr" in r]
    clm = [r for r in result.state.history if r["phase"] == "clm" and "lr" in r]
    assert clm[0]["lr"] == pytest.approx(1.5e-3) and clm[-1]["lr"] == pytest.approx(3e-3), "warmup 2 steps, constant"
    assert [r["lr"] for r in mlm] == pytest.approx([3e-3 * (1 - (k / 4) ** 0.5) for k in (1, 2, 3, 4)]), \
        "the MLM phase restarts its own 1-sqrt decay"


def test_the_final_model_is_an_hf_checkpoint_for_fine_tuning(detour, torch_one_thread):
    from transformers import AutoModelForSequenceClassification

    _, result = detour
    info = json.loads((result.final_model / "config.json").read_text())
    assert info["classifier_pooling"] == "cls" and info["architectures"] == ["ModernBertForMaskedLM"]
    model = AutoModelForSequenceClassification.from_pretrained(result.final_model, num_labels=3)
    assert model.config.classifier_pooling == "cls"
    assert (result.out_dir / "loss.png").stat().st_size > 0
    rows = [json.loads(line) for line in (result.out_dir / "metrics.jsonl").read_text().splitlines()]
    assert len([r for r in rows if "loss" in r]) == 12


def test_a_pack_of_another_tokenizer_is_refused(sample_pack, sample_export, tmp_path, torch_one_thread):
    import pyarrow.parquet as pq

    from encoder.train import train
    from tests.curation.pack.corpus import bpe_tokenizer
    from tests.encoder.tiny import tiny_modernbert

    texts = pq.read_table(sorted((sample_export / "data").glob("*.parquet"))[0], columns=["text"]).column("text")
    other = bpe_tokenizer(tmp_path / "other-tok", texts.to_pylist(), vocab_size=300, mask=True)
    model = tiny_modernbert(tmp_path / "other-model", other)
    with pytest.raises(ConfigError, match="packed with tokenizer .* but the training expects"):
        train(_config("tiny-clm-detour.yaml", model, sample_pack, tmp_path / "out"), progress=False)


def test_a_checkpoint_of_another_configuration_is_not_resumed(detour, tmp_path):
    from encoder.train import train

    config, result = detour
    out = tmp_path / "other"
    shutil.copytree(result.out_dir / "checkpoints" / "ba4", out / "checkpoints" / "ba4")
    changed = config.model_copy(update={"save_folder": str(out), "seed": 99})
    with pytest.raises(ConfigError, match="a checkpoint of another configuration"):
        train(changed, progress=False)


@pytest.fixture(scope="module")
def control(tiny_encoder, sample_pack, tmp_path_factory):
    """The tiny MLM control arm trained from the command line on the sample pack."""
    out = tmp_path_factory.mktemp("control") / "run"
    proc = subprocess.run(
        [sys.executable, "-m", "curation", "encoder", "train", str(RECIPES / "tiny-mlm-control.yaml"),
         "--set", f"model.path={tiny_encoder}", "--set", f"data.path={sample_pack}", "--out", str(out),
         "--no-progress"],
        capture_output=True, text=True, timeout=600, env={**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out, proc.stdout


def test_sample_corpus_to_curate_export_pack_and_the_tiny_mlm_control_from_the_command_line(control):
    out, stdout = control
    assert "Final model" in stdout and "mlm30" in stdout and "kg CO2eq" in stdout
    summary = json.loads((out / "summary.json").read_text())
    assert [p["objective"] for p in summary["phases"]] == ["mlm", "mlm"]
    assert summary["phases"][-1]["last_loss"] < summary["phases"][0]["first_loss"]
    assert (out / "final" / "model.safetensors").is_file()
    bad = subprocess.run([sys.executable, "-m", "curation", "encoder", "train", str(RECIPES / "tiny-mlm-control.yaml")],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "model.path is empty — set it in the recipe or with --set model.path=" in bad.stderr


def test_both_tiny_arms_are_evaluated_the_same_way_on_the_synthetic_tasks(detour, control, tmp_path):
    from encoder.evaluate import evaluate
    from encoder.evaluation.config import load_eval_config
    from tests.encoder.evaluation.synthetic import write_tasks

    tasks = write_tasks(tmp_path / "tasks")
    config = load_eval_config(RECIPES / "eval-tiny.yaml", [f"data_root={tasks}", "seeds=[42]"],
                              models={"clm-detour": str(detour[1].final_model), "mlm-control": str(control[0] / "final")},
                              out=str(tmp_path / "eval"))
    summary = evaluate(config, progress=False)
    assert list(summary["models"]) == ["clm-detour", "mlm-control"]
    for model in summary["models"].values():
        assert set(model["tasks"]) == {"specialty", "symptoms", "entities"}
        assert all(0 <= t["mean"] <= 1 and t["n"] == 1 for t in model["tasks"].values())
        assert model["overall"]["mean"] == pytest.approx(sum(t["mean"] for t in model["tasks"].values()) / 3)
    assert (tmp_path / "eval" / "results.png").is_file()


def test_every_shipped_training_recipe_validates():
    from curation.config import load_model
    from encoder.config import TrainConfig

    recipes = sorted(p for p in RECIPES.glob("*.yaml") if not p.name.startswith("eval"))
    assert len(recipes) == 6
    for path in recipes:
        config = load_model(TrainConfig, path)
        assert config.phases[-1].objective == "mlm" and config.phases[-1].mlm_probability == 0.15, path.name
