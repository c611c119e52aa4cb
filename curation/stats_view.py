"""Tables (rich) and JSON of a run's funnel, for ``biomedfr curate`` and ``biomedfr stats``."""

from __future__ import annotations

from rich.table import Table

from curation.run.funnel import StepCounts


def funnel_table(steps: list[StepCounts]) -> Table:
    """One row per reader/step/writer: in, kept, out, excluded, failed, passed through, seconds."""
    table = Table(title="Funnel", title_justify="left")
    for col in ("step", "in", "kept", "out", "excl.", "failed", "passed", "secs"):
        table.add_column(col, justify="left" if col == "step" else "right", no_wrap=True)
    for c in steps:
        if c.kind == "write":
            table.add_row(f"[bold]{c.label}[/]", str(c.n_in), "", str(c.out), "", "", "", f"{c.seconds:.1f}")
            continue
        table.add_row(
            c.label, str(c.n_in), str(c.kept), str(c.out), str(c.n_excluded), str(c.n_failed),
            str(c.passed_through or ""), f"{c.seconds:.1f}",
        )
    return table


def reasons_table(steps: list[StepCounts]) -> Table:
    """Excluded and failed documents by step and reason."""
    table = Table(title="Excluded and failed, by reason", title_justify="left")
    for col in ("step", "outcome", "reason", "documents"):
        table.add_column(col, justify="right" if col == "documents" else "left")
    for c in steps:
        for reason, n in sorted(c.excluded.items()):
            table.add_row(c.label, "excluded", reason, str(n))
        for reason, n in sorted(c.failed.items()):
            table.add_row(c.label, "[red]failed[/]", reason, str(n))
    return table


def funnel_json(steps: list[StepCounts], problems: list[str]) -> dict:
    """The funnel as plain data."""
    return {
        "steps": [
            {
                "step": c.label, "kind": c.kind, "in": c.n_in, "kept": c.kept, "out": c.out,
                "excluded": dict(c.excluded), "failed": dict(c.failed),
                "passed_through": c.passed_through, "seconds": round(c.seconds, 3),
            }
            for c in steps
        ],
        "accounted": not problems,
        "problems": problems,
    }
