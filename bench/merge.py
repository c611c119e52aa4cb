"""Merging: ``biomedfr decoder merge`` against mergekit 0.1.5's ``mergekit-yaml``, on the same two models.

Models: two random Llamas of ~106 M parameters (hidden 768, 8 layers, MLP 2048, vocabulary 32 000,
untied LM head; float32, one ``model.safetensors`` each, ~424 MB): a "base" (N(0, 0.02) weights) and a
"fine-tuned" one (the base plus N(0, 0.002) deltas). Both sides merge them with the same config (TIES,
weight 1, density 0.5, normalize) from the command line, each in a fresh process, so both wall times
include the process start-up and the imports; output shards of ~200 MB on both sides (mergekit counts
its ``--out-shard-size`` in parameters: 50 M float32 = 200 MB). Peak RSS is each child process's own
(``os.wait4``; the models are written by another child, so the bench process stays small). The outputs
are compared tensor by tensor (``torch.isclose``, rtol 1e-5, atol 1e-6): with TIES, elements whose delta
magnitude ties exactly with the trimming threshold may be kept by one side and dropped by the other
(mergekit's argsort is unstable; we keep the first of the tie), and are counted.

    .venv/bin/python bench/merge.py [--method ties] [--density 0.5] [--layers 8] [--hidden 768] [--vocab 32000]

prints a table and ONE JSON line: {"bench": "merge", "method": ..., "parameters": ..., "ours_wall_s": ...,
"mergekit_wall_s": ..., "ours_peak_rss_mb": ..., "mergekit_peak_rss_mb": ..., "wall_ratio": mergekit/ours,
"rss_ratio": mergekit/ours, "same_tensors": true, ...}.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def build_models(root: Path, hidden: int, layers: int, intermediate: int, vocab: int) -> tuple[Path, Path, int]:
    """Write the base and fine-tuned random Llamas (tensor names and shapes from a meta-device model)."""
    import torch
    from safetensors.torch import save_file
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(vocab_size=vocab, hidden_size=hidden, intermediate_size=intermediate,
                         num_hidden_layers=layers, num_attention_heads=hidden // 64, num_key_value_heads=hidden // 64,
                         max_position_embeddings=2048, tie_word_embeddings=False,
                         architectures=["LlamaForCausalLM"])
    with torch.device("meta"):
        shapes = {n: p.shape for n, p in LlamaForCausalLM(config).state_dict().items()}
    generator = torch.Generator().manual_seed(0)
    base = {n: torch.randn(s, generator=generator) * 0.02 for n, s in shapes.items()}
    folders = []
    for name, state in (("base", base), ("tuned", None)):
        folder = root / name
        folder.mkdir()
        config.save_pretrained(str(folder))
        if state is None:
            state = {n: t + torch.randn(t.shape, generator=generator) * 0.002 for n, t in base.items()}
        save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt"})
        folders.append(folder)
        del state
    return folders[0], folders[1], sum(s.numel() for s in shapes.values())


def run(command: list[str]) -> dict:
    """Run ``command``; its wall time and its own peak RSS (``os.wait4``)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[0]} failed:\n{output.decode(errors='replace')[-3000:]}")
    return {"wall": wall, "rss_mb": usage.ru_maxrss / 1024}


def compare(ours: Path, theirs: Path) -> tuple[bool, float, int]:
    """Whether every tensor matches (allclose), the largest absolute difference and the number of elements
    that differ beyond the tolerance; one tensor at a time."""
    import torch
    from safetensors import safe_open

    def index(folder: Path) -> dict[str, Path]:
        out = {}
        for file in folder.glob("*.safetensors"):
            with safe_open(str(file), "pt") as handle:
                out.update({name: file for name in handle.keys()})
        return out

    mine, other = index(ours), index(theirs)
    if set(mine) != set(other):
        return False, float("inf"), -1
    worst, differing = 0.0, 0
    for name in mine:
        with safe_open(str(mine[name]), "pt") as a, safe_open(str(other[name]), "pt") as b:
            x, y = a.get_tensor(name), b.get_tensor(name)
        worst = max(worst, (x - y).abs().max().item())
        differing += int((~torch.isclose(x, y, rtol=1e-5, atol=1e-6)).sum())
    return differing == 0, worst, differing


def main() -> None:
    """Build the models, run both merges, compare, print the table and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", default="ties", choices=["linear", "slerp", "task_arithmetic", "ties",
                                                              "dare_linear", "dare_ties"])
    parser.add_argument("--density", type=float, default=0.5, help="density of ties/dare (dare compares at 1)")
    parser.add_argument("--hidden", type=int, default=768)
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--intermediate", type=int, default=2048)
    parser.add_argument("--vocab", type=int, default=32_000)
    parser.add_argument("--build-into", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.build_into:  # the child process that writes the models
        print(build_models(Path(args.build_into), args.hidden, args.layers, args.intermediate, args.vocab)[2])
        return
    with tempfile.TemporaryDirectory(prefix="bench-merge-") as tmp:
        tmp = Path(tmp)
        # built in a child process: a parent grown by the model tensors would hand its resident size to the
        # children it forks, and their peak RSS would count it
        built = subprocess.run([sys.executable, __file__, "--build-into", str(tmp), "--hidden", str(args.hidden),
                                "--layers", str(args.layers), "--intermediate", str(args.intermediate),
                                "--vocab", str(args.vocab)], capture_output=True, text=True, check=True)
        base, tuned, numel = tmp / "base", tmp / "tuned", int(built.stdout.split()[-1])
        model = {"model": str(tuned), "parameters": {}}
        if args.method in ("linear",):
            models = [{"model": str(base), "parameters": {"weight": 0.5}},
                      {"model": str(tuned), "parameters": {"weight": 0.5}}]
            parameters = {}
        elif args.method == "slerp":
            models, parameters = [model], {"t": 0.5}
        else:
            model["parameters"]["weight"] = 1.0
            if args.method != "task_arithmetic":  # DARE's draws differ from mergekit's: compare at density 1
                model["parameters"]["density"] = args.density if args.method == "ties" else 1.0
            models, parameters = [model], ({"normalize": True} if args.method == "ties" else {})
        merge = {"base_model": str(base), "models": models, **({"parameters": parameters} if parameters else {})}
        ours_cfg = {"method": args.method, **merge, "out": str(tmp / "ours"), "shard_size": "200MB"}
        theirs_cfg = {"merge_method": args.method, **merge, "dtype": "float32"}
        (tmp / "ours.yaml").write_text(yaml.safe_dump(ours_cfg))
        (tmp / "mergekit.yml").write_text(yaml.safe_dump(theirs_cfg))

        ours = run([sys.executable, "-m", "curation", "decoder", "merge", str(tmp / "ours.yaml"), "--no-progress"])
        theirs = run([str(BIN / "mergekit-yaml"), str(tmp / "mergekit.yml"), str(tmp / "mergekit"), "--quiet",
                      "--out-shard-size", "50M", "--no-copy-tokenizer"])
        same, worst, differing = compare(tmp / "ours", tmp / "mergekit")
        summary = json.loads((tmp / "ours" / "merge.json").read_text())

    print(f"{args.method}: 2 models of {numel:,} float32 parameters ({numel * 4 / 1e6:.0f} MB each)")
    print(f"{'':28} {'wall s':>8} {'peak RSS MB':>12}")
    print(f"{'biomedfr decoder merge':28} {ours['wall']:8.2f} {ours['rss_mb']:12.0f}")
    print(f"{'mergekit-yaml 0.1.5':28} {theirs['wall']:8.2f} {theirs['rss_mb']:12.0f}")
    print(f"same tensors: {same} ({differing} of {numel:,} elements differ, max abs diff {worst:.2e}); "
          f"our merge loop alone: {summary['seconds']} s, "
          f"peak input bytes held {summary['memory']['peak_input_bytes'] / 1e6:.0f} MB "
          f"(all inputs {summary['memory']['all_inputs_bytes'] / 1e6:.0f} MB)")
    print(json.dumps({
        "bench": "merge",
        "method": args.method,
        "parameters": numel,
        "ours_wall_s": round(ours["wall"], 2),
        "mergekit_wall_s": round(theirs["wall"], 2),
        "wall_ratio": round(theirs["wall"] / ours["wall"], 2),
        "ours_peak_rss_mb": round(ours["rss_mb"]),
        "mergekit_peak_rss_mb": round(theirs["rss_mb"]),
        "rss_ratio": round(theirs["rss_mb"] / ours["rss_mb"], 2),
        "same_tensors": same,
        "differing_elements": differing,
        "max_abs_diff": worst,
        "ours_merge_loop_s": summary["seconds"],
        "ours_peak_input_mb": round(summary["memory"]["peak_input_bytes"] / 1e6),
        "ours_peak_output_buffer_mb": round(summary["memory"]["peak_output_buffer_bytes"] / 1e6),
    }))


if __name__ == "__main__":
    main()
