"""What ``pack`` reads: a run, mix or export folder, cut into *parts* (one per Parquet shard).

- A run folder has ``run.json``; its documents are ``<run>/curated/*.parquet`` (every attempt's
  shards) and each document's ``repetitions`` metadata is its copy count (1 when absent).
- A mix folder has ``mix.parquet`` (columns ``run``, ``id``, ``repetitions`` used here; ``mix.json``
  marks it complete). The mix decides which documents are packed and how many times; the texts come
  from the curated shards of the runs it lists.

A part is one curated shard: the unit of parallel tokenization and of resumption. Parts are named
``r<NNN>-<shard stem>`` (``NNN``: index of the run in the sorted list of runs) and sorted, so the
concatenation order of parts never depends on the task count.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curation.errors import ConfigError
from curation.run.layout import run_identity, run_shards

__all__ = ["PackSource", "Part", "mix_selection", "resolve_source"]

MIX_FORMAT_PREFIX = "biomedfr.mix/"
"""Format family of ``mix.parquet`` (schema metadata ``biomedfr.format``) that ``pack`` reads."""
EXPORT_FORMAT_PREFIX = "biomedfr.export/"
"""Format family of an export's ``manifest.json`` that ``pack`` reads."""


@dataclass(frozen=True)
class Part:
    """One curated shard to tokenize."""

    name: str
    """``r<NNN>-<stem>``: unique and sortable."""
    run: str
    """Resolved run folder the shard belongs to."""
    path: str
    """The shard's path."""


@dataclass(frozen=True)
class PackSource:
    """A resolved input of ``pack``."""

    kind: str
    """``run``, ``mix`` or ``export``."""
    path: str
    """Resolved folder given on the command line."""
    runs: list[str]
    """Resolved run folders, sorted (an export: the export folder itself)."""
    parts: list[Part]
    """Curated shards of those runs, sorted by name."""
    identity: dict[str, Any] = field(default_factory=dict)
    """What ``index.json`` records under ``source``: kind, path, config hashes."""

    @property
    def manifest(self) -> str | None:
        """``mix.parquet`` of a mix, None for a run."""
        return str(Path(self.path) / "mix.parquet") if self.kind == "mix" else None


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid JSON ({exc}) — re-run the command that wrote it") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a JSON object")
    return data


def _run_parts(run: Path, index: int) -> list[Part]:
    return [Part(name=f"r{index:03d}-{p.stem}", run=str(run), path=str(p)) for p in run_shards(run)]


def _manifest_runs(manifest: Path) -> list[str]:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    schema = pq.read_schema(manifest)
    fmt = (schema.metadata or {}).get(b"biomedfr.format", b"").decode()
    if fmt and not fmt.startswith(MIX_FORMAT_PREFIX):
        raise ConfigError(f"{manifest}: format {fmt!r}, pack reads {MIX_FORMAT_PREFIX}* manifests")
    missing = {"run", "id", "repetitions"} - set(schema.names)
    if missing:
        raise ConfigError(f"{manifest}: missing column(s) {sorted(missing)} — write it with `biomedfr mix`")
    raw = pc.unique(pq.read_table(manifest, columns=["run"]).column("run")).to_pylist()
    return sorted({str(_resolve_run(r, manifest.parent)) for r in raw})


def _resolve_run(run: str, base: Path) -> Path:
    """A manifest's run path: absolute as written by ``biomedfr mix``; a relative one is tried against the
    mix folder, then the working directory."""
    path = Path(run)
    if not path.is_absolute() and (base / path).exists():
        path = base / path
    return path.resolve()


def _export_source(root: Path) -> PackSource:
    manifest_path = root / "manifest.json"
    manifest = _read_json(manifest_path)
    fmt = str(manifest.get("format", ""))
    if not fmt.startswith(EXPORT_FORMAT_PREFIX):
        raise ConfigError(f"{manifest_path}: format {fmt!r}, pack reads {EXPORT_FORMAT_PREFIX}* exports — "
                          "give the output folder of `biomedfr export`")
    shards = sorted((root / "data").glob("*.parquet"))
    if not shards:
        raise ConfigError(f"{root}/data: no exported shards — the policy admitted no document; nothing to pack")
    parts = [Part(name=f"r000-{p.stem}", run=str(root), path=str(p)) for p in shards]
    identity = {
        "kind": "export",
        "path": str(root),
        "manifest_sha256": hashlib.sha256(manifest_path.read_bytes()).hexdigest(),
        "policy": (manifest.get("policy") or {}).get("name"),
        "config_hash": (manifest.get("input") or {}).get("config_hash"),
    }
    return PackSource(kind="export", path=str(root), runs=[str(root)], parts=parts, identity=identity)


def resolve_source(path: str | Path) -> PackSource:
    """Detect a run (``run.json``), a mix (``mix.parquet``) or an export (``manifest.json``) folder and list
    its parts."""
    root = Path(path).resolve()
    is_run = (root / "run.json").is_file()
    is_mix = (root / "mix.parquet").is_file()
    if is_run and is_mix:
        raise ConfigError(f"{path}: holds both run.json and mix.parquet — give either a run or a mix folder")
    if is_run:
        return PackSource(kind="run", path=str(root), runs=[str(root)], parts=_run_parts(root, 0),
                          identity={"kind": "run", **run_identity(root)})
    if not is_mix and (root / "manifest.json").is_file():
        return _export_source(root)
    if not is_mix:
        if (root / "data").is_dir() and (root / "done").is_dir():
            raise ConfigError(f"{path}: an export without manifest.json — it did not finish; re-run `biomedfr export`")
        raise ConfigError(
            f"{path}: neither a run folder (run.json, from `biomedfr curate`), a mix folder "
            "(mix.parquet, from `biomedfr mix`) nor an export folder (manifest.json, from `biomedfr export`)"
        )
    if not (root / "mix.json").is_file():
        raise ConfigError(f"{path}: mix.parquet without mix.json — the mix did not finish; re-run `biomedfr mix`")
    manifest = root / "mix.parquet"
    runs = _manifest_runs(manifest)
    if not runs:
        raise ConfigError(f"{manifest}: no documents — nothing to pack")
    parts = [part for i, run in enumerate(runs) for part in _run_parts(Path(run), i)]
    report = _read_json(root / "mix.json")
    identity = {
        "kind": "mix",
        "path": str(root),
        "config_hash": report.get("config_hash"),
        "manifest_sha256": hashlib.sha256(manifest.read_bytes()).hexdigest(),
        "runs": [run_identity(Path(r)) for r in runs],
    }
    return PackSource(kind="mix", path=str(root), runs=runs, parts=parts, identity=identity)


def mix_selection(manifest: str | Path, runs: set[str]) -> dict[str, dict[str, int]]:
    """``{run: {id: repetitions}}`` of a mix manifest, for the runs asked (resolved paths)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    manifest = Path(manifest)
    table = pq.read_table(manifest, columns=["run", "id", "repetitions"])
    out: dict[str, dict[str, int]] = {run: {} for run in runs}
    for raw in pc.unique(table.column("run")).to_pylist():
        run = str(_resolve_run(raw, manifest.parent))
        if run not in out:
            continue
        rows = table.filter(pc.equal(table.column("run"), raw))
        out[run].update(zip(rows.column("id").to_pylist(), rows.column("repetitions").to_pylist()))
    return out
