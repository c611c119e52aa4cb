"""What an export reads: a run folder (``run.json`` + ``curated/``) or a mix folder (``mix.parquet``).

A run is exported whole: every document of every ``<run>/curated/*.parquet`` shard is an input. A mix
(``biomedfr mix``) lists the documents to export, each in the curated shards of its run, with the
repetitions ``pack`` will write; the export reads those shards and takes the listed documents only.
Either way one input shard gives one output shard, named after it (``00000`` for a run's
``curated/00000.parquet``; ``run01-00000`` for the same shard of the second run of a mix).

Every source the runs declare (``run.json`` ``sources``) must have a license in its manifest: a source
without one stops the export at start with a ``LicenseError`` naming the source and the manifest file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from curation.config import read_yaml
from curation.errors import ConfigError, LicenseError
from curation.export.gate import SourceInfo
from curation.licenses import normalize_license
from curation.manifest import find_manifest, load_manifest_file
from curation.run.layout import read_run_json, run_shards

__all__ = ["ExportInput", "InputShard", "MixEntry", "RunRef", "open_input"]


@dataclass(frozen=True, slots=True)
class MixEntry:
    """A document listed by a mix."""

    group: str
    """Mix group."""
    tokens: int
    """Tokens of one copy, as the mix counted them."""
    repetitions: int
    """Copies ``pack`` writes; kept in the exported document's ``repetitions``."""


@dataclass(frozen=True)
class RunRef:
    """One run the export reads."""

    path: Path
    """The run folder."""
    info: dict[str, Any]
    """Its ``run.json``."""

    @property
    def name(self) -> str:
        return str(self.info.get("name") or self.path.name)

    @property
    def config_hash(self) -> str:
        return str(self.info.get("config_hash") or "")

    @property
    def steps(self) -> list[str]:
        return [str(s) for s in self.info.get("steps") or []]


@dataclass(frozen=True)
class InputShard:
    """One curated shard to export, and the name of its output shard."""

    name: str
    """Output shard name, without ``.parquet``."""
    path: Path
    """The run's shard."""
    run: RunRef
    """The run it belongs to."""
    wanted: dict[str, MixEntry] | None = None
    """For a mix: the listed documents of this shard, by id; None: every document (a run)."""


@dataclass
class ExportInput:
    """A run or a mix, opened: its runs, sources, shards (and, for a mix, listed documents not found)."""

    kind: Literal["run", "mix"]
    """``run`` or ``mix``."""
    path: Path
    """The folder given on the command line."""
    name: str
    """Name of the run (``run.json``) or of the mix folder."""
    config_hash: str
    """Config hash of the run, or of the mix (``mix.json``)."""
    runs: list[RunRef]
    """The runs read (one for a run)."""
    shards: list[InputShard]
    """Shards to export, in output order."""
    sources: dict[str, SourceInfo]
    """Sources declared by the runs, by name (and by manifest name when no source has that name)."""
    missing: list[tuple[str, str, str, MixEntry]] = field(default_factory=list)
    """For a mix: ``(run, id, source, entry)`` of listed documents found in no shard of their run."""
    mix_info: dict[str, Any] | None = None
    """For a mix: its ``mix.json``."""
    _resolved: dict[str, SourceInfo | None] = field(default_factory=dict, repr=False)

    def source(self, name: str) -> SourceInfo | None:
        """The source of a document: declared by a run, else a manifest of that name (None: unknown)."""
        if name in self.sources:
            return self.sources[name]
        if name not in self._resolved:
            try:
                path = find_manifest(name, [run.path / "manifests" for run in self.runs])
            except ConfigError:
                self._resolved[name] = None
            else:
                self._resolved[name] = _source_info(name, path)
        return self._resolved[name]

    @property
    def resolver(self) -> Callable[[str], SourceInfo | None]:
        return self.source


def open_input(path: str | Path) -> ExportInput:
    """Open a run folder (``run.json``) or a mix folder (``mix.parquet``); check every source's license."""
    folder = Path(path)
    if (folder / "run.json").is_file():
        run = _run_ref(folder)
        shards = [InputShard(name=p.stem, path=p, run=run) for p in _curated_shards(run)]
        return ExportInput(kind="run", path=folder, name=run.name, config_hash=run.config_hash, runs=[run],
                           shards=shards, sources=_run_sources([run]))
    if (folder / "mix.parquet").is_file():
        return _open_mix(folder)
    raise ConfigError(
        f"{folder}: neither a run folder (no run.json) nor a mix folder (no mix.parquet) — give the output "
        "folder of `biomedfr curate`/`biomedfr books` or of `biomedfr mix`"
    )


# --- runs -------------------------------------------------------------------------------------------


def _run_ref(folder: Path) -> RunRef:
    return RunRef(path=folder, info=read_run_json(folder))


def _curated_shards(run: RunRef) -> list[Path]:
    return run_shards(run.path)


def _source_info(name: str, manifest_path: Path) -> SourceInfo:
    """A source's manifest, read from ``manifest_path``; a manifest without a license is a ``LicenseError``."""
    data = read_yaml(manifest_path)
    if isinstance(data, dict) and not str(data.get("license") or "").strip():
        raise LicenseError(
            f"source {name!r}: its manifest {manifest_path} has no license — add 'license: <SPDX id or "
            "LicenseRef-*>' to it (nothing from a source without a license can be exported)"
        )
    manifest = load_manifest_file(manifest_path)
    return SourceInfo(
        name=name, manifest=manifest.name, manifest_path=str(manifest_path),
        license=normalize_license(manifest.license), redistribution=manifest.redistribution,
        derivatives=manifest.derivatives, commercial=manifest.commercial, share_alike=manifest.share_alike,
        attribution=" ".join(manifest.attribution.split()), title=manifest.title, url=manifest.url,
    )


def _declared_manifest(run: RunRef, entry: dict[str, Any]) -> Path:
    """The manifest file of a ``run.json`` source: its recorded path, else found again by name."""
    recorded = entry.get("manifest_path")
    if recorded and Path(recorded).is_file():
        return Path(recorded)
    ref = entry.get("manifest") or entry.get("name")
    if not ref:
        raise ConfigError(f"{run.path / 'run.json'}: a source has neither a name nor a manifest — re-run the curation")
    return find_manifest(str(ref), [run.path / "manifests"])


def _run_sources(runs: list[RunRef]) -> dict[str, SourceInfo]:
    """Sources declared by the runs, by name, then by manifest name; a conflict is a ``ConfigError``."""
    by_name: dict[str, SourceInfo] = {}
    for run in runs:
        for entry in run.info.get("sources") or []:
            name = str(entry.get("name") or "")
            if not str(entry.get("license") or "").strip() and "license" in entry:
                raise LicenseError(
                    f"source {name!r}: no license in {run.path / 'run.json'} (manifest "
                    f"{entry.get('manifest_path') or entry.get('manifest')}) — give its manifest a license and re-run"
                )
            info = _source_info(name, _declared_manifest(run, entry))
            previous = by_name.get(name)
            if previous is not None and (previous.manifest, previous.license) != (info.manifest, info.license):
                raise ConfigError(
                    f"source {name!r} has two manifests in the runs exported ({previous.manifest_path}: "
                    f"{previous.license}; {info.manifest_path}: {info.license}) — rename one of the sources"
                )
            by_name[name] = info
    out = dict(by_name)
    for info in sorted(by_name.values(), key=lambda i: i.name):
        out.setdefault(info.manifest, SourceInfo(**{**info.to_json(), "name": info.manifest}))
    return out


# --- mixes ------------------------------------------------------------------------------------------


def _open_mix(folder: Path) -> ExportInput:
    import pyarrow.parquet as pq

    from curation.mix.manifest import read_manifest

    rows = read_manifest(folder)
    mix_info = json.loads((folder / "mix.json").read_text(encoding="utf-8"))
    by_run: dict[str, dict[str, tuple[str, MixEntry]]] = {}
    for row in rows:
        by_run.setdefault(row.run, {})[row.id] = (row.source, MixEntry(row.group, row.tokens, row.repetitions))
    runs, shards, missing = [], [], []
    for index, run_path in enumerate(sorted(by_run)):
        path = Path(run_path)
        if not path.is_absolute():
            path = (folder / path) if (folder / path / "run.json").is_file() else path
        run = _run_ref(path)
        runs.append(run)
        listed = by_run[run_path]
        found: set[str] = set()
        for shard in _curated_shards(run):
            ids = pq.read_table(shard, columns=["id"]).column("id").to_pylist()
            wanted = {i: listed[i][1] for i in ids if i in listed}
            if wanted:
                found.update(wanted)
                shards.append(InputShard(name=f"run{index:02d}-{shard.stem}", path=shard, run=run, wanted=wanted))
        missing += [(run_path, i, src, entry) for i, (src, entry) in sorted(listed.items()) if i not in found]
    return ExportInput(kind="mix", path=folder, name=folder.resolve().name, config_hash=str(mix_info.get("config_hash") or ""),
                       runs=runs, shards=shards, sources=_run_sources(runs), missing=missing, mix_info=mix_info)
