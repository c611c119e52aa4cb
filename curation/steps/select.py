"""``select``: passages of unwanted content types and short passages are dropped (paper §3.3).

The paper excludes ``drug_information`` (redundant with EMEA) and ``other`` from the final corpus, and
the passages of fewer than 50 tokens. The content type is read from the metadata key the recipe names
(``fields.content_type``, the student classifier's ``student.content_type`` by default); the token count
is ``token_count`` when a tagger wrote it, else the run's token counter. The content type is checked
first: a short ``drug_information`` passage is excluded as ``content_type_dropped``.

Runs on the extraction route only by default: direct sources such as EMEA are drug information by
nature and enter the mix as they are; they are not passage-selected.

A passage without the content-type field fails (``missing_score``): the scoring step (``student_score``,
or the one writing the named field) must run before; it is never kept silently. A content type that is
not one of the paper's nine fails too (``unknown_content_type``): the scorer and this step disagree.
"""

from __future__ import annotations

import difflib
from typing import Literal

from datatrove.data import Document
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from curation.errors import DocumentError
from curation.scores import ScoreFields
from curation.steps.base import KEEP, Filter, StepConfig, Verdict
from curation.steps.llm_annotate import CONTENT_TYPES
from curation.steps.registry import register

__all__ = ["SelectConfig", "SelectFilter"]


class SelectConfig(StepConfig):
    """Config of ``select``."""

    step: Literal["select"] = "select"
    """Step name."""
    fields: ScoreFields = Field(default_factory=ScoreFields)
    """Metadata keys of the scores (the content type is read from ``fields.content_type``; default ``student.*``)."""
    drop_content_types: list[str] = Field(default_factory=lambda: ["drug_information", "other"])
    """Content types whose passages are excluded with ``content_type_dropped`` (names from the paper's nine)."""
    min_tokens: int = Field(default=50, ge=0)
    """Passages with fewer tokens (``token_count``, else the run's counter) are excluded with ``too_few_tokens``."""

    @field_validator("drop_content_types")
    @classmethod
    def _known_types(cls, names: list[str]) -> list[str]:
        for name in names:
            if name not in CONTENT_TYPES:
                close = difflib.get_close_matches(name, CONTENT_TYPES, n=1, cutoff=0.5)
                hint = f"did you mean {close[0]!r}?" if close else f"one of {', '.join(CONTENT_TYPES)}"
                raise PydanticCustomError("unknown_content_type", "unknown content type {name} — {hint}",
                                          {"name": repr(name), "hint": hint})
        return names


@register
class SelectFilter(Filter):
    """Drops passages of the dropped content types and passages under ``min_tokens`` (extraction route only)."""

    name = "select"
    Config = SelectConfig
    reasons = frozenset({"content_type_dropped", "too_few_tokens"})
    default_routes = frozenset({"extraction"})

    def decide(self, doc: Document) -> Verdict:
        key = self.config.fields.content_type
        content_type = doc.metadata.get(key)
        if content_type is None:
            raise DocumentError(
                "missing_score",
                f"{doc.id}: no {key!r} in metadata — the step that writes it (student_score, or the scorer named by "
                f"this step's `fields.content_type`) must run before {self.label}",
            )
        if content_type not in CONTENT_TYPES:
            raise DocumentError(
                "unknown_content_type",
                f"{doc.id}: {key!r} is {content_type!r}, not one of the nine content types ({', '.join(CONTENT_TYPES)})"
                " — check the scorer that wrote it",
            )
        if content_type in self.config.drop_content_types:
            return Verdict(False, "content_type_dropped", content_type)
        count = doc.metadata.get("token_count")
        if count is None:
            count = self.context.token_counter.count(doc.text)
        if count < self.config.min_tokens:
            return Verdict(False, "too_few_tokens", f"{count} < {self.config.min_tokens}")
        return KEEP
