"""The mix manifest on disk: ``mix.parquet`` (one row per chosen document) and ``mix.json`` (the report).

Both files are written under a temporary name and renamed; ``mix.json`` is written last, so a folder
with a ``mix.json`` holds a complete manifest. ``mix.parquet`` is a pure function of its rows: rows
sorted by (group, source, id), fixed schema and writer options, no timestamp, so the same inputs and
seed give byte-identical files.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curation.errors import ConfigError

__all__ = [
    "FORMAT",
    "MANIFEST_COLUMNS",
    "ManifestRow",
    "manifest_schema",
    "read_manifest",
    "summarize",
    "write_json",
    "write_manifest",
]

FORMAT = "biomedfr.mix/1"
"""Format id, in ``mix.json`` and in the Parquet schema metadata; bumped on an incompatible change."""

MANIFEST_COLUMNS = ("run", "id", "source", "group", "tokens", "repetitions")
"""Columns of ``mix.parquet``, in order."""


@dataclass(frozen=True, slots=True)
class ManifestRow:
    """One chosen document and how many times ``pack`` writes it."""

    run: str
    """Absolute path of the run folder holding the document (in ``<run>/curated/*.parquet``)."""
    id: str
    """Document id (unique in the manifest)."""
    source: str
    """The document's ``source``."""
    group: str
    """Mix group (``biomedfr mix``) or content type (``biomedfr ablations``; ``untyped`` without one)."""
    tokens: int
    """Tokens of one copy (the run's ``token_count``)."""
    repetitions: int
    """Copies ``pack`` writes (>= 1); the document contributes ``tokens x repetitions`` tokens."""


def manifest_schema(config_hash: str = ""):
    """The pyarrow schema of ``mix.parquet`` (the format and the config hash in its metadata)."""
    import pyarrow as pa

    return pa.schema(
        [
            pa.field("run", pa.string(), nullable=False),
            pa.field("id", pa.string(), nullable=False),
            pa.field("source", pa.string(), nullable=False),
            pa.field("group", pa.string(), nullable=False),
            pa.field("tokens", pa.int64(), nullable=False),
            pa.field("repetitions", pa.int64(), nullable=False),
        ],
        metadata={"biomedfr.format": FORMAT, "biomedfr.config_hash": config_hash},
    )


def _replace_atomically(path: Path, write) -> None:
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    os.replace(tmp, path)


def write_manifest(out_dir: str | Path, rows: list[ManifestRow], report: dict[str, Any], config_hash: str) -> Path:
    """Write ``mix.parquet`` then ``mix.json`` into ``out_dir`` (created), atomically; return the folder."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = sorted(rows, key=lambda r: (r.group, r.source, r.id))
    schema = manifest_schema(config_hash)
    table = pa.table({name: [getattr(r, name) for r in rows] for name in MANIFEST_COLUMNS}, schema=schema)
    _replace_atomically(out / "mix.parquet",
                        lambda tmp: pq.write_table(table, tmp, compression="zstd", write_statistics=True))
    write_json(out / "mix.json", report)
    return out


def write_json(path: str | Path, payload: dict[str, Any]) -> None:
    """Write ``payload`` as indented JSON, atomically."""
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    _replace_atomically(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def read_manifest(folder: str | Path) -> list[ManifestRow]:
    """The rows of ``<folder>/mix.parquet`` (what ``pack`` reads); a folder without ``mix.json`` is incomplete."""
    import pyarrow.parquet as pq

    folder = Path(folder)
    if not (folder / "mix.json").exists():
        raise ConfigError(f"{folder}: no mix.json — not a finished `biomedfr mix` output")
    table = pq.read_table(folder / "mix.parquet")
    fmt = (table.schema.metadata or {}).get(b"biomedfr.format", b"").decode()
    if fmt != FORMAT:
        raise ConfigError(f"{folder}/mix.parquet: format {fmt or 'unknown'!r}, this biomedfr reads {FORMAT!r}")
    return [ManifestRow(**row) for row in table.select(list(MANIFEST_COLUMNS)).to_pylist()]


def summarize(rows: list[ManifestRow], key: str) -> dict[str, dict[str, Any]]:
    """Per ``group`` or ``source``: documents, unique tokens, tokens with repetitions, share of the total."""
    out: dict[str, dict[str, Any]] = defaultdict(lambda: {"documents": 0, "unique_tokens": 0, "tokens": 0})
    total = 0
    for r in rows:
        entry = out[getattr(r, key)]
        entry["documents"] += 1
        entry["unique_tokens"] += r.tokens
        entry["tokens"] += r.tokens * r.repetitions
        total += r.tokens * r.repetitions
    for entry in out.values():
        entry["share"] = entry["tokens"] / total if total else 0.0
    return {k: out[k] for k in sorted(out)}
