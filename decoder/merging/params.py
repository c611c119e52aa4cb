"""Parameters per tensor: filters, gradients over the layers and precedence, as mergekit resolves them.

- a number applies everywhere;
- a list of numbers is a gradient: at layer ``i`` of ``n`` the position is ``i / (n - 1)`` (1 when
  ``n == 1``), and the value is interpolated between the two nearest list entries; tensors outside the
  layers (embeddings, final norm, LM head) are at position 0;
- a list of ``{filter, value}``: the first entry whose filter is part of the tensor name (or is empty or
  ``*``) gives the value; no match falls through to the next level;
- levels, first match wins: the model's own ``parameters``, then the global ``parameters``, then the
  default.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from decoder.merging.config import METHODS, ConditionalValue, MergeConfig, ModelParameters, Setting

__all__ = ["TensorParameters", "layer_count", "layer_position", "resolve", "tensor_parameters"]

_LAYER = re.compile(r"(?:^|\.)layers\.(\d+)\.")


def layer_count(names: Iterable[str]) -> int:
    """Number of decoder layers, from tensor names holding ``layers.<i>.``."""
    indices = {int(m.group(1)) for name in names if (m := _LAYER.search(name))}
    return max(indices) + 1 if indices else 0


def layer_position(name: str, layers: int) -> float:
    """Where a tensor sits for gradients: ``i / (layers - 1)`` in layer ``i``; 0 outside the layers."""
    match = _LAYER.search(name)
    if not match:
        return 0.0
    if layers <= 1:
        return 1.0
    return int(match.group(1)) / (layers - 1)


def resolve(setting: Setting | None, name: str, position: float) -> float | None:
    """The value of ``setting`` for tensor ``name`` at gradient ``position``; None when no filter matches."""
    if setting is None:
        return None
    if isinstance(setting, (int, float)):
        return float(setting)
    if not setting:
        return None
    if all(isinstance(item, (int, float)) for item in setting):
        scaled = position * (len(setting) - 1)
        low = int(scaled)
        high = min(len(setting) - 1, low + 1)
        frac = scaled - low
        return (1 - frac) * float(setting[low]) + frac * float(setting[high])
    for item in setting:
        if isinstance(item, ConditionalValue) and (item.filter in (None, "", "*") or item.filter in name):
            return resolve(item.value, name, position)
    return None


class TensorParameters:
    """The resolved parameters of one tensor name: per input ``weights`` and ``densities`` (in the order
    of ``inputs``), and the shared ones (``t``, ``lambda_``, ``normalize``, ...)."""

    def __init__(self, config: MergeConfig, inputs: list[ModelParameters | None], name: str, position: float):
        p = config.parameters
        spec = METHODS[config.method]
        defaults = type(p).model_fields

        def level(own: Setting | None, shared: Setting, key: str) -> float:
            for candidate in (own, shared):
                value = resolve(candidate, name, position)
                if value is not None:
                    return value
            return float(defaults[key].default)

        self.weights = [level(i.weight if i else None, p.weight, "weight") for i in inputs]
        self.densities = [level(i.density if i else None, p.density, "density") for i in inputs]
        self.t = level(None, p.t, "t")
        self.lambda_ = level(None, p.lambda_, "lambda_")
        self.normalize = spec.normalize if p.normalize is None else p.normalize
        self.rescale = spec.rescale if p.rescale is None else p.rescale
        self.rescale_norm = p.rescale_norm or spec.rescale_norm
        self.consensus = p.consensus
        self.dot_threshold = p.dot_threshold
        self.epsilon = p.epsilon


def tensor_parameters(config: MergeConfig, inputs: list[ModelParameters | None], name: str,
                      layers: int) -> TensorParameters:
    """Resolve every parameter for tensor ``name`` (``layers``: the model's layer count, for gradients)."""
    return TensorParameters(config, inputs, name, layer_position(name, layers))
