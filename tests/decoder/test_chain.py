"""The tiny decoder chain end to end through the command line, as CI runs it on CPU:

sample corpus -> curate -> export -> pack (``sample_pack``) -> ``biomedfr decoder cpt`` (tiny-cpt.yaml, a
tiny random Llama) -> ``mix`` (tiny-mix.yaml, three provenance files) -> ``sft`` (tiny-sft.yaml, DoRA on
the ALL mix, from the CPT model) -> ``merge`` (tiny-merge.yaml: the CPT+SFT model with the base) ->
``eval`` (tiny-eval.yaml: base, CPT+SFT and merged on the tiny MCQ sets, paired bootstrap against the base).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.decoder.instructions import instruction_rows, write_jsonl

RECIPES = Path(__file__).resolve().parents[2] / "recipes" / "decoder"

pytestmark = pytest.mark.slow


def biomedfr(*args: str) -> str:
    """Run ``biomedfr ARGS`` in-process (the console app, errors included); return its output."""
    from curation.cli import app

    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def sets(*items: str) -> list[str]:
    return [arg for item in items for arg in ("--set", item)]


@pytest.fixture(scope="module")
def chain(tiny_causal_lm, sample_pack, tmp_path_factory, torch_one_thread) -> dict[str, Path]:
    from tests.decoder.evaluation.data import write_tiny_eval_data

    root = tmp_path_factory.mktemp("chain")
    out = {"base": tiny_causal_lm, "cpt": root / "cpt", "mix": root / "mix", "sft": root / "sft",
           "merged": root / "merged", "eval": root / "eval"}
    out["cpt_output"] = biomedfr("decoder", "cpt", str(RECIPES / "tiny-cpt.yaml"), *sets(
        f"model.path={tiny_causal_lm}", f"data.path={sample_pack}", f"save_folder={out['cpt']}"))
    sources = {p: write_jsonl(root / "sources" / f"{p}.jsonl", instruction_rows(40, p, style=style))
               for p, style in (("native", "qa"), ("translated", "messages"), ("synthetic", "qa"))}
    out["mix_output"] = biomedfr("decoder", "mix", str(RECIPES / "tiny-mix.yaml"), *sets(
        *(f"sources.{p}=[{path}]" for p, path in sources.items()), f"out={out['mix']}"))
    out["sft_output"] = biomedfr("decoder", "sft", str(RECIPES / "tiny-sft.yaml"), *sets(
        f"model.path={out['cpt'] / 'model'}", f"data.files=[{out['mix'] / 'ALL.jsonl'}]",
        f"save_folder={out['sft']}"))
    out["merge_output"] = biomedfr("decoder", "merge", str(RECIPES / "tiny-merge.yaml"), *sets(
        f"base_model={tiny_causal_lm}", f"models.0.model={out['sft'] / 'model'}"),
        "--out", str(out["merged"]), "--no-progress")
    data = write_tiny_eval_data(root / "eval-data")
    datasets = ("datasets=[{name: tiny-single, kind: mcq_single, path: " + str(data["single"]) + "}, "
                "{name: tiny-multi, kind: mcq_multi, path: " + str(data["multi"]) + ", "
                "fields: {question: question, options: answers, answer: correct_answers}}]")
    out["eval_output"] = biomedfr("decoder", "eval", str(RECIPES / "tiny-eval.yaml"), *sets(
        f"models.base.path={tiny_causal_lm}", f"models.tuned.path={out['sft'] / 'model'}",
        f"models.merged.path={out['merged']}", "models.merged.base=base", datasets),
        "--out", str(out["eval"]), "--no-progress")
    return out


def _weights(folder: Path) -> dict:
    from safetensors.torch import load_file

    files = sorted(folder.glob("*.safetensors"))
    return {k: v for f in files for k, v in load_file(str(f)).items()}


def test_chain_cpt_then_sft(chain):
    assert "CPT tiny-cpt" in chain["cpt_output"] and "Energy" in chain["cpt_output"]
    cpt = json.loads((chain["cpt"] / "summary.json").read_text())
    assert cpt["finished"] and cpt["steps"] == 6 and cpt["data"]["format"] == "pack"
    manifest = json.loads((chain["mix"] / "manifest.json").read_text())
    assert manifest["combinations"]["ALL"]["by_provenance"] == {"native": 10, "translated": 10, "synthetic": 10}
    sft = json.loads((chain["sft"] / "summary.json").read_text())
    assert sft["finished"] and sft["model"] == str(chain["cpt"] / "model")  # CPT then SFT
    assert sft["data"]["by_provenance"] == {"native": 10, "translated": 10, "synthetic": 10}
    assert "by provenance" in chain["sft_output"]
    base, cpt_w, sft_w = (_weights(p) for p in (chain["base"], chain["cpt"] / "model", chain["sft"] / "model"))
    assert set(base) == set(cpt_w) == set(sft_w)  # the merged SFT model is a plain checkpoint of the same shape
    assert any(not (cpt_w[k] == sft_w[k]).all() for k in base)


def test_chain_merge_and_eval(chain):
    import torch

    base, tuned, merged = (_weights(p) for p in (chain["base"], chain["sft"] / "model", chain["merged"]))
    assert set(merged) == set(base)
    key = "model.layers.0.self_attn.q_proj.weight"
    assert not torch.allclose(merged[key], base[key]) and not torch.allclose(merged[key], tuned[key])
    results = json.loads((chain["eval"] / "results.json").read_text())
    assert sorted((p["model"], p["base"]) for p in results["pairs"]) == [("merged", "base"), ("tuned", "base")]
    assert set(results["scores"]) == {"tiny-single", "tiny-multi"}
    for dataset, metric in (("tiny-single", "exact_match"), ("tiny-multi", "emr")):
        assert set(results["scores"][dataset][metric]) == {"base", "tuned", "merged"}
    for model in ("tuned", "merged"):
        wtl = results["win_tie_loss"][model]
        assert wtl["datasets"] == 2 and wtl["win"] + wtl["tie"] + wtl["loss"] == 2
    assert "Win / tie / loss" in chain["eval_output"]
