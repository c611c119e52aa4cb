"""What people read from an evaluation: rich tables and a bar plot, built from the results JSON.

Scores are stored as fractions and shown in percent (one decimal, like the paper's tables); the Δ columns
are differences of means in percentage points against the reference model. Plots use matplotlib's Agg
canvas without pyplot state.
"""

from __future__ import annotations

from pathlib import Path

from curation.training.energy import EnergyReport, energy_table

__all__ = ["energy_tables", "scores_table", "truncation_table", "write_plot"]

KIND_NAMES = {"single_label": "CLS", "multi_label": "Multi", "ner": "NER"}


def _pct(mean: float | None, std: float | None = None) -> str:
    if mean is None:
        return "—"
    return f"{100 * mean:.1f}" + (f" ± {100 * std:.1f}" if std is not None else "")


def _delta(a: float | None, b: float | None) -> str:
    if a is None or b is None:
        return "—"
    return f"{100 * (a - b):+.1f}"


def scores_table(summary: dict):
    """Per task and overall: mean ± std (%) of each model over the seeds, and Δ (pp) against the reference."""
    from rich.table import Table

    models = list(summary["models"])
    reference = summary.get("reference") or (models[0] if models else "")
    others = [m for m in models if m != reference] if len(models) > 1 else []
    seeds = summary.get("seeds", [])
    table = Table(title=f"{summary['name']}: test scores, mean ± std over {len(seeds)} seed(s)")
    table.add_column("task")
    table.add_column("type")
    table.add_column("metric")
    for model in models:
        table.add_column(model + (" (ref)" if others and model == reference else ""), justify="right")
    for model in others:
        table.add_column(f"Δ {model}", justify="right")
    for task, info in summary["tasks"].items():
        row = [task, KIND_NAMES.get(info["kind"], info["kind"]), info["metric"]]
        cells = {m: summary["models"][m]["tasks"].get(task, {}) for m in models}
        row += [_pct(cells[m].get("mean"), cells[m].get("std")) for m in models]
        row += [_delta(cells[m].get("mean"), cells[reference].get("mean")) for m in others]
        table.add_row(*row)
    overall = {m: summary["models"][m]["overall"] for m in models}
    table.add_section()
    table.add_row("average", "", "", *[_pct(overall[m]["mean"], overall[m]["std"]) for m in models],
                  *[_delta(overall[m]["mean"], overall[reference]["mean"]) for m in others], style="bold")
    return table


def truncation_table(summary: dict):
    """Per model and task: the context used and the documents truncated in each split."""
    from rich.table import Table

    table = Table(title="Truncated documents (longer than the context; no chunking)")
    for column in ("model", "task", "context"):
        table.add_column(column, justify="right" if column == "context" else "left")
    for split in ("train", "validation", "test"):
        table.add_column(split, justify="right")
    for model, info in summary["models"].items():
        for task, result in info["tasks"].items():
            sizes = summary["tasks"][task]["sizes"]
            table.add_row(model, task, f"{result['max_length']:,}",
                          *[f"{result['truncated'][s]:,} / {sizes[s]:,}" for s in ("train", "validation", "test")])
    return table


def energy_tables(summary: dict) -> list:
    """The run's energy (``curation.training.energy.energy_table``) and a per-model breakdown."""
    from rich.table import Table

    total = summary["energy"]
    tables = [energy_table(EnergyReport(**total), title=f"Energy of the evaluation ({summary['name']})")]
    table = Table(title="Energy per model (all tasks and seeds)")
    for column in ("model", "fine-tunings", "device-hours", "tokens", "kWh", "kg CO2eq"):
        table.add_column(column, justify="left" if column == "model" else "right")
    for model, info in summary["models"].items():
        e = info["energy"]
        runs = sum(len(t["seeds"]) for t in info["tasks"].values())
        table.add_row(model, str(runs), f"{e['device_hours']:,.4f}", f"{e['tokens']:,}", f"{e['energy_kwh']:,.4f}",
                      f"{e['co2_kg']:,.4f}")
    tables.append(table)
    return tables


def write_plot(summary: dict, path: str | Path) -> Path:
    """Grouped bars: per task and overall, each model's mean test score (%) with its std as error bar."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = Path(path)
    models = list(summary["models"])
    groups = [*summary["tasks"], "average"]

    def cell(model: str, group: str) -> dict:
        info = summary["models"][model]
        return info["overall"] if group == "average" else info["tasks"].get(group, {})

    width = 0.8 / max(1, len(models))
    x = np.arange(len(groups))
    fig = Figure(figsize=(max(6.0, 1.2 * len(groups) + 2), 4.5))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    for k, model in enumerate(models):
        means = [100 * (cell(model, g).get("mean") or 0.0) for g in groups]
        stds = [100 * (cell(model, g).get("std") or 0.0) for g in groups]
        ax.bar(x + (k - (len(models) - 1) / 2) * width, means, width, yerr=stds, capsize=3, label=model)
    ax.set_xticks(x)
    ax.set_xticklabels(groups, rotation=30, ha="right")
    ax.set_ylabel("test F1 (%)")
    ax.set_ylim(0, 100)
    ax.set_title(f"{summary['name']}: mean ± std over {len(summary.get('seeds', []))} seed(s)")
    ax.legend(fontsize="small")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=100)
    return path
