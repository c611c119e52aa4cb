"""The three metrics of the evaluation (the paper's §5.1), computed by scikit-learn and seqeval.

- ``single_label``: macro-F1 (``sklearn.metrics.f1_score(average="macro")``): the mean F1 over the classes
  that occur in the gold labels or in the predictions; a class absent from both says nothing and is not
  averaged, a class predicted but never gold counts with F1 0.
- ``multi_label``: micro-F1 over the (document, label) decisions (``average="micro"`` on indicator
  matrices); a label is predicted when its sigmoid is >= the task's threshold (0.5).
- ``ner``: strict entity F1 (seqeval, ``mode="strict", scheme=IOB2``): an entity counts only when its
  type and both boundaries match and it is well-formed IOB2 (a predicted ``I-X`` without ``B-X`` is no
  entity, where seqeval's default mode would accept it). Predictions are read per word (the first
  sub-token of each word); a word cut off by truncation is predicted ``O``.

Every function returns ``{"f1", "precision", "recall"}`` (fractions in [0, 1]).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

__all__ = ["entity_f1", "macro_f1", "micro_f1", "multilabel_decisions", "word_tags"]


def macro_f1(truth: Sequence[int], predicted: Sequence[int]) -> dict[str, float]:
    """Macro-averaged F1, precision and recall of single-label predictions (class indices)."""
    from sklearn.metrics import precision_recall_fscore_support

    precision, recall, f1, _ = precision_recall_fscore_support(
        np.asarray(truth), np.asarray(predicted), average="macro", zero_division=0)
    return {"f1": float(f1), "precision": float(precision), "recall": float(recall)}


def micro_f1(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Micro-averaged F1, precision and recall of multi-label decisions (``(n, labels)`` 0/1 matrices)."""
    from sklearn.metrics import precision_recall_fscore_support

    precision, recall, f1, _ = precision_recall_fscore_support(
        np.asarray(truth, dtype=np.int64), np.asarray(predicted, dtype=np.int64), average="micro", zero_division=0)
    return {"f1": float(f1), "precision": float(precision), "recall": float(recall)}


def multilabel_decisions(probabilities: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """0/1 decisions: a label is predicted when its probability is >= ``threshold``."""
    return (np.asarray(probabilities) >= threshold).astype(np.int64)


def entity_f1(truth: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> dict[str, float]:
    """Strict IOB2 entity F1, precision and recall (seqeval) over documents given as tag lists per word."""
    from seqeval.metrics import f1_score, precision_score, recall_score
    from seqeval.scheme import IOB2

    truth, predicted = [list(t) for t in truth], [list(p) for p in predicted]
    with warnings.catch_warnings():  # seqeval warns when there is no entity at all (the score is then 0)
        warnings.simplefilter("ignore")
        kwargs = {"mode": "strict", "scheme": IOB2, "zero_division": 0}
        return {"f1": float(f1_score(truth, predicted, **kwargs)),
                "precision": float(precision_score(truth, predicted, **kwargs)),
                "recall": float(recall_score(truth, predicted, **kwargs))}


def word_tags(token_predictions: Sequence[int], positions: Sequence[int], tags: Sequence[str]) -> list[str]:
    """Tag of each word read at its first sub-token (``positions[w]``; -1: cut off by truncation -> ``O``)."""
    return [tags[int(token_predictions[p])] if p >= 0 else "O" for p in positions]
