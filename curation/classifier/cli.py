"""``biomedfr classifier train|eval``: distil the LLM annotations into a student, and measure it.

``train DATA... --out DIR`` reads the annotated passages of DATA (Parquet shards, folders of them, or a
run's output folder), splits them by article with ``--seed``, trains a student (``--kind fasttext``, the
default, or ``--kind encoder --encoder PATH``) on the train part, saves it in DIR with ``split.json``
(the article and passage ids of each part), then evaluates it on the validation part (``DIR/eval/``).

``eval STUDENT_DIR DATA...`` evaluates a saved student on the held-out articles recorded in its
``split.json`` (``--split validation`` or ``test``), or on every annotated passage with ``--all``; it
prints the metrics and writes ``eval.json``, PNG plots and ``predictions.jsonl`` (default: STUDENT_DIR/eval).

``--set key=value`` sets the student's hyper-parameters (``--set epoch=30 --set lr=0.3`` for fastText,
``--set epochs=2 --set max_length=256`` for the encoder; see ``FastTextConfig`` and ``EncoderConfig``).
Errors are ``ConfigError``s saying what, where and how to fix it.
"""

from __future__ import annotations

import json
import shutil
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from curation.classifier.data import AnnotatedData, load_annotated, split_examples
from curation.classifier.student import STUDENT_FILE
from curation.config import apply_overrides, validate
from curation.errors import ConfigError

__all__ = ["app"]

app = typer.Typer(
    name="classifier",
    help="Distil the LLM quality annotations into a student classifier (fastText or encoder); evaluate it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()

SPLIT_FILE = "split.json"


class Kind(str, Enum):
    """Kinds of student."""

    fasttext = "fasttext"
    encoder = "encoder"


def _annotated(paths: list[Path]) -> AnnotatedData:
    """The annotated passages of ``paths``; none is a ``ConfigError`` that says which fields are missing."""
    data = load_annotated(paths)
    if not data.examples:
        where = ", ".join(str(p) for p in paths)
        raise ConfigError(
            f"{where}: no annotated passage among {data.documents} documents in {len(data.files)} shard(s) "
            f"({data.describe_missing()}) — a passage needs quality.edu, quality.cont, quality.writ, "
            "quality.term (1–10) and content_type: run a recipe with the llm_annotate step on a sample, "
            "then give its output"
        )
    return data


def _check_out(out: Path, overwrite: bool) -> bool:
    """Whether ``out`` holds a student to replace; a ``ConfigError`` when it may not be written."""
    if not out.exists() or not any(out.iterdir()):
        return False
    if not (out / STUDENT_FILE).exists():
        raise ConfigError(f"{out}: folder exists and is not a saved student — choose an empty or new --out folder")
    if not overwrite:
        raise ConfigError(f"{out}: a student is already saved there — add --overwrite to replace it, "
                          "or choose another --out")
    return True


@app.command()
def train(
    data: Annotated[list[Path], typer.Argument(help="Parquet shards, folders of shards, or a run's output folder.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to save the student in.")],
    kind: Annotated[Kind, typer.Option("--kind", help="Student kind.")] = Kind.fasttext,
    encoder: Annotated[str | None, typer.Option("--encoder", help="Local encoder checkpoint folder (--kind encoder).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the split by article and of the training.")] = 0,
    validation: Annotated[float, typer.Option("--validation", help="Share of the articles held out for validation.")] = 0.2,
    test: Annotated[float, typer.Option("--test", help="Share of the articles held out for a final test.")] = 0.0,
    set_: Annotated[list[str], typer.Option("--set", help="Hyper-parameter: --set epoch=30 (fastText), --set epochs=2 (encoder).")] = [],  # noqa: B006
    evaluate: Annotated[bool, typer.Option("--eval/--no-eval", help="Evaluate on the validation articles after training.")] = True,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace a student already saved in --out.")] = False,
) -> None:
    """Train a student on the annotated passages of DATA (train split by article) and save it in --out."""
    from curation.classifier.report import evaluate_student, metrics_table, write_evaluation

    if kind is Kind.fasttext and encoder:
        raise ConfigError("--encoder is for --kind encoder; the fastText student needs no checkpoint")
    replace = _check_out(out, overwrite)
    annotated = _annotated(data)
    split = split_examples(annotated.examples, seed, validation, test)
    if not split.train:
        raise ConfigError(f"the split left no article for training ({len(annotated.examples)} passages) — lower "
                          "--validation/--test or give more articles")
    _print_data(annotated, split.parts)
    settings: dict = {"seed": seed}
    if kind is Kind.encoder:
        settings["encoder"] = encoder or ""
    settings = apply_overrides(settings, set_)
    if kind is Kind.fasttext:
        from curation.classifier.fasttext_student import FastTextConfig, FastTextStudent

        student = FastTextStudent.train(split.train, validate(FastTextConfig, settings, "--set"))
    else:
        from curation.classifier.encoder_student import EncoderConfig, EncoderStudent

        config = validate(EncoderConfig, settings, "--set")
        if not config.encoder:
            raise ConfigError("--kind encoder needs --encoder PATH: a local encoder checkpoint folder "
                              "(config.json, weights, tokenizer)")
        student = EncoderStudent.train(split.train, config)
    if replace:
        shutil.rmtree(out)
    student.save(out)
    split.write(out / SPLIT_FILE)
    console.print(f"[green]Saved[/] {student.model_id} in [bold]{out}/[/] (split: {out / SPLIT_FILE})")
    if evaluate and split.validation:
        evaluation = evaluate_student(student, split.validation, {"split": "validation", "seed": seed})
        paths = write_evaluation(evaluation, out / "eval")
        console.print(metrics_table(evaluation.report(), title=f"{student.model_id} on the validation articles"))
        console.print(f"Evaluation: {paths['eval']}")


@app.command("eval")
def eval_(
    student_dir: Annotated[Path, typer.Argument(help="Folder of a saved student (the --out of train).")],
    data: Annotated[list[Path], typer.Argument(help="Parquet shards, folders of shards, or a run's output folder.")],
    out: Annotated[Path | None, typer.Option("--out", help="Folder for eval.json and the plots (default: STUDENT_DIR/eval).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Evaluate on every annotated passage of DATA, not the held-out split.")] = False,
    part: Annotated[str, typer.Option("--split", help="Held-out part recorded at training: validation or test.")] = "validation",
) -> None:
    """Evaluate a saved student against the LLM labels on held-out articles; print and write the metrics."""
    from curation.classifier.report import evaluate_student, metrics_table, write_evaluation
    from curation.classifier.student import load_student

    if part not in ("validation", "test"):
        raise ConfigError(f"--split {part!r}: expected validation or test")
    student = load_student(student_dir)
    annotated = _annotated(data)
    recorded = _read_split(student_dir)
    train_articles = set(recorded["articles"]["train"]) if recorded else set()
    if all_:
        examples = annotated.examples
        context = {"split": "all", "train_articles_included": len({e.group for e in examples} & train_articles)}
    else:
        if recorded is None:
            raise ConfigError(f"{student_dir}: no {SPLIT_FILE} — this student has no recorded split; evaluate "
                              "on other data with --all")
        articles = set(recorded["articles"].get(part, []))
        examples = [e for e in annotated.examples if e.group in articles]
        if not examples:
            raise ConfigError(
                f"none of the {len(annotated.examples)} annotated passages of DATA belongs to the {len(articles)} "
                f"{part} articles recorded in {student_dir / SPLIT_FILE} — give the data the student was trained "
                "on, or evaluate on all of DATA with --all")
        context = {"split": part, "seed": recorded.get("seed")}
    evaluation = evaluate_student(student, examples, context)
    paths = write_evaluation(evaluation, out or student_dir / "eval")
    console.print(metrics_table(evaluation.report(), title=f"{student.model_id} on {context['split']} "
                                f"({len(examples)} passages, {evaluation.context['articles']} articles)"))
    if all_ and context["train_articles_included"]:
        console.print(f"[yellow]Note:[/] {context['train_articles_included']} of these articles were used for "
                      "training: the scores overstate the student on new data.")
    console.print(f"Evaluation: {paths['eval']} (plots and predictions next to it)")


def _read_split(student_dir: Path) -> dict | None:
    path = student_dir / SPLIT_FILE
    if not path.is_file():
        return None
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
        recorded["articles"]["train"]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: not a split written by `biomedfr classifier train` ({exc}) — re-run train") from None
    return recorded


def _print_data(data: AnnotatedData, parts: dict) -> None:
    from rich.table import Table

    table = Table(title=f"Annotated passages ({len(data.examples)} of {data.documents} documents)")
    for column in ("part", "passages", "articles"):
        table.add_column(column, justify="right" if column != "part" else "left")
    for name, examples in parts.items():
        table.add_row(name, str(len(examples)), str(len({e.group for e in examples})))
    console.print(table)
    skipped = data.describe_missing()
    if data.missing or data.invalid or data.duplicates:
        console.print(f"Skipped: {skipped}" + (f", {data.duplicates} duplicate ids" if data.duplicates else ""))
