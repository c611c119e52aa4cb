"""The configuration of ``biomedfr decoder merge``: mergekit's YAML shape, validated, with readable errors.

A config reads like a mergekit one (``method`` instead of ``merge_method``)::

    method: ties
    base_model: runs/decoder/base
    models:
      - model: runs/decoder/cpt/final
        parameters: {weight: 0.6, density: 0.5}
    parameters: {normalize: true, lambda: 1.0}
    dtype: bfloat16
    out: runs/decoder/merged

A numeric parameter (``weight``, ``density``, ``t``, ``lambda``) is a number, a *gradient* (a list of
numbers interpolated over the layers: the first value at layer 0, the last at the last layer; tensors
outside the layers take the first value) or a list of ``{filter: NAME_PART, value: ...}`` where the first
entry whose ``filter`` is in the tensor name wins (no filter or ``*``: every tensor) — mergekit's rules.
A model's own ``parameters`` win over the global ones. Paths are relative to the working directory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from math import inf, isfinite
from pathlib import Path
from typing import Literal, Union

from pydantic import Field, field_validator

from curation.config import StrictModel, load_model, validate
from curation.errors import ConfigError

__all__ = ["METHODS", "ConditionalValue", "InputModel", "MergeConfig", "MergeInput", "MergeParameters", "MethodSpec",
           "ModelParameters", "check_config", "config_from_dict", "load_merge_config", "parse_size", "setting_values"]


class ConditionalValue(StrictModel):
    """A value that applies to the tensors whose name contains ``filter``."""

    filter: str | None = None
    """Part of a tensor name (``self_attn``, ``mlp``, ``embed_tokens``); None or ``*``: every tensor."""
    value: float | list[float] = 0.0
    """The value there: a number or a gradient over the layers."""


Setting = Union[float, list[float], list[ConditionalValue]]
"""A number, a gradient over the layers, or a list of filtered values (first match wins)."""


class ModelParameters(StrictModel):
    """Per-model parameters (they win over the global ``parameters``)."""

    weight: Setting | None = None
    """Weight of this model (None: the global ``parameters.weight``)."""
    density: Setting | None = None
    """Share of this model's delta kept by TIES/DARE, in (0, 1] (None: the global ``parameters.density``)."""


class InputModel(StrictModel):
    """One model to merge."""

    model: str = ""
    """Local HF folder with safetensors weights (``model.safetensors`` or shards + index)."""
    parameters: ModelParameters = Field(default_factory=ModelParameters)
    """This model's weight and density."""


class MergeParameters(StrictModel):
    """Method parameters, with mergekit's names. Setting one the method does not use is an error."""

    weight: Setting = 1.0
    """Weight of every model without its own (linear, task arithmetic, TIES, DARE)."""
    density: Setting = 1.0
    """Share of each delta kept (TIES: largest magnitudes; DARE: random draw), in (0, 1]."""
    t: Setting = 0.5
    """SLERP position: 0 gives the base model, 1 the other model."""
    lambda_: Setting = Field(default=1.0, alias="lambda")
    """Scale of the combined delta added to the base (task arithmetic, TIES, DARE)."""
    normalize: bool | None = None
    """Divide by the sum of weights (TIES: of the weights agreeing with the elected sign). None: the
    method's default (linear and TIES: true; task arithmetic and DARE: false)."""
    rescale: bool | None = None
    """Rescale what sparsification keeps. None: the method's default (DARE: true; TIES: false)."""
    rescale_norm: Literal["density", "l1"] | None = None
    """How to rescale: ``density`` divides by the density (the DARE paper), ``l1`` restores the delta's L1
    norm (mergekit 0.1.5's way). None: DARE ``density``, TIES ``l1``."""
    consensus: Literal["sum", "count"] = "sum"
    """TIES sign election: the sign of the summed weighted deltas (``sum``, the paper) or of the count."""
    dot_threshold: float = Field(default=0.9995, gt=0, le=1)
    """SLERP: above this |cosine| between the two tensors, interpolate linearly."""
    epsilon: float = Field(default=1e-8, gt=0)
    """SLERP: norms below this count as zero (no normalisation)."""


MethodName = Literal["linear", "slerp", "task_arithmetic", "ties", "dare_linear", "dare_ties"]


@dataclass(frozen=True)
class MethodSpec:
    """What a method needs and reads, and its defaults (mergekit 0.1.5's)."""

    needs_base: bool
    params: frozenset[str]
    normalize: bool = False
    rescale: bool = False
    rescale_norm: Literal["density", "l1"] = "density"


_SPARSE = frozenset({"weight", "density", "lambda_", "normalize", "rescale", "rescale_norm"})
METHODS: dict[str, MethodSpec] = {
    "linear": MethodSpec(False, frozenset({"weight", "normalize"}), normalize=True),
    "slerp": MethodSpec(True, frozenset({"t", "dot_threshold", "epsilon"})),
    "task_arithmetic": MethodSpec(True, frozenset({"weight", "lambda_", "normalize"})),
    "ties": MethodSpec(True, _SPARSE | {"consensus"}, normalize=True, rescale_norm="l1"),
    "dare_linear": MethodSpec(True, _SPARSE, rescale=True),
    "dare_ties": MethodSpec(True, _SPARSE | {"consensus"}, rescale=True),
}
"""The methods by name."""


class MergeConfig(StrictModel):
    """A merge: a method, a base model, the models and their parameters, the output."""

    method: MethodName = "linear"
    """linear, slerp, task_arithmetic, ties, dare_linear or dare_ties (mergekit's ``merge_method``)."""
    base_model: str | None = None
    """The model the deltas are taken from (required except for linear; SLERP's t=0 end)."""
    models: list[InputModel] = Field(default_factory=list)
    """The models merged (with the base: the fine-tuned ones; listing the base here too is allowed)."""
    parameters: MergeParameters = Field(default_factory=MergeParameters)
    """Global method parameters (each model's own win)."""
    dtype: Literal["float32", "bfloat16", "float16"] | None = None
    """Output dtype (computation is always float32). None: each tensor keeps the base model's dtype."""
    out: str = "runs/decoder/merge"
    """Output folder: an HF checkpoint plus ``merge.json``."""
    seed: int = 0
    """Seed of the DARE draws (each tensor and model has its own generator derived from it)."""
    shard_size: int | str = Field(default="5GB", validate_default=True)
    """Largest output shard: bytes, or a size like ``500MB``/``5GB``; it bounds the output held in memory."""
    files_from: str | None = None
    """Model whose config, generation config and tokenizer files are copied (default: base_model, else the
    first model); it must be one of the inputs."""
    checksums: bool = True
    """Record the sha256 of every input weight file in ``merge.json`` (reads each file once more)."""

    @field_validator("shard_size")
    @classmethod
    def _size(cls, value: int | str) -> int:
        return parse_size(value)

    def inputs(self) -> list[MergeInput]:
        """Every distinct input: the base first (``base_model``, with its parameters if it is also listed
        under ``models``), then ``models[i]``."""
        base_params = None
        others = []
        for i, entry in enumerate(self.models):
            if self.base_model and _same(entry.model, self.base_model):
                base_params = entry.parameters
            else:
                others.append(MergeInput(f"models[{i}]", entry.model, entry.parameters, False))
        base = [MergeInput("base_model", self.base_model, base_params, True)] if self.base_model else []
        return base + others


@dataclass(frozen=True)
class MergeInput:
    """One input of a merge: where it is named in the config, its folder, its parameters, its role."""

    label: str
    path: str
    parameters: ModelParameters | None
    is_base: bool


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?I?B?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}


def parse_size(value: int | str) -> int:
    """Bytes from ``123``, ``"500MB"``, ``"5GB"``, ``"2GiB"``."""
    if isinstance(value, int):
        size = value
    else:
        match = _SIZE.match(str(value))
        unit = match.group(2).upper() if match else None
        if not match or unit not in _UNITS:
            raise ValueError(f"not a size: {value!r} (write bytes or e.g. 500MB, 5GB)")
        size = int(float(match.group(1)) * _UNITS[unit])
    if size < 1:
        raise ValueError("the shard size must be at least 1 byte")
    return size


def _same(a: str, b: str) -> bool:
    return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()


def setting_values(setting: Setting | None) -> list[float]:
    """Every number a setting can produce (gradient endpoints included), for range checks."""
    if setting is None:
        return []
    if isinstance(setting, (int, float)):
        return [float(setting)]
    out: list[float] = []
    for item in setting:
        if isinstance(item, ConditionalValue):
            out.extend(setting_values(item.value))
        else:
            out.append(float(item))
    return out


def _check_range(setting: Setting | None, where: str, name: str, low: float, high: float, low_open: bool,
                 hint: str) -> None:
    for value in setting_values(setting):
        bad = not isfinite(value) or value > high or value < low or (low_open and value == low)
        if bad:
            bound = f"({low}, {high}]" if low_open else f"[{low}, {high}]"
            raise ConfigError(f"{where}: {name} = {value} is out of range {bound} — {hint}")


def check_config(config: MergeConfig, where: str = "merge config") -> MergeConfig:
    """Checks pydantic cannot express: inputs for the method, parameters it reads, value ranges."""
    spec = METHODS[config.method]
    if not config.models:
        raise ConfigError(f"{where}: models: empty — list the models to merge: models: [{{model: PATH}}]")
    for i, entry in enumerate(config.models):
        if not entry.model:
            raise ConfigError(f"{where}: models[{i}].model: empty path — give the model's folder "
                              f"(e.g. --set models.{i}.model=PATH)")
    if spec.needs_base and not config.base_model:
        raise ConfigError(f"{where}: base_model: {config.method} needs a base model (the deltas are taken from it) "
                          f"— set base_model: PATH (or use method: linear)")
    inputs = config.inputs()
    others = [i for i in inputs if not i.is_base]
    if spec.needs_base and not others:
        raise ConfigError(f"{where}: models: only the base model is listed — add the fine-tuned model(s)")
    if config.method == "slerp" and len(others) != 1:
        raise ConfigError(f"{where}: models: slerp interpolates the base with exactly one other model, got "
                          f"{len(others)} — use linear, task_arithmetic or ties for more")
    if config.method == "linear" and config.base_model and inputs[0].parameters is None:
        raise ConfigError(f"{where}: base_model: linear averages the listed models only — also list the base "
                          f"under models with a weight, or drop base_model")
    unused = sorted(config.parameters.model_fields_set - spec.params)
    if unused:
        names = ", ".join(_public(n) for n in unused)
        used = ", ".join(sorted(_public(n) for n in spec.params))
        raise ConfigError(f"{where}: parameters: {names} not used by {config.method} — remove it (it reads: {used})")
    weighted = [i for i in inputs if i.parameters is not None and (config.method == "linear" or not i.is_base)]
    for item in weighted:
        for name in sorted(item.parameters.model_fields_set - spec.params):
            raise ConfigError(f"{where}: {item.label}.parameters.{name}: not used by {config.method} — remove it"
                              + (" (slerp reads parameters.t)" if config.method == "slerp" else ""))
    if config.method == "linear":
        weight_range, weight_hint = (0.0, inf), "linear averages with non-negative weights"
    else:
        weight_range, weight_hint = (-inf, inf), "weights must be finite numbers (negative: subtract that task)"
    entries = [("parameters", config.parameters.weight, config.parameters.density)]
    entries += [(f"{i.label}.parameters", i.parameters.weight, i.parameters.density) for i in weighted]
    for prefix, weight, density in entries:
        _check_range(weight, where, f"{prefix}.weight", *weight_range, False, weight_hint)
        _check_range(density, where, f"{prefix}.density", 0.0, 1.0, True,
                     "the share of each delta kept: 0 < density <= 1 (1 keeps everything)")
    _check_range(config.parameters.t, where, "parameters.t", 0.0, 1.0, False,
                 "0 gives the base model, 1 the other model")
    _check_range(config.parameters.lambda_, where, "parameters.lambda", -inf, inf, False,
                 "lambda must be a finite number")
    if config.method == "linear":
        effective = [i.parameters.weight if i.parameters.weight is not None else config.parameters.weight
                     for i in weighted]
        if all(max(setting_values(w), default=0.0) == 0 for w in effective):
            raise ConfigError(f"{where}: linear: every weight is 0 — give at least one model a positive weight")
    if config.files_from and not any(_same(config.files_from, i.path) for i in inputs):
        raise ConfigError(f"{where}: files_from: {config.files_from} is not one of the merged models — "
                          f"name the base or one of the models")
    return config


def _public(name: str) -> str:
    return "lambda" if name == "lambda_" else name


def load_merge_config(path: str | Path, overrides: list[str] | None = None) -> MergeConfig:
    """Read a merge YAML, apply ``--set`` overrides, validate and check it."""
    return check_config(load_model(MergeConfig, path, overrides), str(path))


def config_from_dict(data: dict, where: str = "merge config") -> MergeConfig:
    """Validate and check a config given as a mapping (tests, the Python API)."""
    return check_config(validate(MergeConfig, data, where), where)
