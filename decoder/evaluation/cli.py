"""``biomedfr decoder eval``: the command-line function (registered in ``decoder/cli.py``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["eval_command"]


def eval_command(
    config: Annotated[Path, typer.Argument(help="Eval config YAML (recipes/decoder/eval-*.yaml).")],
    set_: Annotated[list[str], typer.Option("--set", help="Override a key: --set models.base.path=runs/x")] = [],  # noqa: B006
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (overrides `out:`).")] = None,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="No progress bars.")] = False,
) -> None:
    """Evaluate decoder models on MCQ and open questions; each against its base (bootstrap, Bonferroni, wins)."""
    from rich.console import Console

    from decoder.evaluate import evaluate
    from decoder.evaluation.config import load_eval_config

    console = Console() if sys.stdout.isatty() else Console(width=160)  # logs: tables unwrapped
    cfg = load_eval_config(config, list(set_))
    updates = {"progress": cfg.progress and not no_progress}
    if out is not None:
        updates["out"] = str(out)
    cfg = cfg.model_copy(update=updates)
    pairs = ", ".join(f"{m} vs {b}" for m, b in cfg.pairs()) or "no comparison"
    console.print(f"[bold]biomedfr decoder eval[/] {config}: {len(cfg.models)} models, {len(cfg.datasets)} datasets "
                  f"({pairs})", soft_wrap=True)
    result = evaluate(cfg)
    for table in result.tables:
        console.print(table)
    console.print(f"[green]Done.[/] Results: [bold]{result.paths['results']}[/], tables: {result.paths['tables']}",
                  soft_wrap=True)
