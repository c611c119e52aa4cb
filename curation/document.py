"""The document contract: a datatrove ``Document`` plus one validated metadata schema.

Every metadata key a step may write is declared here, once, with its type and meaning. Output
Parquet shards have one column per declared key (``id``, ``text``, then the keys below); keys that
are not declared are kept, never lost, in the JSON column ``extra``. Keys starting with ``_`` are
transient: steps pass them along in memory (e.g. ``_segment_text``, the source segment of a passage,
for the fidelity check) and they are never written to output shards.

Ids are stable: ``<source>/<source-native id>`` (DOI, HAL id, record id, or the path relative to
the source root); a segment is ``<parent id>#s<index>``, a passage ``<parent id>#p<index>``. Never input order or absolute paths. The
content hash (``sha256`` of the raw input) lives in metadata, not in the id.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from datatrove.data import Document
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from curation.errors import DocumentError

__all__ = [
    "Document",
    "DocMetadata",
    "METADATA_COLUMNS",
    "make_id",
    "passage_id",
    "sha256_bytes",
    "validate_metadata",
    "to_row",
    "from_row",
    "arrow_schema",
]


class DocMetadata(BaseModel):
    """Metadata of one document. All keys optional except ``source`` and ``license``."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, use_attribute_docstrings=True)

    # provenance
    source: str
    """Name of the source (the manifest's ``name``), e.g. ``hal``."""
    license: str
    """SPDX id of the document's license (``LicenseRef-*`` for terms without an SPDX id)."""
    source_id: str | None = None
    """Source-native id: DOI, HAL id, record id, or path relative to the source root."""
    route: str | None = None
    """``extraction`` (messy text: extraction and cleaning steps run) or ``direct`` (already clean)."""
    source_path: str | None = None
    """Input file, relative to the source root."""
    locator: str | None = None
    """Where in the input file the record is: ``L<line>`` for JSONL, ``i<index>`` for arrays and Parquet."""
    sha256: str | None = None
    """sha256 of the raw input (file bytes, or the record's raw text for line/row formats)."""
    license_raw: str | None = None
    """The license as written in the input, before normalisation to SPDX (only when it was present)."""
    url: str | None = None
    """Where the work can be found."""
    title: str | None = None
    """Title of the work."""
    authors: list[str] | None = None
    """Authors of the work, as written by the source."""
    doi: str | None = None
    """DOI of the work, without the ``https://doi.org/`` prefix."""
    page_start: int | None = None
    """First page (1-based) of the text, for paged inputs."""
    page_end: int | None = None
    """Last page (1-based) of the text, for paged inputs."""
    page_count: int | None = None
    """Number of pages of the input, for paged inputs."""
    ocr_pages: list[int] | None = None
    """Pages (1-based) whose text came from OCR."""
    ocr_engine: str | None = None
    """OCR engine used for ``ocr_pages`` (e.g. ``tesseract:fra``)."""
    # passages and segments
    root_id: str | None = None
    """Id of the original document (the article) a segment or passage comes from."""
    parent_id: str | None = None
    """Id of the document this passage or segment was cut from."""
    passage_index: int | None = None
    """Index of the passage or segment within its parent (0-based)."""
    char_start: int | None = None
    """Start of the passage's character span in the parent text."""
    char_end: int | None = None
    """End (exclusive) of the passage's character span in the parent text."""
    token_count: int | None = None
    """Tokens in the text, counted with the run's ``token_counter``."""
    fixes: list[str] | None = None
    """Cleaning applied by the heuristic extractor to the text this passage comes from
    (``running_header_removed``, ``hyphenation_joined``, ``ligature_fixed``...)."""
    pii_types: list[str] | None = None
    """Kinds of personal identifiers found (``email``, ``phone``, ``nir``, ``patient_id``...)."""
    pii_count: int | None = None
    """Number of personal identifiers found."""
    pii_redacted: bool | None = None
    """Whether the identifiers were replaced by placeholders in the text."""
    # scores written by later steps (taggers never drop; filters decide from these)
    language: str | None = None
    """Language code found by language identification."""
    language_score: float | None = None
    """Confidence of the language identification."""
    fidelity: float | None = None
    """Share of the passage's normalised characters found in its source segment (0–1)."""
    dup_cluster: str | None = None
    """Id of the near-duplicate cluster (the id of its representative)."""
    dup_cluster_size: int | None = None
    """Number of documents in the near-duplicate cluster."""
    quality_edu: int | None = Field(default=None, alias="quality.edu")
    """Educational value 1–10 (LLM annotation)."""
    quality_cont: int | None = Field(default=None, alias="quality.cont")
    """Content richness 1–10 (LLM annotation)."""
    quality_writ: int | None = Field(default=None, alias="quality.writ")
    """Writing quality 1–10 (LLM annotation)."""
    quality_term: int | None = Field(default=None, alias="quality.term")
    """Terminology precision 1–10 (LLM annotation)."""
    content_type: str | None = None
    """One of the nine content types of the ModernCamemBERT-bio paper (LLM annotation)."""
    annotated_by: str | None = None
    """Model id of the LLM that wrote the ``quality.*`` scores and ``content_type``."""
    annotation_prompt: str | None = None
    """Prompt version used for the annotation (e.g. ``annotate_quality.v1``)."""
    extracted_by: str | None = None
    """Model id of the LLM that extracted this passage (absent for the heuristic extractor)."""
    extraction_prompt: str | None = None
    """Prompt version used for the extraction (e.g. ``extract_passages.v1``)."""
    # student classifier (distilled from the LLM annotations; never overwrites them)
    student_edu: float | None = Field(default=None, alias="student.edu")
    """Educational value predicted by the student classifier (1–10 scale)."""
    student_cont: float | None = Field(default=None, alias="student.cont")
    """Content richness predicted by the student classifier (1–10 scale)."""
    student_writ: float | None = Field(default=None, alias="student.writ")
    """Writing quality predicted by the student classifier (1–10 scale)."""
    student_term: float | None = Field(default=None, alias="student.term")
    """Terminology precision predicted by the student classifier (1–10 scale)."""
    student_content_type: str | None = Field(default=None, alias="student.content_type")
    """Content type predicted by the student classifier."""
    student_model: str | None = None
    """Id of the student model that wrote the ``student.*`` fields."""
    decontam_matches: list[str] | None = None
    """Evaluation items (``set:item``) sharing a normalised n-gram with the document (``decontaminate``, flag
    mode); empty: checked and clean."""
    # quality upsampling
    repetitions: int | None = None
    """How many times ``pack`` writes this document (quality upsampling); 1 when absent."""
    upsample_ratio: float | None = None
    """Share of the document's article's selected passages that meet the upsampling rule (0–1)."""
    upsample_coefficient: float | None = None
    """Upsampling coefficient of the article's bucket (Table 7), before drawing the integer repetitions."""
    # ontology textbooks (``biomedfr books``)
    terminology: str | None = None
    """Terminology a textbook was generated from: ``cim10``, ``ccam``, ``atc`` or ``other``."""
    terminology_version: str | None = None
    """Release of that terminology (RDF ``owl:versionInfo`` or the recipe's ``version``)."""
    walk_type: str | None = None
    """Kind of random walk (``etiology``, ``differential``, ``hierarchical``...)."""
    walk_codes: list[str] | None = None
    """Codes the walk visited, in order."""
    walk_relations: list[str] | None = None
    """Relation of each step of the walk (``parent``, ``causality``, ``causality_of``...)."""
    walk_text: str | None = None
    """The serialised walk the textbook paragraph was generated from."""
    generated_by: str | None = None
    """Model id of the LLM that wrote the textbook paragraph."""
    generation_prompt: str | None = None
    """Prompt version used for it (e.g. ``verbalize_walk.v1``)."""


def _column_name(name: str, field) -> str:
    return field.alias or name


METADATA_COLUMNS: dict[str, type] = {
    _column_name(name, f): f.annotation for name, f in DocMetadata.model_fields.items()
}
"""Declared metadata keys (as written in ``Document.metadata``) and their Python types."""


def make_id(source: str, native_id: str) -> str:
    """Stable document id: ``<source>/<native id>`` with a leading ``./`` or ``/`` removed."""
    native = str(native_id).strip().removeprefix("./").lstrip("/")
    if not native:
        raise DocumentError("missing_id", f"source {source!r}: a record has an empty id")
    return f"{source}/{native}"


def passage_id(parent_id: str, index: int) -> str:
    """Stable passage id: the parent id and the passage index."""
    return f"{parent_id}#p{index}"


def segment_id(parent_id: str, index: int) -> str:
    """Stable segment id: the parent id and the segment index."""
    return f"{parent_id}#s{index}"


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of raw bytes."""
    return hashlib.sha256(data).hexdigest()


def validate_metadata(metadata: dict[str, Any], where: str = "") -> dict[str, Any]:
    """Check declared keys' types; return the metadata unchanged. Raise ``DocumentError`` on a bad value."""
    try:
        DocMetadata.model_validate(metadata)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise DocumentError("invalid_metadata", f"{where}: metadata field {loc!r}: {first['msg']}") from exc
    return metadata


# --- Parquet rows -------------------------------------------------------------------------------

def _base_type(annotation) -> type:
    args = [a for a in getattr(annotation, "__args__", ()) if a is not type(None)]
    return args[0] if args and getattr(annotation, "__origin__", None) is not list else annotation


def arrow_schema():
    """The pyarrow schema of output shards: ``id``, ``text``, declared metadata keys, ``extra`` (JSON)."""
    import pyarrow as pa

    mapping = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_(),
               list[str]: pa.list_(pa.string()), list[int]: pa.list_(pa.int64())}
    fields = [pa.field("id", pa.string(), nullable=False), pa.field("text", pa.string(), nullable=False)]
    for key, annotation in METADATA_COLUMNS.items():
        fields.append(pa.field(key, mapping[_base_type(annotation)]))
    fields.append(pa.field("extra", pa.string()))
    return pa.schema(fields)


def to_row(doc: Document) -> dict[str, Any]:
    """Flatten a document to one output row: declared keys as columns, the rest in ``extra`` (JSON)."""
    row: dict[str, Any] = {"id": doc.id, "text": doc.text}
    extra = {}
    for key, value in doc.metadata.items():
        if key.startswith("_"):
            continue
        if key in METADATA_COLUMNS:
            row[key] = value
        else:
            extra[key] = value
    for key in METADATA_COLUMNS:
        row.setdefault(key, None)
    row["extra"] = json.dumps(extra, ensure_ascii=False, sort_keys=True, default=str) if extra else None
    return row


def from_row(row: dict[str, Any]) -> Document:
    """Inverse of ``to_row``: rebuild the document, dropping absent (null) keys."""
    metadata = {k: v for k, v in row.items() if k in METADATA_COLUMNS and v is not None}
    if row.get("extra"):
        metadata.update(json.loads(row["extra"]))
    return Document(text=row["text"], id=row["id"], metadata=metadata)
