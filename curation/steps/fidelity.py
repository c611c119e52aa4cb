"""``fidelity`` and ``fidelity_filter``: how much of a passage is found in its source (paper §3.2, annex E).

Both texts are normalised (``curation.text.normalize.normalize_for_match``: lowercase, no diacritics,
no punctuation, single spaces, digits kept). Fidelity is the share of the passage's normalised
characters covered by blocks matching the source (``curation.text.alignment.coverage``, a two-level
longest-matching-blocks alignment that gives ``difflib.SequenceMatcher``'s count without its quadratic
cost), rounded to 4 digits. An empty normalised passage has fidelity 1.0 (it adds nothing).

The source is the transient ``_segment_text`` the extractor attached (the segment or document the
passage was cut from). When the passage also has a valid ``char_start``/``char_end`` into it, the
passage is first aligned against that span widened by ``margin`` characters on each side (the
heuristic extractor's spans are exact, an LLM's may be rough); if that does not cover the passage
entirely, it is aligned against the whole source too and the better value is kept. Without
``_segment_text`` (e.g. passages read back from shards, where transient keys are not stored) the
passage fails with ``fidelity_no_source``.

``fidelity_filter`` excludes passages below ``min_fidelity`` (``fidelity_too_low``); the paper saw no
extracted passage under 50 %. ``fidelity_buckets`` gives the rows of the paper's Table 8.
"""

from __future__ import annotations

from typing import Iterable, Literal

from datatrove.data import Document
from pydantic import Field

from curation.errors import DocumentError
from curation.steps.base import KEEP, Filter, StepConfig, Tagger, Verdict
from curation.steps.registry import register
from curation.text.alignment import coverage
from curation.text.normalize import normalize_for_match

__all__ = ["FidelityConfig", "FidelityTagger", "FidelityFilterConfig", "FidelityFilter", "fidelity",
           "fidelity_buckets", "BUCKETS"]

BUCKETS: tuple[tuple[str, float], ...] = (
    (">= 99 %", 0.99), (">= 95 %", 0.95), (">= 90 %", 0.90), (">= 80 %", 0.80), (">= 50 %", 0.50),
)
"""Rows of the paper's Table 8: label and threshold (each row counts the values at or above it)."""


def fidelity(passage: str, source: str, span: tuple[int, int] | None = None, margin: int = 200) -> float:
    """Share of the passage's normalised characters found in the source (see module doc), 4 digits."""
    target = normalize_for_match(passage)
    if not target:
        return 1.0
    value = 0.0
    if span is not None:
        start, end = span
        window = source[max(0, start - margin) : end + margin]
        value = coverage(target, normalize_for_match(window))
        if value >= 1.0 or len(window) == len(source):
            return round(value, 4)
    return round(max(value, coverage(target, normalize_for_match(source))), 4)


def fidelity_buckets(values: Iterable[float]) -> list[tuple[str, int]]:
    """Counts per row of the paper's Table 8: cumulative ``>= 99 %`` ... ``>= 50 %``, then ``< 50 %``."""
    values = list(values)
    rows = [(label, sum(1 for v in values if v >= threshold)) for label, threshold in BUCKETS]
    rows.append(("< 50 %", sum(1 for v in values if v < BUCKETS[-1][1])))
    return rows


def _span(meta: dict, source: str) -> tuple[int, int] | None:
    """The passage's ``char_start``/``char_end`` when they are a valid span of ``source``."""
    start, end = meta.get("char_start"), meta.get("char_end")
    if isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(source):
        return start, end
    return None


class FidelityConfig(StepConfig):
    """Config of ``fidelity``."""

    step: Literal["fidelity"] = "fidelity"
    """Step name."""
    margin: int = Field(default=200, ge=0)
    """Characters added on each side of the passage's span before aligning it against that window."""


@register
class FidelityTagger(Tagger):
    """Writes ``fidelity``: the share of the passage's normalised characters found in its source."""

    name = "fidelity"
    Config = FidelityConfig
    default_routes = frozenset({"extraction"})

    def tag(self, doc: Document) -> dict:
        """``fidelity`` of the passage against its ``_segment_text``; ``fidelity_no_source`` without one."""
        source = doc.metadata.get("_segment_text")
        if not isinstance(source, str):
            raise DocumentError(
                "fidelity_no_source",
                f"{doc.id}: no source text to check the passage against (transient '_segment_text' missing) — "
                "run fidelity in the same pipeline as the extraction step that cut the passage",
            )
        return {"fidelity": fidelity(doc.text, source, _span(doc.metadata, source), self.config.margin)}


class FidelityFilterConfig(StepConfig):
    """Config of ``fidelity_filter``."""

    step: Literal["fidelity_filter"] = "fidelity_filter"
    """Step name."""
    min_fidelity: float = Field(default=0.5, ge=0.0, le=1.0)
    """Passages whose ``fidelity`` is lower are excluded (``fidelity_too_low``)."""


@register
class FidelityFilter(Filter):
    """Drops passages whose ``fidelity`` (written by the ``fidelity`` step) is below ``min_fidelity``."""

    name = "fidelity_filter"
    Config = FidelityFilterConfig
    reasons = frozenset({"fidelity_too_low"})
    default_routes = frozenset({"extraction"})

    def decide(self, doc: Document) -> Verdict:
        """``fidelity_too_low`` below ``min_fidelity``; ``fidelity_missing`` (a failure) without a score."""
        value = doc.metadata.get("fidelity")
        if not isinstance(value, (int, float)):
            raise DocumentError(
                "fidelity_missing",
                f"{doc.id}: no 'fidelity' in metadata — put the fidelity step before fidelity_filter",
            )
        if value < self.config.min_fidelity:
            return Verdict(False, "fidelity_too_low", f"{value:.4f} < {self.config.min_fidelity}")
        return KEEP
