"""Readers: one datatrove disk reader per source, turning input files into documents.

A reader lists its source's files with datatrove (``DataFolder.get_shard``: tasks split the files
deterministically), and for each file yields documents with the metadata contract of
``curation.document``: stable id ``<source>/<native id>``, ``source``, ``license`` (manifest's, or the
record's own after SPDX normalisation), ``route``, ``source_path``, ``locator``, ``sha256``.

A bad file or record never stops the run: format readers raise ``DocumentError`` for a whole file,
or yield ``RecordFailure`` for one record of a multi-record file; both go to
``failed/00_read_<source>/`` with the reason. Stats: ``in`` (records seen), ``kept``/``out``
(documents), ``failed``, ``failed.<reason>``, so ``in == kept + failed``.
"""

from __future__ import annotations

import traceback
from abc import abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Iterator

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.readers.base import BaseDiskReader

from curation.config import StrictModel
from curation.document import make_id, validate_metadata
from curation.errors import BiomedfrError, DocumentError
from curation.licenses import normalize_license

if TYPE_CHECKING:
    from curation.run.context import RunContext
    from curation.run.sources import ResolvedSource


class FieldMap(StrictModel):
    """Which input fields hold the text, the id and the optional metadata (record formats)."""

    text: str = "text"
    """Field holding the document text."""
    id: str | None = "id"
    """Field holding the source-native id; null: ids from the record position (``<file>#L<line>``)."""
    license: str | None = "license"
    """Field holding a per-document license (normalised to SPDX; overrides the manifest's)."""
    url: str | None = "url"
    """Field holding the URL."""
    title: str | None = "title"
    """Field holding the title."""
    authors: str | None = "authors"
    """Field holding the authors (a list, or one string split on ';')."""
    doi: str | None = "doi"
    """Field holding the DOI."""


class ReaderConfig(StrictModel):
    """Fields shared by every reader. Subclasses add ``format: Literal[...]`` and their own."""

    path: str
    """Folder of the source's files (relative to the recipe file, or absolute, or an fsspec URL)."""
    glob: str | None = None
    """Files to read, relative to ``path`` (default per format, e.g. ``**/*.pdf``)."""


@dataclass(frozen=True, slots=True)
class RecordFailure:
    """One record of a multi-record file that cannot be read (the rest of the file goes on)."""

    locator: str
    reason: str
    message: str
    raw: str = ""


@dataclass(frozen=True, slots=True)
class RawDoc:
    """What a format reader found: text, native id, where, raw hash, and optional metadata."""

    text: str
    native_id: str
    locator: str
    sha256: str
    metadata: dict


class SourceReader(BaseDiskReader):
    """Base of the format readers. Subclasses implement ``records(relpath)``."""

    type = "read"
    format: ClassVar[str] = ""
    default_glob: ClassVar[str] = "**/*"

    def __init__(
        self,
        source: "ResolvedSource",
        context: "RunContext",
        only: frozenset[tuple[str, str]] | None = None,
        limit: int = -1,
    ):
        self.source = source
        self.config = source.reader
        self.context = context
        self.only = only
        self.label = f"00_read_{source.name}"
        self.name = self.label
        super().__init__(
            data_folder=source.root,
            glob_pattern=self.config.glob or self.default_glob,
            recursive=True,
            add_file_path=False,
        )
        # The limit is applied here, not by datatrove: datatrove drops the document after the
        # limit once it has been read, which would count it as read but never passed on.
        self.max_documents = limit
        self._emitted = 0
        self._failed = None

    # -- to implement ---------------------------------------------------------------------------
    @abstractmethod
    def records(self, relpath: str) -> Iterator[RawDoc | RecordFailure]:
        """Yield the documents (or per-record failures) of one file; raise ``DocumentError`` for the file."""

    @classmethod
    def prepare(cls, source: "ResolvedSource", context: "RunContext") -> dict | None:
        """Called once when the run is planned, before any task: check (and cache) what every task needs.
        Raise a ``ConfigError`` to stop the run before any work. Default: nothing to do."""
        return None

    # -- helpers for subclasses -----------------------------------------------------------------
    def open_bytes(self, relpath: str) -> bytes:
        """The raw bytes of a file of this source."""
        with self.data_folder.open(relpath, "rb") as f:
            return f.read()

    # -- machinery ------------------------------------------------------------------------------
    def wanted(self, relpath: str, locator: str = "") -> bool:
        """Whether a record is read in this attempt (retries read only the failed ones)."""
        return self.only is None or (relpath, locator) in self.only or (relpath, "") in self.only

    def read_file(self, filepath: str) -> DocumentsPipeline:
        relpath = filepath
        if self.only is not None and not any(p == relpath for p, _ in self.only):
            return
        try:
            items = iter(self.records(relpath))
            while self.max_documents < 0 or self._emitted < self.max_documents:
                with self.track_time():  # reading and parsing time only, not downstream steps
                    item = next(items, None)
                if item is None:
                    break
                if not self.wanted(relpath, item.locator):
                    continue
                self.stat_update("in")
                if isinstance(item, RecordFailure):
                    self._record_failure(relpath, item.locator, item.reason, item.message, item.raw)
                    continue
                try:
                    doc = self._to_document(relpath, item)
                except DocumentError as exc:
                    self._record_failure(relpath, item.locator, exc.reason, str(exc), item.text)
                    continue
                self.stat_update("kept", "out")
                self._emitted += 1
                yield doc
        except DocumentError as exc:
            self.stat_update("in")
            self._record_failure(relpath, "", exc.reason, str(exc), "")
        except BiomedfrError:
            raise
        except Exception as exc:  # a bad file never stops a run
            self.stat_update("in")
            message = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=6)}"
            self._record_failure(relpath, "", f"unexpected_{type(exc).__name__}", message, "")

    def _to_document(self, relpath: str, raw: RawDoc) -> Document:
        meta = dict(raw.metadata)
        license_raw = meta.pop("license", None)
        if license_raw:
            spdx = normalize_license(str(license_raw))
            meta["license_raw"] = str(license_raw)
        else:
            spdx = self.source.manifest.license
        meta.update(
            source=self.source.name,
            license=spdx,
            route=self.source.route,
            source_id=raw.native_id,
            source_path=relpath,
            locator=raw.locator or None,
            sha256=raw.sha256,
        )
        if not raw.text or not raw.text.strip():
            raise DocumentError("empty_text", f"{self.source.name}:{relpath} {raw.locator}: no text — nothing to curate")
        where = f"{self.source.name}:{relpath}{'#' + raw.locator if raw.locator else ''}"
        validate_metadata(meta, where)
        return Document(text=raw.text, id=make_id(self.source.name, raw.native_id), metadata=meta)

    def _record_failure(self, relpath: str, locator: str, reason: str, message: str, raw: str) -> None:
        self.stat_update("failed", f"failed.{reason}")
        if self._failed is None:
            self._failed = self.context.record_sink("failed", self.label)
        native = f"{relpath}#{locator}" if locator else relpath
        doc = Document(
            text=raw,
            id=make_id(self.source.name, native),
            metadata={
                "source": self.source.name,
                "license": self.source.manifest.license,
                "route": self.source.route,
                "source_path": relpath,
                "locator": locator or None,
            },
        )
        where = f"{self.source.name}:{relpath}{'#' + locator if locator else ''}"
        self._failed.record(doc, self.label, reason, f"{where}: {message}", 0 if self._rank is None else self._rank)

    _rank: int | None = None

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        self._rank = rank
        try:
            yield from super().run(data, rank, world_size)
        finally:
            if self._failed is not None:
                self._failed.close()
                self._failed = None

