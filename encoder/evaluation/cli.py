"""``biomedfr encoder eval``: the command-line function (registered by ``encoder/cli.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

__all__ = ["eval_command"]


def eval_command(
    config: Annotated[Path, typer.Argument(help="Evaluation YAML (recipes/encoder/eval-*.yaml).")],
    set_: Annotated[list[str], typer.Option("--set", help="Override a key: --set data_root=/data/eval --set seeds=[42]")] = [],  # noqa: B006
    out: Annotated[Optional[Path], typer.Option("--out", help="Output folder (default: the config's out, or runs/encoder-eval/<name>).")] = None,
    model: Annotated[list[str], typer.Option("--model", help="NAME=PATH of a local checkpoint to evaluate (repeatable); replaces the config's models.")] = [],  # noqa: B006
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show a progress bar.")] = True,
) -> None:
    """Fine-tune and test encoders on the evaluation tasks (seeds, early stopping); mean ± std, plot, energy."""
    from rich.console import Console

    from encoder.evaluate import evaluate
    from encoder.evaluation.config import load_eval_config, parse_model_options
    from encoder.evaluation.report import energy_tables, scores_table, truncation_table

    console = Console()
    loaded = load_eval_config(config, set_, models=parse_model_options(model), out=out)
    seeds = ", ".join(map(str, loaded.seeds))
    console.print(f"[bold]biomedfr encoder eval[/] {config}: {len(loaded.models)} model(s) x {len(loaded.tasks)} "
                  f"task(s) x seeds {seeds}", soft_wrap=True)
    summary = evaluate(loaded, progress=progress)
    for name, info in summary["models"].items():
        for warning in info["warnings"]:
            console.print(f"[yellow]warning:[/] {name}: {warning}", soft_wrap=True)
    console.print(scores_table(summary))
    console.print(truncation_table(summary))
    for table in energy_tables(summary):
        console.print(table)
    resumed = sum(r.get("resumed", False) for m in summary["models"].values() for t in m["tasks"].values()
                  for r in t["seeds"])
    if resumed:
        console.print(f"{resumed} seed result(s) reused from {summary['out']}/scores/ (unchanged model, data and "
                      "config).")
    console.print(f"[green]Done.[/] Results: [bold]{summary['files']['results']}[/]  plot: {summary['files']['plot']}",
                  soft_wrap=True)
