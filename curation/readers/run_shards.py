"""Read the output of an earlier biomedfr run back as a source (``reader: {format: run}``).

A corpus is built in passes: curate (extraction, cleaning, dedup, LLM annotation of a sample), train
the student classifier on the annotated passages, then a second recipe that reads the first run's
shards to score, select and upsample them. This reader yields the documents of a run's stage folder
(``<run>/curated/`` by default) exactly as they were written: same ids, same metadata (source,
license, route, ``root_id``, scores...), so the second pass is a continuation, not a new source.

``sources`` keeps only documents whose ``source`` metadata is listed (one recipe source per original
source, each with its own manifest); an empty list keeps everything. A document without a license
gets the manifest's. Stats: ``in`` (rows), ``kept``/``out``, ``skipped_other_source`` (rows of
sources not listed; they are not this reader's documents, so they are not counted in ``in``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from datatrove.data import Document
from pydantic import Field, model_validator

from curation.document import from_row, validate_metadata
from curation.readers.base import RawDoc, ReaderConfig, RecordFailure, SourceReader

__all__ = ["RunReader", "RunReaderConfig"]


class RunReaderConfig(ReaderConfig):
    """Read the shards of an earlier biomedfr run (``path``: the run folder)."""

    format: Literal["run"] = "run"
    """Reader kind: a biomedfr run's output shards."""
    stage: str = "curated"
    """Stage folder of the run to read (``curated``: its final output)."""
    sources: list[str] = Field(default_factory=list)
    """Keep documents of these sources only (their ``source`` metadata); empty: every document."""

    @model_validator(mode="after")
    def _stage_glob(self) -> RunReaderConfig:
        if self.glob is None:
            self.glob = f"{self.stage}/*.parquet"
        return self


class RunReader(SourceReader):
    """Yields an earlier run's documents unchanged (ids and metadata kept)."""

    format = "run"
    default_glob = "curated/*.parquet"

    def __init__(self, source, context, only=None, limit: int = -1):
        super().__init__(source, context, only=only, limit=limit)
        self._wanted_sources = frozenset(self.config.sources)

    def records(self, relpath: str) -> Iterator[RawDoc | RecordFailure]:
        import pyarrow.parquet as pq

        with self.data_folder.open(relpath, "rb") as f:
            parquet = pq.ParquetFile(f)
            for batch in parquet.iter_batches(batch_size=1000):
                for row in batch.to_pylist():
                    if self._wanted_sources and row.get("source") not in self._wanted_sources:
                        self.stat_update("skipped_other_source")
                        continue
                    yield RawDoc(text=row["text"], native_id=row["id"], locator=row["id"], sha256="",
                                 metadata={"_row": row})

    def _to_document(self, relpath: str, raw: RawDoc) -> Document:
        doc = from_row(raw.metadata["_row"])
        doc.metadata.setdefault("license", self.source.manifest.license)
        validate_metadata(doc.metadata, f"{self.source.name}:{relpath}#{doc.id}")
        return doc

