"""``biomedfr encoder train|eval`` (registered by ``curation/cli.py`` as a sub-application)."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Encoder recipe: ModernCamemBERT-bio continued pretraining (CLM detour, then MLM) and fine-tuning evaluation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

from encoder.evaluation.cli import eval_command  # noqa: E402 - torch and transformers are imported inside it
from encoder.train_cli import train_command  # noqa: E402

app.command(name="train")(train_command)

app.command(name="eval")(eval_command)
