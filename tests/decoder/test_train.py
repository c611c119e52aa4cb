"""The decoder training loop: CPT on the sample pack, SFT with DoRA, exact resume, schedule, energy, errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from curation.errors import ConfigError
from decoder.config import load_train_config
from decoder.train import step_rows, train
from tests.decoder.instructions import instruction_rows, write_jsonl

ROOT = Path(__file__).resolve().parents[2] / "recipes" / "decoder"


def cpt_config(model: Path, pack: Path, out: Path, *extra: str):
    return load_train_config(ROOT / "tiny-cpt.yaml", [f"model.path={model}", f"data.path={pack}",
                                                       f"save_folder={out}", *extra], task="cpt")


def sft_config(model: Path, data: Path, out: Path, *extra: str):
    return load_train_config(ROOT / "tiny-sft.yaml", [f"model.path={model}", f"data.files=[{data}]",
                                                       f"data.eval_files=[{data}]", f"save_folder={out}", *extra],
                             task="sft")


def _weights(folder: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(folder / "model.safetensors"))


def _metrics(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def cpt_run(tiny_causal_lm, sample_pack, tmp_path_factory, torch_one_thread):
    """tiny-cpt.yaml run uninterrupted: 6 steps of 8 packed rows."""
    out = tmp_path_factory.mktemp("cpt") / "run"
    return cpt_config(tiny_causal_lm, sample_pack, out), train(cpt_config(tiny_causal_lm, sample_pack, out))


@pytest.fixture(scope="module")
def sft_data(tmp_path_factory) -> Path:
    rows = instruction_rows(24, "native") + instruction_rows(12, "translated", style="messages") + \
        instruction_rows(12, "synthetic")
    return write_jsonl(tmp_path_factory.mktemp("sft-data") / "train.jsonl", rows)


@pytest.fixture(scope="module")
def sft_run(tiny_causal_lm, sft_data, tmp_path_factory, torch_one_thread):
    """tiny-sft.yaml (DoRA, dropout 0.05) run uninterrupted."""
    out = tmp_path_factory.mktemp("sft") / "run"
    return train(sft_config(tiny_causal_lm, sft_data, out))


# --- CPT -------------------------------------------------------------------------------------------------


def test_cpt_trains_saves_and_reports(cpt_run, tiny_causal_lm, sample_pack):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from decoder.data import PackData

    config, result = cpt_run
    summary = json.loads((result.out_dir / "summary.json").read_text())
    assert summary == result.summary and summary["finished"] and summary["steps"] == summary["total_steps"] == 6
    # tokens: the real tokens of the rows the 6 steps read, by the step formula
    data = PackData(config.data, "train", AutoTokenizer.from_pretrained(str(tiny_causal_lm)), config.seed)
    assert summary["global_batch"] == 8 and summary["data"]["rows"] == len(data)
    rows = [r for s in range(6) for r in step_rows(data, s, 8, {}).tolist()]
    assert summary["tokens"] == int(data.dataset.batch(rows).lengths.sum()) == summary["energy"]["tokens"]
    energy = summary["energy"]
    assert energy["tdp_watts"] == 15.0 and energy["devices"] == 1 and energy["device_type"] == "cpu"
    assert math.isclose(energy["energy_kwh"], energy["device_hours"] * 15.0 / 1000 * 1.2)
    assert summary["tokens_per_second"] > 0 and energy["wall_seconds"] > 0
    assert summary["cost_usd"] == pytest.approx(energy["device_hours"] * 2.5)  # tiny-cpt.yaml: 2.5 USD/device-hour
    # losses: every step logged; the validation loss went down; cosine from 1e-3 without warmup
    train_lines = [m for m in _metrics(result.out_dir) if "loss" in m]
    assert [m["step"] for m in train_lines] == [1, 2, 3, 4, 5, 6]
    for m in train_lines:
        assert math.isclose(m["lr"], 1e-3 * 0.5 * (1 + math.cos(math.pi * m["step"] / 6)), abs_tol=1e-12)
        assert math.isclose(m["loss"], result.losses[m["step"]])
    assert sorted(result.eval_losses) == [3, 6] and result.eval_losses[6] < result.eval_losses[3]
    assert result.losses[6] < result.losses[1]
    assert [p.name for p in sorted((result.out_dir / "checkpoints").iterdir())] == ["step-0000003", "step-0000006"]
    # the model reloads, with the pack's tokenizer, and it changed
    model_dir = result.model_dir
    assert AutoTokenizer.from_pretrained(str(model_dir)).get_vocab() == AutoTokenizer.from_pretrained(
        str(tiny_causal_lm)).get_vocab()
    AutoModelForCausalLM.from_pretrained(str(model_dir))
    before, after = _weights(tiny_causal_lm), _weights(model_dir)
    assert set(before) == set(after) and any(not (before[k] == after[k]).all() for k in before)


def test_cpt_resume_gives_the_uninterrupted_run(cpt_run, tiny_causal_lm, sample_pack, tmp_path):
    import torch

    _, full = cpt_run
    out = tmp_path / "resumed"
    first = train(cpt_config(tiny_causal_lm, sample_pack, out, "stop_after=4ba"))
    assert first.model_dir is None and first.step == 4 and not (out / "model").exists()
    assert sorted(first.losses) == [1, 2, 3, 4]
    second = train(cpt_config(tiny_causal_lm, sample_pack, out, "stop_after=4ba"))  # the same command again
    assert second.summary["resumed_from"].endswith("step-0000004") and sorted(second.losses) == [5, 6]
    for step in range(1, 7):
        assert (first.losses | second.losses)[step] == pytest.approx(full.losses[step], abs=1e-6)
    assert second.eval_losses[6] == pytest.approx(full.eval_losses[6], abs=1e-6)
    a, b = _weights(full.model_dir), _weights(second.model_dir)
    assert all(torch.allclose(a[k], b[k], atol=1e-6) for k in a)
    assert second.summary["tokens"] == full.summary["tokens"]  # counted over both invocations
    assert [m["step"] for m in _metrics(out) if "loss" in m] == [1, 2, 3, 4, 5, 6]
    again = train(cpt_config(tiny_causal_lm, sample_pack, out))  # a finished run: nothing to train
    assert again.losses == {} and again.step == 6 and again.summary["finished"]
    assert again.summary["resumed_from"].endswith("step-0000006") and again.summary["tokens"] == full.summary["tokens"]


def test_resume_refuses_another_trajectory(cpt_run, tiny_causal_lm, sample_pack):
    _, full = cpt_run
    with pytest.raises(ConfigError, match="checkpoint of a run with another model, data, optimizer"):
        train(cpt_config(tiny_causal_lm, sample_pack, full.out_dir, "optimizer.lr=0.01"))


def test_a_pack_of_another_tokenizer_stops_the_run(sample_pack, tmp_path, torch_one_thread):
    from tests.curation.pack.corpus import bpe_tokenizer
    from tests.decoder.conftest import save_tiny_llama

    other = bpe_tokenizer(tmp_path / "other-tok", ["Le patient présente une douleur thoracique."] * 30, 300)
    model = save_tiny_llama(tmp_path / "other-llama", other)
    with pytest.raises(ConfigError) as err:
        train(cpt_config(model, sample_pack, tmp_path / "out"))
    assert str(sample_pack) in str(err.value) and str(model) in str(err.value) and "re-pack" in str(err.value)


# --- SFT with DoRA -------------------------------------------------------------------------------------------


def test_sft_dora_merged_gives_the_unmerged_outputs(sft_run, tiny_causal_lm, torch_one_thread):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from tests.decoder.conftest import CHAT_TEMPLATE

    result = sft_run
    adapter = json.loads((result.out_dir / "adapter" / "adapter_config.json").read_text())
    assert adapter["use_dora"] and adapter["r"] == 16 and adapter["lora_alpha"] == 16
    assert adapter["lora_dropout"] == 0.05
    assert sorted(adapter["target_modules"]) == sorted(["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
                                                        "up_proj", "down_proj"])
    tokenizer = AutoTokenizer.from_pretrained(str(result.model_dir))
    assert tokenizer.chat_template == CHAT_TEMPLATE
    text = tokenizer.apply_chat_template([{"role": "user", "content": "Quel traitement pour la migraine ?"}],
                                         tokenize=False)
    ids = tokenizer([text, "Le patient présente une hypertension artérielle sévère."], add_special_tokens=False,
                    return_tensors="pt", padding=True)
    base = AutoModelForCausalLM.from_pretrained(str(tiny_causal_lm)).eval()
    with torch.no_grad():
        base_logits = base(**ids).logits
        unmerged = PeftModel.from_pretrained(base, str(result.out_dir / "adapter")).eval()
        adapted = unmerged(**ids).logits
        merged = AutoModelForCausalLM.from_pretrained(str(result.model_dir)).eval()(**ids).logits
    assert torch.allclose(adapted, merged, atol=1e-5)
    assert (adapted - base_logits).abs().max() > 1e-3  # the adapter learned something
    summary = result.summary
    assert summary["data"]["by_provenance"] == {"native": 24, "translated": 12, "synthetic": 12}
    assert 0 < summary["trainable_parameters"] < summary["parameters"] / 2
    assert summary["data"]["answer_tokens"] < summary["data"]["tokens"] / 2  # the loss is on answers only
    assert sorted(result.eval_losses) == [6] and summary["eval_data"]["rows"] == 48


def test_sft_resume_restores_dropout_and_adapter_state(sft_run, tiny_causal_lm, sft_data, tmp_path):
    import torch

    out = tmp_path / "sft"
    first = train(sft_config(tiny_causal_lm, sft_data, out, "stop_after=3ba"))
    second = train(sft_config(tiny_causal_lm, sft_data, out))
    losses = first.losses | second.losses
    assert sorted(losses) == sorted(sft_run.losses) == [1, 2, 3, 4, 5, 6]
    for step, loss in sft_run.losses.items():
        assert losses[step] == pytest.approx(loss, abs=1e-6)
    a, b = _weights(sft_run.model_dir), _weights(second.model_dir)
    assert all(torch.allclose(a[k], b[k], atol=1e-6) for k in a)


def test_dropout_makes_the_resume_test_meaningful(tiny_causal_lm, sft_data, sft_run, tmp_path):
    """Control: another seed (other dropout masks, data order, adapter init) gives other losses."""
    other = train(sft_config(tiny_causal_lm, sft_data, tmp_path / "seed", "seed=7", "max_duration=2ba"))
    assert abs(other.losses[1] - sft_run.losses[1]) > 1e-4


# --- pieces --------------------------------------------------------------------------------------------------


def test_weight_decay_spares_biases_norms_and_dora_magnitudes(tiny_causal_lm, torch_one_thread):
    from transformers import AutoModelForCausalLM

    from decoder.config import AdapterConfig
    from decoder.model import add_adapter, decay_groups

    model = AutoModelForCausalLM.from_pretrained(str(tiny_causal_lm))
    decay, no_decay = decay_groups(model, 0.01)
    names = {id(p): n for n, p in model.named_parameters()}
    assert decay["weight_decay"] == 0.01 and no_decay["weight_decay"] == 0.0
    assert {names[id(p)].rsplit(".", 2)[-2] for p in no_decay["params"]} == {"input_layernorm",
                                                                             "post_attention_layernorm", "norm"}
    assert all("norm" not in names[id(p)] for p in decay["params"]) and len(decay["params"]) == 2 + 2 * 7
    peft_model = add_adapter(model, AdapterConfig())
    decay, no_decay = decay_groups(peft_model, 0.01)
    names = {id(p): n for n, p in peft_model.named_parameters()}
    assert all("lora_magnitude_vector" in names[id(p)] for p in no_decay["params"]) and len(no_decay["params"]) == 14
    assert all("lora_A" in names[id(p)] or "lora_B" in names[id(p)] for p in decay["params"])


def test_pad_is_an_existing_token(tiny_causal_lm):
    from transformers import AutoTokenizer

    from decoder.model import pad_token_id

    tokenizer = AutoTokenizer.from_pretrained(str(tiny_causal_lm))
    size = len(tokenizer)
    assert pad_token_id(tokenizer) == 0  # its own <pad>
    tokenizer.pad_token = None
    assert pad_token_id(tokenizer) == tokenizer.eos_token_id == 3 and tokenizer.pad_token == "</s>"
    assert len(tokenizer) == size
    tokenizer.pad_token, tokenizer.eos_token = None, None
    with pytest.raises(ConfigError, match="neither a pad nor an EOS token"):
        pad_token_id(tokenizer)


def test_cli_errors_are_one_line(tmp_path):
    import os
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "curation", "decoder", "cpt", str(ROOT / "tiny-cpt.yaml"),
                           "--set", "data.path=x"], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().replace("\n", " ").startswith("error: ") and "model.path is empty" in proc.stderr


def test_config_errors_say_what_and_where(tmp_path):
    with pytest.raises(ConfigError, match="model.path is empty"):
        load_train_config(ROOT / "tiny-cpt.yaml", ["data.path=x"])
    with pytest.raises(ConfigError, match=r"run it with `biomedfr decoder sft`"):
        load_train_config(ROOT / "tiny-sft.yaml", ["model.path=m", "data.files=[a.jsonl]"], task="cpt")
    with pytest.raises(ConfigError, match="task sft trains on data.format: chat, got 'pack'"):
        load_train_config(ROOT / "tiny-cpt.yaml", ["task=sft"])
    with pytest.raises(ConfigError, match=r"max_duration: '3 epochs' is not a duration"):
        load_train_config(ROOT / "tiny-cpt.yaml", ["max_duration=3 epochs"])
    with pytest.raises(ConfigError, match=r"save_interval: '2ep' is not a duration"):
        load_train_config(ROOT / "tiny-cpt.yaml", ["save_interval=2ep"])
    with pytest.raises(ConfigError, match="did you mean 'lora_alpha'"):
        load_train_config(ROOT / "tiny-sft.yaml", ["adapter.alpha=8"])
    with pytest.raises(ConfigError, match="model.path: .* has no config.json — not a transformers checkpoint"):
        train(load_train_config(ROOT / "tiny-cpt.yaml", [f"model.path={tmp_path}", "data.path=x"]))


@pytest.mark.slow
def test_two_processes_train_like_one_with_twice_the_accumulation(tiny_causal_lm, sample_pack, tmp_path):
    """torchrun --nproc_per_node 2 on CPU (gloo DDP): micro-batch 2 x accumulation 2 x 2 ranks reads the rows
    of micro-batch 4 x accumulation 2 on one process, and the loss is the mean over the step's targets, so
    losses and weights agree with the single-process run."""
    import os
    import subprocess
    import sys

    import torch

    common = [f"model.path={tiny_causal_lm}", f"data.path={sample_pack}", "max_duration=4ba"]
    single = train(cpt_config(tiny_causal_lm, sample_pack, tmp_path / "one", "max_duration=4ba"))
    args = [a for item in [*common, f"save_folder={tmp_path / 'two'}", "device_train_microbatch_size=2"]
            for a in ("--set", item)]
    proc = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
                           "-m", "curation", "decoder", "cpt", str(ROOT / "tiny-cpt.yaml"), *args],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stdout.count("biomedfr decoder cpt") == 1  # rank 0 speaks
    summary = json.loads((tmp_path / "two" / "summary.json").read_text())
    assert summary["devices"] == 2 and summary["global_batch"] == 8 and summary["tokens"] == single.summary["tokens"]
    losses = {m["step"]: m["loss"] for m in _metrics(tmp_path / "two") if "loss" in m}
    assert losses == pytest.approx(single.losses, abs=1e-5)
    a, b = _weights(single.model_dir), _weights(tmp_path / "two" / "model")
    assert all(torch.allclose(a[k], b[k], atol=1e-5) for k in a)
