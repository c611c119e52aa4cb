"""``biomedfr decoder merge``: the command-line function (registered by ``decoder/cli.py``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

__all__ = ["merge_command"]


def merge_command(
    config: Annotated[Path, typer.Argument(help="Merge config YAML (recipes/decoder/merge-*.yaml).")],
    set_: Annotated[list[str], typer.Option("--set", help="Override a key: --set models.0.model=PATH")] = [],  # noqa: B006
    out: Annotated[Optional[str], typer.Option("--out", help="Output folder (default: the config's out).")] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show the progress bar.")] = True,
) -> None:
    """Merge a base model and fine-tuned models (linear, slerp, task_arithmetic, ties, dare_linear, dare_ties)
    tensor by tensor into an HF checkpoint."""
    from rich.console import Console
    from rich.table import Table

    from decoder.merging.config import load_merge_config
    from decoder.merging.merge import SUMMARY, merge

    console = Console()
    merge_config = load_merge_config(config, list(set_))
    if out:  # not through --set: a folder name must not be read as YAML
        merge_config = merge_config.model_copy(update={"out": out})
    console.print(f"[bold]biomedfr decoder merge[/] {config} ({merge_config.method}) -> {merge_config.out}",
                  soft_wrap=True)
    result = merge(merge_config, progress=progress)
    summary = json.loads((result / SUMMARY).read_text(encoding="utf-8"))
    table = Table(title=f"Merge: {summary['method']}, {summary['tensors']} tensors, {summary['numel']:,} parameters")
    for column in ("input", "role", "path", "weight", "density"):
        table.add_column(column)
    for item in summary["inputs"]:
        params = item["parameters"]
        table.add_row(item["label"], item["role"], item["path"], _show(params.get("weight")),
                      _show(params.get("density")))
    console.print(table)
    memory = summary["memory"]
    console.print(
        f"parameters: {json.dumps(summary['parameters'])}\n"
        f"peak input bytes held: {memory['peak_input_bytes']:,} (largest tensor's inputs: "
        f"{memory['largest_tensor_inputs_bytes']:,}; all inputs: {memory['all_inputs_bytes']:,}); "
        f"output buffer peak: {memory['peak_output_buffer_bytes']:,}", soft_wrap=True, highlight=False)
    console.print(f"[green]Done.[/] {len(summary['output']['files'])} shard(s) in [bold]{result}[/] "
                  f"({summary['seconds']} s). Summary: {result / SUMMARY}", soft_wrap=True)
    console.print(f"Load it with: AutoModelForCausalLM.from_pretrained('{result}')", soft_wrap=True)


def _show(value) -> str:
    return "" if value is None else json.dumps(value) if not isinstance(value, (int, float)) else f"{value:g}"

