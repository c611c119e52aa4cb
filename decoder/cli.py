"""``biomedfr decoder cpt|sft|mix|merge|eval`` (registered by ``curation/cli.py`` as a sub-application)."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Decoder recipe: continued pretraining, SFT with DoRA, provenance mixes, model merging, evaluation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

from decoder.merging.cli import merge_command  # noqa: E402 - torch is imported inside the command

app.command(name="merge")(merge_command)

from decoder.evaluation.cli import eval_command  # noqa: E402 - torch is imported inside the command

app.command(name="eval")(eval_command)
