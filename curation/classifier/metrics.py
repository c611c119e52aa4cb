"""Agreement of the student with the LLM labels: pure functions over numbers and labels.

- Per signal: Pearson and Spearman correlations (``scipy.stats``) and the mean absolute error. A
  correlation is None when either side is constant (it is undefined there).
- Binary decisions at a threshold (7 by default, the paper's): F1, precision and recall of the student's
  ``score >= 7`` against the LLM's, for edu, for cont, and for the rule ``edu>=7 AND cont>=7``. The
  positive class is "meets the threshold"; F1 is None when neither side has a positive (undefined), and
  precision (recall) is None when the student (the LLM) has no positive.
- Content type: a 9×9 confusion matrix in ``CONTENT_TYPES`` order (rows: the LLM's type, columns: the
  student's), accuracy, F1 per type, and macro-F1: the mean F1 over the types that occur in the LLM's
  labels or the student's predictions (a type absent from both says nothing about the student).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from curation.scores import SIGNALS
from curation.steps.llm_annotate import CONTENT_TYPES

__all__ = ["THRESHOLD", "binary_scores", "confusion_matrix", "evaluate", "macro_f1", "regression_scores",
           "rule_name"]

THRESHOLD = 7.0
"""The paper's quality threshold (edu >= 7 AND cont >= 7)."""


def _none_if_nan(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def regression_scores(predicted: Sequence[float], truth: Sequence[float]) -> dict[str, float | int | None]:
    """``pearson``, ``spearman``, ``mae`` and ``n`` of predicted scores against the LLM's."""
    from scipy import stats

    p = np.asarray(predicted, dtype=np.float64)
    t = np.asarray(truth, dtype=np.float64)
    if p.shape != t.shape:
        raise ValueError(f"predicted and truth differ in length ({p.size} vs {t.size})")
    out: dict[str, float | int | None] = {"pearson": None, "spearman": None, "mae": None, "n": int(p.size)}
    if p.size == 0:
        return out
    out["mae"] = float(np.mean(np.abs(p - t)))
    if p.size >= 2 and np.ptp(p) > 0 and np.ptp(t) > 0:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out["pearson"] = _none_if_nan(stats.pearsonr(p, t).statistic)
            out["spearman"] = _none_if_nan(stats.spearmanr(p, t).statistic)
    return out


def binary_scores(predicted: Sequence[bool], truth: Sequence[bool]) -> dict[str, float | int | None]:
    """F1, precision, recall and the counts of a binary decision (positive: ``True``)."""
    p = np.asarray(predicted, dtype=bool)
    t = np.asarray(truth, dtype=bool)
    tp, fp, fn = int(np.sum(p & t)), int(np.sum(p & ~t)), int(np.sum(~p & t))
    tn = int(p.size - tp - fp - fn)
    return {
        "f1": None if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn),
        "precision": None if tp + fp == 0 else tp / (tp + fp),
        "recall": None if tp + fn == 0 else tp / (tp + fn),
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "positives": tp + fn,
        "predicted_positives": tp + fp,
    }


def confusion_matrix(truth: Sequence[str], predicted: Sequence[str],
                     labels: Sequence[str] = CONTENT_TYPES) -> list[list[int]]:
    """``matrix[i][j]``: passages the LLM labelled ``labels[i]`` and the student ``labels[j]``."""
    index = {name: i for i, name in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for t, p in zip(truth, predicted, strict=True):
        matrix[index[t], index[p]] += 1
    return matrix.tolist()


def macro_f1(matrix: Sequence[Sequence[int]], labels: Sequence[str] = CONTENT_TYPES) -> tuple[float | None, dict]:
    """``(macro-F1, {label: F1 or None})`` from a confusion matrix; the mean skips labels absent on both sides."""
    m = np.asarray(matrix, dtype=np.int64)
    per: dict[str, float | None] = {}
    for i, name in enumerate(labels):
        tp = int(m[i, i])
        fn = int(m[i].sum()) - tp
        fp = int(m[:, i].sum()) - tp
        per[name] = None if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)
    present = [v for v in per.values() if v is not None]
    return (float(np.mean(present)) if present else None), per


def rule_name(threshold: float = THRESHOLD) -> str:
    """``edu>=7 AND cont>=7``."""
    return f"edu>={threshold:g} AND cont>={threshold:g}"


def evaluate(predicted: Sequence[Sequence[float]], truth: Sequence[Sequence[float]], predicted_types: Sequence[str],
             true_types: Sequence[str], threshold: float = THRESHOLD) -> dict:
    """Every metric, as a JSON-ready dict.

    ``predicted``/``truth``: one row of four scores per passage, in ``SIGNALS`` order; the types: one
    content type per passage.
    """
    p = np.asarray(predicted, dtype=np.float64).reshape(-1, len(SIGNALS))
    t = np.asarray(truth, dtype=np.float64).reshape(-1, len(SIGNALS))
    edu, cont = SIGNALS.index("edu"), SIGNALS.index("cont")
    rule = rule_name(threshold)
    matrix = confusion_matrix(true_types, predicted_types)
    macro, per_type = macro_f1(matrix)
    agree = sum(a == b for a, b in zip(true_types, predicted_types, strict=True))
    return {
        "n": len(p),
        "threshold": threshold,
        "signals": {s: regression_scores(p[:, i], t[:, i]) for i, s in enumerate(SIGNALS)},
        "binary": {
            f"edu>={threshold:g}": binary_scores(p[:, edu] >= threshold, t[:, edu] >= threshold),
            f"cont>={threshold:g}": binary_scores(p[:, cont] >= threshold, t[:, cont] >= threshold),
            rule: binary_scores((p[:, edu] >= threshold) & (p[:, cont] >= threshold),
                                (t[:, edu] >= threshold) & (t[:, cont] >= threshold)),
        },
        "content_type": {
            "macro_f1": macro,
            "accuracy": agree / len(true_types) if len(true_types) else None,
            "f1": per_type,
            "labels": list(CONTENT_TYPES),
            "confusion": matrix,
        },
    }
