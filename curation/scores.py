"""Which metadata fields hold the quality scores, and the quality rule read from them.

The LLM writes ``quality.edu``/``quality.cont``/``quality.writ``/``quality.term`` and ``content_type`` on
the passages it annotates (a sample); the student classifier writes ``student.*`` on every passage. A
recipe names the fields a selection, upsampling or ablation reads (``ScoreFields``), so the LLM labels
are never overwritten and either source of scores can drive the decisions.

``QualityRule`` is the paper's rule (edu >= 7 AND cont >= 7 by default; each threshold optional): a
document meets it when every set threshold is met; a missing score never meets it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from curation.config import StrictModel

__all__ = ["LLM_FIELDS", "SIGNALS", "STUDENT_FIELDS", "QualityRule", "ScoreFields"]

SIGNALS: tuple[str, ...] = ("edu", "cont", "writ", "term")
"""The four quality signals of the ModernCamemBERT-bio paper."""


class ScoreFields(StrictModel):
    """Metadata keys holding each score (default: the student classifier's)."""

    edu: str = "student.edu"
    """Educational value."""
    cont: str = "student.cont"
    """Content richness."""
    writ: str = "student.writ"
    """Writing quality."""
    term: str = "student.term"
    """Terminology precision."""
    content_type: str = "student.content_type"
    """Content type."""

    def signal(self, metadata: Mapping[str, Any], name: str) -> float | None:
        """The value of signal ``name`` (``edu``, ``cont``, ``writ``, ``term``) in ``metadata``, or None."""
        value = metadata.get(getattr(self, name))
        return None if value is None else float(value)

    def content_type_of(self, metadata: Mapping[str, Any]) -> str | None:
        """The content type in ``metadata``, or None."""
        return metadata.get(self.content_type)


STUDENT_FIELDS = ScoreFields()
"""The student classifier's fields (``student.*``)."""
LLM_FIELDS = ScoreFields(edu="quality.edu", cont="quality.cont", writ="quality.writ", term="quality.term",
                         content_type="content_type")
"""The LLM annotation's fields (``quality.*`` and ``content_type``)."""


class QualityRule(StrictModel):
    """Thresholds on the signals; a document meets the rule when it meets every threshold that is set."""

    edu: float | None = Field(default=7, ge=0, le=10)
    """Minimum educational value (None: no threshold)."""
    cont: float | None = Field(default=7, ge=0, le=10)
    """Minimum content richness (None: no threshold)."""
    writ: float | None = Field(default=None, ge=0, le=10)
    """Minimum writing quality (None: no threshold)."""
    term: float | None = Field(default=None, ge=0, le=10)
    """Minimum terminology precision (None: no threshold)."""

    def thresholds(self) -> dict[str, float]:
        """The thresholds that are set, by signal."""
        return {name: getattr(self, name) for name in SIGNALS if getattr(self, name) is not None}

    def meets(self, metadata: Mapping[str, Any], fields: ScoreFields = STUDENT_FIELDS) -> bool:
        """Whether ``metadata`` meets every threshold (a missing score does not)."""
        for name, minimum in self.thresholds().items():
            value = fields.signal(metadata, name)
            if value is None or value < minimum:
                return False
        return True

    def describe(self) -> str:
        """``edu>=7 AND cont>=7``."""
        return " AND ".join(f"{k}>={v:g}" for k, v in self.thresholds().items()) or "always"
