"""Source manifests: one YAML per source with its license and redistribution terms.

A recipe source names its manifest (``manifest: hal``) or gives a path. Names are looked up in the
recipe's folder, in ``./manifests/`` of the working directory, then in the manifests shipped with the
package (the repository's ``manifests/`` folder, installed as ``curation.manifests``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import field_validator

from curation.config import StrictModel, read_yaml, validate
from curation.errors import ConfigError, LicenseError


class Manifest(StrictModel):
    """What is known about one source: license, terms, attribution, default route."""

    name: str
    """Short name of the source, used in document ids (``hal``, ``e3c``)."""
    title: str
    """Human-readable name of the source."""
    description: str = ""
    """What the source contains."""
    url: str | None = None
    """Where the source is published."""
    provenance: str = ""
    """How the data is obtained (dump, API, release, version)."""
    license: str
    """SPDX license id of the source (``LicenseRef-*`` for terms without an SPDX id)."""
    redistribution: bool
    """Whether the documents (or texts derived from them) may be redistributed."""
    derivatives: bool
    """Whether derived works (extracted passages, generated textbooks) are allowed."""
    commercial: bool
    """Whether commercial use is allowed."""
    share_alike: bool = False
    """Whether derived works must be shared under the same license."""
    attribution: str
    """Attribution text to reproduce with any export."""
    route: Literal["extraction", "direct"] = "extraction"
    """Default route: ``extraction`` (messy text to clean) or ``direct`` (already clean)."""
    per_document_license: bool = False
    """Documents carry their own license field, which overrides ``license`` after normalisation."""

    @field_validator("license")
    @classmethod
    def _license_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("empty license: give an SPDX id or a LicenseRef-* id")
        return value.strip()


def packaged_manifests_dir() -> Path:
    """Folder of the manifests shipped with the package."""
    return Path(str(resources.files("curation.manifests")))


def load_manifest_file(path: str | Path) -> Manifest:
    """Load and validate one manifest; a missing license is a ``LicenseError``."""
    data = read_yaml(path)
    if isinstance(data, dict) and not str(data.get("license") or "").strip():
        raise LicenseError(
            f"{path}: the manifest has no license — add 'license: <SPDX id or LicenseRef-*>' "
            "(a source without a license cannot be curated)"
        )
    return validate(Manifest, data, str(path))


def find_manifest(ref: str, search_dirs: list[Path] | None = None) -> Path:
    """Resolve a manifest reference (a name or a path) to a file, or raise ``ConfigError``."""
    candidate = Path(ref)
    if candidate.suffix in {".yaml", ".yml"} and candidate.exists():
        return candidate
    dirs = [*(search_dirs or []), Path.cwd() / "manifests", packaged_manifests_dir()]
    for folder in dirs:
        for suffix in (".yaml", ".yml"):
            path = folder / f"{ref}{suffix}"
            if path.exists():
                return path
    known = sorted(p.stem for p in packaged_manifests_dir().glob("*.yaml"))
    raise ConfigError(
        f"manifest {ref!r} not found in {', '.join(str(d) for d in dirs)} — give a path to a YAML file "
        f"or one of: {', '.join(known)}"
    )


def load_manifest(ref: str, search_dirs: list[Path] | None = None) -> Manifest:
    """Find and load a manifest by name or path."""
    return load_manifest_file(find_manifest(ref, search_dirs))


def all_manifests(folder: Path | None = None) -> list[tuple[Path, Manifest]]:
    """Every manifest of a folder (default: the packaged ones), validated, sorted by name."""
    folder = folder or packaged_manifests_dir()
    out = [(p, load_manifest_file(p)) for p in sorted(folder.glob("*.yaml"))]
    return sorted(out, key=lambda pm: pm[1].name)
