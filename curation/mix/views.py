"""Rich tables of a mix report and of an ablation summary."""

from __future__ import annotations

from typing import Any

from rich.table import Table

__all__ = ["ablations_table", "mix_table", "types_table"]


def _tokens(n: float | None) -> str:
    if n is None:
        return "—"
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(n) >= size:
            return f"{n / size:.4g}{unit}"
    return f"{n:,.0f}"


def mix_table(report: dict[str, Any]) -> Table:
    """One row per group: documents kept, available tokens, passes needed, achieved tokens, share vs target."""
    totals = report["totals"]
    table = Table(title=f"Mix: {_tokens(totals['achieved_tokens'])} tokens of a {_tokens(totals['budget_tokens'])} "
                        f"budget (seed {report['config']['seed']})")
    for name in ("Group", "Docs", "Available", "Passes", "Achieved", "Share", "Target"):
        table.add_column(name, justify="left" if name == "Group" else "right", no_wrap=True)
    for g in report["groups"]:
        passes = g["extra_factor"]
        flag = "[yellow]" if g["warnings"] else ""
        table.add_row(
            f"{flag}{g['name']}",
            f"{g['documents_kept']:,}",
            _tokens(g["available_tokens"]),
            "—" if passes is None else f"{flag}{passes:.2f}x",
            _tokens(g["achieved_tokens"]),
            f"{g['achieved_share']:.2%}",
            f"{g['share']:.2%}",
        )
    table.add_row("[bold]total", f"{totals['documents_kept']:,}", "", "", _tokens(totals["achieved_tokens"]), "", "")
    table.caption = "Docs: documents kept; Available: tokens after upsampling; Passes: target / available"
    return table


def types_table(summary: dict[str, Any]) -> Table:
    """Tokens per content type, before and after balancing."""
    table = Table(title=f"Content types (balanced to {_tokens(summary['per_type_tokens'])} tokens each)")
    for name in ("Type", "Documents", "Tokens", "Balanced docs", "Balanced tokens"):
        table.add_column(name, justify="left" if name == "Type" else "right")
    for t in summary["types"]:
        table.add_row(t["type"], f"{t['documents']:,}", _tokens(t["tokens"]), f"{t['balanced_documents']:,}",
                      _tokens(t["balanced_tokens"]))
    untyped = summary["corpus"]["untyped"]
    if untyped["documents"]:
        table.add_row("[yellow](no type)", f"{untyped['documents']:,}", _tokens(untyped["tokens"]), "left out", "")
    return table


def ablations_table(summary: dict[str, Any]) -> Table:
    """One row per corpus: documents, tokens, share of the full corpus."""
    table = Table(title=f"Ablation corpora ({_tokens(summary['corpus']['tokens'])} tokens in the runs)")
    for name in ("Corpus", "What", "Documents", "Tokens", "Of full"):
        table.add_column(name, justify="right" if name in ("Documents", "Tokens", "Of full") else "left",
                         no_wrap=name != "What")
    for v in summary["variants"]:
        table.add_row(v["name"], v["description"], f"{v['documents']:,}", _tokens(v["tokens"]),
                      f"{v['share_of_full']:.1%}")
    return table
