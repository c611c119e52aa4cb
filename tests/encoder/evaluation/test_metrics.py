"""The three metrics on hand-made cases, against hand computation and against seqeval / scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from seqeval.metrics import f1_score as seqeval_f1
from seqeval.scheme import IOB2
from sklearn.metrics import f1_score

from encoder.evaluation.metrics import entity_f1, macro_f1, micro_f1, multilabel_decisions, word_tags

GOLD = [["B-A", "I-A", "O", "B-B"]]


def test_strict_entity_f1_rejects_an_entity_without_its_b_tag():
    predicted = [["I-A", "I-A", "O", "B-B"]]
    # strict IOB2: "I-A I-A" is no entity -> P = 1/1, R = 1/2, F1 = 2/3; seqeval's default mode accepts it (F1 = 1)
    scores = entity_f1(GOLD, predicted)
    assert scores["f1"] == pytest.approx(2 / 3) and scores["precision"] == 1.0 and scores["recall"] == 0.5
    assert scores["f1"] == pytest.approx(seqeval_f1(GOLD, predicted, mode="strict", scheme=IOB2))
    assert seqeval_f1(GOLD, predicted) == 1.0


def test_strict_entity_f1_on_a_type_change_inside_an_entity():
    predicted = [["B-A", "I-B", "O", "B-B"]]
    # strict: entities A[0] and B[3] -> TP 1 of 2 predicted, 2 gold = 0.5; default mode also counts B[1] -> 0.4
    assert entity_f1(GOLD, predicted)["f1"] == pytest.approx(0.5)
    assert seqeval_f1(GOLD, predicted) == pytest.approx(0.4)


def test_entity_f1_needs_both_boundaries_and_sums_over_documents():
    gold = [["B-A", "I-A", "O"], ["O", "B-B", "O"], ["O", "O", "O"]]
    predicted = [["B-A", "O", "O"], ["O", "B-B", "O"], ["O", "B-A", "O"]]
    # entities: gold {A[0:2], B[1]}, predicted {A[0], B[1], A[1]} -> TP 1, P 1/3, R 1/2, F1 0.4
    scores = entity_f1(gold, predicted)
    assert scores["f1"] == pytest.approx(0.4) and scores["precision"] == pytest.approx(1 / 3)
    assert scores["f1"] == pytest.approx(seqeval_f1(gold, predicted, mode="strict", scheme=IOB2))
    assert entity_f1([["O", "O"]], [["O", "O"]])["f1"] == 0.0  # no entity anywhere: 0, no warning raised


def test_multilabel_micro_f1_counts_every_document_label_decision():
    truth = np.array([[1, 0, 1], [0, 1, 0]])
    predicted = np.array([[1, 1, 0], [0, 1, 0]])
    # TP 2, FP 1, FN 1 -> P = R = F1 = 2/3
    scores = micro_f1(truth, predicted)
    assert scores == pytest.approx({"f1": 2 / 3, "precision": 2 / 3, "recall": 2 / 3})
    assert scores["f1"] == pytest.approx(f1_score(truth, predicted, average="micro"))
    # a macro average would differ: per label F1 = 2/3, 1, 0 -> 5/9
    assert f1_score(truth, predicted, average="macro", zero_division=0) == pytest.approx(5 / 9)


def test_multilabel_decisions_threshold_is_inclusive():
    probabilities = np.array([[0.5, 0.49, 0.9], [0.1, 0.7, 0.3]])
    assert multilabel_decisions(probabilities).tolist() == [[1, 0, 1], [0, 1, 0]]
    assert multilabel_decisions(probabilities, threshold=0.8).tolist() == [[0, 0, 1], [0, 0, 0]]


def test_macro_f1_skips_a_class_absent_from_gold_and_predictions():
    truth, predicted = [0, 0, 1, 1, 2], [0, 0, 1, 2, 2]
    # class 3 of the label set never occurs: F1 per class 1, 2/3, 2/3 -> 7/9 (averaging it as 0 would give 7/12)
    assert macro_f1(truth, predicted)["f1"] == pytest.approx(7 / 9)
    assert macro_f1(truth, predicted)["f1"] == pytest.approx(f1_score(truth, predicted, average="macro"))
    assert f1_score(truth, predicted, labels=[0, 1, 2, 3], average="macro", zero_division=0) == pytest.approx(7 / 12)


def test_macro_f1_counts_a_predicted_class_that_is_never_gold_as_zero():
    truth, predicted = [0, 0, 1], [0, 2, 1]
    # F1: class 0 = 2/3, class 1 = 1, class 2 (predicted once, never gold) = 0 -> 5/9
    scores = macro_f1(truth, predicted)
    assert scores["f1"] == pytest.approx(5 / 9)
    # precision 1, 1, 0 -> 2/3; recall 1/2, 1, 0 (no gold for class 2: zero_division) -> 1/2
    assert scores["precision"] == pytest.approx(2 / 3) and scores["recall"] == pytest.approx(0.5)


def test_word_tags_reads_the_first_sub_token_and_predicts_o_for_cut_words():
    tags = ["O", "B-X", "I-X"]
    assert word_tags([0, 2, 0, 1, 0], [1, 3, -1], tags) == ["I-X", "B-X", "O"]
