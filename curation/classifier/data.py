"""Annotated passages for the student, and the seeded split by article.

``load_annotated(paths)`` reads biomedfr Parquet shards — a run's output folder (its ``curated/`` is
used), a stage folder, any folder of ``*.parquet`` shards, or single files — and keeps the documents that
carry every LLM label: ``quality.edu``, ``quality.cont``, ``quality.writ``, ``quality.term`` (integers
1–10) and ``content_type`` (one of ``CONTENT_TYPES``). It counts, per field, the documents it skipped
because the field was missing, so that an empty result can say why.

A passage's group is its article: ``root_id``, else ``parent_id``, else its own id. The split puts whole
articles on one side: an article goes to ``test`` when ``u < test``, to ``validation`` when
``u < test + validation``, else to ``train``, where ``u = sha256("<seed>\\0<article id>")`` read as a
number in [0, 1). It depends only on the seed and the article id (not on input order, files or
Python's ``hash()``), so the same seed gives the same split everywhere; the fractions are met in
expectation, not exactly.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from curation.document import Document, from_row
from curation.errors import ConfigError
from curation.run.layout import document_shards
from curation.scores import SIGNALS
from curation.steps.llm_annotate import CONTENT_TYPES

__all__ = ["LABEL_FIELDS", "PARTS", "AnnotatedData", "Example", "Split", "example_of", "fingerprint", "group_of",
           "load_annotated", "parquet_files", "read_documents", "split_draw", "split_examples", "split_of"]

LABEL_FIELDS: tuple[str, ...] = tuple(f"quality.{s}" for s in SIGNALS) + ("content_type",)
"""The metadata fields an annotated passage must carry."""
PARTS: tuple[str, ...] = ("train", "validation", "test")
"""The parts of a split."""
_COLUMNS = ("id", "text", "root_id", "parent_id", *LABEL_FIELDS, "extra")


@dataclass(frozen=True, slots=True)
class Example:
    """One annotated passage: its text, its article and the LLM's labels."""

    id: str
    group: str
    """The article the passage comes from (``root_id``, else ``parent_id``, else the id)."""
    text: str
    edu: int
    cont: int
    writ: int
    term: int
    content_type: str

    def score(self, signal: str) -> int:
        """The LLM's score for ``signal``."""
        return getattr(self, signal)

    def scores(self) -> tuple[int, int, int, int]:
        """The four scores in ``SIGNALS`` order."""
        return self.edu, self.cont, self.writ, self.term


@dataclass
class AnnotatedData:
    """The annotated passages found in some shards, and what was skipped."""

    examples: list[Example] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    """Parquet files read."""
    documents: int = 0
    """Documents read."""
    missing: Counter = field(default_factory=Counter)
    """Documents skipped, by the first label field they lack."""
    invalid: list[str] = field(default_factory=list)
    """Why annotated documents were skipped (score outside 1–10, unknown content type), one line each."""
    duplicates: int = 0
    """Documents skipped because an earlier file had the same id."""

    def describe_missing(self) -> str:
        """``quality.edu missing on 120 documents, ...`` (or ``no document``)."""
        if not self.documents:
            return "no document"
        parts = [f"{name} missing on {count}" for name, count in self.missing.most_common()]
        if self.invalid:
            parts.append(f"{len(self.invalid)} with invalid labels (first: {self.invalid[0]})")
        return ", ".join(parts) or "none skipped"


def parquet_files(paths: Sequence[str | Path]) -> list[Path]:
    """The Parquet shards named by ``paths``: files as given; folders' ``*.parquet`` (or their ``curated/``'s)."""
    return document_shards(paths, unique=False)  # a shard named twice counts its documents as duplicates


def read_documents(files: Iterable[str | Path]) -> Iterator[Document]:
    """The documents of Parquet shards, reading only the columns the student needs."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    for path in files:
        try:
            parquet = pq.ParquetFile(path)
        except (OSError, pa.ArrowException) as exc:
            raise ConfigError(f"{path}: not a readable Parquet file ({exc}) — give biomedfr shards") from None
        names = set(parquet.schema_arrow.names)
        if not {"id", "text"} <= names:
            raise ConfigError(f"{path}: no 'id' and 'text' columns — not a biomedfr shard")
        columns = [c for c in _COLUMNS if c in names]
        for batch in parquet.iter_batches(batch_size=2048, columns=columns):
            for row in batch.to_pylist():
                yield from_row(row)


def group_of(doc: Document) -> str:
    """The article of a passage: ``root_id``, else ``parent_id``, else the document id."""
    meta = doc.metadata
    return str(meta.get("root_id") or meta.get("parent_id") or doc.id)


def example_of(doc: Document) -> Example | str:
    """The example for an annotated document, or the name of the first missing label field, or a problem line."""
    meta = doc.metadata
    for name in LABEL_FIELDS:
        if meta.get(name) is None:
            return name
    scores = []
    for s in SIGNALS:
        value = meta[f"quality.{s}"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) \
                or not 1 <= value <= 10:
            return f"invalid: {doc.id}: quality.{s}={value!r} is not an integer 1–10"
        scores.append(int(value))
    ctype = meta["content_type"]
    if ctype not in CONTENT_TYPES:
        return f"invalid: {doc.id}: content_type={ctype!r} is not one of {', '.join(CONTENT_TYPES)}"
    return Example(doc.id, group_of(doc), doc.text or "", *scores, ctype)


def load_annotated(paths: Sequence[str | Path]) -> AnnotatedData:
    """Every annotated passage in ``paths`` (the first of duplicate ids kept)."""
    files = parquet_files(paths)
    data = AnnotatedData(files=[str(f) for f in files])
    seen: set[str] = set()
    for doc in read_documents(files):
        data.documents += 1
        if doc.id in seen:
            data.duplicates += 1
            continue
        seen.add(doc.id)
        found = example_of(doc)
        if isinstance(found, Example):
            data.examples.append(found)
        elif found.startswith("invalid: "):
            data.invalid.append(found.removeprefix("invalid: "))
        else:
            data.missing[found] += 1
    return data


def split_draw(group: str, seed: int) -> float:
    """The article's draw in [0, 1): the first 8 bytes of ``sha256("<seed>\\0<group>")`` over 2**64."""
    digest = hashlib.sha256(f"{seed}\0{group}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_of(group: str, seed: int, validation: float, test: float = 0.0) -> str:
    """``train``, ``validation`` or ``test`` for an article."""
    u = split_draw(group, seed)
    if u < test:
        return "test"
    if u < test + validation:
        return "validation"
    return "train"


@dataclass
class Split:
    """Examples by part; every article on one side only."""

    seed: int
    validation_fraction: float
    test_fraction: float
    parts: dict[str, list[Example]]

    @property
    def train(self) -> list[Example]:
        """The training examples."""
        return self.parts["train"]

    @property
    def validation(self) -> list[Example]:
        """The validation examples."""
        return self.parts["validation"]

    @property
    def test(self) -> list[Example]:
        """The test examples."""
        return self.parts["test"]

    def to_json(self) -> dict:
        """Seed, fractions, and the sorted article and passage ids of each part (``split.json``)."""
        return {
            "seed": self.seed,
            "validation_fraction": self.validation_fraction,
            "test_fraction": self.test_fraction,
            "articles": {p: sorted({e.group for e in ex}) for p, ex in self.parts.items()},
            "passages": {p: sorted(e.id for e in ex) for p, ex in self.parts.items()},
        }

    def write(self, path: str | Path) -> Path:
        """Write ``split.json``."""
        path = Path(path)
        path.write_text(json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return path


def split_examples(examples: Sequence[Example], seed: int, validation: float = 0.2, test: float = 0.0) -> Split:
    """Split by article with seeded draws (see the module docstring); order within parts is input order."""
    if not (0 <= validation < 1 and 0 <= test < 1 and validation + test < 1):
        raise ConfigError(f"split fractions validation={validation}, test={test}: each must be in [0, 1) and "
                          "their sum below 1")
    parts: dict[str, list[Example]] = {p: [] for p in PARTS}
    memo: dict[str, str] = {}
    for ex in examples:
        part = memo.get(ex.group)
        if part is None:
            part = memo[ex.group] = split_of(ex.group, seed, validation, test)
        parts[part].append(ex)
    return Split(seed, validation, test, parts)


def fingerprint(examples: Iterable[Example]) -> str:
    """sha256 over the sorted (id, labels, sha256 of text) of the examples."""
    rows = sorted(
        (e.id, e.edu, e.cont, e.writ, e.term, e.content_type, hashlib.sha256(e.text.encode()).hexdigest())
        for e in examples
    )
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()
