"""Writing shards: datatrove's ParquetWriter, made atomic, and the record sinks for excluded/failed.

A reader of an output folder never sees half a shard: every file is written under a temporary name
(``00000.parquet.tmp``) and renamed when the writer closes. A killed task leaves only ``.tmp`` files,
which the re-run overwrites.
"""

from __future__ import annotations

import json
from typing import Any

from datatrove.data import Document
from datatrove.io import DataFolderLike
from datatrove.pipeline.writers.parquet import ParquetWriter

from curation.document import arrow_schema, to_row

TMP_SUFFIX = ".tmp"


class AtomicParquetWriter(ParquetWriter):
    """datatrove's ParquetWriter writing ``<prefix><rank>.parquet.tmp`` then renaming on close."""

    name = "📒 Parquet (atomic)"

    def __init__(self, output_folder: DataFolderLike, prefix: str = "", schema: Any = None, adapter=None):
        super().__init__(
            output_folder,
            output_filename=f"{prefix}${{rank}}.parquet{TMP_SUFFIX}",
            schema=schema,
            adapter=adapter,
            max_file_size=-1,
            use_content_defined_chunking=False,
        )
        self._opened: set[str] = set()

    def _write(self, document: dict, file_handler, filename: str):
        self._opened.add(filename)
        super()._write(document, file_handler, filename)

    def close(self):
        super().close()
        for name in sorted(self._opened):
            self.output_folder.mv(name, name.removesuffix(TMP_SUFFIX))
        self._opened.clear()


def _row_adapter(self, document: Document) -> dict:
    return to_row(document)


class ShardWriter(AtomicParquetWriter):
    """The output of a stage: one row per document with the columns of ``curation.document``."""

    name = "📒 Shards"

    def __init__(self, output_folder: DataFolderLike, prefix: str = ""):
        super().__init__(output_folder, prefix=prefix, schema=arrow_schema(), adapter=_row_adapter)


def record_schema():
    """Schema of ``excluded/`` and ``failed/`` records."""
    import pyarrow as pa

    return pa.schema(
        [
            ("id", pa.string()),
            ("step", pa.string()),
            ("reason", pa.string()),
            ("message", pa.string()),
            ("source", pa.string()),
            ("source_path", pa.string()),
            ("locator", pa.string()),
            ("text", pa.string()),
            ("metadata", pa.string()),
        ]
    )


def _record_adapter(self, document: Document) -> dict:
    meta = document.metadata
    record = meta.get("_record", {})
    clean = {k: v for k, v in meta.items() if k != "_record" and (self.keep_transient or not k.startswith("_"))}
    return {
        "id": document.id,
        "step": record.get("step"),
        "reason": record.get("reason"),
        "message": record.get("message"),
        "source": clean.get("source"),
        "source_path": clean.get("source_path"),
        "locator": clean.get("locator"),
        "text": document.text,
        "metadata": json.dumps(clean, ensure_ascii=False, sort_keys=True, default=str),
    }


class RecordSink(AtomicParquetWriter):
    """Writes excluded or failed documents with their step, reason and message (one shard per task)."""

    name = "📒 Records"

    def __init__(self, output_folder: DataFolderLike, prefix: str = "", keep_transient: bool = False):
        super().__init__(output_folder, prefix=prefix, schema=record_schema(), adapter=_record_adapter)
        self.keep_transient = keep_transient
        """Keep ``_``-prefixed metadata (failed records: a retry re-injects the document as it was)."""

    def record(self, doc: Document, step: str, reason: str, message: str, rank: int) -> None:
        """Write one record; the document itself is not modified."""
        copy = Document(text=doc.text or "", id=doc.id, metadata=dict(doc.metadata))
        copy.metadata["_record"] = {"step": step, "reason": reason, "message": message}
        self.write(copy, rank)


def read_records(folder) -> list[dict]:
    """All records (excluded or failed) under a folder, as dicts; metadata decoded."""
    import pyarrow.parquet as pq
    from pathlib import Path

    rows = []
    for path in sorted(Path(folder).rglob("*.parquet")):
        for row in pq.read_table(path).to_pylist():
            row["metadata"] = json.loads(row["metadata"]) if row.get("metadata") else {}
            row["file"] = str(path)
            rows.append(row)
    return rows
