"""``heuristic_extract``: the extractor without an LLM — clean a segment (or a whole document), cut passages.

The cleaning and cutting are the pure function ``curation.text.cleaning.extract_passages`` (its module
doc says what is removed, repaired and merged, and how); this step turns its result into documents.

Each passage is a document ``<input id>#p<index>`` with the input's metadata (transient ``_`` keys left
out) plus ``root_id`` (the input's, or the input id), ``parent_id`` (the input id), ``passage_index``,
``char_start``/``char_end`` (the span of the input text covering the lines the passage came from),
``token_count`` (run's token counter), ``fixes`` (the fixes that changed something in this input, the
same list for all its passages), for paged inputs ``page_start``/``page_end``, and the transient
``_segment_text``: the input text, the very same string object for every passage of one input, which
the ``fidelity`` step aligns the passage against.

Stats: one counter per fix kind (``running_header_removed``... : inputs where it applied) and
``passages`` (passages written). Reason: ``no_passage_extracted`` (nothing left once cleaned).
"""

from __future__ import annotations

from typing import Literal

from datatrove.data import Document
from pydantic import Field

from curation.steps.base import CurationStep, Excluded, StepConfig
from curation.steps.passages import passage_documents
from curation.steps.registry import register
from curation.text.cleaning import CleaningParams, extract_passages

__all__ = ["HeuristicExtractConfig", "HeuristicExtractor"]


class HeuristicExtractConfig(StepConfig):
    """Config of ``heuristic_extract``."""

    step: Literal["heuristic_extract"] = "heuristic_extract"
    """Step name."""
    header_lines: int = Field(default=3, ge=1)
    """Non-empty lines examined at the top and at the bottom of each page for running headers/footers."""
    header_min_pages: int = Field(default=2, ge=2)
    """A line repeated at the page edges of at least this many pages is a running header..."""
    header_min_share: float = Field(default=0.3, ge=0.0, le=1.0)
    """...and so is one repeated on at least this share of the pages holding text (never fewer than 2 pages)."""
    merge_below_words: int = Field(default=8, ge=0)
    """Heading-like paragraphs (no final punctuation) with fewer words are merged into the next one."""


@register
class HeuristicExtractor(CurationStep):
    """Removes page furniture, references and captions, repairs the text, and cuts it into passages."""

    name = "heuristic_extract"
    Config = HeuristicExtractConfig
    reasons = frozenset({"no_passage_extracted"})
    default_routes = frozenset({"extraction"})

    def _params(self) -> CleaningParams:
        """The cleaning parameters this step's config describes."""
        cfg = self.config
        return CleaningParams(cfg.header_lines, cfg.header_min_pages, cfg.header_min_share, cfg.merge_below_words)

    def process(self, doc: Document) -> list[Document] | Excluded:
        """The passages of ``doc``, or ``no_passage_extracted`` when cleaning leaves nothing."""
        source = doc.text
        extraction = extract_passages(source, self._params())
        for fix in extraction.fixes:
            self.stat_update(fix)
        if not extraction.passages:
            applied = ", ".join(extraction.fixes) or "none"
            return Excluded("no_passage_extracted", f"no text left after cleaning (fixes: {applied})")
        pieces = [(p.text, (p.start, p.end)) for p in extraction.passages]
        outputs = passage_documents(doc, pieces, self.context.token_counter, fixes=list(extraction.fixes))
        self.stat_update("passages", value=len(outputs))
        return outputs
