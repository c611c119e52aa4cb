"""``merge(config) -> Path``: the merge loop, tensor name by tensor name, into an HF checkpoint.

For each tensor name (in the first input's order) the inputs' tensors are read, converted to float32,
merged by the method, converted to the output dtype and handed to the shard writer; then they are
dropped before the next name is read. The output folder is built under ``<out>.partial`` and renamed
when complete, with ``merge.json``: the method, the inputs (sha256 of their weight files and index),
the resolved parameters and the peak bytes held.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import torch

from curation.errors import ConfigError
from decoder.merging import methods
from decoder.merging.checkpoint import (
    Checkpoint,
    HeldBytes,
    ShardWriter,
    TensorReader,
    check_same_tensors,
    copy_side_files,
    open_checkpoint,
    sha256_file,
    torch_dtype,
)
from decoder.merging.config import METHODS, MergeConfig, MergeInput, check_config
from decoder.merging.params import TensorParameters, layer_count, tensor_parameters

__all__ = ["SUMMARY", "merge", "merge_tensor"]

SUMMARY = "merge.json"


def merge(config: MergeConfig, progress: bool = True) -> Path:
    """Merge the config's models into ``config.out`` (an HF checkpoint + ``merge.json``); return the folder.

    Re-running the same config over a finished output does nothing."""
    started = time.perf_counter()
    check_config(config)
    out = Path(config.out).expanduser()
    inputs = config.inputs()
    checkpoints = [open_checkpoint(i.path, i.label) for i in inputs]
    for ckpt in checkpoints:
        if out.resolve() == ckpt.path.resolve():
            raise ConfigError(f"out: {out} is {ckpt.describe()} — write the merge to another folder")
    names = check_same_tensors(checkpoints)
    config_hash = _config_hash(config)
    if _already_merged(out, config_hash):
        return out

    base = checkpoints[0]
    files_from = next((c for c in checkpoints if config.files_from and c.path.resolve()
                       == Path(config.files_from).expanduser().resolve()), base)
    out_dtype = torch_dtype(config.dtype) if config.dtype else None
    out_dtypes = {name: _output_dtype(base.tensors[name].dtype, out_dtype) for name in names}
    partial = out.with_name(out.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(parents=True)

    layers = layer_count(names)
    own = [i.parameters for i in inputs]
    writer = ShardWriter(partial, [(n, _numel(base.tensors[n].shape) * out_dtypes[n].itemsize) for n in names],
                         config.shard_size)
    meter = HeldBytes()
    reader = TensorReader(checkpoints, meter)
    with _progress(progress) as bar:
        task = bar.add_task(f"merge ({config.method})", total=len(names))
        for name in names:
            stored = [reader.read(k, name) for k in range(len(checkpoints))]
            params = tensor_parameters(config, own, name, layers)
            merged = merge_tensor(config, inputs, name, stored, params)
            del stored
            writer.add(name, merged.to(out_dtypes[name]))
            del merged
            bar.advance(task)
    files = writer.finish()
    copied = copy_side_files(files_from.path, partial, config.dtype)

    summary = {
        "method": config.method,
        "config": config.model_dump(mode="json", by_alias=True),
        "config_hash": config_hash,
        "inputs": [_describe_input(c, i, config.checksums) for c, i in zip(checkpoints, inputs, strict=True)],
        "parameters": _shared_parameters(config),
        "dtype": config.dtype or "as the base model",
        "tensors": len(names),
        "numel": sum(_numel(base.tensors[n].shape) for n in names),
        "output": {"files": files, "bytes": writer.total_size, "copied_from": str(files_from.path),
                   "copied": copied},
        "memory": {
            "peak_input_bytes": meter.peak,
            "largest_tensor_inputs_bytes": max(sum(c.tensors[n].nbytes for c in checkpoints) for n in names),
            "all_inputs_bytes": sum(c.tensors[n].nbytes for c in checkpoints for n in names),
            "peak_output_buffer_bytes": writer.peak_buffer_bytes,
            "shard_size": config.shard_size,
        },
        "seconds": round(time.perf_counter() - started, 3),
        "versions": _versions(),
    }
    (partial / SUMMARY).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)  # _already_merged allowed only an empty folder or an unfinished merge
    os.replace(partial, out)
    return out


def merge_tensor(config: MergeConfig, inputs: list[MergeInput], name: str, stored: list[torch.Tensor],
                 p: TensorParameters) -> torch.Tensor:
    """Merge one tensor name: ``stored`` holds the tensors of ``inputs`` (``config.inputs()``: the base
    first when there is one), ``p`` their resolved parameters. Computation is float32; non-float tensors
    come from the first input."""
    if not stored[0].is_floating_point():
        return stored[0].clone()
    x = [t.to(torch.float32) for t in stored]
    method = config.method
    if method == "linear":
        pairs = [(t, w) for t, w, i in zip(x, p.weights, inputs, strict=True) if i.parameters is not None]
        weights = [w for _, w in pairs]
        if p.normalize and sum(weights) == 0:
            raise ConfigError(f"linear: the weights of tensor {name!r} sum to 0 (a filter or gradient gives 0 to "
                              f"every model there) — give one model a positive weight, or normalize: false")
        return methods.linear([t for t, _ in pairs], weights, normalize=p.normalize)
    base, others = x[0], x[1:]
    weights, densities = p.weights[1:], p.densities[1:]
    if method == "slerp":
        return methods.slerp(p.t, base, others[0], dot_threshold=p.dot_threshold, epsilon=p.epsilon)
    if method == "task_arithmetic":
        return methods.task_arithmetic(base, others, weights, lambda_=p.lambda_, normalize=p.normalize)
    if method == "ties":
        return methods.ties(base, others, weights, densities, lambda_=p.lambda_, normalize=p.normalize,
                            rescale=p.rescale, rescale_norm=p.rescale_norm, consensus=p.consensus)
    generators = [_generator(config.seed, label, name) for label in (i.label for i in inputs[1:])]
    if method == "dare_linear":
        return methods.dare_linear(base, others, weights, densities, generators, lambda_=p.lambda_,
                                   normalize=p.normalize, rescale=p.rescale, rescale_norm=p.rescale_norm)
    return methods.dare_ties(base, others, weights, densities, generators, lambda_=p.lambda_,
                             normalize=p.normalize, rescale=p.rescale, rescale_norm=p.rescale_norm,
                             consensus=p.consensus)


def _generator(seed: int, label: str, name: str) -> torch.Generator:
    """A generator of its own per (seed, model, tensor): the draws do not depend on the tensor order."""
    digest = hashlib.sha256(f"{seed}\0{label}\0{name}".encode()).digest()
    return torch.Generator().manual_seed(int.from_bytes(digest[:8], "little") & (2**63 - 1))


def _output_dtype(stored: torch.dtype, requested: torch.dtype | None) -> torch.dtype:
    if requested is None or not stored.is_floating_point:
        return stored
    return requested


def _numel(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def _config_hash(config: MergeConfig) -> str:
    payload = json.dumps(config.model_dump(mode="json", by_alias=True), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _already_merged(out: Path, config_hash: str) -> bool:
    """True when ``out`` holds this merge, finished; a ``ConfigError`` when it holds anything else."""
    if not out.exists():
        return False
    summary = out / SUMMARY
    if summary.is_file():
        previous = json.loads(summary.read_text(encoding="utf-8")).get("config_hash")
        if previous == config_hash:
            return True
        raise ConfigError(f"out: {out} holds another merge (config hash {str(previous)[:12]}…) — "
                          f"choose another --out or delete that folder")
    if out.is_dir() and not any(out.iterdir()):
        return False
    raise ConfigError(f"out: {out} exists and is not a merge output — choose another --out or delete it")


def _describe_input(ckpt: Checkpoint, item, checksums: bool) -> dict:
    params = item.parameters.model_dump(mode="json", exclude_none=True) if item.parameters else {}
    entry = {"label": ckpt.label, "path": str(ckpt.path), "role": "base" if item.is_base else "model",
             "parameters": params, "files": [f.name for f in ckpt.files]}
    if checksums:
        entry["sha256"] = {f.name: sha256_file(f) for f in ckpt.files}
        if ckpt.index is not None:
            entry["index_sha256"] = sha256_file(ckpt.index)
    return entry


def _shared_parameters(config: MergeConfig) -> dict:
    """The global parameters the method reads, with the method's defaults filled in."""
    spec = METHODS[config.method]
    p = config.parameters
    values = p.model_dump(mode="json")
    values["normalize"] = spec.normalize if p.normalize is None else p.normalize
    values["rescale"] = spec.rescale if p.rescale is None else p.rescale
    values["rescale_norm"] = p.rescale_norm or spec.rescale_norm
    return {("lambda" if k == "lambda_" else k): v for k, v in values.items() if k in spec.params}


def _versions() -> dict:
    import safetensors

    import curation

    return {"biomedfr": curation.__version__, "torch": torch.__version__, "safetensors": safetensors.__version__}


def _progress(enabled: bool):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    disable=not enabled)
