"""Tables ``biomedfr books`` prints: the terminologies loaded and the walks drawn per type."""

from __future__ import annotations

from rich.table import Table

from ontology_books.terminology import EDGE_TYPES

__all__ = ["terminology_table", "walks_table"]


def terminology_table(prepared: dict[str, dict]) -> Table:
    """One row per terminology source: release, concepts, roots, edges by type, what the loader set aside."""
    table = Table(title="Terminologies", title_justify="left")
    for col in ("source", "kind", "version", "concepts", "roots", *EDGE_TYPES, "dangling", "duplicates"):
        table.add_column(col, justify="left" if col in ("source", "kind", "version") else "right")
    for name, summary in prepared.items():
        edges = summary.get("edges", {})
        table.add_row(name, summary.get("kind", ""), str(summary.get("version", "")), str(summary.get("concepts", 0)),
                      str(summary.get("roots", 0)), *(str(edges.get(t, 0)) for t in EDGE_TYPES),
                      str(summary.get("dangling", 0)), str(summary.get("duplicates", 0)))
    return table


def walks_table(steps) -> Table:
    """Per terminology reader: start codes, walks by type, duplicates drawn again, codes with no walk type."""
    table = Table(title="Walks", title_justify="left")
    for col in ("source", "start codes", "walks", "by type", "redrawn duplicates", "codes without walk type"):
        table.add_column(col, justify="left" if col in ("source", "by type") else "right")
    for c in steps:
        if c.kind != "read" or "walks.codes" not in c.extra:
            continue
        value = {k.removeprefix("walks."): int(v.total) for k, v in c.extra.items() if k.startswith("walks.")}
        special = {"codes", "duplicates", "codes_without_walk_type"}
        by_type = ", ".join(f"{k} {v}" for k, v in sorted(value.items()) if k not in special)
        table.add_row(c.label.removeprefix("00_read_"), str(value.get("codes", 0)), str(c.out), by_type,
                      str(value.get("duplicates", 0)), str(value.get("codes_without_walk_type", 0)))
    return table
