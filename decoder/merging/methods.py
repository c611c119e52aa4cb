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
    return _combine(base, [x - base for x in tensors], weights, lambda_, normalize, consensus=None)


def ties(base: Tensor, tensors: Sequence[Tensor], weights: Sequence[float], densities: Sequence[float],
         lambda_: float = 1.0, normalize: bool = True, rescale: bool = False, rescale_norm: RescaleNorm = "l1",
         consensus: Consensus = "sum") -> Tensor:
    """TIES-merging (trim, elect sign, disjoint merge) of the deltas ``x_i - base``."""
    deltas = [trim_magnitude(x - base, d, rescale_norm if rescale else None)
              for x, d in zip(tensors, densities, strict=True)]
    return _combine(base, deltas, weights, lambda_, normalize, consensus=consensus)


def dare_linear(base: Tensor, tensors: Sequence[Tensor], weights: Sequence[float], densities: Sequence[float],
                generators: Sequence[torch.Generator], lambda_: float = 1.0, normalize: bool = False,
                rescale: bool = True, rescale_norm: RescaleNorm = "density") -> Tensor:
    """DARE: random drop (and rescale) of each delta, then task arithmetic."""
    deltas = [drop_random(x - base, d, g, rescale_norm if rescale else None)
              for x, d, g in zip(tensors, densities, generators, strict=True)]
    return _combine(base, deltas, weights, lambda_, normalize, consensus=None)


def dare_ties(base: Tensor, tensors: Sequence[Tensor], weights: Sequence[float], densities: Sequence[float],
              generators: Sequence[torch.Generator], lambda_: float = 1.0, normalize: bool = False,
              rescale: bool = True, rescale_norm: RescaleNorm = "density", consensus: Consensus = "sum") -> Tensor:
    """DARE's random drop (and rescale) of each delta, then TIES' sign election and disjoint merge."""
    deltas = [drop_random(x - base, d, g, rescale_norm if rescale else None)
              for x, d, g in zip(tensors, densities, generators, strict=True)]
    return _combine(base, deltas, weights, lambda_, normalize, consensus=consensus)


# --- shared pieces ----------------------------------------------------------------------------------


def trim_magnitude(delta: Tensor, density: float, rescale_norm: RescaleNorm | None = None) -> Tensor:
    """Keep the ``max(1, int(density * numel))`` largest-magnitude elements; among magnitudes tied at the
    boundary, the first ones in memory order (what a stable descending argsort would keep).

    The k-th largest magnitude comes from ``torch.kthvalue`` (linear time) rather than a full sort, several
    times faster on embedding matrices. mergekit sorts with an unstable argsort, so where magnitudes tie
    exactly at the boundary it may keep other elements of the tie (``bench/merge.py`` counts them)."""
    if density >= 1:
        return delta
    flat = delta.abs().reshape(-1)
    k = max(1, int(density * flat.numel()))
    threshold = torch.kthvalue(flat, flat.numel() - k + 1).values
    keep = flat >= threshold
    extra = int(keep.sum()) - k
    if extra > 0:  # magnitudes tied at the threshold: keep the first of them
        tied = torch.nonzero(flat == threshold).reshape(-1)
        keep[tied[tied.numel() - extra:]] = False
    del flat  # before the masked copy: one tensor-sized buffer less at the peak
    return _rescaled(delta, keep.reshape(delta.shape), density, rescale_norm)


def drop_random(delta: Tensor, density: float, generator: torch.Generator,
                rescale_norm: RescaleNorm | None = "density") -> Tensor:
    """Keep each element with probability ``density`` (a Bernoulli draw from ``generator``), rescaled."""
    if density >= 1:
        return delta
    keep = torch.bernoulli(torch.full_like(delta, density), generator=generator).bool()
    return _rescaled(delta, keep, density, rescale_norm)


def _rescaled(delta: Tensor, keep: Tensor, density: float, rescale_norm: RescaleNorm | None) -> Tensor:
    masked = torch.where(keep, delta, 0.0)
    if rescale_norm is None:
        return masked
    if rescale_norm == "density":
        return masked.div_(density)
    before, after = delta.abs().sum(), masked.abs().sum()
    if before < 1e-7 or after < 1e-7:  # mergekit's guard: nothing left to rescale
        return masked
    return masked.mul_(before / after)


def elect_signs(deltas: Sequence[Tensor], consensus: Consensus = "sum") -> list[Tensor]:
    """For each (weighted) delta, where its sign is the elected one: the sign of the deltas' sum (``sum``)
    or of the count of signs (``count``); a zero total elects +. Zero deltas never agree."""
    total = _sum(deltas) if consensus == "sum" else _sum([d.sign() for d in deltas])
    positive = total >= 0
    return [torch.where(positive, d > 0, d < 0) for d in deltas]


def _sum(tensors: Sequence[Tensor]) -> Tensor:
    total = tensors[0].clone()
    for tensor in tensors[1:]:
        total += tensor
    return total


def _combine(base: Tensor, deltas: list[Tensor], weights: Sequence[float], lambda_: float, normalize: bool,
             consensus: Consensus | None) -> Tensor:
    """``base + lambda * mixed``: weighted deltas summed (over the elected sign with ``consensus``), and
    divided by the sum of the weights counted when ``normalize`` (a zero sum divides by 1). One model's
    tensors at a time: no stacked copy of all the deltas."""
    weighted = [d if float(w) == 1 else d * float(w) for d, w in zip(deltas, weights, strict=True)]
    if consensus is None:
        mixed = _sum(weighted)
        divisor = float(sum(float(w) for w in weights))
        if normalize:
            mixed /= divisor if abs(divisor) >= 1e-8 else 1.0
    else:
        mixed = divisor = None
        for delta, weight, agree in zip(weighted, weights, elect_signs(weighted, consensus), strict=True):
            kept, counted = torch.where(agree, delta, 0.0), agree * float(weight)
            mixed = kept if mixed is None else mixed.add_(kept)
            divisor = counted if divisor is None else divisor.add_(counted)
        if normalize:
            divisor[divisor == 0] = 1
            mixed /= divisor
    if lambda_ != 1:
        mixed *= lambda_
    return base + mixed
