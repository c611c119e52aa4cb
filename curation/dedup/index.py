"""The persistent MinHash index: every document already deduplicated, so later batches meet earlier runs.

Layout of an index folder (local or fsspec URL)::

    manifest.json                      parameters (``fingerprint`` + ``threshold``); others are refused
    batches/<digest>.parquet           one file per deduplicated batch, written once, never rewritten

A batch file holds one row per document that batch added (documents whose id was already indexed
are not added again): ``id``, ``n_shingles``, ``band_00``..., ``shingles`` (as in signature files),
then the decision taken for it: ``cluster`` (its representative's id), ``dup_cluster_size`` (the size
of its cluster at that time), ``keep``, and ``merged`` — on the smallest new document of a cluster
that joined several clusters of earlier batches, the representatives of the clusters it absorbed
(empty otherwise). Files are written as ``.tmp`` and renamed: a reader never sees a half batch.
The file name is a digest of the batch's new ids, so the same batch is never stored twice.

Loading rebuilds the clusters of all indexed documents from the edges ``id -> cluster`` and
``id -> merged[*]`` (vectorised connected components) and, for each cluster, its size and its
representative: the smallest id among its kept documents.

One ``build_clusters`` at a time per index folder: two concurrent runs would each miss the other's
batch (nothing breaks, but their documents are not compared with each other).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from datatrove.io import get_datafolder

from curation.dedup.storage import (
    TMP_SUFFIX,
    DocSet,
    check_fingerprint,
    fingerprint,
    parquet_files,
    read_docset,
    signature_schema,
    write_json_atomic,
)
from curation.dedup.unionfind import component_labels
from curation.errors import ConfigError

if TYPE_CHECKING:
    from curation.steps.minhash_dedup import MinhashConfig

MANIFEST = "manifest.json"
BATCHES = "batches"
INDEX_FORMAT = 1
DECISION_COLUMNS = ("cluster", "dup_cluster_size", "keep", "merged")


def index_schema(config: MinhashConfig) -> pa.Schema:
    """Schema of a batch file: the signature columns, then the decision columns."""
    base = signature_schema(config)
    fields = list(base) + [
        pa.field("cluster", pa.string(), nullable=False),
        pa.field("dup_cluster_size", pa.int64(), nullable=False),
        pa.field("keep", pa.bool_(), nullable=False),
        pa.field("merged", pa.list_(pa.string()), nullable=False),
    ]
    return pa.schema(fields, metadata=base.metadata)


@dataclass
class IndexState:
    """The indexed documents (sorted by id) and their clusters as of now."""

    docs: DocSet
    """Ids, band keys, shingles on demand, and the recorded decisions (``docs.extra``)."""
    labels: np.ndarray
    """Cluster of each document: the smallest position of its cluster."""
    sizes: np.ndarray
    """``sizes[label]``: number of indexed documents in that cluster."""
    kept_rep: dict[int, str]
    """``kept_rep[label]``: smallest id among the kept documents of that cluster."""

    def __len__(self) -> int:
        """Number of indexed documents."""
        return len(self.docs)

    def positions_of(self, ids: pa.Array) -> np.ndarray:
        """Position of each id in the index, -1 when not indexed."""
        found = pc.index_in(ids, value_set=self.docs.ids)
        return found.fill_null(-1).to_numpy().astype(np.int64)

    def recorded(self, position: int) -> tuple[str, int, bool]:
        """The decision recorded for an indexed document: ``(cluster, dup_cluster_size, keep)``."""
        extra = self.docs.extra
        return (
            extra["cluster"][position].as_py(),
            int(extra["dup_cluster_size"][position].as_py()),
            bool(extra["keep"][position].as_py()),
        )


class MinhashIndex:
    """Opens (or creates) an index folder for one set of MinHash parameters."""

    def __init__(self, folder: str, config: MinhashConfig):
        """Check the manifest of ``folder`` against ``config``; write it for a new index."""
        self.folder = get_datafolder(folder)
        """The index folder."""
        self.config = config
        """The ``MinhashConfig`` the index must match."""
        self.expected = dict(fingerprint(config), threshold=config.threshold, format=INDEX_FORMAT)
        """The manifest this config requires."""
        where = f"MinHash index {folder}"
        fix = "use another index folder for these parameters, or the parameters the index was built with"
        if self.folder.exists(MANIFEST):
            with self.folder.open(MANIFEST, "rt") as handle:
                check_fingerprint(json.load(handle), self.expected, where, fix)
        elif parquet_files(self.folder, BATCHES):
            raise ConfigError(f"{where}: batch files but no {MANIFEST} — the folder is not a complete index; {fix}")
        else:
            write_json_atomic(self.folder, MANIFEST, self.expected)

    def batch_files(self) -> list[str]:
        """The complete batch files, sorted."""
        return parquet_files(self.folder, BATCHES)

    def load(self) -> IndexState:
        """Read every batch's ids, band keys and decisions; rebuild the clusters."""
        schema = index_schema(self.config)
        docs = read_docset(self.folder, self.batch_files(), schema, self.config.bands, DECISION_COLUMNS)
        if len(docs) and pc.count_distinct(docs.ids).as_py() != len(docs):
            raise ConfigError(
                f"MinHash index {self.folder.path}: an id is stored twice — the index is corrupt; rebuild it"
            )
        return _state(docs)

    @staticmethod
    def empty_state(config: MinhashConfig) -> IndexState:
        """The state of an empty index (one-shot runs)."""
        return _state(read_docset(None, [], index_schema(config), config.bands, DECISION_COLUMNS))

    @staticmethod
    def batch_name(new_ids: list[str]) -> str:
        """File name of the batch adding these ids: a digest of the sorted ids."""
        digest = hashlib.sha256("\n".join(sorted(new_ids)).encode("utf-8")).hexdigest()[:24]
        return f"{BATCHES}/{digest}.parquet"

    def write_batch(self, new_ids: list[str], tables: Iterable[pa.Table]) -> str | None:
        """Store one batch: rows of ``index_schema`` streamed table by table, renamed when complete.

        Returns the file name; None when there is nothing to add. A batch already stored is left as is.
        """
        if not new_ids:
            return None
        name = self.batch_name(new_ids)
        if self.folder.exists(name):
            return name
        schema = index_schema(self.config)
        tmp = name + TMP_SUFFIX
        with self.folder.open(tmp, "wb") as handle, pq.ParquetWriter(handle, schema) as writer:
            for table in tables:
                writer.write_table(table.cast(schema))
        self.folder.mv(tmp, name)
        return name


def _state(docs: DocSet) -> IndexState:
    """Clusters of indexed documents from their recorded edges (``id -> cluster``, ``id -> merged``)."""
    n = len(docs)
    cluster_pos = pc.index_in(docs.extra["cluster"], value_set=docs.ids).fill_null(-1).to_numpy()
    merged = docs.extra["merged"]
    merged_pos = pc.index_in(merged.flatten(), value_set=docs.ids).fill_null(-1).to_numpy()
    merged_owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(merged.offsets.to_numpy()))
    u = np.concatenate([np.arange(n, dtype=np.int64), merged_owner])
    v = np.concatenate([cluster_pos, merged_pos]).astype(np.int64)
    linked = v >= 0
    labels = component_labels(n, u[linked], v[linked])
    sizes = np.bincount(labels, minlength=n)
    keep = docs.extra["keep"].to_numpy(zero_copy_only=False).astype(bool)
    kept_positions = np.flatnonzero(keep)  # ids are sorted: the first kept one of a label is the smallest
    uniq, first = np.unique(labels[kept_positions], return_index=True)
    kept_rep = {int(label): docs.ids[int(kept_positions[i])].as_py() for label, i in zip(uniq, first)}
    return IndexState(docs=docs, labels=labels, sizes=sizes, kept_rep=kept_rep)
