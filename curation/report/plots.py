"""The report's plots: matplotlib figures (Agg canvas, no pyplot state) returned as base64 PNG strings."""

from __future__ import annotations

import base64
import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from curation.report.data import EXCLUDED, KEPT, Distribution, Metric
from curation.run.funnel import StepCounts

COLORS = {"kept": "#2f6f9f", "excluded": "#e08a1e", "failed": "#c0392b", "written": "#3a8f5c"}
"""Colours of outcomes, the same in every plot."""
WIDTH = 10.0
"""Figure width in inches (at ``DPI``, 1000 pixels)."""
DPI = 100
"""Pixels per inch of the PNGs."""


def to_png(fig: Figure) -> str:
    """A figure as base64 PNG text (for a ``data:image/png;base64,`` URL)."""
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(height: float) -> tuple[Figure, object]:
    """A figure of the report's width and one axes, without top and right spines."""
    fig = Figure(figsize=(WIDTH, height), layout="constrained")
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig, ax


# --- funnel ---------------------------------------------------------------------------------------

def funnel_plot(steps: list[StepCounts]) -> str:
    """Horizontal bars, one per reader/step (top to bottom): kept, excluded and failed documents."""
    rows = [c for c in steps if c.kind in {"read", "step", "write"}]
    fig, ax = _figure(0.9 + 0.38 * max(len(rows), 1))
    labels = [("written" if c.kind == "write" else c.label) for c in rows]
    y = np.arange(len(rows))
    kept = np.array([c.kept for c in rows], dtype=float)
    excluded = np.array([0 if c.kind == "write" else c.n_excluded for c in rows], dtype=float)
    failed = np.array([0 if c.kind == "write" else c.n_failed for c in rows], dtype=float)
    kept_colors = [COLORS["written"] if c.kind == "write" else COLORS["kept"] for c in rows]
    ax.barh(y, kept, color=kept_colors, label="kept")
    ax.barh(y, excluded, left=kept, color=COLORS["excluded"], label="excluded")
    ax.barh(y, failed, left=kept + excluded, color=COLORS["failed"], label="failed")
    totals = kept + excluded + failed
    for yi, total, c in zip(y, totals, rows):
        ax.text(total, yi, f"  {c.out:,} out", va="center", fontsize=8)
    ax.set_yticks(y, labels, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("documents")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0, max(1.0, float(totals.max(initial=0))) * 1.15)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3, fontsize=8, frameon=False)
    ax.set_title("Documents at each step", loc="left", fontsize=11)
    return to_png(fig)


# --- distributions --------------------------------------------------------------------------------

def _bars(ax, series: dict[str, np.ndarray], metric: Metric, colors: dict[str, str]) -> None:
    """Grouped bars, one group per labelled bin, one bar per series."""
    labels = metric.labels or ()
    x = np.arange(len(labels))
    width = 0.8 / max(len(series), 1)
    for i, (name, counts) in enumerate(series.items()):
        ax.bar(x + (i - (len(series) - 1) / 2) * width, counts, width, label=name, color=colors.get(name))
    ax.set_xticks(x, labels, fontsize=8)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.grid(axis="x", visible=False)


def _stairs(ax, series: dict[str, np.ndarray], metric: Metric, colors: dict[str, str], fill_first: bool) -> None:
    """Step histograms over the metric's bins (the first one filled when asked)."""
    edges = np.asarray(metric.edges)
    for i, (name, counts) in enumerate(series.items()):
        if i == 0 and fill_first:
            ax.stairs(counts, edges, color=colors.get(name), fill=True, alpha=0.3)
        ax.stairs(counts, edges, label=name, color=colors.get(name), linewidth=1.6)
    if metric.log:
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(_plain))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlim(*_occupied_range(series, edges))
    else:
        ax.set_xlim(float(edges[0]), float(edges[-1]))


def _plain(value: float, _position: int) -> str:
    """A tick label without scientific notation."""
    return f"{value:,.0f}" if value >= 1 else f"{value:g}"


def _occupied_range(series: dict[str, np.ndarray], edges: np.ndarray) -> tuple[float, float]:
    """x limits around the bins that hold values (log axes span decades that are mostly empty)."""
    total = sum(series.values())
    nonzero = np.flatnonzero(total)
    if nonzero.size == 0:
        return float(edges[0]), float(edges[-1])
    return float(edges[nonzero[0]]), float(edges[min(nonzero[-1] + 1, len(edges) - 1)])


def _draw(
    series: dict[str, np.ndarray], metric: Metric, title: str, ylabel: str, colors: dict[str, str], fill_first: bool
) -> str:
    """One distribution plot as PNG text."""
    fig, ax = _figure(3.4)
    if metric.labels:
        _bars(ax, series, metric, colors)
    else:
        _stairs(ax, series, metric, colors, fill_first)
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_xlabel(metric.xlabel)
    ax.set_ylabel(ylabel)
    if fill_first:  # counts of documents: whole numbers on the y axis
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if len(series) > 1:
        ax.legend(fontsize=8, frameon=False, loc="best", ncol=1 + len(series) // 8)
    return to_png(fig)


def overall_plot(dist: Distribution) -> str | None:
    """Kept and excluded documents of every source; None when there is no value."""
    series = {}
    for group in (KEPT, EXCLUDED):
        tally = dist.combined(group)
        if tally is not None:
            series[group] = tally.counts
    if not series:
        return None
    return _draw(series, dist.metric, f"{dist.metric.title}: all sources", "documents", COLORS, fill_first=True)


def per_source_plot(dist: Distribution) -> str | None:
    """Kept documents, one line per source, as a share of the source; None with fewer than two sources."""
    sources = dist.sources(KEPT)
    if len(sources) < 2:
        return None
    palette = [f"C{i % 10}" for i in range(len(sources))]
    colors = dict(zip(sources, palette))
    series = {}
    for source in sources:
        counts = dist.tallies[(KEPT, source)].counts
        series[source] = counts / max(int(counts.sum()), 1) * 100
    title = f"{dist.metric.title}: kept documents by source"
    return _draw(series, dist.metric, title, "% of the source", colors, fill_first=False)
