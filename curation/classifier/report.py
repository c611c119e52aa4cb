"""The evaluation report of a student: ``eval.json``, PNG plots and a rich table.

``evaluate_student`` runs the student over annotated passages and computes every metric of
``curation.classifier.metrics``. ``write_evaluation`` writes into a folder:

- ``eval.json``: the metrics (``signals.<s>.pearson|spearman|mae``, ``binary.<decision>.f1|precision|recall``,
  ``content_type.macro_f1|accuracy|f1|confusion``) and the context (student id, data, split);
- ``scatter_<signal>.png``: the student's score against the LLM's, one point per passage (jittered
  horizontally: the LLM's scores are integers);
- ``confusion.png``: the content-type confusion matrix (rows: the LLM, columns: the student), coloured by
  the share of each row;
- ``predictions.jsonl``: one line per passage (id, article, the LLM's labels, the student's).

Plots use matplotlib's Agg canvas without pyplot state.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from curation.classifier.data import Example
from curation.classifier.metrics import evaluate
from curation.scores import SIGNALS

__all__ = ["Evaluation", "evaluate_student", "metrics_table", "write_evaluation"]

SIGNAL_NAMES = {"edu": "educational value", "cont": "content richness", "writ": "writing quality",
                "term": "terminology precision"}
_MAX_POINTS = 20000
"""Points drawn per scatter plot at most (a seeded sample beyond)."""


@dataclass
class Evaluation:
    """A student's predictions on annotated passages, and the metrics."""

    metrics: dict
    examples: list[Example]
    predicted: np.ndarray
    """``(n, 4)`` student scores, ``SIGNALS`` order."""
    predicted_types: list[str]
    context: dict = field(default_factory=dict)

    @property
    def truth(self) -> np.ndarray:
        """``(n, 4)`` LLM scores."""
        return np.array([e.scores() for e in self.examples], dtype=np.float64).reshape(-1, len(SIGNALS))

    def report(self) -> dict:
        """The content of ``eval.json``: the context, then the metrics."""
        return {**self.context, **self.metrics}


def evaluate_student(student, examples: Sequence[Example], context: dict | None = None, batch: int = 4096,
                     threshold: float = 7.0) -> Evaluation:
    """Predict every example (in batches) and compute the metrics."""
    examples = list(examples)
    rows, types = [], []
    for start in range(0, len(examples), batch):
        for p in student.predict([e.text for e in examples[start : start + batch]]):
            rows.append([p.signal(s) for s in SIGNALS])
            types.append(p.content_type)
    predicted = np.array(rows, dtype=np.float64).reshape(-1, len(SIGNALS))
    truth = np.array([e.scores() for e in examples], dtype=np.float64).reshape(-1, len(SIGNALS))
    metrics = evaluate(predicted, truth, types, [e.content_type for e in examples], threshold=threshold)
    ctx = {"student": student.model_id, "kind": student.kind, **(context or {}),
           "articles": len({e.group for e in examples})}
    return Evaluation(metrics, examples, predicted, types, ctx)


# --- files -------------------------------------------------------------------------------------------

def write_evaluation(evaluation: Evaluation, out_dir: str | Path) -> dict[str, Path]:
    """Write ``eval.json``, the PNGs and ``predictions.jsonl`` into ``out_dir``; return the paths by name."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    path = out / "eval.json"
    path.write_text(json.dumps(evaluation.report(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths["eval"] = path
    truth = evaluation.truth
    for i, signal in enumerate(SIGNALS):
        paths[f"scatter_{signal}"] = _save(_scatter(evaluation.predicted[:, i], truth[:, i], signal,
                                                    evaluation.metrics["signals"][signal]),
                                           out / f"scatter_{signal}.png")
    ctype = evaluation.metrics["content_type"]
    paths["confusion"] = _save(_confusion(ctype["confusion"], ctype["labels"], ctype["macro_f1"]),
                               out / "confusion.png")
    path = out / "predictions.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for ex, row, ptype in zip(evaluation.examples, evaluation.predicted.tolist(), evaluation.predicted_types):
            record = {"id": ex.id, "article": ex.group,
                      "llm": {**{s: ex.score(s) for s in SIGNALS}, "content_type": ex.content_type},
                      "student": {**{s: round(v, 4) for s, v in zip(SIGNALS, row)}, "content_type": ptype}}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    paths["predictions"] = path
    return paths


def _save(fig, path: Path) -> Path:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    fig.savefig(path, format="png", dpi=100)
    return path


def _fmt(value) -> str:
    return "–" if value is None else f"{value:.3f}"


def _scatter(predicted: np.ndarray, truth: np.ndarray, signal: str, scores: dict):
    from matplotlib.figure import Figure

    rng = np.random.default_rng(0)
    if len(truth) > _MAX_POINTS:
        keep = rng.choice(len(truth), _MAX_POINTS, replace=False)
        predicted, truth = predicted[keep], truth[keep]
    fig = Figure(figsize=(5.5, 5), layout="constrained")
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    jitter = rng.uniform(-0.18, 0.18, len(truth))
    ax.scatter(truth + jitter, predicted, s=8, alpha=0.35, color="#2f6f9f", linewidths=0)
    ax.plot([1, 10], [1, 10], color="#888888", linewidth=1, linestyle="--")
    ax.set_xlim(0.5, 10.5)
    ax.set_ylim(0.5, 10.5)
    ax.set_xticks(range(1, 11))
    ax.set_xlabel(f"LLM quality.{signal}")
    ax.set_ylabel(f"student.{signal}")
    ax.set_title(f"{SIGNAL_NAMES.get(signal, signal)} — Spearman {_fmt(scores['spearman'])}, "
                 f"MAE {_fmt(scores['mae'])} (n={scores['n']})", fontsize=9)
    return fig


def _confusion(matrix: list[list[int]], labels: list[str], macro: float | None):
    from matplotlib.figure import Figure

    m = np.asarray(matrix, dtype=np.float64)
    rows = m.sum(axis=1, keepdims=True)
    share = np.divide(m, rows, out=np.zeros_like(m), where=rows > 0)
    fig = Figure(figsize=(8, 7), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(labels)):
        for j in range(len(labels)):
            if m[i, j]:
                ax.text(j, i, f"{int(m[i, j])}", ha="center", va="center", fontsize=7,
                        color="white" if share[i, j] > 0.6 else "black")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("student content type")
    ax.set_ylabel("LLM content type")
    ax.set_title(f"content type — macro-F1 {_fmt(macro)}", fontsize=10)
    fig.colorbar(image, ax=ax, shrink=0.8, label="share of the LLM's row")
    return fig


# --- table -------------------------------------------------------------------------------------------

def metrics_table(report: dict, title: str | None = None):
    """A rich ``Table`` of the metrics in ``eval.json`` form."""
    from rich.table import Table

    table = Table(title=title or f"Student {report.get('student', '')} vs LLM labels (n={report['n']})")
    table.add_column("metric")
    for column in ("Pearson", "Spearman", "MAE"):
        table.add_column(column, justify="right")
    for signal in SIGNALS:
        s = report["signals"][signal]
        table.add_row(f"{signal} ({SIGNAL_NAMES[signal]})", _fmt(s["pearson"]), _fmt(s["spearman"]), _fmt(s["mae"]))
    table.add_section()
    table.add_row("[bold]decision[/]", "F1", "precision", "recall")
    for name, b in report["binary"].items():
        table.add_row(f"{name} (LLM positives {b['positives']}, student {b['predicted_positives']})",
                      _fmt(b["f1"]), _fmt(b["precision"]), _fmt(b["recall"]))
    table.add_section()
    ctype = report["content_type"]
    table.add_row("content type", f"macro-F1 {_fmt(ctype['macro_f1'])}", f"accuracy {_fmt(ctype['accuracy'])}", "")
    return table

