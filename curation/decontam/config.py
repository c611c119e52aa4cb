"""Configuration of decontamination: the evaluation sets, their field mapping, n, mode, normalisation.

The same fields serve the command (``biomedfr decontaminate --config FILE.yaml``) and the recipe step
(``step: decontaminate``). A YAML file for the command::

    n: 13                      # words per n-gram
    mode: drop                 # drop | flag
    index: runs/decontam-index # optional: reuse a saved index (built and saved there when missing)
    eval_sets:
      - name: frenchmedmcqa-test
        path: ../shared/realdata/frenchmedmcqa/test.json   # relative: to the YAML file's folder
        fields: {id: id, question: question, options: answers, answer: correct_answers}
      - name: mediqal
        path: eval/mediqal.csv
        fields: {question: question, options: [opa, opb, opc, opd, ope], answer: cop}

Field values are dotted paths into a record (``meta.question``), so nested JSON and Parquet structs
work. ``options`` is one field holding a list, a mapping (its values, in order: FrenchMedMCQA's
``answers: {a: ..., e: ...}``) or a string; or a list of fields, one option each (CSV columns).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from curation.config import StrictModel

__all__ = [
    "EVAL_FORMATS",
    "DecontamConfig",
    "DecontamSettings",
    "EvalSetConfig",
    "FieldMap",
    "Normalization",
    "format_of",
]

EvalFormat = Literal["jsonl", "json", "csv", "parquet"]
EVAL_FORMATS: dict[str, str] = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet",
}
"""Default format by file extension (a trailing ``.gz`` is looked through for the text formats)."""

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]*$")


class FieldMap(StrictModel):
    """Where an evaluation item's parts are in a record (dotted paths; null: not used)."""

    id: str | None = "id"
    """Field holding the item id; an item without it is named by its 0-based row number."""
    question: str | None = "question"
    """Field holding the question (or prompt)."""
    options: str | list[str] | None = None
    """One field holding the options (a list, a mapping: its values in order, or a string), or a list of
    fields, one option each (e.g. CSV columns ``[opa, opb, opc, opd]``)."""
    answer: str | None = None
    """Field holding the answer: option keys (``e``, ``[b, d]``), 0-based option indexes, column names of
    ``options``, or the answer's text; keys, indexes and column names are replaced by their options' text."""
    text: str | None = None
    """Field holding a free text (a passage, a clinical case) indexed as a sequence of its own."""

    @model_validator(mode="after")
    def _something_to_index(self) -> FieldMap:
        """An item needs a question or a text."""
        if self.question is None and self.text is None:
            raise PydanticCustomError("no_text_field", "map at least one of 'question' or 'text'")
        return self


class EvalSetConfig(StrictModel):
    """One evaluation set: a file of items and how to read them."""

    name: str
    """Name used in reports and in ``set:item`` match strings (letters, digits, ``_ . - /``; no ``:``)."""
    path: str
    """JSONL, JSON (an array of records), CSV or Parquet file (relative: to the YAML file's folder)."""
    format: EvalFormat | None = None
    """File format; null: from the extension (``.jsonl``/``.ndjson``, ``.json``, ``.csv``, ``.parquet``)."""
    fields: FieldMap = Field(default_factory=FieldMap)
    """Where the id, question, options, answer and text are in a record."""
    include_options: bool = True
    """Index the question followed by its options as one word sequence (else the question alone)."""
    option_labels: bool = True
    """Also index the options preceded by their labels (the mapping's keys, else ``a``, ``b``...), as quiz pages
    print them (``A. ...``, ``(b) ...``)."""
    include_answer: bool = True
    """Also index the question followed by the answer's text (catches question + answer pairs in the corpus)."""

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise PydanticCustomError(
                "bad_eval_set_name", "{name!r}: use letters, digits and _ . - / only (no ':' or spaces)", {"name": value}
            )
        return value

    def resolved_format(self) -> str:
        """The format, from the extension when not given."""
        return self.format or format_of(self.path)


def format_of(path: str) -> str:
    """The evaluation-file format of ``path`` from its extension (``.gz`` looked through); ``""`` if unknown."""
    p = Path(path.removesuffix(".gz"))
    return EVAL_FORMATS.get(p.suffix.lower(), "")


class Normalization(StrictModel):
    """How texts are normalised before cutting n-grams (the same for the evaluation items and the corpus).

    Always: Unicode compatibility forms folded, lowercase, every character that is not a letter or a digit
    becomes a space, whitespace collapsed (so case, punctuation and spacing never hide a match).
    """

    strip_accents: bool = True
    """Remove diacritics (``é`` -> ``e``; ``curation.text.normalize``); false keeps them
    (``curation.dedup.normalize``)."""
    numbers: Literal["keep", "zero"] = "keep"
    """``keep``: digits stay (``5 mg`` and ``50 mg`` differ); ``zero``: every number (``12``, ``0,5``) becomes
    ``0``, as datatrove's ``norm_numbers`` does."""


class DecontamSettings(StrictModel):
    """The fields shared by the command's YAML and the recipe step."""

    eval_sets: list[EvalSetConfig] = Field(default_factory=list)
    """Evaluation sets to index (empty: ``index`` must name an existing index)."""
    index: str | None = None
    """Folder of a saved index: loaded when it exists (it must match ``eval_sets``, ``n`` and the
    normalisation when those are given), else built from ``eval_sets`` and saved there."""
    n: int = Field(default=13, ge=1, le=255)
    """Words per n-gram; an item sequence with fewer words is matched whole, as a contiguous word sequence."""
    min_item_words: int = Field(default=8, ge=1, le=255)
    """Item sequences with fewer normalised words are not indexed (too generic to mean contamination)."""
    mode: Literal["flag", "drop"] = "drop"
    """``drop``: exclude matching documents (reason ``eval_contamination``); ``flag``: keep them and write
    ``decontam_matches``."""
    normalization: Normalization = Field(default_factory=Normalization)
    """Normalisation applied to items and documents before cutting n-grams."""

    @model_validator(mode="after")
    def _check(self):
        """Something to match against; distinct set names."""
        if not self.eval_sets and not self.index:
            raise PydanticCustomError("nothing_to_match", "give 'eval_sets' (files to index) or 'index' (a saved index)")
        names = [s.name for s in self.eval_sets]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise PydanticCustomError("duplicate_eval_set", "eval set names must be distinct: {names}",
                                      {"names": ", ".join(twice)})
        return self


class DecontamConfig(DecontamSettings):
    """The YAML file of ``biomedfr decontaminate --config``."""

    examples: int = Field(default=3, ge=0)
    """Example matches kept per evaluation set in ``report.json`` and the printed table."""
