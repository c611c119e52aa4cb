"""Token counting and length filtering with the run's one token counter."""

from __future__ import annotations

from typing import Literal

from datatrove.data import Document

from curation.steps.base import KEEP, Filter, StepConfig, Tagger, Verdict
from curation.steps.registry import register


class TokenCountConfig(StepConfig):
    """Config of ``token_count``."""

    step: Literal["token_count"] = "token_count"
    """Step name."""


@register
class TokenCountTagger(Tagger):
    """Writes ``token_count`` (the run's token counter) into metadata."""

    name = "token_count"
    Config = TokenCountConfig

    def tag(self, doc: Document) -> dict:
        return {"token_count": self.context.token_counter.count(doc.text)}


class LengthFilterConfig(StepConfig):
    """Config of ``length_filter``."""

    step: Literal["length_filter"] = "length_filter"
    """Step name."""
    min_tokens: int = 0
    """Documents with fewer tokens (run's token counter) are excluded with ``too_few_tokens``."""
    max_tokens: int | None = None
    """Documents with more tokens are excluded with ``too_many_tokens``; null: no maximum."""


@register
class LengthFilter(Filter):
    """Drops documents outside a token range. Uses ``token_count`` when a tagger wrote it."""

    name = "length_filter"
    Config = LengthFilterConfig
    reasons = frozenset({"too_few_tokens", "too_many_tokens"})

    def decide(self, doc: Document) -> Verdict:
        count = doc.metadata.get("token_count")
        if count is None:
            count = self.context.token_counter.count(doc.text)
        if count < self.config.min_tokens:
            return Verdict(False, "too_few_tokens", f"{count} < {self.config.min_tokens}")
        if self.config.max_tokens is not None and count > self.config.max_tokens:
            return Verdict(False, "too_many_tokens", f"{count} > {self.config.max_tokens}")
        return KEEP
