"""The merge methods as pure tensor functions, one per method, with mergekit 0.1.5's semantics.

Every function takes float32 tensors of one name (one per input model) and returns the merged float32
tensor; ``merge.py`` reads the checkpoints, resolves the parameters per tensor and calls them.

- ``linear``: ``sum(w_i * x_i)``, divided by ``sum(w_i)`` when ``normalize`` (model soups).
- ``slerp``: spherical interpolation between the base (t=0) and one model (t=1) over the flattened
  tensor; linear interpolation when they are (anti)colinear (|cos| > ``dot_threshold``).
- ``task_arithmetic``: ``base + lambda * sum(w_i * (x_i - base))`` (divided by ``sum(w_i)`` when
  ``normalize``).
- ``ties``: each delta trimmed to its ``density`` share of largest magnitudes, weighted, a sign elected
  per element (sign of the sum of weighted deltas), the deltas agreeing with it summed and divided by
  the sum of their weights (the disjoint mean), times lambda, added to the base.
- ``dare_linear`` / ``dare_ties``: each delta's elements dropped at random (kept with probability
  ``density``, from a ``torch.Generator`` per model) and rescaled by ``1/density`` (or to the delta's L1
  norm, mergekit's way), then combined as task arithmetic / TIES.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import torch

__all__ = ["dare_linear", "dare_ties", "drop_random", "elect_signs", "linear", "slerp", "task_arithmetic",
           "ties", "trim_magnitude"]

Tensor = torch.Tensor
RescaleNorm = Literal["density", "l1"]
Consensus = Literal["sum", "count"]


def linear(tensors: Sequence[Tensor], weights: Sequence[float], normalize: bool = True) -> Tensor:
    """Weighted sum of ``tensors``; a weighted average when ``normalize``."""
    result = torch.zeros_like(tensors[0], dtype=torch.float32)
    for tensor, weight in zip(tensors, weights, strict=True):
        result.add_(tensor, alpha=float(weight))
    if normalize:
        result.div_(float(sum(weights)))
    return result


def slerp(t: float, v0: Tensor, v1: Tensor, dot_threshold: float = 0.9995, epsilon: float = 1e-8) -> Tensor:
    """Spherical interpolation from ``v0`` (t=0) to ``v1`` (t=1), each tensor seen as one flat vector.

    The angle comes from the normalised vectors; the coefficients apply to the tensors themselves (so
    norms interpolate too). Colinear or opposite tensors (|cos| > ``dot_threshold``) are interpolated
    linearly, where the spherical formula divides by sin(angle) ~ 0."""
    a, b = v0.reshape(-1).float(), v1.reshape(-1).float()
    if a.numel() == 0:
        return v0.float().clone()
    norm_a, norm_b = torch.linalg.vector_norm(a), torch.linalg.vector_norm(b)
    norm_a = norm_a if norm_a > epsilon else torch.ones_like(norm_a)
    norm_b = norm_b if norm_b > epsilon else torch.ones_like(norm_b)
    dot = torch.dot(a / norm_a, b / norm_b).clamp(-1, 1)
    if dot.abs() > dot_threshold:
        coef_a, coef_b = 1 - t, t
    else:
        theta = torch.acos(dot)
        sin_theta = torch.sin(theta)
        coef_a = float(torch.sin((1 - t) * theta) / sin_theta)
        coef_b = float(torch.sin(t * theta) / sin_theta)
    return (coef_a * a + coef_b * b).reshape(v0.shape)


def task_arithmetic(base: Tensor, tensors: Sequence[Tensor], weights: Sequence[float], lambda_: float = 1.0,
                    normalize: bool = False) -> Tensor:
    """``base + lambda * sum(w_i * (x_i - base))``; the sum divided by ``sum(w_i)`` when ``normalize``."""
    deltas = torch.stack([x - base for x in tensors])
    return _combine(base, deltas, weights, lambda_, normalize, consensus=None)


def ties(base: Tensor, tensors: Sequence[Tensor], weights: Sequence[float], densities: Sequence[float],
         lambda_: float = 1.0, normalize: bool = True, rescale: bool = False, rescale_norm: RescaleNorm = "l1",
         consensus: Consensus = "sum") -> Tensor:
    """TIES-merging (trim, elect sign, disjoint merge) of the deltas ``x_i - base``."""
    deltas = torch.stack([trim_magnitude(x - base, d, rescale_norm if rescale else None)
                          for x, d in zip(tensors, densities, strict=True)])
    return _combine(base, deltas, weights, lambda_, normalize, consensus=consensus)


def dare_linear(base: Tensor, tensors: Sequence[Tensor], weights: Sequence[float], densities: Sequence[float],
                generators: Sequence[torch.Generator], lambda_: float = 1.0, normalize: bool = False,
                rescale: bool = True, rescale_norm: RescaleNorm = "density") -> Tensor:
    """DARE: random drop (and rescale) of each delta, then task arithmetic."""
    deltas = torch.stack([drop_random(x - base, d, g, rescale_norm if rescale else None)
                          for x, d, g in zip(tensors, densities, generators, strict=True)])
    return _combine(base, deltas, weights, lambda_, normalize, consensus=None)


def dare_ties(base: Tensor, tensors: Sequence[Tensor], weights: Sequence[float], densities: Sequence[float],
              generators: Sequence[torch.Generator], lambda_: float = 1.0, normalize: bool = False,
              rescale: bool = True, rescale_norm: RescaleNorm = "density", consensus: Consensus = "sum") -> Tensor:
    """DARE's random drop (and rescale) of each delta, then TIES' sign election and disjoint merge."""
    deltas = torch.stack([drop_random(x - base, d, g, rescale_norm if rescale else None)
                          for x, d, g in zip(tensors, densities, generators, strict=True)])
    return _combine(base, deltas, weights, lambda_, normalize, consensus=consensus)


# --- shared pieces ----------------------------------------------------------------------------------


def trim_magnitude(delta: Tensor, density: float, rescale_norm: RescaleNorm | None = None) -> Tensor:
    """Keep the ``max(1, int(density * numel))`` largest-magnitude elements (ties: the first in order)."""
    if density >= 1:
        return delta
    k = max(1, int(density * delta.numel()))
    order = torch.argsort(delta.abs().reshape(-1), descending=True, stable=True)
    mask = torch.zeros(delta.numel(), dtype=delta.dtype)
    mask[order[:k]] = 1
    return _rescaled(delta, mask.reshape(delta.shape), density, rescale_norm)


def drop_random(delta: Tensor, density: float, generator: torch.Generator,
                rescale_norm: RescaleNorm | None = "density") -> Tensor:
    """Keep each element with probability ``density`` (a Bernoulli draw from ``generator``), rescaled."""
    if density >= 1:
        return delta
    mask = torch.bernoulli(torch.full_like(delta, density), generator=generator)
    return _rescaled(delta, mask, density, rescale_norm)


def _rescaled(delta: Tensor, mask: Tensor, density: float, rescale_norm: RescaleNorm | None) -> Tensor:
    masked = delta * mask
    if rescale_norm is None:
        return masked
    if rescale_norm == "density":
        return masked / density
    before, after = delta.abs().sum(), masked.abs().sum()
    if before < 1e-7 or after < 1e-7:  # mergekit's guard: nothing left to rescale
        return masked
    return masked * (before / after)


def elect_signs(deltas: Tensor, consensus: Consensus = "sum") -> Tensor:
    """Mask of the (weighted) deltas whose sign is the elected one: the sign of their sum (``sum``) or of
    the count of signs (``count``); ties elect +. Zero deltas never agree."""
    signs = deltas.sign()
    total = deltas.sum(dim=0) if consensus == "sum" else signs.sum(dim=0)
    elected = torch.where(total >= 0, 1.0, -1.0)
    return signs == elected


def _combine(base: Tensor, deltas: Tensor, weights: Sequence[float], lambda_: float, normalize: bool,
             consensus: Consensus | None) -> Tensor:
    """``base + lambda * mixed``: weighted deltas summed (over the elected sign with ``consensus``), and
    divided by the sum of the weights counted when ``normalize`` (a zero sum divides by 1)."""
    w = torch.tensor([float(x) for x in weights], dtype=deltas.dtype).reshape(-1, *([1] * base.dim()))
    weighted = deltas * w
    if consensus is not None:
        mask = elect_signs(weighted, consensus).to(deltas.dtype)
        mixed = (weighted * mask).sum(dim=0)
        divisor = (w * mask).sum(dim=0)
        divisor[divisor == 0] = 1
    else:
        mixed = weighted.sum(dim=0)
        divisor = w.sum(dim=0).expand_as(mixed).clone()
        divisor[divisor.abs() < 1e-8] = 1
    if normalize:
        mixed = mixed / divisor
    if lambda_ != 1:
        mixed = mixed * lambda_
    return base + mixed
