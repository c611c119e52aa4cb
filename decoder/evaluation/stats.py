"""Paired percentile bootstrap, two-sided p-values, Bonferroni and win/tie/loss (MedMistral section 3).

For one dataset of ``n`` items, B resamples of ``n`` item indices are drawn with replacement — once, and
shared by every model (a comparison is between two models' scores on the same resampled items). For a
model and its base, the bootstrap distribution is ``mean(model[idx]) - mean(base[idx])`` over the B
resamples ``idx``; then

- the percentile interval at level ``1 - alpha`` is its ``alpha/2`` and ``1 - alpha/2`` quantiles (linear
  interpolation, as ``numpy.quantile`` and ``scipy.stats.bootstrap(method="percentile")``);
- the two-sided p-value is ``2 * min(share of deltas <= 0, share of deltas >= 0)`` (capped at 1); when no
  resample reaches zero it is 0 and reported as ``< 1/B``;
- with Bonferroni over the ``m`` comparisons of the table, a difference is significant when ``p < alpha/m``
  (and the interval reported beside it is at level ``1 - alpha/m``);
- per dataset, a model *wins* when it is significantly better than its base, *loses* when significantly
  worse, *ties* otherwise; its win rate is wins / datasets (on each dataset's first metric).

Indices come from ``numpy.random.default_rng(seed)`` as ``rng.integers(0, n, (batch, n))`` calls of
``batch`` rows, the draws ``scipy.stats.bootstrap((x, y), ..., paired=True, batch=batch,
rng=numpy.random.default_rng(seed))`` makes: with the same seed and batch the intervals are identical.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass

import numpy as np

from curation.errors import ConfigError

__all__ = [
    "Comparison",
    "bonferroni",
    "bootstrap_means",
    "compare",
    "format_p",
    "percentile_interval",
    "resample_indices",
    "two_sided_p",
    "win_tie_loss",
]


def resample_indices(n: int, resamples: int, seed: int, batch: int = 1_000) -> Iterator[np.ndarray]:
    """The B x n resample indices of a dataset of ``n`` items, in chunks of ``batch`` rows."""
    if n < 1:
        raise ConfigError("bootstrap: a dataset needs at least one item")
    rng = np.random.default_rng(seed)
    for start in range(0, resamples, batch):
        yield rng.integers(0, n, (min(batch, resamples - start), n))


def bootstrap_means(scores: Mapping[str, np.ndarray], resamples: int, seed: int,
                    batch: int = 1_000) -> dict[str, np.ndarray]:
    """For each named per-item score vector (all of the same length), its mean over each resample — the
    same resampled items for every vector (shared indices)."""
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in scores.items()}
    lengths = {a.shape for a in arrays.values()}
    if len(lengths) != 1 or len(next(iter(lengths))) != 1:
        raise ConfigError(f"bootstrap: score vectors must be 1-D and of one length, got shapes {sorted(lengths)}")
    n = next(iter(arrays.values())).shape[0]
    out: dict[str, list[np.ndarray]] = {k: [] for k in arrays}
    for idx in resample_indices(n, resamples, seed, batch):
        for k, a in arrays.items():
            out[k].append(a[idx].mean(axis=-1))
    return {k: np.concatenate(v) for k, v in out.items()}


def percentile_interval(deltas: np.ndarray, level: float) -> tuple[float, float]:
    """The percentile interval of the bootstrap distribution at confidence ``level`` (e.g. 0.95)."""
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(deltas, [tail, 1.0 - tail])
    return float(low), float(high)


def two_sided_p(deltas: np.ndarray) -> float:
    """``2 * min(P(delta <= 0), P(delta >= 0))`` over the resamples, capped at 1 (0 when none reaches zero)."""
    deltas = np.asarray(deltas)
    return float(min(1.0, 2.0 * min(np.mean(deltas <= 0), np.mean(deltas >= 0))))


def bonferroni(p: float, comparisons: int) -> float:
    """``min(1, p * m)``."""
    if comparisons < 1:
        raise ConfigError("bonferroni: the number of comparisons must be at least 1")
    return min(1.0, p * comparisons)


def format_p(p: float, resamples: int, factor: int = 1) -> str:
    """A p-value for people: ``< factor/B`` when it is 0 (no resample crossed zero), else 4 significant digits."""
    if p == 0.0:
        return f"< {factor / resamples:.2g}"
    return f"{p:.4g}"


@dataclass(frozen=True)
class Comparison:
    """One row of the comparison table: a model against its base on one dataset and metric."""

    model: str
    base: str
    dataset: str
    metric: str
    n: int
    """Items."""
    score: float
    """The model's mean."""
    base_score: float
    """The base's mean."""
    delta: float
    """``score - base_score``."""
    ci_low: float
    """Lower end of the delta's percentile interval at ``1 - alpha``."""
    ci_high: float
    """Upper end of the delta's percentile interval at ``1 - alpha``."""
    ci_low_adjusted: float
    """Lower end of the interval at the Bonferroni level ``1 - alpha/m``."""
    ci_high_adjusted: float
    """Upper end of the interval at the Bonferroni level ``1 - alpha/m``."""
    p_value: float
    """Two-sided bootstrap p (0 means ``< 1/B``)."""
    p_adjusted: float
    """``min(1, p * m)``."""
    p_display: str
    """``p_value`` for people (``< 0.0001`` when 0)."""
    p_adjusted_display: str
    """``p_adjusted`` for people (``< m/B`` when 0)."""
    significant: bool
    """``p_value < alpha / m``."""
    verdict: str
    """``win`` (significantly better), ``loss`` (significantly worse) or ``tie``."""

    def to_json(self) -> dict:
        """The row as a JSON-able dict."""
        return asdict(self)


def compare(per_item: Mapping[tuple[str, str, str], np.ndarray], pairs: list[tuple[str, str]],
            metrics: Mapping[str, tuple[str, ...]], resamples: int = 10_000, seed: int = 0, batch: int = 1_000,
            alpha: float = 0.05, correction: bool = True) -> list[Comparison]:
    """Every (model, base) pair on every dataset and metric.

    ``per_item[(model, dataset, metric)]`` holds the per-item scores; ``metrics[dataset]`` the metrics
    compared on it; m (Bonferroni) is ``len(pairs) * sum(len(metrics[d]))`` when ``correction``, else 1.
    """
    m = len(pairs) * sum(len(v) for v in metrics.values()) if correction else 1
    m = max(m, 1)
    rows: list[Comparison] = []
    models = sorted({x for pair in pairs for x in pair})
    for dataset, names in metrics.items():
        for metric in names:
            vectors = {model: per_item[(model, dataset, metric)] for model in models}
            means = bootstrap_means(vectors, resamples, seed, batch)
            for model, base in pairs:
                deltas = means[model] - means[base]
                score, base_score = float(np.mean(vectors[model])), float(np.mean(vectors[base]))
                delta = score - base_score
                low, high = percentile_interval(deltas, 1 - alpha)
                low_adj, high_adj = percentile_interval(deltas, 1 - alpha / m)
                p = two_sided_p(deltas)
                significant = p < alpha / m
                verdict = "tie" if not significant or delta == 0 else ("win" if delta > 0 else "loss")
                rows.append(Comparison(
                    model=model, base=base, dataset=dataset, metric=metric, n=int(len(vectors[model])),
                    score=score, base_score=base_score, delta=delta, ci_low=low, ci_high=high,
                    ci_low_adjusted=low_adj, ci_high_adjusted=high_adj, p_value=p, p_adjusted=bonferroni(p, m),
                    p_display=format_p(p, resamples), p_adjusted_display=format_p(bonferroni(p, m), resamples, m),
                    significant=significant, verdict=verdict))
    return rows


def win_tie_loss(rows: list[Comparison], primary: Mapping[str, str]) -> dict[str, dict]:
    """Per compared model: wins, ties and losses over the datasets (on each dataset's ``primary`` metric),
    the datasets counted and the win rate (wins / datasets)."""
    out: dict[str, dict] = {}
    for row in rows:
        if primary.get(row.dataset) != row.metric:
            continue
        entry = out.setdefault(row.model, {"base": row.base, "win": 0, "tie": 0, "loss": 0, "datasets": 0})
        entry[row.verdict] += 1
        entry["datasets"] += 1
    for entry in out.values():
        entry["win_rate"] = entry["win"] / entry["datasets"] if entry["datasets"] else 0.0
    return out
