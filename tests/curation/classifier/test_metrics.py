"""Metrics against hand-computed values and numpy oracles (no scikit-learn)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.classifier.metrics import binary_scores, confusion_matrix, evaluate, macro_f1, regression_scores
from curation.steps.llm_annotate import CONTENT_TYPES


def average_ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties sharing their mean rank (the Spearman convention)."""
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(1, len(x) + 1)
    for value in np.unique(x):
        tied = x == value
        ranks[tied] = ranks[tied].mean()
    return ranks


def test_regression_by_hand():
    # deviations (-1.5, -.5, .5, 1.5) and (-1.5, .5, -.5, 1.5): covariance 4, variances 5 -> r = 0.8
    out = regression_scores([1, 2, 3, 4], [1, 3, 2, 4])
    assert out == {"pearson": pytest.approx(0.8), "spearman": pytest.approx(0.8), "mae": 0.5, "n": 4}
    # ties: ranks (1.5, 1.5, 3) vs (1, 2, 3) -> 1.5 / sqrt(1.5 * 2)
    assert regression_scores([1, 1, 2], [1, 2, 3])["spearman"] == pytest.approx(1.5 / np.sqrt(3.0))
    constant = regression_scores([5, 5, 5], [1, 2, 3])
    assert constant["pearson"] is None and constant["spearman"] is None and constant["mae"] == pytest.approx(3.0)
    assert regression_scores([], []) == {"pearson": None, "spearman": None, "mae": None, "n": 0}


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 10), st.floats(1, 10)), min_size=3, max_size=40))
def test_regression_matches_numpy_oracle(pairs):
    truth = np.array([t for t, _ in pairs], dtype=float)
    pred = np.array([p for _, p in pairs], dtype=float)
    out = regression_scores(pred, truth)
    assert out["mae"] == pytest.approx(np.abs(pred - truth).mean())
    if np.ptp(truth) == 0 or np.ptp(pred) == 0:
        assert out["pearson"] is None and out["spearman"] is None
        return
    assert out["pearson"] == pytest.approx(np.corrcoef(pred, truth)[0, 1], abs=1e-9)
    assert out["spearman"] == pytest.approx(np.corrcoef(average_ranks(pred), average_ranks(truth))[0, 1], abs=1e-9)


def test_binary_by_hand():
    out = binary_scores([True, True, False, False, True], [True, False, True, False, True])
    assert (out["tp"], out["fp"], out["fn"], out["tn"]) == (2, 1, 1, 1)
    assert out["f1"] == pytest.approx(2 / 3) and out["precision"] == pytest.approx(2 / 3)
    assert out["recall"] == pytest.approx(2 / 3)
    none = binary_scores([False, False], [False, False])
    assert none["f1"] is None and none["precision"] is None and none["recall"] is None
    assert binary_scores([True, False], [False, False])["f1"] == 0.0


def test_confusion_and_macro_f1_by_hand():
    a, b, c = CONTENT_TYPES[:3]
    matrix = confusion_matrix([a, a, b, c], [a, b, b, a])
    assert len(matrix) == 9 and all(len(row) == 9 for row in matrix)
    assert matrix[0][0] == 1 and matrix[0][1] == 1 and matrix[1][1] == 1 and matrix[2][0] == 1
    assert sum(map(sum, matrix)) == 4
    macro, per = macro_f1(matrix)
    # a: tp 1, fp 1, fn 1 -> 1/2; b: tp 1, fp 1 -> 2/3; c: fn 1 -> 0; the six other types are absent
    assert per[a] == pytest.approx(0.5) and per[b] == pytest.approx(2 / 3) and per[c] == 0.0
    assert [per[t] for t in CONTENT_TYPES[3:]] == [None] * 6
    assert macro == pytest.approx((0.5 + 2 / 3 + 0.0) / 3)


def test_evaluate_has_every_metric():
    truth = [[8, 8, 5, 5], [8, 6, 5, 5], [3, 9, 5, 5], [7, 7, 5, 6]]
    pred = [[7.5, 7.2, 5, 5], [7.1, 7.4, 5, 5], [2, 8, 5, 5], [6.9, 7, 5, 6]]
    out = evaluate(pred, truth, ["other", "other", "patient_case", "other"],
                   ["other", "patient_case", "patient_case", "other"])
    assert out["n"] == 4 and set(out["signals"]) == {"edu", "cont", "writ", "term"}
    for s in out["signals"].values():
        assert set(s) == {"pearson", "spearman", "mae", "n"}
    assert set(out["binary"]) == {"edu>=7", "cont>=7", "edu>=7 AND cont>=7"}
    # edu>=7: student (T, T, F, F) vs LLM (T, T, F, T) -> tp 2, fn 1 -> F1 0.8
    assert out["binary"]["edu>=7"]["f1"] == pytest.approx(0.8)
    # rule: student (T, T, F, F) vs LLM (T, F, F, T) -> tp 1, fp 1, fn 1 -> F1 0.5
    assert out["binary"]["edu>=7 AND cont>=7"]["f1"] == pytest.approx(0.5)
    ctype = out["content_type"]
    assert ctype["labels"] == list(CONTENT_TYPES) and ctype["accuracy"] == 0.75
    # other: tp 2, fn 1 -> 0.8; patient_case: tp 1, fp 1 -> 2/3
    assert ctype["macro_f1"] == pytest.approx((0.8 + 2 / 3) / 2)
    assert out["signals"]["writ"]["pearson"] is None  # constant on both sides
