"""``llm_extract``: an LLM turns each segment of messy PDF/OCR text into clean passages (paper §3.2).

One request per input (a segment, or a whole document): the versioned French prompt
(``curation/prompts/extract_passages.v1.txt``: keep semantically complete passages; drop references,
metadata, running headers and footers, captions, page numbers; fix OCR errors such as digits for
accented letters and broken ligatures; join hyphenated words; invent, summarise or translate nothing)
and the output model ``ExtractedPassages`` (``{"passages": [str, ...]}``, each passage at most
``MAX_PASSAGE_CHARS`` characters without control characters, at most ``MAX_PASSAGES`` of them), enforced
by the backend's constrained decoding and validated by the LLM layer.

Outputs follow the heuristic extractor's contract (``heuristic_extract``), which this step replaces:
each non-blank passage (stripped) is a document ``<input id>#p<index>`` with the input's metadata
(transient ``_`` keys left out) plus ``root_id`` (the input's, or the input id), ``parent_id`` (the input
id), ``passage_index``, ``token_count`` (run's token counter), ``extracted_by`` (the model id),
``extraction_prompt`` (the prompt version), ``char_start``/``char_end`` and, for paged inputs,
``page_start``/``page_end`` when the passage can be located in the input (see ``locate``), and the
transient ``_segment_text`` (the input text, one string object shared by its passages) that the
``fidelity`` step aligns the passage against. The passage and fidelity filters run after this step.

A request that ends without a valid answer sends its input to ``failed/`` with the LLM layer's reason
(``llm_invalid_json``, ``llm_no_stop``, ``llm_repetition_loop``, ``llm_timeout``, ``llm_unavailable``)
and the model's raw output in the message. A valid answer with no passage excludes the input
(``no_passage_extracted``), as does an input with no text (no request is sent for it).

In a dry run the requests are built and counted (``llm.requests``...) and inputs pass through unchanged.
Stats: the ``llm.*`` counters of ``curation.steps.llm_common`` and ``passages`` (passages written).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal

from datatrove.data import Document
from pydantic import AfterValidator, BaseModel, Field, StringConstraints
from pydantic_core import PydanticCustomError

from curation.llm.types import LLMRequest
from curation.steps.base import BatchStepConfig, Excluded
from curation.steps.llm_common import LLMStep, failure
from curation.steps.passages import passage_documents
from curation.steps.registry import register

__all__ = ["MAX_PASSAGES", "MAX_PASSAGE_CHARS", "ExtractedPassages", "LLMExtractConfig", "LLMExtractor", "locate"]

MAX_PASSAGE_CHARS = 8000
"""Longest passage accepted, in characters (the paper keeps passages of 30–600 words, about 4 500 characters)."""
MAX_PASSAGES = 200
"""Most passages accepted from one segment."""
ANCHOR_WORDS = 6
"""Words of one anchor: a run of the passage's words searched in the input, whitespace-insensitively."""
ANCHOR_TRIES = 4
"""Anchors tried from each end of a passage before giving up on locating it."""


def _no_control_characters(text: str) -> str:
    """The text unchanged; a validation error when it holds control characters other than tab and newlines."""
    bad = sorted({f"U+{ord(c):04X}" for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r"})
    if bad:
        raise PydanticCustomError("control_characters", "passage holds control characters {chars}",
                                  {"chars": ", ".join(bad[:5])})
    return text


Passage = Annotated[str, StringConstraints(max_length=MAX_PASSAGE_CHARS), AfterValidator(_no_control_characters)]
"""One extracted passage: at most ``MAX_PASSAGE_CHARS`` characters, no control characters."""


class ExtractedPassages(BaseModel):
    """The extraction answer: the clean passages of one segment, in reading order."""

    passages: list[Passage] = Field(max_length=MAX_PASSAGES)
    """Semantically complete passages, cleaned and repaired, in the order of the segment."""


class LLMExtractConfig(BatchStepConfig):
    """Config of ``llm_extract``."""

    step: Literal["llm_extract"] = "llm_extract"
    """Step name."""
    max_new_tokens: int | None = Field(default=None, ge=1)
    """Cap on generated tokens per segment; None: the ``llm:`` section's ``max_new_tokens``."""
    prompt: str = "extract_passages.v1"
    """Prompt file in ``curation/prompts/`` (its name is its version, part of every cache key)."""


def _anchor(words: list[str]) -> re.Pattern[str]:
    """A pattern matching ``words`` separated by any whitespace."""
    return re.compile(r"\s+".join(re.escape(w) for w in words))


def _head(words: list[str], source: str, origin: int) -> int | None:
    """Estimated start of the passage: the first of its leading anchors found at or after ``origin``."""
    size = min(ANCHOR_WORDS, len(words))
    for k in range(0, min(len(words) - size + 1, ANCHOR_WORDS * ANCHOR_TRIES), ANCHOR_WORDS):
        match = _anchor(words[k : k + size]).search(source, origin)
        if match is not None:
            return max(0, match.start() - len(" ".join(words[:k])) - (1 if k else 0))
    return None


def _tail(words: list[str], source: str, start: int) -> int | None:
    """Estimated end of the passage: the last of its trailing anchors found after ``start``."""
    size = min(ANCHOR_WORDS, len(words))
    for j in range(len(words), max(size - 1, len(words) - ANCHOR_WORDS * ANCHOR_TRIES), -ANCHOR_WORDS):
        match = _anchor(words[j - size : j]).search(source, start)
        if match is not None:
            rest = " ".join(words[j:])
            return min(len(source), match.end() + len(rest) + (1 if rest else 0))
    return None


def locate(passage: str, source: str, start_at: int = 0) -> tuple[int, int] | None:
    """The span of ``source`` a passage comes from, or None when it cannot be found.

    The passage is searched as it is first. Failing that (the model repaired OCR errors, joined lines and
    hyphenated words), runs of ``ANCHOR_WORDS`` words are searched whitespace-insensitively: from its
    start (up to ``ANCHOR_TRIES`` runs) for the span's start, from its end for the span's end (else
    ``len(passage)`` characters later), the length of the words skipped being subtracted or added. The
    search starts at ``start_at`` (passages come in reading order), then falls back to the whole source.
    Such a span is approximate: ``fidelity`` widens it by its margin, then falls back to the whole source.
    """
    for origin in dict.fromkeys((start_at, 0)):
        found = source.find(passage, origin)
        if found >= 0:
            return found, found + len(passage)
    words = passage.split()
    if not words:
        return None
    for origin in dict.fromkeys((start_at, 0)):
        start = _head(words, source, origin)
        if start is None:
            continue
        end = _tail(words, source, start)
        if end is None or end <= start:
            end = min(len(source), start + len(passage))
        return start, end
    return None


@register
class LLMExtractor(LLMStep):
    """Asks the LLM for the clean passages of each segment; one output document per passage."""

    name = "llm_extract"
    Config = LLMExtractConfig
    reasons = frozenset({"no_passage_extracted"})
    default_routes = frozenset({"extraction"})

    def request(self, doc: Document) -> LLMRequest:
        """The request for one input."""
        return LLMRequest(key=doc.id, messages=self.prompt.messages(doc.text), output_model=ExtractedPassages,
                          prompt_version=self.prompt.version, sampling=self.sampling())

    def process_batch(self, docs: list[Document]) -> list[list[Document] | Excluded | Exception]:
        """The passages of each input, ``no_passage_extracted``, or the failure of its request."""
        results: list[list[Document] | Excluded | Exception | None] = [None] * len(docs)
        todo = []
        for i, doc in enumerate(docs):
            if doc.text.strip():
                todo.append(i)
            else:
                results[i] = Excluded("no_passage_extracted", "empty input: no request sent")
        requests = [self.request(docs[i]) for i in todo]
        if self.context.dry_run:
            self.estimate(requests)
            for i in todo:
                results[i] = [docs[i]]
            return results  # type: ignore[return-value]
        model_id = self.model_id
        for i, answer in zip(todo, self.generate(requests), strict=True):
            if not answer.ok:
                results[i] = failure(answer, model_id, f"passage extraction of {docs[i].id}")
                continue
            results[i] = self.passages(docs[i], answer.value.passages, model_id)
        return results  # type: ignore[return-value]

    def passages(self, doc: Document, texts: list[str], model_id: str) -> list[Document] | Excluded:
        """The output documents of one input's passages (see the module doc)."""
        texts = [t.strip() for t in texts if t.strip()]
        if not texts:
            return Excluded("no_passage_extracted", f"{model_id} returned no passage")
        pieces, cursor = [], 0
        for text in texts:
            span = locate(text, doc.text, cursor)
            if span is not None:
                cursor = span[1]
            pieces.append((text, span))
        outputs = passage_documents(doc, pieces, self.context.token_counter, extracted_by=model_id,
                                    extraction_prompt=self.prompt.version)
        self.stat_update("passages", value=len(outputs))
        return outputs
