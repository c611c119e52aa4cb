"""Cross-check against mergekit 0.1.5, run from its command line on the tiny models.

All the mergekit merges run in ONE ``mergekit-multi`` call: its command line for a multi-document YAML,
which calls the same ``run_merge`` as ``mergekit-yaml`` for each document (one ``mergekit-yaml`` run per
merge would pay 9-19 s of start-up each on this machine; ``bench/merge.py`` runs ``mergekit-yaml``).
Every tensor is compared with ``torch.allclose`` (float32, atol 1e-6).
DARE's random drop cannot be reproduced draw for draw (mergekit draws from torch's global generator in
its task order; we draw from one generator per tensor and model): it is compared exactly at density 1,
and at density 0.5 on what must hold for any draw (kept values, dropped values, kept share, L1 norms).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from decoder.merging.config import config_from_dict
from decoder.merging.merge import merge
from tests.decoder.merging.helpers import load_state, mergekit_config

BIN = Path(sys.executable).parent


def cases(models: dict[str, Path]) -> dict[str, dict]:
    """Our merge configs by name (the same merges are written for mergekit)."""
    base, ft1, ft2 = (str(models[k]) for k in ("base", "ft1", "ft2"))
    return {
        "linear": {"method": "linear", "models": [
            {"model": base, "parameters": {"weight": 0.5}}, {"model": ft1, "parameters": {"weight": 0.3}},
            {"model": ft2, "parameters": {"weight": 0.2}}]},
        "linear_unnormalized": {"method": "linear", "parameters": {"normalize": False}, "models": [
            {"model": ft1, "parameters": {"weight": 0.6}}, {"model": ft2, "parameters": {"weight": 0.9}}]},
        "slerp": {"method": "slerp", "base_model": base, "models": [{"model": ft1}], "parameters": {"t": 0.3}},
        "slerp_gradient": {"method": "slerp", "base_model": base, "models": [{"model": ft2}], "parameters": {"t": [
            {"filter": "self_attn", "value": [0, 0.5, 0.3, 0.7, 1]},
            {"filter": "mlp", "value": [1, 0.5, 0.7, 0.3, 0]}, {"value": 0.25}]}},
        "task_arithmetic": {"method": "task_arithmetic", "base_model": base, "parameters": {"lambda": 0.8},
                            "models": [{"model": ft1, "parameters": {"weight": 0.7}},
                                       {"model": ft2, "parameters": {"weight": -0.3}}]},
        "ties": {"method": "ties", "base_model": base, "parameters": {"normalize": True, "lambda": 0.9},
                 "models": [{"model": ft1, "parameters": {"weight": 0.7, "density": 0.5}},
                            {"model": ft2, "parameters": {"weight": 0.3, "density": 0.7}}]},
        "ties_rescaled_filtered": {"method": "ties", "base_model": base,
                                   "parameters": {"rescale": True, "density": 0.3,
                                                  "weight": [{"filter": "mlp", "value": 0.2}, {"value": 0.6}]},
                                   "models": [{"model": ft1}, {"model": ft2, "parameters": {"weight": 0.4}}]},
        "dare_linear": {"method": "dare_linear", "base_model": base,
                        "models": [{"model": ft1, "parameters": {"weight": 0.6, "density": 1.0}},
                                   {"model": ft2, "parameters": {"weight": 0.4, "density": 1.0}}]},
        "dare_ties": {"method": "dare_ties", "base_model": base, "parameters": {"normalize": True},
                      "models": [{"model": ft1, "parameters": {"weight": 0.6, "density": 1.0}},
                                 {"model": ft2, "parameters": {"weight": 0.4, "density": 1.0}}]},
        "dare_linear_sampled": {"method": "dare_linear", "base_model": base, "parameters": {"rescale": False},
                                "models": [{"model": ft1, "parameters": {"weight": 1.0, "density": 0.5}}]},
        "dare_ties_sampled": {"method": "dare_ties", "base_model": base,
                              "parameters": {"density": 0.5, "rescale_norm": "l1"},
                              "models": [{"model": ft1, "parameters": {"weight": 0.5}},
                                         {"model": ft2, "parameters": {"weight": 0.5}}]},
    }


@pytest.fixture(scope="session")
def mergekit_outputs(tiny_models, tmp_path_factory) -> Path:
    """Every case merged by mergekit: ``<folder>/mk-<case>/`` (one mergekit-multi run, seed 0)."""
    folder = tmp_path_factory.mktemp("mergekit")
    # named "mk-<case>": mergekit-multi takes any string equal to a merge name for a reference to that merge,
    # so a merge named "linear" would depend on itself through its `merge_method: linear`
    docs = [mergekit_config(config, f"mk-{name}") for name, config in cases(tiny_models).items()]
    (folder / "cases.yml").write_text(yaml.safe_dump_all(docs, sort_keys=False), encoding="utf-8")
    proc = subprocess.run([str(BIN / "mergekit-multi"), str(folder / "cases.yml"), "-I", str(folder / "out"),
                           "--random-seed", "0", "--quiet", "--no-lazy"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return folder / "out"


@pytest.fixture(scope="session")
def ours(tiny_models, tmp_path_factory) -> dict[str, Path]:
    """Every case merged by us."""
    folder = tmp_path_factory.mktemp("ours")
    return {name: merge(config_from_dict({**config, "out": str(folder / name)}), progress=False)
            for name, config in cases(tiny_models).items()}


def assert_same_tensors(ours_dir: Path, theirs_dir: Path) -> None:
    import torch

    mine, theirs = load_state(ours_dir), load_state(theirs_dir)
    assert sorted(mine) == sorted(theirs)
    for name, tensor in mine.items():
        assert tensor.dtype == theirs[name].dtype == torch.float32, name
        assert torch.allclose(tensor, theirs[name], rtol=1e-5, atol=1e-6), (
            name, (tensor - theirs[name]).abs().max().item())


EXACT = ["linear", "linear_unnormalized", "slerp", "slerp_gradient", "task_arithmetic", "ties",
         "ties_rescaled_filtered", "dare_linear", "dare_ties"]


@pytest.mark.parametrize("case", EXACT)
def test_same_tensors_as_mergekit(case, ours, mergekit_outputs):
    assert_same_tensors(ours[case], mergekit_outputs / f"mk-{case}")


def test_the_cases_are_not_trivial(ours, tiny_models):
    """Each merge differs from every input (a case that copied one model would compare nothing)."""
    import torch

    inputs = [load_state(tiny_models[k]) for k in ("base", "ft1", "ft2")]
    for case, folder in ours.items():
        merged = load_state(folder)
        for state in inputs:
            assert any(not torch.allclose(t, state[n], atol=1e-4) for n, t in merged.items()), case


def test_dare_linear_sampled_keeps_or_drops_each_delta(ours, mergekit_outputs, tiny_models):
    """Density 0.5, weight 1, no rescale: each element is the fine-tuned value (kept) or the base (dropped),
    about half kept, on both sides."""
    import torch

    base, tuned = load_state(tiny_models["base"]), load_state(tiny_models["ft1"])
    for side in (ours["dare_linear_sampled"], mergekit_outputs / "mk-dare_linear_sampled"):
        merged = load_state(side)
        kept = total = 0
        for name, tensor in merged.items():
            dropped = tensor == base[name]
            assert torch.allclose(tensor[~dropped], tuned[name][~dropped], atol=1e-6), (side, name)
            kept += int((~dropped).sum())
            total += tensor.numel()
        assert abs(kept / total - 0.5) < 0.02, (side, kept / total)


def test_dare_ties_sampled_matches_in_distribution(ours, mergekit_outputs, tiny_models):
    """Density 0.5 with L1 rescaling (mergekit's): the share of changed elements and the L1 norm of the
    merged delta agree with mergekit's within sampling noise."""
    base = load_state(tiny_models["base"])
    stats = []
    for side in (ours["dare_ties_sampled"], mergekit_outputs / "mk-dare_ties_sampled"):
        merged = load_state(side)
        changed = sum(int((merged[n] != base[n]).sum()) for n in merged)
        total = sum(t.numel() for t in merged.values())
        l1 = sum(float((merged[n] - base[n]).abs().sum()) for n in merged)
        stats.append((changed / total, l1))
    (share_ours, l1_ours), (share_mk, l1_mk) = stats
    assert 0.6 < share_ours < 0.9 and abs(share_ours - share_mk) < 0.02, stats
    assert abs(l1_ours - l1_mk) / l1_mk < 0.03, stats
