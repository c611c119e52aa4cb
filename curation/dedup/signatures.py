"""Pass 1 of MinHash dedup: a datatrove step that writes each task's signatures to one Parquet file.

The step consumes the documents of its task and yields nothing: the run engine runs it in a pipeline
of its own, before ``build_clusters`` (pass 2) and the ``minhash_dedup`` step (pass 3). For every
document it stores the id, the band keys and the sorted unique shingle hashes (the exact Jaccard of
pass 2 needs them) in ``<output_folder>/signatures/<rank:05d>.parquet`` (format in
``curation.dedup.storage``), written as ``.tmp`` and renamed once complete. A task without documents
writes an empty file, so pass 2 can tell a finished task from a missing one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from datatrove.data import Document, DocumentsPipeline
from datatrove.io import get_datafolder
from datatrove.pipeline.base import PipelineStep

from curation.dedup.minhash import MinHasher, band_keys
from curation.dedup.shingles import text_shingles
from curation.dedup.storage import TMP_SUFFIX, band_columns, signature_schema

if TYPE_CHECKING:
    from curation.steps.minhash_dedup import MinhashConfig

BATCH = 512
"""Documents per vectorised signature batch and per Parquet row group."""


def signature_table(config: MinhashConfig, hasher: MinHasher, docs: list[Document]) -> pa.Table:
    """The signature rows of ``docs`` (see ``curation.dedup.storage``)."""
    shingles = [text_shingles(doc.text or "", config.ngram) for doc in docs]
    keys = band_keys(hasher.signatures(shingles), config.bands, config.rows, config.seed)
    counts = np.fromiter((s.size for s in shingles), dtype=np.int32, count=len(shingles))
    keys[counts == 0] = 0
    columns: dict[str, pa.Array] = {
        "id": pa.array([doc.id for doc in docs], type=pa.string()),
        "n_shingles": pa.array(counts, type=pa.int32()),
    }
    for j, name in enumerate(band_columns(config.bands)):
        columns[name] = pa.array(keys[:, j], type=pa.uint64())
    offsets = np.zeros(len(shingles) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    values = np.concatenate(shingles) if shingles else np.zeros(0, dtype=np.uint64)
    columns["shingles"] = pa.ListArray.from_arrays(pa.array(offsets), pa.array(values, type=pa.uint64()))
    return pa.Table.from_pydict(columns, schema=signature_schema(config))


class MinhashSignatures(PipelineStep):
    """Pass 1: normalise, shingle and sign every document; write ``signatures/<rank:05d>.parquet``."""

    type = "minhash"
    name = "minhash_signatures"

    def __init__(self, config: MinhashConfig, output_folder: str, label: str):
        """``label``: the step's name in stats (the engine's ``NN_name``)."""
        self.name = label
        super().__init__()
        self.config = config
        """The step's ``MinhashConfig``."""
        self.output_folder = get_datafolder(output_folder)
        """Folder receiving ``signatures/``."""

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Consume the task's documents, write their signatures, yield nothing.

        Documents of a route outside ``config.routes`` (when set) are not signed: the ``minhash_dedup``
        step passes them through untouched. Stats: ``in``, ``empty`` (no words), ``other_route``.
        """
        routes = frozenset(self.config.routes) if self.config.routes is not None else None
        hasher = MinHasher(self.config.num_perm, self.config.seed, self.config.permutation)
        name = f"signatures/{rank:05d}.parquet"
        tmp = name + TMP_SUFFIX
        schema = signature_schema(self.config)
        complete = False
        try:
            with self.output_folder.open(tmp, "wb") as handle, pq.ParquetWriter(handle, schema) as writer:
                batch: list[Document] = []
                for doc in data or ():
                    self.stat_update("in")
                    if routes is not None and doc.metadata.get("route", "extraction") not in routes:
                        self.stat_update("other_route")
                        continue
                    batch.append(doc)
                    if len(batch) >= BATCH:
                        self._write(writer, hasher, batch)
                        batch = []
                if batch:
                    self._write(writer, hasher, batch)
            complete = True
        finally:
            if complete:
                self.output_folder.mv(tmp, name)
            elif self.output_folder.exists(tmp):
                self.output_folder.rm(tmp)
        yield from ()

    def _write(self, writer: pq.ParquetWriter, hasher: MinHasher, batch: list[Document]) -> None:
        """Sign one batch of documents and write it as one row group."""
        with self.track_time(unit="batch"):
            table = signature_table(self.config, hasher, batch)
        empty = int((table.column("n_shingles").to_numpy() == 0).sum())
        if empty:
            self.stat_update("empty", value=empty)
        writer.write_table(table)
