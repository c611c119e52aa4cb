"""What an evaluation run writes and shows: rich tables, ``results.json``, ``tables.txt`` and two plots
(win/tie/loss per model, as MedMistral's Figure 2a; deltas with their Bonferroni intervals)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from decoder.evaluation.stats import Comparison

__all__ = ["comparisons_table", "plot_deltas", "plot_win_tie_loss", "scores_table", "win_tie_loss_table",
           "write_report"]

COLORS = {"win": "#2e7d32", "tie": "#9e9e9e", "loss": "#c62828"}


def scores_table(scores: dict[str, dict[str, dict[str, float]]], models: list[str], title: str = "Scores"):
    """Datasets x metrics by model: ``scores[dataset][metric][model]`` (shown x 100 for MCQ metrics)."""
    from rich.table import Table

    table = Table(title=title)
    table.add_column("dataset")
    table.add_column("metric")
    for model in models:
        table.add_column(model, justify="right")
    for dataset, metrics in scores.items():
        for metric, by_model in metrics.items():
            table.add_row(dataset, metric, *(_score(metric, by_model.get(model)) for model in models))
    return table


def _score(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.4f}" if metric in ("bertscore_f1", "judge") else f"{100 * value:.2f}"


def comparisons_table(rows: list[Comparison], alpha: float, comparisons: int, resamples: int):
    """One row per (model, base, dataset, metric): delta, percentile intervals at ``1 - alpha`` and at the
    Bonferroni level ``1 - alpha/m`` (the verdict's), p, Bonferroni p, verdict."""
    from rich.table import Table

    table = Table(title=f"Paired bootstrap (B = {resamples:,}; Bonferroni m = {comparisons}, "
                        f"alpha/m = {alpha / max(comparisons, 1):.2g})")
    for name in ("model", "base", "dataset", "metric"):
        table.add_column(name)
    level = 100 * (1 - alpha / max(comparisons, 1))
    for name in ("delta", f"{100 * (1 - alpha):g} % CI", f"{level:.4g} % CI (Bonferroni)", "p", "p (Bonferroni)"):
        table.add_column(name, justify="right")
    table.add_column("verdict")
    for row in rows:
        scale = 1 if row.metric in ("bertscore_f1", "judge") else 100
        digits = 4 if scale == 1 else 2
        style = {"win": "green", "loss": "red"}.get(row.verdict, "")
        table.add_row(row.model, row.base, row.dataset, row.metric, f"{scale * row.delta:+.{digits}f}",
                      f"[{scale * row.ci_low:+.{digits}f}, {scale * row.ci_high:+.{digits}f}]",
                      f"[{scale * row.ci_low_adjusted:+.{digits}f}, {scale * row.ci_high_adjusted:+.{digits}f}]",
                      row.p_display,
                      row.p_adjusted_display, f"[{style}]{row.verdict}[/]" if style else row.verdict)
    return table


def win_tie_loss_table(wtl: dict[str, dict]):
    """Per model: wins, ties, losses against its base over the datasets, and the win rate."""
    from rich.table import Table

    table = Table(title="Win / tie / loss against the base (first metric of each dataset)")
    for name in ("model", "base"):
        table.add_column(name)
    for name in ("win", "tie", "loss", "win rate"):
        table.add_column(name, justify="right")
    for model, entry in wtl.items():
        table.add_row(model, entry["base"], str(entry["win"]), str(entry["tie"]), str(entry["loss"]),
                      f"{100 * entry['win_rate']:.0f} %")
    return table


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def plot_win_tie_loss(wtl: dict[str, dict], path: Path) -> Path:
    """Stacked horizontal bars of the share of datasets won, tied and lost by each model."""
    fig = _figure(7, 0.6 * max(len(wtl), 1) + 1.4)
    ax = fig.add_subplot()
    names = list(wtl)
    left = [0.0] * len(names)
    for verdict, label in (("win", "win"), ("tie", "tie"), ("loss", "loss")):
        shares = [wtl[n][verdict] / wtl[n]["datasets"] if wtl[n]["datasets"] else 0.0 for n in names]
        ax.barh(names, shares, left=left, color=COLORS[verdict], label=label)
        left = [a + b for a, b in zip(left, shares)]
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of datasets (first metric of each; Bonferroni-corrected bootstrap)")
    ax.invert_yaxis()
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small", frameon=False)
    ax.set_title("Win / tie / loss against the base model")
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)
    return path


def plot_deltas(rows: list[Comparison], path: Path) -> Path:
    """Each comparison's delta with its Bonferroni-level percentile interval (a forest plot)."""
    fig = _figure(8, 0.35 * max(len(rows), 1) + 1.4)
    ax = fig.add_subplot()
    labels = [f"{r.model} vs {r.base} · {r.dataset} · {r.metric}" for r in rows]
    for y, row in enumerate(rows):
        ax.errorbar(row.delta, y, xerr=[[row.delta - row.ci_low_adjusted], [row.ci_high_adjusted - row.delta]],
                    fmt="o", color=COLORS[row.verdict], capsize=3)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(rows)), labels, fontsize="small")
    ax.invert_yaxis()
    ax.set_xlabel("difference with the base (percentile interval at the Bonferroni level; MCQ metrics as fractions)")
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)
    return path


def write_report(out: Path, summary: dict, rows: list[Comparison], tables: list) -> dict[str, Path]:
    """``results.json``, ``tables.txt`` (the rich tables as text) and the two plots, in ``out``."""
    from rich.console import Console

    out.mkdir(parents=True, exist_ok=True)
    paths = {"results": out / "results.json", "tables": out / "tables.txt"}
    paths["results"].write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    console = Console(record=True, width=160, file=io.StringIO(), color_system=None)
    for table in tables:
        console.print(table)
    paths["tables"].write_text(console.export_text(), encoding="utf-8")
    if summary.get("win_tie_loss"):
        paths["win_tie_loss"] = plot_win_tie_loss(summary["win_tie_loss"], out / "win_tie_loss.png")
    if rows:
        paths["deltas"] = plot_deltas(rows, out / "deltas.png")
    return paths
