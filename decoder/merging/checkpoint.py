"""Safetensors checkpoints for merging: headers read without loading, tensors read one at a time, output
shards written as soon as they are full, side files (config, tokenizer) copied.

Memory stays bounded: a merge holds the inputs of one tensor name at a time (``HeldBytes`` measures it:
every tensor read is counted until Python frees it) plus at most one output shard (``shard_size``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from curation.errors import ConfigError

__all__ = ["Checkpoint", "HeldBytes", "ShardWriter", "TensorInfo", "TensorReader", "check_same_tensors",
           "copy_side_files", "open_checkpoint", "sha256_file", "shard_names", "torch_dtype"]

INDEX = "model.safetensors.index.json"
SINGLE = "model.safetensors"
SIDE_FILES = ("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
              "special_tokens_map.json", "added_tokens.json", "tokenizer.model", "vocab.json", "vocab.txt",
              "merges.txt", "chat_template.jinja", "chat_template.json")
"""Files copied from the model named by ``files_from`` (when present)."""

_DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
           "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
           "BOOL": torch.bool}


def torch_dtype(name: str) -> torch.dtype:
    """A torch dtype from a safetensors header name (``F32``) or a config name (``bfloat16``)."""
    if name in _DTYPES:
        return _DTYPES[name]
    return getattr(torch, name)


@dataclass(frozen=True)
class TensorInfo:
    """Shape and dtype of a stored tensor, and the file holding it."""

    shape: tuple[int, ...]
    dtype: torch.dtype
    file: Path

    @property
    def nbytes(self) -> int:
        """Bytes of the stored tensor."""
        n = 1
        for d in self.shape:
            n *= d
        return n * self.dtype.itemsize


@dataclass
class Checkpoint:
    """An HF model folder with safetensors weights (one file, or shards and their index)."""

    label: str
    """Where the config names it (``base_model``, ``models[1]``)."""
    path: Path
    files: list[Path]
    """Its weight files."""
    index: Path | None
    """The shard index, if sharded."""
    tensors: dict[str, TensorInfo]
    """Every tensor, in file order."""
    config: dict = field(default_factory=dict)
    """Its ``config.json``."""

    def describe(self) -> str:
        """``label (path)`` for messages."""
        return f"{self.label} ({self.path})"


def open_checkpoint(path: str | Path, label: str) -> Checkpoint:
    """Read a model folder's ``config.json`` and safetensors headers (no tensor is loaded)."""
    path = Path(path).expanduser()
    where = f"{label}: {path}"
    if not path.is_dir():
        raise ConfigError(f"{where}: not a folder — give a local HF model folder (config.json + *.safetensors)")
    if (path / INDEX).is_file():
        index = path / INDEX
        try:
            weight_map = json.loads(index.read_text(encoding="utf-8"))["weight_map"]
        except (ValueError, KeyError) as exc:
            raise ConfigError(f"{where}: {INDEX} is not a shard index ({exc}) — re-save the model "
                              f"with save_pretrained") from None
        files = sorted({path / name for name in weight_map.values()})
        for file in files:
            if not file.is_file():
                raise ConfigError(f"{where}: {INDEX} names {file.name}, which is missing — copy the whole model")
    elif (path / SINGLE).is_file():
        index, files = None, [path / SINGLE]
    else:
        if (path / "adapter_config.json").is_file():
            raise ConfigError(f"{where}: a PEFT adapter, not a full model — merge the adapter into its base "
                              f"first (peft merge_and_unload, then save_pretrained)")
        if any(path.glob("*.bin")):
            raise ConfigError(f"{where}: PyTorch .bin weights only — re-save the model with "
                              f"save_pretrained(..., safe_serialization=True)")
        raise ConfigError(f"{where}: no {SINGLE} or {INDEX} — not an HF model folder")
    if not (path / "config.json").is_file():
        raise ConfigError(f"{where}: no config.json — give the folder save_pretrained wrote")
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    tensors: dict[str, TensorInfo] = {}
    for file in files:
        with safe_open(str(file), framework="pt") as handle:
            for name in handle.keys():
                part = handle.get_slice(name)
                tensors[name] = TensorInfo(tuple(part.get_shape()), _DTYPES[part.get_dtype()], file)
    return Checkpoint(label, path, files, index, tensors, config)


def check_same_tensors(checkpoints: list[Checkpoint]) -> list[str]:
    """The tensor names to merge (the first checkpoint's order), after checking that every checkpoint has
    the same architecture, tensor names and shapes; the first difference is a ``ConfigError``."""
    first = checkpoints[0]
    for other in checkpoints[1:]:
        for key in ("model_type", "architectures"):
            if first.config.get(key) != other.config.get(key):
                raise ConfigError(
                    f"{other.describe()}: config.json {key} is {other.config.get(key)!r} but "
                    f"{first.config.get(key)!r} in {first.describe()} — merge models of one architecture")
        for name, info in first.tensors.items():
            theirs = other.tensors.get(name)
            if theirs is None:
                raise ConfigError(f"{other.describe()}: has no tensor {name!r}, which {first.describe()} has — "
                                  f"merge models of one architecture (same layers, same tied embeddings)")
            if theirs.shape != info.shape:
                raise ConfigError(
                    f"{other.describe()}: tensor {name!r} has shape {list(theirs.shape)} but {list(info.shape)} "
                    f"in {first.describe()} — merge models of one size and vocabulary (resize the embeddings "
                    f"of the model with added tokens, or merge a model with the same tokenizer)")
        for name in other.tensors:
            if name not in first.tensors:
                raise ConfigError(f"{other.describe()}: has a tensor {name!r} that {first.describe()} lacks — "
                                  f"merge models of one architecture")
    return list(first.tensors)


class HeldBytes:
    """Bytes of the input tensors alive right now, and the peak: a tensor counts from its read until
    Python frees it (a ``weakref.finalize``), so a tensor kept by mistake shows in the peak."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0

    def track(self, tensor: torch.Tensor) -> torch.Tensor:
        """Count ``tensor`` until it is freed; return it."""
        size = tensor.numel() * tensor.element_size()
        self.now += size
        self.peak = max(self.peak, self.now)
        weakref.finalize(tensor, self._free, size)
        return tensor

    def _free(self, size: int) -> None:
        self.now -= size


class TensorReader:
    """Reads one tensor of one checkpoint at a time through ``safe_open``. Each read opens the file and
    closes it again: a file kept open stays memory-mapped, and every page read through the map would count
    in the process's resident memory until the end of the merge (~30 % of the peak RSS on bench/merge.py)."""

    def __init__(self, checkpoints: list[Checkpoint], meter: HeldBytes | None = None):
        self.checkpoints = checkpoints
        self.meter = meter or HeldBytes()

    def read(self, index: int, name: str) -> torch.Tensor:
        """Tensor ``name`` of checkpoint ``index``, as stored (a copy owned by the caller)."""
        file = self.checkpoints[index].tensors[name].file
        with safe_open(str(file), framework="pt") as handle:
            return self.meter.track(handle.get_tensor(name))


def shard_names(count: int) -> list[str]:
    """HF's shard file names: ``model.safetensors`` alone, else ``model-0000i-of-0000n.safetensors``."""
    if count == 1:
        return [SINGLE]
    return [f"model-{i:05d}-of-{count:05d}.safetensors" for i in range(1, count + 1)]


class ShardWriter:
    """Writes output tensors into shards planned up front (sizes are known from the headers): a shard is
    saved (to a temporary name, then renamed) as soon as its last tensor arrives; then the index."""

    def __init__(self, out: Path, sizes: Iterable[tuple[str, int]], shard_size: int):
        self.out = out
        groups: list[list[str]] = [[]]
        used = 0
        self.total_size = 0
        for name, size in sizes:
            if groups[-1] and used + size > shard_size:
                groups.append([])
                used = 0
            groups[-1].append(name)
            used += size
            self.total_size += size
        self.files = shard_names(len(groups))
        self.shard_of = {name: k for k, group in enumerate(groups) for name in group}
        self._left = [len(g) for g in groups]
        self._buffer: dict[str, torch.Tensor] = {}
        self._buffered = 0
        self.peak_buffer_bytes = 0

    def add(self, name: str, tensor: torch.Tensor) -> None:
        """Buffer ``tensor``; write its shard if it is now complete."""
        self._buffer[name] = tensor.contiguous()
        self._buffered += tensor.numel() * tensor.element_size()
        self.peak_buffer_bytes = max(self.peak_buffer_bytes, self._buffered)
        shard = self.shard_of[name]
        self._left[shard] -= 1
        if self._left[shard] == 0:
            self._flush(shard)

    def _flush(self, shard: int) -> None:
        path = self.out / self.files[shard]
        tmp = path.with_name(path.name + ".tmp")
        save_file(self._buffer, str(tmp), metadata={"format": "pt"})
        os.replace(tmp, path)
        self._buffer = {}
        self._buffered = 0

    def finish(self) -> list[str]:
        """Write the index (sharded output); return the shard file names."""
        if len(self.files) > 1:
            index = {"metadata": {"total_size": self.total_size},
                     "weight_map": {name: self.files[k] for name, k in self.shard_of.items()}}
            (self.out / INDEX).write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
        return self.files


def copy_side_files(source: Path, out: Path, dtype: str | None) -> list[str]:
    """Copy config, generation config and tokenizer files of ``source`` to ``out``; ``config.json`` gets the
    output ``dtype`` (when given). Returns the names copied."""
    copied = []
    for name in SIDE_FILES:
        src = source / name
        if not src.is_file():
            continue
        if name == "config.json" and dtype is not None:
            config = json.loads(src.read_text(encoding="utf-8"))
            if "torch_dtype" in config:
                config["torch_dtype"] = dtype
            if "dtype" in config or "torch_dtype" not in config:
                config["dtype"] = dtype
            (out / name).write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        else:
            shutil.copy2(src, out / name)
        copied.append(name)
    return copied


def sha256_file(path: Path) -> str:
    """sha256 of a file, read in blocks."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
