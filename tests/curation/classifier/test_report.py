"""The evaluation report: eval.json with every metric, the PNGs, the predictions, the table."""

from __future__ import annotations

import json

from rich.console import Console

from curation.classifier.report import evaluate_student, metrics_table, write_evaluation


def test_report_files_and_keys(fasttext_student, split, tmp_path):
    evaluation = evaluate_student(fasttext_student, split.validation, {"split": "validation"})
    paths = write_evaluation(evaluation, tmp_path / "eval")
    report = json.loads(paths["eval"].read_text())
    assert report["student"] == fasttext_student.model_id and report["split"] == "validation"
    assert report["n"] == len(split.validation) and report["articles"] == len({e.group for e in split.validation})
    for signal in ("edu", "cont", "writ", "term"):
        assert {"pearson", "spearman", "mae"} <= set(report["signals"][signal])
        assert report["signals"][signal]["spearman"] >= 0.8
    for decision in ("edu>=7", "cont>=7", "edu>=7 AND cont>=7"):
        assert {"f1", "precision", "recall"} <= set(report["binary"][decision])
    ctype = report["content_type"]
    assert {"macro_f1", "accuracy", "f1", "confusion", "labels"} <= set(ctype)
    assert len(ctype["confusion"]) == 9 and sum(map(sum, ctype["confusion"])) == len(split.validation)
    for name in ("scatter_edu", "scatter_cont", "scatter_writ", "scatter_term", "confusion"):
        assert paths[name].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    lines = paths["predictions"].read_text().splitlines()
    assert len(lines) == len(split.validation)
    first = json.loads(lines[0])
    assert first["id"] == split.validation[0].id and set(first["student"]) == {"edu", "cont", "writ", "term",
                                                                              "content_type"}
    console = Console(record=True, width=150)
    console.print(metrics_table(report))
    text = console.export_text()
    assert "Spearman" in text and "edu>=7 AND cont>=7" in text and "macro-F1" in text
