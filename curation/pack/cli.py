"""``biomedfr pack``: the command-line function (registered by ``curation/cli.py`` with ``app.command()(pack)``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["pack"]


def pack(
    source: Annotated[Path, typer.Argument(help="A run (run.json), mix (mix.parquet) or export (manifest.json) folder.")],
    tokenizer: Annotated[str, typer.Option("--tokenizer", help="Local HF fast tokenizer: folder with tokenizer.json.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder of the pack.")],
    seq_len: Annotated[int, typer.Option("--seq-len", help="Tokens per packed sequence.")] = 8192,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the train/validation split and of the order.")] = 0,
    validation: Annotated[float, typer.Option("--validation", help="Share of documents held out (0: none).")] = 0.005,
    tasks: Annotated[int, typer.Option("--tasks", help="Parallel tokenization tasks.")] = 1,
    workers: Annotated[int, typer.Option("--workers", help="Tasks running at once (-1: as many as tasks).")] = -1,
    separator_id: Annotated[int | None, typer.Option("--separator-id", help="Token after each document (default: EOS).")] = None,
    sequences_per_shard: Annotated[int, typer.Option("--sequences-per-shard", help="Sequences per token shard.")] = 4096,
) -> None:
    """Tokenize a run, a mix or an export and pack it into fixed-length sequences with document boundaries (resumable)."""
    from rich.console import Console
    from rich.table import Table

    from curation.config import validate
    from curation.pack.config import PackConfig
    from curation.pack.engine import pack_corpus

    console = Console()
    config = validate(PackConfig, {
        "source": str(source), "tokenizer": tokenizer, "out": str(out), "seq_len": seq_len, "seed": seed,
        "validation": validation, "separator_id": separator_id, "sequences_per_shard": sequences_per_shard,
        "executor": {"kind": "local", "tasks": tasks, "workers": workers},
    }, "biomedfr pack")
    console.print(f"[bold]biomedfr pack[/] {source} -> {out}")
    result = pack_corpus(config)
    if not result.finished:
        console.print(f"Submitted. When the jobs finish, the pack is in [bold]{result.out}[/]")
        return
    index = result.index
    table = Table(title=f"Pack ({index['dtype']}, {index['seq_len']} tokens per sequence)")
    for column in ("split", "documents", "copies", "tokens", "padding", "sequences", "shards"):
        table.add_column(column, justify="left" if column == "split" else "right")
    for name, split in index["splits"].items():
        table.add_row(name, *(f"{split[k]:,}" for k in ("documents", "copies", "tokens", "padding", "sequences")),
                      str(len(split["shards"])))
    console.print(table)
    note = " (already packed: nothing to do)" if result.already_packed else ""
    console.print(f"[green]Done.[/]{note} Index: [bold]{result.out / 'index.json'}[/]", soft_wrap=True)
    console.print(f"Read it with: curation.pack.reader.PackedDataset('{result.out}', 'train')", soft_wrap=True)
