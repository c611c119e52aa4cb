"""Tables (rich) and JSON of a run's funnel, for ``biomedfr curate`` and ``biomedfr stats``."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from curation.run.funnel import StepCounts


def funnel_table(steps: list[StepCounts]) -> Table:
    """One row per reader/step/writer: in, kept, out, excluded, failed, passed through, seconds."""
    table = Table(title="Funnel", title_justify="left")
    for col in ("step", "in", "kept", "out", "excl.", "failed", "passed", "secs"):
        if col == "step":
            table.add_column(col, no_wrap=True, overflow="ellipsis", max_width=28)
        else:
            table.add_column(col, justify="right", no_wrap=True, min_width=4)
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


def fidelity_values(run_dir: Path) -> list[float]:
    """Fidelity of every passage that has one: kept (output shards) and excluded (by any step)."""
    import json

    import pyarrow.parquet as pq

    values: list[float] = []
    for path in sorted((Path(run_dir) / "curated").glob("*.parquet")):
        if "fidelity" in pq.ParquetFile(path).schema_arrow.names:
            values += [v for v in pq.read_table(path, columns=["fidelity"]).column("fidelity").to_pylist() if v is not None]
    for path in sorted((Path(run_dir) / "excluded").rglob("*.parquet")):
        for meta in pq.read_table(path, columns=["metadata"]).column("metadata").to_pylist():
            value = json.loads(meta).get("fidelity") if meta else None
            if value is not None:
                values.append(float(value))
    return values


def fidelity_table(run_dir: Path) -> Table | None:
    """Fidelity of the passages in the paper's Table 8 buckets (share at or above each threshold)."""
    from curation.steps.fidelity import fidelity_buckets

    values = fidelity_values(run_dir)
    if not values:
        return None
    table = Table(title=f"Fidelity, {len(values)} passages (paper Table 8)", title_justify="left")
    for col in ("fidelity", "passages", "share"):
        table.add_column(col, justify="left" if col == "fidelity" else "right")
    for bucket, n in fidelity_buckets(values):
        table.add_row(bucket, str(n), f"{n / len(values):.1%}")
    return table


def llm_estimate_table(steps: list[StepCounts]) -> Table:
    """Per LLM step of a dry run: requests, already cached, to send, estimated input and max output tokens."""
    table = Table(title="LLM requests (dry run)", title_justify="left")
    for col in ("step", "requests", "cached", "to send", "tokens in (est.)", "max tokens out"):
        table.add_column(col, justify="left" if col == "step" else "right", no_wrap=col == "step")
    for c in steps:
        if "llm.requests" not in c.extra:
            continue
        requests = int(c.extra["llm.requests"].total)
        cached = int(c.extra["llm.cached"].total) if "llm.cached" in c.extra else 0
        tokens_in = int(c.extra["llm.tokens_in_est"].total) if "llm.tokens_in_est" in c.extra else 0
        tokens_out = int(c.extra["llm.tokens_out_max"].total) if "llm.tokens_out_max" in c.extra else 0
        table.add_row(c.label, str(requests), str(cached), str(requests - cached), str(tokens_in), str(tokens_out))
    return table
