"""The terminology source: a recipe source whose documents are random walks (``reader: {format: terminology}``).

Planning the run (``prepare``) loads the terminology once — a malformed file stops the run there,
with the file and line — compiles it for the walks and caches it in
``<out>/terminologies/<source>.pickle`` (with ``<source>.json``: concepts, edges, release, what the
loader set aside). Each task loads the cache (or the files, when the cache is missing or stale: its
fingerprint is the sha256 of the files and the loader config) and walks from its range of codes: the
sorted codes are cut into ``tasks`` contiguous ranges, so each code's walks are computed by one task
and the output does not depend on the number of tasks.

A document per walk: id ``<source>/<start code>/<walk type>-<k>``, text the serialised walk
(``ontology_books.serialize``), metadata ``terminology``, ``terminology_version``, ``walk_type``,
``walk_codes``, ``walk_relations``, ``source_path`` ``walks`` and ``locator`` the native id (what
``--retry-failed`` re-reads), and the source's license (the manifest's: derived texts inherit
the terminology's license). Stats of the reader: ``in``/``kept``/``out`` per walk, ``walks.<type>``,
``walks.duplicates`` (walks drawn again because equal to an earlier one), ``walks.codes`` (start codes),
``walks.codes_without_walk_type``.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import traceback
from pathlib import Path
from typing import Literal

from datatrove.data import DocumentsPipeline
from pydantic import Field

from curation.document import make_id
from curation.readers.base import RawDoc, ReaderConfig, SourceReader
from ontology_books.load import LoaderSpec, RdfLoaderConfig, load_terminology
from ontology_books.serialize import serialize, walk_codes, walk_relations
from ontology_books.walks import WalkConfig, compile_graph, start_range, walks_from

__all__ = ["TerminologyReader", "TerminologyReaderConfig", "walk_document_id"]


class TerminologyReaderConfig(ReaderConfig):
    """A terminology (RDF/OWL or code table) walked into documents."""

    format: Literal["terminology"] = "terminology"
    """Reader format."""
    terminology: Literal["cim10", "ccam", "atc", "other"]
    """Terminology kind: picks the default walk types and the relations to expect."""
    title: str | None = None
    """Display name in the serialised walks; default per kind (``CIM-10 FR PMSI``, ``CCAM``, ``ATC``)."""
    version: str | None = None
    """Release (e.g. ``2025``); default: the RDF ``owl:versionInfo``, else ``unversioned``."""
    loader: LoaderSpec = Field(default_factory=RdfLoaderConfig)  # type: ignore[valid-type]
    """``{kind: rdf}`` (default) or ``{kind: table, encoding, delimiter, header, columns, hierarchy...}``."""
    walks: WalkConfig = Field(default_factory=WalkConfig)
    """How many walks per code, how long, which types, which seed."""


def _cache_paths(out_dir: str, source_name: str) -> tuple[Path, Path]:
    folder = Path(out_dir) / "terminologies"
    return folder / f"{source_name}.pickle", folder / f"{source_name}.json"


class TerminologyReader(SourceReader):
    """Yields one document per walk of its task's range of start codes."""

    format = "terminology"
    default_glob = "**/*"

    # -- loading --------------------------------------------------------------------------------
    def _files(self) -> list[tuple[str, bytes]]:
        paths = self.data_folder.list_files(recursive=True, glob_pattern=self.config.glob or self.default_glob)
        return [(p, self.open_bytes(p)) for p in sorted(paths)]

    @staticmethod
    def _fingerprint(files: list[tuple[str, bytes]], config: TerminologyReaderConfig) -> str:
        digest = hashlib.sha256()
        for name, data in files:
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        settings = {"terminology": config.terminology, "title": config.title, "version": config.version,
                    "loader": config.loader.model_dump(mode="json")}
        digest.update(json.dumps(settings, sort_keys=True).encode())
        return digest.hexdigest()

    def load(self):
        """``(terminology, compiled graph)``: from the run's cache when it matches the files, else loaded."""
        files = self._files()
        return self._load(files, self._fingerprint(files, self.config))

    def _load(self, files: list[tuple[str, bytes]], fingerprint: str):
        pickle_path, _ = _cache_paths(self.context.out_dir, self.source.name)
        if pickle_path.exists():
            with pickle_path.open("rb") as f:
                cached = pickle.load(f)
            if cached.get("fingerprint") == fingerprint:
                return cached["terminology"], cached["compiled"]
        cfg = self.config
        terminology = load_terminology(files, cfg.terminology, cfg.loader, cfg.title, cfg.version,
                                       where=f"source {self.source.name} ({self.source.root})")
        return terminology, compile_graph(terminology)

    @classmethod
    def prepare(cls, source, context) -> dict:
        """Load, check and cache the terminology before any task runs; return its summary."""
        reader = cls(source, context)
        files = reader._files()
        fingerprint = cls._fingerprint(files, reader.config)
        pickle_path, json_path = _cache_paths(context.out_dir, source.name)
        if json_path.exists():  # written after the pickle, with the fingerprint it was made from
            summary = json.loads(json_path.read_text())
            if summary.get("fingerprint") == fingerprint and pickle_path.exists():
                return summary
        terminology, compiled = reader._load(files, fingerprint)
        summary = {**terminology.summary(), "title": terminology.title, "files": terminology.files,
                   **terminology.load_counts, "fingerprint": fingerprint}
        pickle_path.parent.mkdir(parents=True, exist_ok=True)
        for path, payload in ((pickle_path, pickle.dumps({"fingerprint": fingerprint, "terminology": terminology,
                                                          "compiled": compiled}, protocol=5)),
                              (json_path, json.dumps(summary, indent=2, ensure_ascii=False).encode())):
            tmp = path.with_suffix(path.suffix + ".tmp")
            tmp.write_bytes(payload)
            os.replace(tmp, path)
        return summary

    # -- documents ------------------------------------------------------------------------------
    def records(self, relpath: str):
        """No per-file records: a terminology's files are read together and its walks come from ``run``."""
        return iter(())

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data:
            yield from data
        self._rank = rank
        with self.track_time():
            terminology, compiled = self.load()
        cfg = self.config
        types = cfg.walks.types_for(terminology.kind)
        stats: dict[str, int] = {}
        try:
            for node in start_range(len(compiled.codes), rank, world_size):
                if 0 <= self.max_documents <= self._emitted:
                    break
                code = compiled.codes[node]
                self.stat_update("walks.codes")
                with self.track_time():
                    walks = walks_from(compiled, node, cfg.walks, stats)
                for k, walk in enumerate(walks):
                    native = f"{code}/{walk.walk_type}-{k}"
                    if not self.wanted("walks", native):
                        continue
                    if 0 <= self.max_documents <= self._emitted:
                        break
                    self.stat_update("in")
                    try:
                        text = serialize(walk, compiled, terminology, types[walk.walk_type].label or None)
                        raw = RawDoc(text=text, native_id=native, locator=native,
                                     sha256=hashlib.sha256(text.encode()).hexdigest(),
                                     metadata={"terminology": terminology.kind,
                                               "terminology_version": terminology.version,
                                               "walk_type": walk.walk_type,
                                               "walk_codes": walk_codes(walk, compiled),
                                               "walk_relations": walk_relations(walk)})
                        doc = self._to_document("walks", raw)
                    except Exception as exc:  # noqa: BLE001 - a bad walk never stops the run
                        message = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=6)}"
                        self._record_failure("walks", native, f"walk_{type(exc).__name__}", message, "")
                        continue
                    self.stat_update("kept", "out", f"walks.{walk.walk_type}")
                    self._emitted += 1
                    yield doc
        finally:
            for name, value in stats.items():
                self.stat_update(f"walks.{name}", value=value)
            if self._failed is not None:
                self._failed.close()
                self._failed = None


def walk_document_id(source: str, code: str, walk_type: str, k: int) -> str:
    """The id of the ``k``-th walk from ``code`` (what the reader gives it)."""
    return make_id(source, f"{code}/{walk_type}-{k}")

