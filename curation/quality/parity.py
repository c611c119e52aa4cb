"""Compare the fused ``FrenchQuality`` with the three stock datatrove filters run in sequence.

An outcome is the reason of the first filter that drops a passage, ``None`` when it is kept, or
``error:<ExceptionType>`` when the filter raises (the stock filters raise, for instance, on text
spaCy cannot encode). Verdicts and reasons agree when the outcomes are equal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from curation.quality.corpus import Passage
from curation.quality.fused import FrenchQuality
from curation.quality.stock import StockChain
from curation.quality.thresholds import QualityThresholds


def outcome(check: Callable[[str], str | None], text: str) -> str | None:
    """The reason ``check`` gives for ``text``, or ``error:<type>`` when it raises."""
    try:
        return check(text)
    except Exception as exc:  # a filter crash is an outcome to compare, not a test failure
        return f"error:{type(exc).__name__}"


@dataclass
class ParityReport:
    """Agreement of the fused filter with the stock chain over a set of passages."""

    total: int = 0
    """Passages compared."""
    agree: int = 0
    """Passages with the same verdict and the same reason."""
    same_verdict: int = 0
    """Passages with the same keep/drop verdict (reasons may differ)."""
    reasons: Counter = field(default_factory=Counter)
    """Stock outcomes (reason, ``None`` for kept, or ``error:...``) and how often each occurred."""
    mismatches: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    """(passage name, stock outcome, fused outcome) where they differ."""

    @property
    def agreement(self) -> float:
        """Share of passages where verdict and reason agree (1.0 for no passage)."""
        return self.agree / self.total if self.total else 1.0

    def merge(self, other: ParityReport) -> ParityReport:
        """This report plus another one."""
        return ParityReport(
            self.total + other.total,
            self.agree + other.agree,
            self.same_verdict + other.same_verdict,
            self.reasons + other.reasons,
            self.mismatches + other.mismatches,
        )


def compare(passages: Iterable[Passage], thresholds: QualityThresholds) -> ParityReport:
    """Run the stock chain and the fused filter on each passage and count agreements."""
    stock = StockChain(thresholds)
    fused = FrenchQuality(thresholds)
    report = ParityReport()
    for passage in passages:
        expected = outcome(stock.reason, passage.text)
        got = outcome(fused.reason, passage.text)
        report.total += 1
        report.reasons[expected] += 1
        if expected == got:
            report.agree += 1
        else:
            report.mismatches.append((passage.name, expected, got))
        if (expected is None) == (got is None):
            report.same_verdict += 1
    return report
