"""The ``mix`` and ``ablations`` commands, as plain functions for ``app.command()(mix)`` in ``curation/cli.py``.

Errors are ``BiomedfrError``s (``ConfigError`` for a wrong config, run or data): the ``biomedfr`` entry
point turns them into one line and exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

__all__ = ["ablations", "mix"]


def _print_warnings(console: Console, warnings: list[str]) -> None:
    for w in warnings:
        console.print(f"[yellow]warning:[/] {w}", highlight=False, soft_wrap=True)


def mix(
    out: Annotated[Path, typer.Option("--out", help="Folder to write mix.parquet and mix.json into.")],
    config: Annotated[Path | None, typer.Argument(
        help="Mix config YAML (recipes/mix/); default: the paper's Table 2 mix of 10 B tokens.")] = None,
    run: Annotated[list[Path], typer.Option(
        "--run", help="A run folder to mix (repeatable; added to the config's runs).")] = [],  # noqa: B006
    set_: Annotated[list[str], typer.Option(
        "--set", help="Override a config key: --set budget_tokens=1000000000 --set groups.3.share=0.04")] = [],  # noqa: B006
) -> None:
    """Choose each document's repetitions so that source groups fill their shares of a token budget."""
    from curation.mix.config import load_mix_config
    from curation.mix.manifest import write_manifest
    from curation.mix.mixer import build_mix
    from curation.mix.views import mix_table

    console = Console()
    cfg = load_mix_config(config, set_, run)
    result = build_mix(cfg)
    folder = write_manifest(out, result.rows, result.report, result.config_hash)
    console.print(mix_table(result.report))
    _print_warnings(console, result.warnings)
    console.print(f"[green]Done.[/] Mix manifest: [bold]{folder / 'mix.parquet'}[/]  (report: {folder / 'mix.json'})",
                  soft_wrap=True)


def ablations(
    runs: Annotated[list[Path], typer.Argument(help="Run folders (outputs of `biomedfr curate`) to build the corpora from.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write one manifest folder per corpus into.")],
    config: Annotated[Path | None, typer.Option(
        "--config", help="Ablation config YAML; default: the paper's Table 1 corpora.")] = None,
    set_: Annotated[list[str], typer.Option(
        "--set", help="Override a config key: --set seed=3 --set fields.content_type=content_type")] = [],  # noqa: B006
) -> None:
    """Write the paper's Table 1 corpora (balanced types, one type removed, random control, thresholds)."""
    from curation.mix.ablations import build_ablations
    from curation.mix.config import load_ablation_config
    from curation.mix.manifest import write_json, write_manifest
    from curation.mix.views import ablations_table, types_table

    console = Console()
    cfg = load_ablation_config(config, set_)
    result = build_ablations(cfg, [str(Path(r).resolve()) for r in runs])
    for corpus in result.corpora:
        write_manifest(out / corpus.name, corpus.rows, corpus.report, result.config_hash)
    write_json(out / "ablations.json", result.summary)
    if result.summary["types"]:
        console.print(types_table(result.summary))
    console.print(ablations_table(result.summary))
    _print_warnings(console, result.warnings)
    console.print(f"[green]Done.[/] {len(result.corpora)} corpora in [bold]{out}/[/]  (summary: {out / 'ablations.json'})",
                  soft_wrap=True)
