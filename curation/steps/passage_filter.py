"""``passage_filter``: keep passages of 30 to 600 words with at least 60 % letters (paper §3.2).

Words and the letter share are measured as ``curation.text.words`` defines them: a word is a
whitespace-separated token holding a letter or a digit; the letter share is alphabetic characters over
non-space characters. Checks run in this order and the first that fails gives the reason:
``passage_too_short`` (fewer than ``min_words``), ``passage_too_long`` (more than ``max_words``),
``passage_low_alpha`` (letter share below ``min_alpha_ratio``). The verdict detail gives the measured
value against the threshold (``12 words < 30``, ``alpha 0.412 < 0.6``).
"""

from __future__ import annotations

from typing import Literal

from datatrove.data import Document
from pydantic import Field

from curation.steps.base import KEEP, Filter, StepConfig, Verdict
from curation.steps.registry import register
from curation.text.words import alpha_ratio, count_words

__all__ = ["PassageFilterConfig", "PassageFilter"]


class PassageFilterConfig(StepConfig):
    """Config of ``passage_filter``."""

    step: Literal["passage_filter"] = "passage_filter"
    """Step name."""
    min_words: int = Field(default=30, ge=0)
    """Passages with fewer words are excluded (``passage_too_short``)."""
    max_words: int = Field(default=600, ge=1)
    """Passages with more words are excluded (``passage_too_long``)."""
    min_alpha_ratio: float = Field(default=0.6, ge=0.0, le=1.0)
    """Passages whose share of letters among non-space characters is lower are excluded (``passage_low_alpha``)."""


@register
class PassageFilter(Filter):
    """Drops passages that are too short, too long, or not made of words."""

    name = "passage_filter"
    Config = PassageFilterConfig
    reasons = frozenset({"passage_too_short", "passage_too_long", "passage_low_alpha"})
    default_routes = frozenset({"extraction"})

    def decide(self, doc: Document) -> Verdict:
        """Too short, too long, too few letters, or kept."""
        cfg = self.config
        n = count_words(doc.text)
        if n < cfg.min_words:
            return Verdict(False, "passage_too_short", f"{n} words < {cfg.min_words}")
        if n > cfg.max_words:
            return Verdict(False, "passage_too_long", f"{n} words > {cfg.max_words}")
        ratio = alpha_ratio(doc.text)
        if ratio < cfg.min_alpha_ratio:
            return Verdict(False, "passage_low_alpha", f"alpha {ratio:.3f} < {cfg.min_alpha_ratio}")
        return KEEP
