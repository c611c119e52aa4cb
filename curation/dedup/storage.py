"""Files of the MinHash passes: signature files, the clusters table, atomic Parquet writes, doc sets.

Every file is written under a temporary name (``<name>.tmp``) and renamed when complete, so a reader
never sees half a file and a killed task leaves only ``.tmp`` files, which the next attempt overwrites.
Paths go through datatrove's ``DataFolder`` (fsspec): local folders and remote URLs alike.

Signature file (``<out>/signatures/<rank:05d>.parquet``), one row per document:
``id`` (string), ``n_shingles`` (int32; 0 for a document without words), ``band_00`` ...
``band_<bands-1>`` (uint64 bucket keys; 0 when ``n_shingles`` is 0) and ``shingles``
(list<uint64>, sorted unique shingle hashes). The schema metadata ``biomedfr.minhash`` holds the
parameters that produced it (``fingerprint``); files from other parameters are refused.

Clusters table (``clusters_path``), one row per document of the batch, sorted by id: ``id``,
``dup_cluster`` (the representative's id), ``dup_cluster_size``, ``keep`` (bool), ``duplicate_of``
(the representative's id for a dropped document, null for a kept one).
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from datatrove.io import DataFolder, get_datafolder

from curation.dedup.normalize import NORMALIZER_VERSION
from curation.dedup.shingles import EMPTY, SHINGLE_HASH
from curation.errors import ConfigError

if TYPE_CHECKING:
    from curation.steps.minhash_dedup import MinhashConfig

TMP_SUFFIX = ".tmp"
META_KEY = b"biomedfr.minhash"


def fingerprint(config: MinhashConfig) -> dict[str, Any]:
    """The parameters that decide signatures and band keys: files and indexes must agree on all of them."""
    return {
        "ngram": config.ngram,
        "num_perm": config.num_perm,
        "bands": config.bands,
        "rows": config.rows,
        "seed": config.seed,
        "permutation": config.permutation,
        "normalizer": NORMALIZER_VERSION,
        "shingle_hash": SHINGLE_HASH,
    }


def band_columns(bands: int) -> list[str]:
    """Names of the band key columns: ``band_00``, ``band_01``..."""
    return [f"band_{j:02d}" for j in range(bands)]


def signature_schema(config: MinhashConfig) -> pa.Schema:
    """Schema of a signature file, with the fingerprint in its metadata."""
    fields = [pa.field("id", pa.string(), nullable=False), pa.field("n_shingles", pa.int32(), nullable=False)]
    fields += [pa.field(name, pa.uint64(), nullable=False) for name in band_columns(config.bands)]
    fields.append(pa.field("shingles", pa.list_(pa.uint64()), nullable=False))
    return pa.schema(fields, metadata={META_KEY: json.dumps(fingerprint(config), sort_keys=True).encode()})


def clusters_schema() -> pa.Schema:
    """Schema of the clusters table."""
    return pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("dup_cluster", pa.string(), nullable=False),
            pa.field("dup_cluster_size", pa.int64(), nullable=False),
            pa.field("keep", pa.bool_(), nullable=False),
            pa.field("duplicate_of", pa.string()),
        ]
    )


def split_path(path: str) -> tuple[DataFolder, str]:
    """A file path as (its folder, its name)."""
    head, name = posixpath.split(str(path).rstrip("/"))
    return get_datafolder(head or "."), name


def write_table_atomic(folder: DataFolder, name: str, table: pa.Table) -> None:
    """Write ``table`` to ``folder/name`` through a temporary file renamed when complete."""
    tmp = name + TMP_SUFFIX
    with folder.open(tmp, "wb") as handle:
        pq.write_table(table, handle)
    folder.mv(tmp, name)


def write_json_atomic(folder: DataFolder, name: str, data: dict) -> None:
    """Write a JSON document to ``folder/name`` through a temporary file renamed when complete."""
    tmp = name + TMP_SUFFIX
    with folder.open(tmp, "wt") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
    folder.mv(tmp, name)


def read_table(folder: DataFolder, name: str, columns: list[str] | None = None) -> pa.Table:
    """Read some columns of one Parquet file of ``folder``."""
    with folder.open(name, "rb") as handle:
        return pq.read_table(handle, columns=columns)


def read_rows(
    folder: DataFolder, name: str, rows: np.ndarray, columns: list[str] | None = None
) -> Iterator[tuple[np.ndarray, pa.Table]]:
    """Some rows of one Parquet file, reading only the row groups that hold them.

    Yields ``(which, table)``: ``table`` holds the rows ``rows[which]``, in that order. Memory is
    bounded by one row group (the passes write at most 512 rows per group).
    """
    order = np.argsort(rows, kind="stable")
    wanted = np.asarray(rows, dtype=np.int64)[order]
    with folder.open(name, "rb") as handle:
        parquet = pq.ParquetFile(handle)
        start = 0
        for group in range(parquet.num_row_groups):
            count = parquet.metadata.row_group(group).num_rows
            lo, hi = np.searchsorted(wanted, [start, start + count])
            if hi > lo:
                table = parquet.read_row_group(group, columns=columns)
                yield order[lo:hi], table.take(pa.array(wanted[lo:hi] - start))
            start += count


def read_fingerprint(folder: DataFolder, name: str) -> dict | None:
    """The fingerprint stored in a Parquet file's schema metadata, or None."""
    with folder.open(name, "rb") as handle:
        metadata = pq.read_schema(handle).metadata or {}
    raw = metadata.get(META_KEY)
    return json.loads(raw) if raw else None


def parquet_files(folder: DataFolder, subdir: str = "") -> list[str]:
    """Complete Parquet files directly in ``folder/subdir`` (temporary files excluded), sorted."""
    if not folder.isdir(subdir):
        return []
    files = folder.list_files(subdir, recursive=False, glob_pattern="*.parquet")
    return sorted(f for f in files if f.endswith(".parquet"))


def check_fingerprint(found: dict | None, expected: dict, where: str, fix: str) -> None:
    """Raise ``ConfigError`` when a file or index was made with other parameters."""
    if found is None:
        raise ConfigError(f"{where}: no MinHash parameters recorded — not a biomedfr MinHash file; {fix}")
    diff = {k: (found.get(k), v) for k, v in expected.items() if found.get(k) != v}
    if diff:
        detail = ", ".join(f"{k}: {a!r} there, {b!r} in the config" for k, (a, b) in sorted(diff.items()))
        raise ConfigError(f"{where}: made with other MinHash parameters ({detail}) — {fix}")


@dataclass
class DocSet:
    """Documents of signature or index files, sorted by id, with their band keys; shingles on demand."""

    folder: DataFolder
    """Where ``files`` are."""
    files: list[str]
    """Parquet files holding the rows."""
    ids: pa.Array
    """Document ids, sorted (a pyarrow string array)."""
    bands: np.ndarray
    """Band keys ``(n, bands)`` uint64."""
    n_shingles: np.ndarray
    """Shingles per document (0: no words, never a candidate)."""
    file_of: np.ndarray
    """Index into ``files`` of each document's row."""
    row_of: np.ndarray
    """Row of each document within its file."""
    extra: dict[str, pa.Array] = field(default_factory=dict)
    """Other columns read with the rows (index decisions), in the same sorted order."""

    def __len__(self) -> int:
        """Number of documents."""
        return len(self.ids)

    def load_shingles(self, positions: np.ndarray) -> dict[int, np.ndarray]:
        """Shingle arrays of the documents at ``positions``, reading only the ``shingles`` column."""
        out: dict[int, np.ndarray] = {}
        positions = np.unique(np.asarray(positions, dtype=np.int64))
        for f in np.unique(self.file_of[positions]):
            mine = positions[self.file_of[positions] == f]
            for picked, table in read_rows(self.folder, self.files[int(f)], self.row_of[mine], ["shingles"]):
                column = table.column("shingles").combine_chunks()
                offsets = column.offsets.to_numpy()
                values = column.flatten().to_numpy(zero_copy_only=False).astype(np.uint64, copy=False)
                for k, pos in enumerate(mine[picked]):
                    out[int(pos)] = values[offsets[k] : offsets[k + 1]] if offsets[k + 1] > offsets[k] else EMPTY
        return out


def read_docset(
    folder: DataFolder, files: list[str], schema: pa.Schema, bands: int, extra_columns: tuple[str, ...] = ()
) -> DocSet:
    """Ids, band keys and ``extra_columns`` of every row of ``files`` (all of ``schema``), sorted by id."""
    names = band_columns(bands)
    columns = ["id", "n_shingles", *names, *extra_columns]
    tables = [read_table(folder, name, columns) for name in files]
    counts = [t.num_rows for t in tables]
    table = pa.concat_tables(tables) if tables else schema.empty_table().select(columns)
    file_of = np.repeat(np.arange(len(files), dtype=np.int32), counts)
    row_of = np.concatenate([np.arange(c, dtype=np.int64) for c in counts]) if counts else np.zeros(0, dtype=np.int64)
    order = pc.sort_indices(table.column("id")).to_numpy()
    table = table.take(order)
    band_keys = np.empty((table.num_rows, bands), dtype=np.uint64)
    for j, name in enumerate(names):
        band_keys[:, j] = table.column(name).to_numpy()
    return DocSet(
        folder=folder,
        files=list(files),
        ids=table.column("id").combine_chunks(),
        bands=band_keys,
        n_shingles=table.column("n_shingles").to_numpy().astype(np.int64),
        file_of=file_of[order],
        row_of=row_of[order],
        extra={c: table.column(c).combine_chunks() for c in extra_columns},
    )
