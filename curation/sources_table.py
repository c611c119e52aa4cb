"""The table printed by ``biomedfr sources``: one row per source manifest, with its license terms."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from curation.licenses import is_unknown
from curation.manifest import Manifest

COLUMNS = ("name", "title", "license", "redistribution", "derivatives", "commercial", "route", "file")
"""Column headers, in order."""


def _flag(value: bool) -> str:
    return "[green]yes[/]" if value else "[red]no[/]"


def _file(path: Path) -> str:
    """The manifest's path relative to the working directory when it is under it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def sources_table(manifests: list[tuple[Path, Manifest]]) -> Table:
    """A rich table of the manifests (as returned by ``curation.manifest.all_manifests``)."""
    table = Table(title="Sources", title_justify="left")
    for column in COLUMNS:
        table.add_column(column, no_wrap=column in {"name", "license", "route"}, overflow="fold")
    for path, manifest in manifests:
        license_cell = manifest.license
        if manifest.per_document_license:
            license_cell += " (per document)"
        if is_unknown(manifest.license):
            license_cell = f"[red]{license_cell}[/]"
        table.add_row(
            manifest.name,
            manifest.title,
            license_cell,
            _flag(manifest.redistribution),
            _flag(manifest.derivatives),
            _flag(manifest.commercial),
            manifest.route,
            _file(path),
        )
    return table
