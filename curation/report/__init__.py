"""The curation report: one self-contained HTML page about a finished run (``biomedfr report RUN_DIR``).

The page holds the run (name, recipe, config hash, date from ``run.json``), the funnel per step (table
and plot), excluded and failed counts per step and reason, a few example documents per reason, and
the distributions a curator looks at, overall and per source: lengths in words, fidelity (with the
shares at or above 99/95/90/80/50 %), language score, duplicate cluster sizes and token counts. Plots
are PNGs embedded as base64; there is no external CSS or JavaScript, so the file can be mailed or
archived as is. A plot whose values no document carries (a run without a fidelity step...) is
replaced by a short note.

``data`` loads (pyarrow, only the columns needed), ``plots`` draws (matplotlib, Agg canvas), ``html``
renders; ``write_report`` ties them together.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["render_report", "write_report"]

REPORT_NAME = "report.html"
"""File name of the report inside the run folder, by default."""


def render_report(run_dir: Path) -> str:
    """The report page of the run in ``run_dir``, as HTML text."""
    from curation.report import html, plots
    from curation.report.data import load_run

    run = load_run(Path(run_dir))
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    blocks = [
        html.distribution_block(d, plots.overall_plot(d), plots.per_source_plot(d)) for d in run.distributions
    ]
    sections = [
        html.header(run, generated),
        html.funnel_section(run.steps, plots.funnel_plot(run.steps) if run.steps else None),
        html.reasons_section(run.steps),
        html.examples_section(run.examples, run.steps),
        html.distributions_section(blocks),
    ]
    return html.page(f"biomedfr report — {run.info.get('name', run_dir)}", sections)


def write_report(run_dir: Path, out_path: Path | None = None) -> Path:
    """Write the report of the run in ``run_dir`` to ``out_path`` (default ``<run_dir>/report.html``).

    The file is written under a temporary name and renamed, so a reader never sees half a page.
    Returns the path written. Raises ``ConfigError`` when ``run_dir`` is not a run folder.
    """
    run_dir = Path(run_dir)
    target = Path(out_path) if out_path is not None else run_dir / REPORT_NAME
    text = render_report(run_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)
    return target
