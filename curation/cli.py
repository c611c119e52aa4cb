"""The ``biomedfr`` command line (typer + rich).

Errors are one clear line (what, where, how to fix) and a non-zero exit code, never a traceback:
exit 2 for configuration, license and dependency errors, 3 when documents are not accounted for.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from curation.errors import AccountingError, BiomedfrError

app = typer.Typer(
    name="biomedfr",
    help="Build French biomedical training corpora, shard by shard, with licenses and an exact account.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)


@app.command()
def curate(
    recipe: Annotated[Optional[Path], typer.Argument(help="Recipe YAML; default: the sample recipe on the sample corpus.")] = None,
    set_: Annotated[list[str], typer.Option("--set", help="Override a recipe key: --set executor.tasks=4")] = [],  # noqa: B006
    out: Annotated[Optional[str], typer.Option("--out", help="Output folder (default: the recipe's output, or runs/<name>).")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Read at most N documents per source in each task (-1: all).")] = -1,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Re-run only the documents in <out>/failed/.")] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show progress bars.")] = True,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count LLM requests and estimated tokens; call no model.")] = False,
) -> None:
    """Run a curation recipe (or resume it: completed tasks are skipped)."""
    from curation.recipe import load_recipe
    from curation.run.engine import curate as run_curate
    from curation.run.engine import plan_run
    from curation.sample import SAMPLE_RECIPE

    recipe_path = recipe or SAMPLE_RECIPE
    loaded = load_recipe(recipe_path, set_)
    if dry_run:
        _dry_run(loaded, limit)
        return
    plan = plan_run(loaded, out=out, limit=limit)
    console.print(f"[bold]biomedfr curate[/] {recipe_path} -> {plan.out_dir}")
    result = run_curate(plan, retry_failed=retry_failed, progress=progress)
    if not result.finished:
        console.print(f"Submitted. When the jobs finish: [bold]biomedfr stats {result.out_dir}[/]")
        return
    from curation.stats_view import funnel_table

    console.print(funnel_table(result.steps))
    shards = result.out_dir / "curated"
    console.print(f"[green]Done.[/] Output shards: [bold]{shards}/[/]  (run info: {result.out_dir / 'run.json'})")
    console.print(
        f"Load them with: datasets.load_dataset('parquet', data_files='{shards}/*.parquet')", soft_wrap=True
    )


def _dry_run(recipe, limit: int, command: str = "curate"):
    """Run the recipe into a scratch folder with LLM steps counting instead of calling; print the counts."""
    import tempfile

    from curation.run.engine import curate as run_curate
    from curation.run.engine import plan_run
    from curation.stats_view import llm_estimate_table

    with tempfile.TemporaryDirectory(prefix="biomedfr-dry-run-") as scratch:
        plan = plan_run(recipe, out=scratch, limit=limit)
        console.print(f"[bold]biomedfr {command} --dry-run[/] {recipe.path}: no model is called")
        result = run_curate(plan, dry_run=True, progress=False)
    if command == "books":
        from ontology_books.views import terminology_table, walks_table

        console.print(terminology_table(result.prepared))
        console.print(walks_table(result.steps))
    console.print(llm_estimate_table(result.steps))
    return result
    console.print(
        "LLM steps after the first see the documents the dry run passed through unchanged, so their "
        "counts are estimates (e.g. annotation counted on segments, not on the passages extraction would make)."
    )


@app.command()
def books(
    recipe: Annotated[Path, typer.Argument(help="Ontology-books recipe YAML (recipes/ontology_books/).")],
    set_: Annotated[list[str], typer.Option("--set", help="Override a recipe key: --set sources.0.reader.walks.per_code=5")] = [],  # noqa: B006
    out: Annotated[Optional[str], typer.Option("--out", help="Output folder (default: the recipe's output, or runs/<name>).")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most N walks per source in each task (-1: all).")] = -1,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="Re-run only the documents in <out>/failed/.")] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show progress bars.")] = True,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count walks and LLM requests; call no model.")] = False,
) -> None:
    """Generate ontology textbooks: terminologies -> random walks -> LLM prose (resumable, like curate)."""
    from curation.recipe import load_recipe
    from curation.run.engine import curate as run_curate
    from curation.run.engine import plan_run
    from curation.stats_view import funnel_table, reasons_table
    from ontology_books.recipe import check_books_recipe
    from ontology_books.views import terminology_table, walks_table

    loaded = check_books_recipe(load_recipe(recipe, set_))
    if dry_run:
        _dry_run(loaded, limit, command="books")
        return
    plan = plan_run(loaded, out=out, limit=limit)
    console.print(f"[bold]biomedfr books[/] {recipe} -> {plan.out_dir}")
    result = run_curate(plan, retry_failed=retry_failed, progress=progress)
    console.print(terminology_table(result.prepared))
    if not result.finished:
        console.print(f"Submitted. When the jobs finish: [bold]biomedfr stats {result.out_dir}[/]")
        return
    console.print(walks_table(result.steps))
    console.print(funnel_table(result.steps))
    console.print(reasons_table(result.steps))
    console.print(f"[green]Done.[/] Textbooks: [bold]{result.out_dir / 'curated'}/[/]  (run info: {result.out_dir / 'run.json'})")


@app.command()
def sources(
    folder: Annotated[Optional[Path], typer.Option("--dir", help="Folder of manifests (default: the packaged ones).")] = None,
) -> None:
    """List the source manifests and their licenses."""
    from curation.manifest import all_manifests
    from curation.sources_table import sources_table

    manifests = all_manifests(folder)
    console.print(sources_table(manifests))
    console.print(f"Manifests: {', '.join(sorted({str(path.parent) for path, _ in manifests}))}", soft_wrap=True)


@app.command()
def stats(
    run_dir: Annotated[Path, typer.Argument(help="Output folder of a run.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Show the funnel of a run: per step inputs, kept, outputs, excluded by reason, failed by error."""
    from curation.errors import ConfigError
    from curation.run.funnel import check_accounting, funnel
    from curation.stats_view import fidelity_table, funnel_json, funnel_table, reasons_table

    if not (run_dir / "run.json").exists():
        raise ConfigError(f"{run_dir}: no run.json — not the output folder of `biomedfr curate`")
    steps = funnel(run_dir)
    problems = check_accounting(run_dir)
    if as_json:
        console.print_json(json.dumps(funnel_json(steps, problems)))
    else:
        console.print(funnel_table(steps))
        console.print(reasons_table(steps))
        fidelity = fidelity_table(run_dir)
        if fidelity is not None:
            console.print(fidelity)
        if problems:
            console.print("[red]Accounting problems:[/]\n  " + "\n  ".join(problems))
        else:
            console.print("[green]Every document is accounted for[/] (kept + excluded + failed = input at every step).")
    if problems:
        raise typer.Exit(3)


@app.command()
def report(
    run_dir: Annotated[Path, typer.Argument(help="Output folder of a run.")],
    out: Annotated[Optional[Path], typer.Option("--out", help="HTML file to write (default: RUN_DIR/report.html).")] = None,
) -> None:
    """Write one HTML page: funnel per step and reason, examples per exclusion reason, distributions."""
    from curation.errors import ConfigError
    from curation.report import write_report

    if not (run_dir / "run.json").exists():
        raise ConfigError(f"{run_dir}: no run.json — not the output folder of `biomedfr curate`")
    path = write_report(run_dir, out)
    console.print(f"Report: [bold]{path}[/]")


from curation.mix.cli import ablations as _ablations  # noqa: E402 - commands defined in their packages
from curation.mix.cli import mix as _mix  # noqa: E402

from curation.classifier.cli import app as _classifier_app  # noqa: E402
from curation.decontam.cli import decontaminate as _decontaminate  # noqa: E402
from curation.export.cli import export as _export  # noqa: E402
from curation.pack.cli import pack as _pack  # noqa: E402

app.command(name="mix")(_mix)
app.command(name="export")(_export)
app.command(name="decontaminate")(_decontaminate)
app.command(name="pack")(_pack)
app.add_typer(_classifier_app, name="classifier")
app.command(name="ablations")(_ablations)

from decoder.cli import app as _decoder_app  # noqa: E402 - the recipes' commands (torch imported inside them)
from encoder.cli import app as _encoder_app  # noqa: E402

app.add_typer(_encoder_app, name="encoder")
app.add_typer(_decoder_app, name="decoder")


def main() -> None:
    """Console entry point: run the app, turning biomedfr errors into one clear line."""
    try:
        app()
    except AccountingError as exc:
        err_console.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(3)
    except BiomedfrError as exc:
        err_console.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
