"""The ``biomedfr export`` command, as a plain function for ``curation.cli`` to register.

``biomedfr export RUN_OR_MIX --policy open|commercial|research|FILE.yaml --out DIR [--set key=value]``
writes the export (resuming it when DIR holds the same one); ``biomedfr export --verify DIR`` checks an
export and exits 1 with the list of problems. Errors are ``BiomedfrError``s, turned into one line and
exit code 2 by ``curation.cli.main``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from curation.errors import ConfigError

__all__ = ["export"]

console = Console()


def _summary_tables(manifest: dict) -> list[Table]:
    kept = Table(title="Exported", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("source", "license", "documents", "tokens"):
        kept.add_column(column, justify="right" if column in ("documents", "tokens") else "left")
    for source, entry in manifest["per_source"].items():
        for lic, c in entry["licenses"].items():
            kept.add_row(source, lic, f"{c['documents']:,}", f"{c['tokens']:,}")
    excluded = Table(title="Excluded", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("source", "reason", "documents"):
        excluded.add_column(column, justify="right" if column == "documents" else "left")
    for source, reasons in manifest["excluded"]["by_source"].items():
        for reason, n in reasons.items():
            excluded.add_row(source, reason, f"{n:,}")
    return [kept, excluded]


def export(
    input_dir: Annotated[Path | None, typer.Argument(
        help="Run folder (with run.json) or mix folder (with mix.parquet) to export.", show_default=False)] = None,
    policy: Annotated[str | None, typer.Option(
        "--policy", help="License policy: open, commercial, research, or a policy FILE.yaml.")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Export folder (a re-run on the same folder skips the completed shards).")] = None,
    set_: Annotated[list[str], typer.Option(
        "--set", help="Override a policy key: --set share_alike=allow")] = [],  # noqa: B006
    name: Annotated[str | None, typer.Option("--name", help="Dataset name for the card (pretty_name).")] = None,
    verify: Annotated[Path | None, typer.Option(
        "--verify", help="Check an export folder (sha256, rows, licenses, attribution, card) instead of exporting.",
        show_default=False)] = None,
) -> None:
    """Export what a license policy admits, with ATTRIBUTION.md, a dataset card and sha256 per shard."""
    if verify is not None:
        if input_dir is not None or policy is not None or out is not None:
            raise ConfigError("--verify DIR checks an export: give no RUN_OR_MIX, --policy or --out with it")
        _verify(verify)
        return
    if input_dir is None or policy is None or out is None:
        raise ConfigError("export needs RUN_OR_MIX, --policy open|commercial|research|FILE.yaml and --out DIR "
                          "(or --verify DIR to check an export)")
    from curation.export.exporter import export as run_export
    from curation.export.policy import load_policy

    loaded = load_policy(policy, set_)
    console.print(f"[bold]biomedfr export[/] {input_dir} --policy {loaded.policy.name} -> {out}", soft_wrap=True)
    result = run_export(input_dir, loaded, out, pretty_name=name)
    for table in _summary_tables(result.manifest):
        console.print(table)
    docs = result.manifest["documents"]
    console.print(
        f"[green]Done.[/] {docs['kept']:,} of {docs['input']:,} documents exported, {docs['excluded']:,} excluded "
        f"({len(result.written)} shards written, {len(result.skipped)} already complete): [bold]{out}/[/]",
        soft_wrap=True,
    )


def _verify(folder: Path) -> None:
    from curation.export.verify import verify_export

    problems = verify_export(folder)
    if problems:
        console.print(f"[red]{folder}: {len(problems)} problems[/]", highlight=False, soft_wrap=True)
        for problem in problems:
            console.print(f"  - {problem}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    console.print(f"[green]{folder}: the export is intact[/] (shards, licenses, attribution and card check out)",
                  highlight=False, soft_wrap=True)
