"""The merge on checkpoints: a loadable HF model, bounded memory over sharded inputs, dtypes, errors, CLI."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import torch

from curation.errors import ConfigError
from decoder.merging import methods
from decoder.merging.checkpoint import HeldBytes
from decoder.merging.config import config_from_dict
from decoder.merging.merge import merge
from tests.decoder.merging.helpers import load_state, read_summary

RECIPES = Path(__file__).resolve().parents[3] / "recipes" / "decoder"


def ties_config(models, out, **extra) -> dict:
    return {"method": "ties", "base_model": str(models["base"]), "out": str(out), "models": [
        {"model": str(models["ft1"]), "parameters": {"weight": 0.6, "density": 0.5}},
        {"model": str(models["ft2"]), "parameters": {"weight": 0.4, "density": 0.5}}], **extra}


def test_output_is_a_loadable_checkpoint_with_the_base_tokenizer(tiny_models, tmp_path):
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    out = merge(config_from_dict(ties_config(tiny_models, tmp_path / "ties")), progress=False)
    # the expected weights, computed in memory from the three state dicts
    base, ft1, ft2 = (load_state(tiny_models[k]) for k in ("base", "ft1", "ft2"))
    expected = {n: methods.ties(base[n], [ft1[n], ft2[n]], [0.6, 0.4], [0.5, 0.5]) for n in base}
    reference = AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(str(tiny_models["base"])))
    reference.load_state_dict(expected, strict=True)
    loaded = AutoModelForCausalLM.from_pretrained(str(out))
    ids = torch.tensor([[2, 17, 45, 101, 250, 3]])
    with torch.no_grad():
        assert torch.equal(loaded.eval()(ids).logits, reference.eval()(ids).logits)

    tokenizer, base_tokenizer = (AutoTokenizer.from_pretrained(str(p)) for p in (out, tiny_models["base"]))
    text = "le patient présente une hypertension"
    assert tokenizer(text)["input_ids"] == base_tokenizer(text)["input_ids"]
    assert tokenizer.chat_template == base_tokenizer.chat_template and "[INST]" in tokenizer.chat_template
    assert (out / "generation_config.json").is_file()
    summary = read_summary(out)
    assert summary["method"] == "ties" and summary["tensors"] == len(base)
    assert summary["parameters"] == {"consensus": "sum", "density": 1.0, "lambda": 1.0, "normalize": True,
                                     "rescale": False, "rescale_norm": "l1", "weight": 1.0}
    assert [i["parameters"] for i in summary["inputs"]] == [{}, {"weight": 0.6, "density": 0.5},
                                                            {"weight": 0.4, "density": 0.5}]
    assert not Path(str(out) + ".partial").exists()


def test_memory_is_bounded_by_one_tensor_name_over_sharded_inputs_and_outputs(tiny_models, tmp_path):
    from transformers import AutoModelForCausalLM

    # the sharded model as base, 24 kB output shards
    config = {"method": "task_arithmetic", "base_model": str(tiny_models["ft2"]), "shard_size": "24KB",
              "out": str(tmp_path / "ta"), "models": [{"model": str(tiny_models["base"])},
                                                      {"model": str(tiny_models["ft1"])}]}
    out = merge(config_from_dict(config), progress=False)
    memory = read_summary(out)["memory"]
    # inputs of one name at a time: the peak is exactly the largest name's three tensors (the embeddings),
    # far below all the inputs
    assert memory["peak_input_bytes"] == memory["largest_tensor_inputs_bytes"] == 3 * 300 * 32 * 4
    assert memory["all_inputs_bytes"] > 3.5 * memory["peak_input_bytes"]
    assert memory["peak_output_buffer_bytes"] <= max(24_000, 300 * 32 * 4)

    index = json.loads((out / "model.safetensors.index.json").read_text())
    files = sorted(out.glob("model-*-of-*.safetensors"))
    assert len(files) >= 4 and {out / f for f in index["weight_map"].values()} == set(files)
    state = load_state(out)
    assert set(index["weight_map"]) == set(state) and index["metadata"]["total_size"] == sum(
        t.numel() * t.element_size() for t in state.values())
    for file in files:  # a shard above the limit holds one tensor that is larger on its own
        names = [n for n, f in index["weight_map"].items() if f == file.name]
        assert sum(state[n].numel() * 4 for n in names) <= 24_000 or len(names) == 1
    assert AutoModelForCausalLM.from_pretrained(str(out)).model.embed_tokens.weight.shape == (300, 32)


def test_held_bytes_counts_tensors_until_they_are_freed():
    meter = HeldBytes()
    kept = [meter.track(torch.zeros(10, 10)) for _ in range(3)]  # a loop that forgets to drop its inputs
    assert meter.now == meter.peak == 3 * 400
    del kept
    assert meter.now == 0 and meter.peak == 1200
    for _ in range(3):  # one at a time
        x = meter.track(torch.zeros(10, 10))
        del x
    assert meter.peak == 1200 and meter.now == 0


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_output_dtype_is_a_rounding_of_the_float32_merge(tiny_models, tmp_path, dtype):
    reference = load_state(merge(config_from_dict(ties_config(tiny_models, tmp_path / "f32")), progress=False))
    out = merge(config_from_dict(ties_config(tiny_models, tmp_path / dtype, dtype=dtype)), progress=False)
    state = load_state(out)
    for name, tensor in state.items():
        assert tensor.dtype == getattr(torch, dtype)
        assert torch.equal(tensor, reference[name].to(getattr(torch, dtype))), name
    assert json.loads((out / "config.json").read_text())["dtype"] == dtype


def test_low_precision_inputs_are_computed_in_float32(tiny_models, tmp_path):
    from safetensors.torch import save_file

    half = tmp_path / "ft1-bf16"
    shutil.copytree(tiny_models["ft1"], half)
    ft1 = load_state(tiny_models["ft1"])
    save_file({n: t.to(torch.bfloat16) for n, t in ft1.items()}, str(half / "model.safetensors"),
              metadata={"format": "pt"})
    config = {"method": "slerp", "base_model": str(tiny_models["base"]), "models": [{"model": str(half)}],
              "parameters": {"t": 0.4}, "out": str(tmp_path / "out")}
    state = load_state(merge(config_from_dict(config), progress=False))
    base = load_state(tiny_models["base"])
    for name, tensor in state.items():  # dtype follows the base (float32); the bf16 input is upcast first
        assert tensor.dtype == torch.float32
        expected = methods.slerp(0.4, base[name], ft1[name].to(torch.bfloat16).float())
        assert torch.equal(tensor, expected), name


def test_summary_records_input_checksums(tiny_models, tmp_path):
    out = merge(config_from_dict(ties_config(tiny_models, tmp_path / "out")), progress=False)
    inputs = read_summary(out)["inputs"]
    sharded = inputs[2]
    assert sharded["label"] == "models[1]" and len(sharded["sha256"]) == len(sharded["files"]) > 3
    index = tiny_models["ft2"] / "model.safetensors.index.json"
    assert sharded["index_sha256"] == hashlib.sha256(index.read_bytes()).hexdigest()
    single = tiny_models["base"] / "model.safetensors"
    assert inputs[0]["sha256"] == {"model.safetensors": hashlib.sha256(single.read_bytes()).hexdigest()}
    assert "index_sha256" not in inputs[0]


def test_dare_draws_are_seeded(tiny_models, tmp_path):
    def run(name, seed):
        config = {"method": "dare_linear", "base_model": str(tiny_models["base"]), "seed": seed,
                  "out": str(tmp_path / name), "checksums": False,
                  "models": [{"model": str(tiny_models["ft1"]), "parameters": {"density": 0.5}}]}
        return load_state(merge(config_from_dict(config), progress=False))

    first, again, other = run("a", 0), run("b", 0), run("c", 1)
    name = "model.layers.0.mlp.up_proj.weight"
    assert all(torch.equal(first[n], again[n]) for n in first)
    assert not torch.equal(first[name], other[name])


def test_rerun_does_nothing_and_another_merge_is_refused(tiny_models, tmp_path):
    config = config_from_dict(ties_config(tiny_models, tmp_path / "out"))
    out = merge(config, progress=False)
    stamp = (out / "merge.json").stat().st_mtime_ns
    assert merge(config, progress=False) == out and (out / "merge.json").stat().st_mtime_ns == stamp
    with pytest.raises(ConfigError, match="holds another merge .* choose another --out or delete that folder"):
        merge(config_from_dict(ties_config(tiny_models, tmp_path / "out", seed=3)), progress=False)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="exists and is not a merge output"):
        merge(config_from_dict(ties_config(tiny_models, tmp_path / "busy")), progress=False)
    with pytest.raises(ConfigError, match="is base_model .* write the merge to another folder"):
        merge(config_from_dict(ties_config(tiny_models, tiny_models["base"])), progress=False)


def altered_copy(source: Path, folder: Path, tensors=None, config=None) -> Path:
    """A copy of ``source`` with its tensors (one file) or config.json changed by the given functions."""
    from safetensors.torch import save_file

    shutil.copytree(source, folder)
    if tensors:
        save_file(tensors(load_state(source)), str(folder / "model.safetensors"), metadata={"format": "pt"})
    if config:
        data = json.loads((folder / "config.json").read_text())
        (folder / "config.json").write_text(json.dumps(config(data)))
    return folder


def _resized(state):
    state["model.embed_tokens.weight"] = torch.zeros(301, 32)
    return state


def _without_norm(state):
    del state["model.norm.weight"]
    return state


def _with_extra(state):
    state["model.extra.weight"] = torch.zeros(2)
    return state


@pytest.mark.parametrize("change, message", [
    ({"tensors": _resized}, "models[0] ({path}): tensor 'model.embed_tokens.weight' has shape [301, 32] but "
                            "[300, 32] in base_model"),
    ({"tensors": _without_norm}, "models[0] ({path}): has no tensor 'model.norm.weight', which base_model"),
    ({"tensors": _with_extra}, "has a tensor 'model.extra.weight' that base_model"),
    ({"config": lambda c: {**c, "model_type": "mistral", "architectures": ["MistralForCausalLM"]}},
     "models[0] ({path}): config.json model_type is 'mistral' but 'llama' in base_model"),
])
def test_mismatched_models_name_the_first_difference(tiny_models, tmp_path, change, message):
    other = altered_copy(tiny_models["ft1"], tmp_path / "other", **change)
    config = {"method": "task_arithmetic", "base_model": str(tiny_models["base"]), "out": str(tmp_path / "out"),
              "models": [{"model": str(other)}]}
    with pytest.raises(ConfigError) as info:
        merge(config_from_dict(config), progress=False)
    assert message.format(path=other) in str(info.value)
    assert not (tmp_path / "out").exists()


def test_inputs_that_are_not_safetensors_models(tiny_models, tmp_path):
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text("{}")
    (adapter / "adapter_model.safetensors").write_bytes(b"")
    pickled = tmp_path / "pickled"
    pickled.mkdir()
    (pickled / "pytorch_model.bin").write_bytes(b"")
    cases = [(adapter, "a PEFT adapter, not a full model — merge the adapter into its base first"),
             (pickled, "PyTorch .bin weights only — re-save the model with save_pretrained"),
             (tmp_path / "missing", "not a folder")]
    for folder, message in cases:
        config = {"method": "ties", "base_model": str(tiny_models["base"]), "out": str(tmp_path / "out"),
                  "models": [{"model": str(folder)}]}
        with pytest.raises(ConfigError, match=f"models\\[0\\]: {folder}: {message}"):
            merge(config_from_dict(config), progress=False)


def test_cli_runs_the_tiny_merge_with_paths_from_set(tiny_models, tmp_path):
    from typer.testing import CliRunner

    from curation.cli import app

    out = tmp_path / "tiny-merged"
    args = ["decoder", "merge", str(RECIPES / "tiny-merge.yaml"), "--set", f"base_model={tiny_models['base']}",
            "--set", f"models.0.model={tiny_models['ft2']}", "--out", str(out), "--no-progress"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Done." in result.output and "peak input bytes held" in result.output
    summary = read_summary(out)
    assert summary["method"] == "slerp" and summary["config"]["out"] == str(out)
    assert len(summary["output"]["files"]) == 1  # 256 kB shards hold this tiny model whole
    bad = CliRunner().invoke(app, args[:3] + ["--set", "method=soup", "--out", str(tmp_path / "x")])
    assert isinstance(bad.exception, ConfigError) and "method: Input should be" in str(bad.exception)
