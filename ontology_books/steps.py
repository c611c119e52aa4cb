"""The steps of an ontology-books run: walk length filter, verbalisation by the LLM, post-check.

They apply to walk documents only (documents with ``walk_codes``, from ``reader: {format: terminology}``);
other documents pass through untouched.

- ``walk_length`` (filter): the serialised walk must have ``min_chars`` to ``max_chars`` characters,
  else it is excluded with ``walk_too_short`` (too little to write about) or ``walk_too_long`` (more
  than one paragraph's worth; skipped rather than cut, since cutting would lose codes).
- ``verbalize_walk`` (LLM): one request per walk, the versioned French prompt
  (``curation/prompts/verbalize_walk.v1.txt``: pedagogical prose, every code and relation kept, nothing
  added, no lists or markdown, never mentions the walk) and the output model ``BookParagraph``
  (``{"text": str}``). The document's text becomes the paragraph; the walk stays in ``walk_text``, with
  ``generated_by`` (model id) and ``generation_prompt``. A request without a valid answer goes to
  ``failed/`` with the LLM layer's reason and the raw output. In a dry run requests are counted and
  walks pass through unchanged.
- ``book_check`` (filter): the paragraph must have ``min_chars`` characters (``book_too_short``) and
  mention at least ``min_code_fraction`` of the walk's distinct codes (``book_codes_missing``, the
  missing codes in the detail). A code is found when it appears as a whole token, its dots optional
  (``E11.2`` matches ``E11.2`` and ``E112``; ``E11`` does not match inside ``E11.2``).
"""

from __future__ import annotations

import functools
import re
from typing import Literal

from datatrove.data import Document
from pydantic import BaseModel, Field

from curation.llm.types import LLMRequest
from curation.steps.base import KEEP, BatchStepConfig, Excluded, Filter, StepConfig, Verdict
from curation.steps.llm_common import LLMStep
from curation.steps.registry import register

__all__ = ["BookCheck", "BookCheckConfig", "BookParagraph", "VerbalizeWalk", "VerbalizeWalkConfig", "WalkLength",
           "WalkLengthConfig", "code_pattern", "missing_codes"]


def _is_walk(doc: Document) -> bool:
    return bool(doc.metadata.get("walk_codes"))


class WalkLengthConfig(StepConfig):
    """Config of ``walk_length``."""

    step: Literal["walk_length"] = "walk_length"
    """Step name."""
    min_chars: int = Field(default=300, ge=0)
    """Serialised walks shorter than this are excluded (``walk_too_short``)."""
    max_chars: int = Field(default=12000, ge=1)
    """Serialised walks longer than this are skipped (``walk_too_long``)."""


@register
class WalkLength(Filter):
    """Keeps serialised walks of ``min_chars`` to ``max_chars`` characters."""

    name = "walk_length"
    Config = WalkLengthConfig
    reasons = frozenset({"walk_too_short", "walk_too_long"})

    def applies_to(self, doc: Document) -> bool:
        return _is_walk(doc) and "generated_by" not in doc.metadata and super().applies_to(doc)

    def decide(self, doc: Document) -> Verdict:
        n = len(doc.text)
        if n < self.config.min_chars:
            return Verdict(False, "walk_too_short", f"{n} < {self.config.min_chars} characters")
        if n > self.config.max_chars:
            return Verdict(False, "walk_too_long", f"{n} > {self.config.max_chars} characters")
        return KEEP


class BookParagraph(BaseModel):
    """The verbalisation answer: one paragraph of textbook prose."""

    text: str = Field(min_length=1, max_length=20000)
    """The paragraph (continuous prose, every code of the walk cited)."""


class VerbalizeWalkConfig(BatchStepConfig):
    """Config of ``verbalize_walk``."""

    step: Literal["verbalize_walk"] = "verbalize_walk"
    """Step name."""
    prompt: str = "verbalize_walk.v1"
    """Prompt file in ``curation/prompts/`` (its name is its version, part of every cache key)."""
    max_new_tokens: int | None = Field(default=None, ge=1)
    """Cap on generated tokens per walk; None: the ``llm:`` section's ``max_new_tokens``."""


@register
class VerbalizeWalk(LLMStep):
    """Rewrites each serialised walk into a paragraph of French textbook prose."""

    name = "verbalize_walk"
    Config = VerbalizeWalkConfig
    reasons = frozenset()

    def applies_to(self, doc: Document) -> bool:
        return _is_walk(doc) and "generated_by" not in doc.metadata and super().applies_to(doc)

    def request(self, doc: Document) -> LLMRequest:
        """The request for one walk."""
        return LLMRequest(key=doc.id, messages=self.prompt.messages(doc.text), output_model=BookParagraph,
                          prompt_version=self.prompt.version, sampling=self.sampling())

    def process_batch(self, docs: list[Document]) -> list[list[Document] | Excluded | Exception]:
        """Each walk turned into its paragraph, or the failure of its request (unchanged in a dry run)."""
        return self.answer_each(docs, "verbalisation", self.write)

    def write(self, doc: Document, value: BookParagraph, model_id: str) -> list[Document]:
        """The walk document with the paragraph as its text and the walk kept in ``walk_text``."""
        doc.metadata.update(walk_text=doc.text, generated_by=model_id, generation_prompt=self.prompt.version)
        doc.text = " ".join(value.text.split())
        self.stat_update("verbalized")
        return [doc]


@functools.lru_cache(maxsize=65536)
def code_pattern(code: str) -> re.Pattern:
    """A code as a whole token, dots optional (see the module doc)."""
    parts = [re.escape(ch) if ch != "." else r"\.?" for ch in code]
    return re.compile(r"(?<![0-9A-Za-z.])" + "".join(parts) + r"(?![0-9A-Za-z]|\.[0-9A-Za-z])")


def missing_codes(text: str, codes: list[str]) -> list[str]:
    """The distinct codes of ``codes`` (in order) that ``text`` does not mention."""
    return [c for c in dict.fromkeys(codes) if not code_pattern(c).search(text)]


class BookCheckConfig(StepConfig):
    """Config of ``book_check``."""

    step: Literal["book_check"] = "book_check"
    """Step name."""
    min_chars: int = Field(default=50, ge=0)
    """Paragraphs shorter than this are excluded (``book_too_short``)."""
    min_code_fraction: float = Field(default=1.0, ge=0.0, le=1.0)
    """Share of the walk's distinct codes the paragraph must mention (1.0: every code)."""


@register
class BookCheck(Filter):
    """Keeps generated paragraphs that are long enough and mention the walk's codes."""

    name = "book_check"
    Config = BookCheckConfig
    reasons = frozenset({"book_too_short", "book_codes_missing"})

    def applies_to(self, doc: Document) -> bool:
        return _is_walk(doc) and "generated_by" in doc.metadata and super().applies_to(doc)

    def decide(self, doc: Document) -> Verdict:
        if len(doc.text) < self.config.min_chars:
            return Verdict(False, "book_too_short", f"{len(doc.text)} < {self.config.min_chars} characters")
        codes = list(dict.fromkeys(doc.metadata["walk_codes"]))
        missing = missing_codes(doc.text, codes)
        found = (len(codes) - len(missing)) / len(codes)
        if found < self.config.min_code_fraction:
            return Verdict(False, "book_codes_missing",
                           f"{len(missing)}/{len(codes)} codes missing ({', '.join(missing[:20])}); "
                           f"{found:.2f} < {self.config.min_code_fraction}")
        return KEEP
