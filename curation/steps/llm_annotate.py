"""``llm_annotate``: an LLM scores each passage on four quality signals and gives its content type (§3.2).

One request per document: the versioned French prompt (``curation/prompts/annotate_quality.v1.txt``)
and the output model ``QualityAnnotation``: ``edu`` (educational value), ``cont`` (content richness),
``writ`` (writing quality), ``term`` (terminology precision), integers 1–10 declared as an enum so that
constrained decoders enforce the bounds, and ``content_type``, one of the paper's nine types
(``CONTENT_TYPES``). The text sent is cut at ``max_chars`` characters.

Metadata written (declared in ``curation/document.py`` except the last two): ``quality.edu``,
``quality.cont``, ``quality.writ``, ``quality.term`` (int), ``content_type`` (str), ``annotated_by`` (the
model id, str) and ``annotation_prompt`` (the prompt version, str). A request that ends without a valid
answer sends the document to ``failed/`` with the LLM layer's reason (``llm_invalid_json``...) and the
model's raw output in the message. The step never excludes.

Sampling (the classifier of the paper is distilled from annotations of a sample): with
``sample_fraction`` and/or ``sample_count``, only sampled documents are annotated; the others pass through
unchanged (stat ``not_sampled``). A document's draw is ``u = sha256("<seed>\\0<id>")`` read as a number in
[0, 1): it depends on nothing but the id and the seed, not on input order or task count.
``sample_fraction`` keeps the documents with ``u < fraction`` (the same ones in every run and every task
layout). ``sample_count`` keeps, within each task (a shard of the input), the ``count`` documents with
the smallest ``u`` (among those of the fraction when both are set): the whole run annotates about
``count × tasks`` documents. It holds up to ``count`` documents in memory until the end of the task,
where it annotates them in input order; documents not (or no longer) in the sample are yielded as soon as
this is known, so the step's output order differs from its input order (deterministically).

In a dry run the requests of the sampled documents are counted (``llm.requests``...) and every document
passes through unchanged. Stats: the ``llm.*`` counters of ``curation.steps.llm_common``, ``annotated``,
``not_sampled``.
"""

from __future__ import annotations

import hashlib
import heapq
from typing import Literal

from datatrove.data import Document, DocumentsPipeline
from pydantic import BaseModel, Field

from curation.llm.types import LLMRequest
from curation.steps.base import BatchStepConfig, Excluded
from curation.steps.llm_common import LLMStep
from curation.steps.registry import register

__all__ = ["CONTENT_TYPES", "ContentType", "LLMAnnotateConfig", "LLMAnnotator", "QualityAnnotation", "Score",
           "sample_draw"]

Score = Literal[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
"""A quality score: an integer from 1 to 10 (an enum in the JSON schema)."""
ContentType = Literal["research_findings", "medical_knowledge", "clinical_guidance", "research_methodology",
                      "drug_information", "background_review", "policy_administrative", "patient_case", "other"]
"""The nine content types of the ModernCamemBERT-bio paper."""
CONTENT_TYPES: tuple[str, ...] = ContentType.__args__
"""The content types, in the paper's order."""


class QualityAnnotation(BaseModel):
    """The annotation answer for one passage."""

    edu: Score
    """Educational value, 1–10."""
    cont: Score
    """Content richness, 1–10."""
    writ: Score
    """Writing quality, 1–10."""
    term: Score
    """Terminology precision, 1–10."""
    content_type: ContentType
    """One of the nine content types."""


class LLMAnnotateConfig(BatchStepConfig):
    """Config of ``llm_annotate``."""

    step: Literal["llm_annotate"] = "llm_annotate"
    """Step name."""
    max_new_tokens: int | None = Field(default=None, ge=1)
    """Cap on generated tokens per document; None: the ``llm:`` section's ``max_new_tokens``."""
    prompt: str = "annotate_quality.v1"
    """Prompt file in ``curation/prompts/`` (its name is its version, part of every cache key)."""
    max_chars: int = Field(default=12000, ge=1)
    """Characters of the document sent to the model; the rest is cut (passages are 30–600 words)."""
    sample_fraction: float | None = Field(default=None, gt=0.0, le=1.0)
    """Annotate only documents whose seeded draw is below this fraction; None: no fraction limit."""
    sample_count: int | None = Field(default=None, ge=1)
    """Annotate at most this many documents PER TASK: those with the smallest draws; None: no count limit."""
    seed: int = 0
    """Seed of the sample's draws (a document's draw depends only on its id and this seed)."""


def sample_draw(doc_id: str, seed: int) -> float:
    """The document's draw in [0, 1): the first 8 bytes of ``sha256("<seed>\\0<id>")`` over 2**64."""
    digest = hashlib.sha256(f"{seed}\0{doc_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@register
class LLMAnnotator(LLMStep):
    """Scores documents on edu, cont, writ, term (1–10) and gives their content type; samples by seeded draws."""

    name = "llm_annotate"
    Config = LLMAnnotateConfig
    reasons = frozenset()

    def request(self, doc: Document) -> LLMRequest:
        """The request for one document."""
        return LLMRequest(key=doc.id, messages=self.prompt.messages(doc.text[: self.config.max_chars]),
                          output_model=QualityAnnotation, prompt_version=self.prompt.version,
                          sampling=self.sampling())

    def process_batch(self, docs: list[Document]) -> list[list[Document] | Excluded | Exception]:
        """Each document with its annotation, or the failure of its request (unchanged in a dry run)."""
        return self.answer_each(docs, "annotation", self.annotate)

    def annotate(self, doc: Document, value: QualityAnnotation, model_id: str) -> list[Document]:
        """The document with one valid annotation in its metadata."""
        doc.metadata.update({"quality.edu": value.edu, "quality.cont": value.cont, "quality.writ": value.writ,
                             "quality.term": value.term, "content_type": value.content_type,
                             "annotated_by": model_id, "annotation_prompt": self.prompt.version})
        self.stat_update("annotated")
        return [doc]

    # -- sampling -------------------------------------------------------------------------------
    def _pass(self, doc: Document) -> Document:
        """Count a document let through unannotated because it is not in the sample."""
        self.stat_update("kept", "out", "not_sampled")
        return doc

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """``BatchStep.run`` with the seeded sample in front (see the module doc)."""
        if data is None:
            return
        cfg = self.config
        batch: list[Document] = []
        kept: list[tuple[float, str, int, Document]] = []  # max-heap of the sample_count smallest draws
        ready = False
        try:
            for position, doc in enumerate(data):
                self.stat_update("in")
                if not self.applies_to(doc):
                    self.stat_update("kept", "out", "passed_through")
                    yield doc
                    continue
                if cfg.sample_fraction is not None or cfg.sample_count is not None:
                    draw = sample_draw(doc.id, cfg.seed)
                    if cfg.sample_fraction is not None and draw >= cfg.sample_fraction:
                        yield self._pass(doc)
                        continue
                    if cfg.sample_count is not None:
                        entry = (-draw, _reverse(doc.id), position, doc)
                        if len(kept) < cfg.sample_count:
                            heapq.heappush(kept, entry)
                        else:
                            yield self._pass(heapq.heappushpop(kept, entry)[3])
                        continue
                batch.append(doc)
                if len(batch) >= cfg.batch_size:
                    if not ready:
                        self.setup()
                        ready = True
                    yield from self._run_batch(batch, rank)
                    batch = []
            batch.extend(entry[3] for entry in sorted(kept, key=lambda e: e[2]))
            for start in range(0, len(batch), cfg.batch_size):
                if not ready:
                    self.setup()
                    ready = True
                yield from self._run_batch(batch[start : start + cfg.batch_size], rank)
        finally:
            self._close_sinks()


class _reverse(str):
    """A string ordered backwards, so that the max-heap on ``(-draw, id)`` evicts the largest (draw, id)."""

    __slots__ = ()

    def __lt__(self, other: str) -> bool:
        return str.__gt__(self, other)

    def __gt__(self, other: str) -> bool:
        return str.__lt__(self, other)
