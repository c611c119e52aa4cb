"""FineWeb-2 quality filters for French passages: the three stock datatrove filters, and the fused one.

- ``gopher_repetition``, ``fineweb_quality``, ``gopher_quality``: each calls the stock datatrove filter
  (``GopherRepetitionFilter``, ``FineWebQualityFilter``, ``GopherQualityFilter``) configured from the
  threshold file, and maps datatrove's drop reason to a declared one (``top_2_gram`` ->
  ``gopher_rep_top_2_gram``, ``line_punct_ratio`` -> ``fineweb_line_punct_ratio``; Gopher quality's own
  names already start with ``gopher_``). The exclusion detail names the datatrove filter and reason.
- ``fineweb2_quality``: the three in one step (``curation.quality.fused.FrenchQuality``): words are
  tokenised once, statistics computed in one pass, checks run in datatrove's order and stop at the
  first failure, so it excludes the same passages with the same reasons as the three stock steps in a
  row (checked by tests/curation/quality/test_parity.py), several times faster
  (bench/french_chain.py). Its exclusion detail gives the measured value and the threshold.

Thresholds come from ``curation/quality/data/fra_Latn.yaml`` (fineweb-2's ``fra_Latn`` values with
French stop words; ``min_doc_words`` 30 for passages) or another file in the same layout
(``thresholds``), with ``overrides`` on top. All routes by default.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from datatrove.data import Document

from curation.errors import require
from curation.quality.stock import (
    ALL_REASONS,
    FINEWEB_QUALITY_REASONS,
    GOPHER_QUALITY_REASONS,
    GOPHER_REPETITION_REASONS,
    fineweb_quality_filter,
    gopher_quality_filter,
    gopher_repetition_filter,
    stock_reason,
)
from curation.quality.thresholds import QualityThresholds, load_thresholds
from curation.steps.base import KEEP, Filter, StepConfig, Verdict
from curation.steps.registry import register


class QualityFilterConfig(StepConfig):
    """Fields shared by the four quality-filter steps."""

    thresholds: str | None = None
    """Threshold file (layout of curation/quality/data/fra_Latn.yaml; absolute, or relative to the working
    directory); null: the shipped French thresholds."""
    overrides: dict[str, dict[str, Any]] = {}
    """Values replacing the file's, by section, e.g. ``{gopher_quality: {min_doc_words: 50}}``."""

    def load(self) -> QualityThresholds:
        """The thresholds: file plus overrides (``ConfigError`` on an unknown key or a bad value)."""
        return load_thresholds(self.thresholds, self.overrides)


class _StockQualityFilter(Filter):
    """A stock datatrove quality filter behind the step contract (declared reasons, typed verdicts)."""

    mapping: ClassVar[dict[str, str]] = {}
    prefix: ClassVar[str] = ""
    build: ClassVar[Any] = None

    def __init__(self, config: QualityFilterConfig, context, index: int):
        super().__init__(config, context, index)
        self.thresholds = config.load()
        self._filter = type(self).build(self.thresholds)

    def setup(self) -> None:
        require("spacy", "quality", f"the {self.name} step (datatrove's French word tokenizer)")

    def decide(self, doc: Document) -> Verdict:
        result = self._filter.filter(doc)
        reason = stock_reason(result, self.mapping, self.prefix)
        if reason is None:
            return KEEP
        raw = result[1] if isinstance(result, tuple) else "unspecified"
        return Verdict(False, reason, f"datatrove {type(self._filter).__name__}: {raw}")


class GopherRepetitionConfig(QualityFilterConfig):
    """Config of ``gopher_repetition``."""

    step: Literal["gopher_repetition"] = "gopher_repetition"
    """Step name."""


@register
class GopherRepetitionStep(_StockQualityFilter):
    """datatrove's ``GopherRepetitionFilter`` (duplicate lines and paragraphs, top and repeated n-grams)."""

    name = "gopher_repetition"
    Config = GopherRepetitionConfig
    reasons = frozenset(GOPHER_REPETITION_REASONS.values())
    mapping = GOPHER_REPETITION_REASONS
    prefix = "gopher_rep_"
    build = staticmethod(gopher_repetition_filter)


class FineWebQualityConfig(QualityFilterConfig):
    """Config of ``fineweb_quality``."""

    step: Literal["fineweb_quality"] = "fineweb_quality"
    """Step name."""


@register
class FineWebQualityStep(_StockQualityFilter):
    """datatrove's ``FineWebQualityFilter`` (line punctuation, short lines, duplicated characters, lists)."""

    name = "fineweb_quality"
    Config = FineWebQualityConfig
    reasons = frozenset(FINEWEB_QUALITY_REASONS.values())
    mapping = FINEWEB_QUALITY_REASONS
    prefix = "fineweb_"
    build = staticmethod(fineweb_quality_filter)


class GopherQualityConfig(QualityFilterConfig):
    """Config of ``gopher_quality``."""

    step: Literal["gopher_quality"] = "gopher_quality"
    """Step name."""


@register
class GopherQualityStep(_StockQualityFilter):
    """datatrove's ``GopherQualityFilter`` with French stop words (word counts and lengths, symbols,
    bullets, ellipses, letters, stop words)."""

    name = "gopher_quality"
    Config = GopherQualityConfig
    reasons = frozenset(GOPHER_QUALITY_REASONS.values())
    mapping = GOPHER_QUALITY_REASONS
    prefix = ""
    build = staticmethod(gopher_quality_filter)


class Fineweb2QualityConfig(QualityFilterConfig):
    """Config of ``fineweb2_quality``."""

    step: Literal["fineweb2_quality"] = "fineweb2_quality"
    """Step name."""


@register
class Fineweb2QualityStep(Filter):
    """The three FineWeb-2 quality filters fused (one tokenisation, same verdicts and reasons)."""

    name = "fineweb2_quality"
    Config = Fineweb2QualityConfig
    reasons = ALL_REASONS

    def __init__(self, config: Fineweb2QualityConfig, context, index: int):
        super().__init__(config, context, index)
        self.thresholds = config.load()
        self._quality = None

    def setup(self) -> None:
        from curation.quality.fused import FrenchQuality

        if self._quality is None:
            self._quality = FrenchQuality(self.thresholds)
            self._quality.tokenizer.prepare()  # load spaCy now: a missing dependency stops the run here

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_quality"] = None
        return state

    def decide(self, doc: Document) -> Verdict:
        if self._quality is None:
            self.setup()
        result = self._quality.check(doc.text)
        if result.reason is None:
            return KEEP
        return Verdict(False, result.reason, result.detail)
