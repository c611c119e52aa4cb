"""A recipe source resolved against its manifest: name, license, route, root folder, reader."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from curation.manifest import Manifest, find_manifest, load_manifest_file

if TYPE_CHECKING:
    from curation.recipe import SourceConfig


@dataclass(frozen=True)
class ResolvedSource:
    """Everything a reader needs about its source."""

    name: str
    manifest: Manifest
    manifest_path: str
    route: str
    root: str
    reader: object


def resolve_path(path: str, base_dir: Path) -> str:
    """A recipe path: URLs as they are, relative paths against the recipe's folder."""
    if "://" in path:
        return path
    p = Path(path).expanduser()
    return str(p if p.is_absolute() else (base_dir / p).resolve())


def resolve_source(cfg: "SourceConfig", base_dir: Path) -> ResolvedSource:
    """Load the source's manifest and resolve its paths."""
    manifest_path = find_manifest(cfg.manifest, [base_dir, base_dir / "manifests"])
    manifest = load_manifest_file(manifest_path)
    return ResolvedSource(
        name=cfg.name or manifest.name,
        manifest=manifest,
        manifest_path=str(manifest_path),
        route=cfg.route or manifest.route,
        root=resolve_path(cfg.reader.path, base_dir),
        reader=cfg.reader,
    )
