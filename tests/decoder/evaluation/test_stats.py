"""The paired percentile bootstrap against scipy.stats.bootstrap, p-values, Bonferroni, win/tie/loss."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from decoder.evaluation.config import DatasetSpec, EvalConfig
from decoder.evaluation.stats import (
    bonferroni,
    bootstrap_means,
    compare,
    format_p,
    percentile_interval,
    resample_indices,
    two_sided_p,
    win_tie_loss,
)


def mean_difference(x, y, axis=-1):
    """The paired statistic: mean(x) - mean(y)."""
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def scipy_interval(x, y, resamples, seed, batch, level):
    """scipy's paired percentile bootstrap of the mean difference."""
    result = sps.bootstrap((x, y), mean_difference, paired=True, vectorized=True, n_resamples=resamples, batch=batch,
                           method="percentile", confidence_level=level, rng=np.random.default_rng(seed))
    return result


def binary_scores(n: int, p: float, seed: int) -> np.ndarray:
    return (np.random.default_rng(seed).random(n) < p).astype(float)


@pytest.mark.parametrize("batch", [1_000, 10_000])
def test_intervals_equal_scipy_with_the_same_seed_and_batch(batch):
    x, y = binary_scores(312, 0.45, 1), binary_scores(312, 0.38, 2)
    means = bootstrap_means({"x": x, "y": y}, 10_000, seed=7, batch=batch)
    deltas = means["x"] - means["y"]
    for level in (0.95, 1 - 0.05 / 6):
        reference = scipy_interval(x, y, 10_000, 7, batch, level)
        np.testing.assert_array_equal(deltas, reference.bootstrap_distribution)
        low, high = percentile_interval(deltas, level)
        assert (low, high) == (pytest.approx(reference.confidence_interval.low, abs=1e-12),
                               pytest.approx(reference.confidence_interval.high, abs=1e-12))


def test_intervals_agree_with_scipy_within_monte_carlo_error_for_other_seeds():
    """Independent resamples (different seeds): the two intervals agree within Monte-Carlo error."""
    rng = np.random.default_rng(3)
    x = rng.beta(5, 2, 200)  # BERTScore-like continuous scores
    y = np.clip(x - 0.03 + rng.normal(0, 0.05, 200), 0, 1)
    means = bootstrap_means({"x": x, "y": y}, 10_000, seed=11)
    ours = percentile_interval(means["x"] - means["y"], 0.95)
    theirs = scipy_interval(x, y, 10_000, 12345, None, 0.95).confidence_interval
    se = np.std(x - y, ddof=1) / np.sqrt(len(x))
    assert abs(ours[0] - theirs.low) < 0.1 * se and abs(ours[1] - theirs.high) < 0.1 * se


def test_indices_are_shared_across_models_and_metrics():
    n, seed = 50, 4
    chunks = list(resample_indices(n, 2_500, seed, batch=1_000))
    assert [c.shape for c in chunks] == [(1_000, n), (1_000, n), (500, n)]
    indices = np.concatenate(chunks)
    scores = {name: np.random.default_rng(i).random(n) for i, name in enumerate(["base", "cpt", "sft"])}
    means = bootstrap_means(scores, 2_500, seed, batch=1_000)
    for name, vector in scores.items():
        np.testing.assert_allclose(means[name], vector[indices].mean(axis=1))
    again = bootstrap_means({"sft": scores["sft"]}, 2_500, seed, batch=1_000)
    np.testing.assert_array_equal(again["sft"], means["sft"])


def test_p_value_is_reported_below_one_over_b_when_no_resample_crosses_zero():
    base = np.zeros(100)
    better = np.r_[np.ones(60), np.zeros(40)]  # every resample has a positive difference
    means = bootstrap_means({"m": better, "b": base}, 10_000, seed=0)
    deltas = means["m"] - means["b"]
    assert deltas.min() > 0
    assert two_sided_p(deltas) == 0.0
    assert format_p(0.0, 10_000) == "< 0.0001"
    assert format_p(bonferroni(0.0, 12), 10_000, 12) == "< 0.0012"
    [row] = compare({("m", "d", "emr"): better, ("b", "d", "emr"): base}, [("m", "b")], {"d": ("emr",)})
    assert row.p_value == 0.0 and row.p_display == "< 0.0001" and row.significant and row.verdict == "win"
    assert two_sided_p(np.zeros(10)) == 1.0  # identical models: every resample is a tie
    assert two_sided_p(np.r_[-np.ones(3), np.ones(7)]) == pytest.approx(0.6)
    assert format_p(0.03125, 10_000) == "0.03125"


def test_bonferroni_factor_is_the_number_of_comparisons_in_the_table():
    rng = np.random.default_rng(5)
    models = ["base", "cpt", "sft", "merge"]
    pairs = [("cpt", "base"), ("sft", "base"), ("merge", "cpt")]
    metrics = {"single": ("exact_match",), "multi": ("emr", "hamming"), "open": ("bertscore_f1",)}
    per_item = {(m, d, k): rng.random(40) for m in models for d, ks in metrics.items() for k in ks}
    rows = compare(per_item, pairs, metrics, resamples=2_000, seed=1, alpha=0.05)
    m = 3 * (1 + 2 + 1)
    assert len(rows) == m == 12
    for row in rows:
        assert row.p_adjusted == pytest.approx(min(1.0, row.p_value * m))
        assert row.significant == (row.p_value < 0.05 / m)
        means = bootstrap_means({x: per_item[(x, row.dataset, row.metric)] for x in models}, 2_000, 1)
        low, high = percentile_interval(means[row.model] - means[row.base], 1 - 0.05 / m)
        assert (row.ci_low_adjusted, row.ci_high_adjusted) == (pytest.approx(low), pytest.approx(high))
    uncorrected = compare(per_item, pairs, metrics, resamples=2_000, seed=1, correction=False)
    assert all(r.p_adjusted == r.p_value for r in uncorrected)
    config = EvalConfig(
        models={"base": "runs/base", "cpt": "runs/cpt", "sft": "runs/sft", "merge": {"path": "runs/m", "base": "cpt"}},
        baseline="base", bertscore={"model": "enc"},
        datasets=[DatasetSpec(name="single", path="s.jsonl"),
                  DatasetSpec(name="multi", kind="mcq_multi", path="m.json"),
                  DatasetSpec(name="open", kind="open", path="o.jsonl")])
    assert config.pairs() == pairs and config.comparisons() == m


def test_win_tie_loss_on_a_constructed_case():
    n = 200
    gold = np.ones(n)
    base = {"d1": np.r_[np.ones(80), np.zeros(120)],     # 40 %
            "d2": np.r_[np.ones(100), np.zeros(100)],    # 50 %
            "d3": np.r_[np.ones(120), np.zeros(80)]}     # 60 %
    tuned = {"d1": np.r_[np.ones(160), np.zeros(40)],    # 80 %: a clear win
             "d2": np.r_[np.ones(101), np.zeros(99)],    # 50.5 %: a tie
             "d3": np.r_[np.ones(20), np.zeros(180)]}    # 10 %: a clear loss
    same = {d: v.copy() for d, v in base.items()}         # identical to the base: ties everywhere
    per_item = {}
    for d in base:
        per_item[("base", d, "exact_match")] = base[d]
        per_item[("tuned", d, "exact_match")] = tuned[d]
        per_item[("copy", d, "exact_match")] = same[d]
        per_item[("base", d, "hamming")] = gold  # a second metric that does not decide
        per_item[("tuned", d, "hamming")] = gold
        per_item[("copy", d, "hamming")] = gold
    metrics = {d: ("exact_match", "hamming") for d in base}
    rows = compare(per_item, [("tuned", "base"), ("copy", "base")], metrics, resamples=5_000, seed=0)
    verdicts = {(r.model, r.dataset, r.metric): r.verdict for r in rows}
    assert [verdicts[("tuned", d, "exact_match")] for d in ("d1", "d2", "d3")] == ["win", "tie", "loss"]
    wtl = win_tie_loss(rows, {d: "exact_match" for d in base})
    assert wtl["tuned"] == {"base": "base", "win": 1, "tie": 1, "loss": 1, "datasets": 3,
                            "win_rate": pytest.approx(1 / 3)}
    assert wtl["copy"] == {"base": "base", "win": 0, "tie": 3, "loss": 0, "datasets": 3, "win_rate": 0.0}
    assert all(r.p_value == 1.0 for r in rows if r.model == "copy")
