"""``biomedfr decoder cpt|sft|mix|merge|eval`` (registered by ``curation/cli.py`` as a sub-application)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(
    help="Decoder recipe: continued pretraining, SFT with DoRA, provenance mixes, model merging, evaluation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

SetOption = Annotated[list[str], typer.Option("--set", help="Override a config key: --set max_duration=100ba")]
ProgressOption = Annotated[Optional[bool], typer.Option("--progress/--no-progress",
                                                        help="Show the progress bar (default: the config's).")]


def _train(task: str, config: Path, set_: list[str], progress: bool | None) -> None:
    from rich.console import Console

    from decoder.config import load_train_config
    from decoder.train import summary_tables, train

    console = Console(quiet=int(os.environ.get("RANK", "0")) != 0)  # under torchrun/accelerate: rank 0 speaks
    loaded = load_train_config(config, set_, task=task)
    if progress is not None:
        loaded = loaded.model_copy(update={"progress": progress})
    console.print(f"[bold]biomedfr decoder {task}[/] {config} -> {loaded.out_dir()}")
    result = train(loaded)
    for table in summary_tables(result.summary):
        console.print(table)
    if result.model_dir is None:
        console.print(f"Stopped at step {result.step} (stop_after). Run the same command again to resume.")
        return
    console.print(f"[green]Done.[/] Model: [bold]{result.model_dir}[/]  (summary: {result.out_dir / 'summary.json'})",
                  soft_wrap=True)


@app.command("cpt")
def cpt_command(
    config: Annotated[Path, typer.Argument(help="CPT config YAML (recipes/decoder/cpt-*.yaml).")],
    set_: SetOption = [],  # noqa: B006
    progress: ProgressOption = None,
) -> None:
    """Continued pretraining of a causal LM on packed token shards (resumes from the newest checkpoint)."""
    _train("cpt", config, set_, progress)


@app.command("sft")
def sft_command(
    config: Annotated[Path, typer.Argument(help="SFT config YAML (recipes/decoder/sft-*.yaml).")],
    set_: SetOption = [],  # noqa: B006
    progress: ProgressOption = None,
) -> None:
    """Supervised fine-tuning on chat JSONL (loss on the answers; DoRA adapter merged at the end)."""
    _train("sft", config, set_, progress)


@app.command("mix")
def mix_command(
    config: Annotated[Path, typer.Argument(help="Mix config YAML (recipes/decoder/mix-*.yaml).")],
    set_: SetOption = [],  # noqa: B006
) -> None:
    """Instruction mixes by provenance at constant volume (MedInjection-FR's 7 configurations) + manifest."""
    from rich.console import Console

    from decoder.mixes import load_mix_config, mix, mix_table

    console = Console()
    loaded = load_mix_config(config, set_)
    console.print(f"[bold]biomedfr decoder mix[/] {config} -> {loaded.out}")
    result = mix(loaded)
    console.print(mix_table(result.manifest))
    console.print(f"[green]Done.[/] Manifest: [bold]{result.out / 'manifest.json'}[/]", soft_wrap=True)


from decoder.merging.cli import merge_command  # noqa: E402 - torch is imported inside the command

app.command(name="merge")(merge_command)

from decoder.evaluation.cli import eval_command  # noqa: E402 - torch is imported inside the command

app.command(name="eval")(eval_command)
