"""``biomedfr encoder train``: the command-line function (registered in ``encoder/cli.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

__all__ = ["train_command"]


def train_command(
    recipe: Annotated[Path, typer.Argument(help="Encoder recipe YAML (recipes/encoder/).")],
    set_: Annotated[list[str], typer.Option("--set", help="Override a key: --set model.path=/models/mcb --set data.path=packs/v2")] = [],  # noqa: B006
    out: Annotated[Optional[str], typer.Option("--out", help="Output folder (default: save_folder, or runs/encoder/<name>).")] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show progress bars.")] = True,
) -> None:
    """Continue pretraining a ModernBERT on packed shards, phase by phase (resumes from the newest checkpoint)."""
    from rich.console import Console
    from rich.table import Table

    from curation.training.energy import energy_table
    from encoder.config import load_train_config
    from encoder.train import train

    console = Console()
    overrides = list(set_) + ([f"save_folder={out}"] if out else [])
    config = load_train_config(recipe, overrides)
    console.print(f"[bold]biomedfr encoder train[/] {recipe} -> {config.out_dir()}")
    result = train(config, progress=progress, console=console)
    summary = result.summary
    if not summary:  # not the main process
        return
    table = Table(title=f"{config.name}: {summary['steps']:,} steps, {summary['tokens']:,} tokens, "
                        f"{summary['epochs']:.2f} epochs of the pack")
    for column in ("phase", "objective", "steps", "first loss", "last loss", "validation loss"):
        table.add_column(column, justify="left" if column in ("phase", "objective") else "right")
    fmt = lambda v: "-" if v is None else f"{v:.4f}"  # noqa: E731
    for phase in summary["phases"]:
        table.add_row(phase["name"], phase["objective"], f"{phase['steps']:,}", fmt(phase["first_loss"]),
                      fmt(phase["last_loss"]), fmt(phase["eval_loss"]))
    console.print(table)
    console.print(energy_table(result.energy, title="Energy (this invocation)"))
    console.print(f"[green]Done.[/] Final model: [bold]{result.final_model}[/]  (summary: "
                  f"{result.out_dir / 'summary.json'}, curves: {result.out_dir / 'loss.png'})", soft_wrap=True)
