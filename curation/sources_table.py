"""The table printed by ``biomedfr sources``: one row per source manifest, with its license terms."""

from __future__ import annotations

from pathlib import Path

from rich import box
from rich.table import Table

from curation.licenses import is_unknown
from curation.manifest import Manifest

COLUMNS = ("name", "license", "redist", "deriv", "comm", "route")
"""Column headers, in order."""


def _flag(value: bool) -> str:
    return "[green]yes[/]" if value else "[red]no[/]"


def sources_table(manifests: list[tuple[Path, Manifest]]) -> Table:
    """A rich table of the manifests (as returned by ``curation.manifest.all_manifests``)."""
    caption = "* documents carry their own license, which overrides this one"
    table = Table(title="Sources", title_justify="left", caption=caption, caption_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for column in COLUMNS:
        table.add_column(column, no_wrap=True)
    for _path, manifest in manifests:
        license_cell = manifest.license
        if manifest.per_document_license:
            license_cell += " *"
        if is_unknown(manifest.license):
            license_cell = f"[red]{license_cell}[/]"
        table.add_row(
            manifest.name,
            license_cell,
            _flag(manifest.redistribution),
            _flag(manifest.derivatives),
            _flag(manifest.commercial),
            manifest.route,
        )
    return table
