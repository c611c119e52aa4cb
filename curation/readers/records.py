"""Record readers: JSONL, JSON and Parquet files whose fields are mapped by ``FieldMap``.

Each record becomes one document: text from ``fields.text``, native id from ``fields.id`` (or the
record position ``<relpath>#<locator>`` when ``fields.id`` is null), and the optional metadata
``url``, ``title``, ``authors``, ``doi`` and ``license`` (normalised to SPDX by the base reader).
Unmapped fields are not copied. A field name may be a dotted path into nested objects
(``meta.title``) when the record has no key with that exact name.

A bad record never stops its file: it is yielded as a ``RecordFailure`` (``invalid_utf8``,
``invalid_json``, ``invalid_record``, ``missing_text``, ``missing_id``) and recorded in ``failed/``.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import Any, Iterator, Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from curation.document import sha256_bytes
from curation.errors import DocumentError
from curation.readers.base import FieldMap, RawDoc, ReaderConfig, RecordFailure, SourceReader

__all__ = [
    "JsonlReaderConfig",
    "JsonReaderConfig",
    "ParquetReaderConfig",
    "JsonlReader",
    "JsonReader",
    "ParquetReader",
    "record_to_raw",
]

_MISSING = object()
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


class _TextRecordsConfig(ReaderConfig):
    """Fields shared by the text record formats (JSONL, JSON)."""

    fields: FieldMap = FieldMap()
    """Which record fields hold the text, the id and the metadata."""
    encoding: str = "utf-8"
    """Text encoding of the files (an ASCII-compatible codec for JSONL)."""

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise PydanticCustomError(
                "unknown_encoding", "unknown text encoding {value!r} — use e.g. utf-8 or latin-1", {"value": value}
            ) from None
        return value


class JsonlReaderConfig(_TextRecordsConfig):
    """Read JSON Lines files (one JSON object per line; ``.gz``/``.bz2``/``.zst`` decompressed by extension)."""

    format: Literal["jsonl"] = "jsonl"
    """Reader kind: JSON Lines."""


class JsonReaderConfig(_TextRecordsConfig):
    """Read JSON files holding one object or an array of objects."""

    format: Literal["json"] = "json"
    """Reader kind: JSON (one object or an array of objects per file)."""


class ParquetReaderConfig(ReaderConfig):
    """Read Parquet files, one record per row (only the mapped columns are read)."""

    format: Literal["parquet"] = "parquet"
    """Reader kind: Parquet."""
    fields: FieldMap = FieldMap()
    """Which columns hold the text, the id and the metadata."""
    batch_size: int = Field(default=1024, ge=1)
    """Rows read at a time."""


def _keys(record: dict) -> str:
    names = sorted(str(k) for k in record)
    return ", ".join(names[:30]) + (", …" if len(names) > 30 else "") if names else "none"


def _get(record: dict, name: str) -> Any:
    """A field by exact name, else by dotted path into nested objects; ``_MISSING`` when absent."""
    if name in record:
        return record[name]
    node: Any = record
    for part in name.split("."):
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _scalar(record: dict, name: str | None, locator: str) -> str | RecordFailure | None:
    """A mapped metadata field as a stripped string; None when unmapped, absent or empty."""
    if name is None:
        return None
    value = _get(record, name)
    if value is _MISSING or value is None:
        return None
    if isinstance(value, (dict, list)):
        return RecordFailure(locator, "invalid_record", f"field {name!r} is a {type(value).__name__}, expected a string")
    return str(value).strip() or None


def _authors(record: dict, name: str | None, locator: str) -> list[str] | RecordFailure | None:
    if name is None:
        return None
    value = _get(record, name)
    if value is _MISSING or value is None:
        return None
    if isinstance(value, str):
        items = value.split(";")
    elif isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        items = [str(v) for v in value if v is not None]
    else:
        return RecordFailure(locator, "invalid_record", f"field {name!r} must be a list of strings or a ';'-separated string")
    authors = [a.strip() for a in items if a.strip()]
    return authors or None


def record_to_raw(record: Any, fields: FieldMap, relpath: str, locator: str, sha256: str, raw: str = "") -> RawDoc | RecordFailure:
    """Map one decoded record to a ``RawDoc``, or say why it cannot be (``RecordFailure``)."""
    if not isinstance(record, dict):
        return RecordFailure(locator, "invalid_record", f"expected a JSON object, got {type(record).__name__}", raw)
    text = _get(record, fields.text)
    if text is _MISSING or text is None or (isinstance(text, str) and not text.strip()):
        state = "is empty" if text is not _MISSING and text is not None else "is missing"
        return RecordFailure(
            locator, "missing_text",
            f"text field {fields.text!r} {state} (available keys: {_keys(record)}) — set fields.text in the recipe", raw,
        )
    if not isinstance(text, str):
        return RecordFailure(locator, "invalid_record", f"text field {fields.text!r} is a {type(text).__name__}, expected a string", raw)
    if fields.id is None:
        native = f"{relpath}#{locator}" if locator else relpath
    else:
        value = _get(record, fields.id)
        if isinstance(value, (dict, list)):
            return RecordFailure(locator, "invalid_record", f"id field {fields.id!r} is a {type(value).__name__}, expected a string or a number", raw)
        native = "" if value is _MISSING or value is None else str(value).strip()
        if not native:
            return RecordFailure(
                locator, "missing_id",
                f"id field {fields.id!r} is missing or empty (available keys: {_keys(record)}) — "
                "set fields.id: null to use record positions as ids", raw,
            )
    meta: dict[str, Any] = {}
    for key in ("url", "title", "doi", "license"):
        value = _scalar(record, getattr(fields, key), locator)
        if isinstance(value, RecordFailure):
            return RecordFailure(value.locator, value.reason, value.message, raw)
        if value:
            meta[key] = _DOI_PREFIX.sub("", value) if key == "doi" else value
    authors = _authors(record, fields.authors, locator)
    if isinstance(authors, RecordFailure):
        return RecordFailure(authors.locator, authors.reason, authors.message, raw)
    if authors:
        meta["authors"] = authors
    return RawDoc(text=text, native_id=native, locator=locator, sha256=sha256, metadata=meta)


def canonical_json(record: Any) -> str:
    """The record's canonical JSON (sorted keys, no spaces; non-JSON values such as dates as strings)."""
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _canonical_raw(record: Any, fields: FieldMap, relpath: str, locator: str) -> RawDoc | RecordFailure:
    """``record_to_raw`` with the sha256 of the record's canonical JSON (which is also the failure's raw text)."""
    raw = canonical_json(record)
    return record_to_raw(record, fields, relpath, locator, sha256_bytes(raw.encode("utf-8")), raw)


def _decode_reason(encoding: str) -> str:
    return "invalid_utf8" if codecs.lookup(encoding).name == "utf-8" else "invalid_encoding"


def _corrupt(exc: BaseException) -> DocumentError:
    return DocumentError(
        "invalid_compression", f"cannot decompress the file ({type(exc).__name__}: {exc}) — re-download or re-compress it"
    )


def _lines(f: Any) -> Iterator[bytes]:
    """The lines of a binary file; a corrupt or truncated compressed stream raises ``invalid_compression``."""
    try:
        yield from f
    except (OSError, EOFError) as exc:
        raise _corrupt(exc) from None


class JsonlReader(SourceReader):
    """One document per line of JSON Lines files; locator ``L<line>`` (1-based)."""

    format = "jsonl"
    default_glob = "**/*.jsonl*"

    def records(self, relpath: str) -> Iterator[RawDoc | RecordFailure]:
        """Yield one item per non-blank line; a 0-byte or blank file raises ``empty_file``."""
        fields, encoding = self.config.fields, self.config.encoding
        reason = _decode_reason(encoding)
        seen = False
        with self.data_folder.open(relpath, "rb", compression="infer") as f:
            for number, line in enumerate(_lines(f), start=1):
                raw = line.rstrip(b"\r\n")
                if number == 1 and raw.startswith(codecs.BOM_UTF8) and reason == "invalid_utf8":
                    raw = raw[len(codecs.BOM_UTF8):]
                if not raw.strip():
                    continue
                seen = True
                locator = f"L{number}"
                try:
                    text = raw.decode(encoding)
                except UnicodeDecodeError as exc:
                    yield RecordFailure(
                        locator, reason,
                        f"line {number} is not valid {encoding} ({exc.reason} at byte {exc.start} of the line) — "
                        "fix the line or set the reader's encoding", raw.decode(encoding, "backslashreplace"),
                    )
                    continue
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as exc:
                    yield RecordFailure(locator, "invalid_json", f"line {number}, column {exc.colno}: invalid JSON: {exc.msg}", text)
                    continue
                yield record_to_raw(record, fields, relpath, locator, sha256_bytes(raw), text)
        if not seen:
            raise DocumentError("empty_file", "the file is empty (no non-blank line)")


class JsonReader(SourceReader):
    """Documents from JSON files: one object (locator ``""``) or an array of objects (locator ``i<index>``)."""

    format = "json"
    default_glob = "**/*.json"

    def records(self, relpath: str) -> Iterator[RawDoc | RecordFailure]:
        """Decode the whole file, then yield one item per object."""
        fields, encoding = self.config.fields, self.config.encoding
        with self.data_folder.open(relpath, "rb", compression="infer") as f:
            try:
                data = f.read()
            except (OSError, EOFError) as exc:
                raise _corrupt(exc) from None
        if not data.strip():
            raise DocumentError("empty_file", "the file is empty" + (" (0 bytes)" if not data else " (only whitespace)"))
        try:
            text = data.decode("utf-8-sig" if _decode_reason(encoding) == "invalid_utf8" else encoding)
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise DocumentError(
                _decode_reason(encoding),
                f"not valid {encoding} ({exc.reason} at byte {exc.start}, line {line}) — re-encode the file or set the reader's encoding",
            ) from None
        try:
            content = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DocumentError("invalid_json", f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        if isinstance(content, dict):
            yield _canonical_raw(content, fields, relpath, "")
        elif isinstance(content, list):
            for index, record in enumerate(content):
                yield _canonical_raw(record, fields, relpath, f"i{index}")
        else:
            raise DocumentError("invalid_record", f"expected a JSON object or an array of objects, got {type(content).__name__}")


class ParquetReader(SourceReader):
    """One document per row of Parquet files; locator ``i<row index>``; only mapped columns are read."""

    format = "parquet"
    default_glob = "**/*.parquet"

    def _columns(self, names: list[str]) -> list[str]:
        """The columns to read: those holding a mapped field (a dotted name reads its top-level column)."""
        fields: FieldMap = self.config.fields

        def column(name: str) -> str:
            return name if name in names else name.split(".")[0]

        if column(fields.text) not in names:
            raise DocumentError(
                "missing_text", f"no column {fields.text!r} (columns: {', '.join(names)}) — set fields.text in the recipe"
            )
        if fields.id is not None and column(fields.id) not in names:
            raise DocumentError(
                "missing_id",
                f"no column {fields.id!r} (columns: {', '.join(names)}) — set fields.id: null to use row positions as ids",
            )
        mapped = [fields.text, fields.id, fields.license, fields.url, fields.title, fields.authors, fields.doi]
        return list(dict.fromkeys(column(n) for n in mapped if n is not None and column(n) in names))

    def records(self, relpath: str) -> Iterator[RawDoc | RecordFailure]:
        """Read the file in batches of ``batch_size`` rows."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.data_folder.size(relpath) == 0:
            raise DocumentError("empty_file", "the file is empty (0 bytes)")
        fields: FieldMap = self.config.fields
        with self.data_folder.open(relpath, "rb") as f:
            try:
                parquet = pq.ParquetFile(f)
            except (pa.ArrowInvalid, OSError) as exc:
                raise DocumentError("invalid_parquet", f"not a readable Parquet file: {exc} — re-export it") from None
            columns = self._columns(parquet.schema_arrow.names)
            index = 0
            for batch in parquet.iter_batches(batch_size=self.config.batch_size, columns=columns):
                for row in batch.to_pylist():
                    yield _canonical_raw(row, fields, relpath, f"i{index}")
                    index += 1
