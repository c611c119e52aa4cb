"""The stock datatrove filters, configured from ``QualityThresholds``, and their reasons in our names.

datatrove's filters answer ``True`` or ``(False, "<reason>")``; the steps turn that into a ``Verdict``
whose reason is declared up front, with a family prefix: ``gopher_rep_*`` for the Gopher repetition
filter, ``fineweb_*`` for the FineWeb quality filter, and the Gopher quality filter's own
``gopher_*`` names. The lists below are every reason datatrove 0.10's source can return.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from curation.quality.thresholds import DUP_NGRAM_SIZES, TOP_NGRAM_SIZES, QualityThresholds

if TYPE_CHECKING:
    from datatrove.pipeline.filters.base_filter import BaseFilter

GOPHER_REPETITION_REASONS: dict[str, str] = {
    "empty": "gopher_rep_empty",
    "dup_para_frac": "gopher_rep_dup_para_frac",
    "dup_para_char_frac": "gopher_rep_dup_para_char_frac",
    "dup_line_frac": "gopher_rep_dup_line_frac",
    "dup_line_char_frac": "gopher_rep_dup_line_char_frac",
    **{f"top_{n}_gram": f"gopher_rep_top_{n}_gram" for n in TOP_NGRAM_SIZES},
    **{f"duplicated_{n}_n_grams": f"gopher_rep_duplicated_{n}_n_grams" for n in DUP_NGRAM_SIZES},
}
"""datatrove ``GopherRepetitionFilter`` reason -> declared reason, in the filter's order of checks."""

FINEWEB_QUALITY_REASONS: dict[str, str] = {
    "empty": "fineweb_empty",
    "line_punct_ratio": "fineweb_line_punct_ratio",
    "short_line_ratio": "fineweb_short_line_ratio",
    "char_dup_ratio": "fineweb_char_dup_ratio",
    "list_ratio": "fineweb_list_ratio",
}
"""datatrove ``FineWebQualityFilter`` reason -> declared reason, in the filter's order of checks."""

GOPHER_QUALITY_REASONS: dict[str, str] = {
    name: name
    for name in (
        "gopher_short_doc",
        "gopher_long_doc",
        "gopher_below_avg_threshold",
        "gopher_above_avg_threshold",
        "gopher_too_many_hashes",
        "gopher_too_many_ellipsis",
        "gopher_too_many_bullets",
        "gopher_too_many_end_ellipsis",
        "gopher_below_alpha_threshold",
        "gopher_enough_stop_words",
    )
}
"""datatrove ``GopherQualityFilter`` reason -> declared reason (already prefixed), in its order of checks."""

ALL_REASONS: frozenset[str] = frozenset(
    [*GOPHER_REPETITION_REASONS.values(), *FINEWEB_QUALITY_REASONS.values(), *GOPHER_QUALITY_REASONS.values()]
)
"""Every reason of the three filters (the fused ``fineweb2_quality`` step declares all of them)."""


def gopher_repetition_filter(thresholds: QualityThresholds) -> BaseFilter:
    """datatrove's ``GopherRepetitionFilter`` with these thresholds."""
    from datatrove.pipeline.filters import GopherRepetitionFilter

    t = thresholds.gopher_repetition
    return GopherRepetitionFilter(
        dup_line_frac=t.dup_line_frac,
        dup_para_frac=t.dup_para_frac,
        dup_line_char_frac=t.dup_line_char_frac,
        dup_para_char_frac=t.dup_para_char_frac,
        top_n_grams=tuple(t.top_n_grams),
        dup_n_grams=tuple(t.dup_n_grams),
        language=thresholds.language,
    )


def fineweb_quality_filter(thresholds: QualityThresholds) -> BaseFilter:
    """datatrove's ``FineWebQualityFilter`` with these thresholds."""
    from datatrove.pipeline.filters import FineWebQualityFilter

    t = thresholds.fineweb_quality
    return FineWebQualityFilter(
        line_punct_thr=t.line_punct_thr,
        line_punct_exclude_zero=t.line_punct_exclude_zero,
        short_line_thr=t.short_line_thr,
        short_line_length=t.short_line_length,
        char_duplicates_ratio=t.char_duplicates_ratio,
        new_line_ratio=t.new_line_ratio,
        language=thresholds.language,
    )


def gopher_quality_filter(thresholds: QualityThresholds) -> BaseFilter:
    """datatrove's ``GopherQualityFilter`` with these thresholds (and their stop words, not English ones)."""
    from datatrove.pipeline.filters import GopherQualityFilter

    t = thresholds.gopher_quality
    return GopherQualityFilter(
        min_doc_words=t.min_doc_words,
        max_doc_words=t.max_doc_words,
        min_avg_word_length=t.min_avg_word_length,
        max_avg_word_length=t.max_avg_word_length,
        max_symbol_word_ratio=t.max_symbol_word_ratio,
        max_bullet_lines_ratio=t.max_bullet_lines_ratio,
        max_ellipsis_lines_ratio=t.max_ellipsis_lines_ratio,
        max_non_alpha_words_ratio=t.max_non_alpha_words_ratio,
        min_stop_words=t.min_stop_words,
        stop_words=list(t.stop_words),
        language=thresholds.language,
    )


def stock_reason(result: bool | tuple[bool, str], mapping: dict[str, str], prefix: str) -> str | None:
    """Our reason for a datatrove filter result (``None``: kept). A datatrove reason missing from
    ``mapping`` becomes ``<prefix><reason>``, which the step's declaration check then reports loudly."""
    if result is True or (isinstance(result, tuple) and result[0]):
        return None
    reason = result[1] if isinstance(result, tuple) else "unspecified"
    return mapping.get(reason, f"{prefix}{reason}")


class StockChain:
    """The three stock datatrove filters run one after the other, as fineweb-2 runs them.

    ``reason(text)`` is the reason of the first filter that drops the text, or ``None``. This is the
    reference the fused ``FrenchQuality`` is checked against (tests and ``bench/french_chain.py``).
    """

    def __init__(self, thresholds: QualityThresholds):
        self.stages = (
            (gopher_repetition_filter(thresholds), GOPHER_REPETITION_REASONS, "gopher_rep_"),
            (fineweb_quality_filter(thresholds), FINEWEB_QUALITY_REASONS, "fineweb_"),
            (gopher_quality_filter(thresholds), GOPHER_QUALITY_REASONS, ""),
        )

    def reason(self, text: str) -> str | None:
        """The first drop reason of the three filters, or ``None`` when all keep the text."""
        from datatrove.data import Document

        doc = Document(text=text, id="stock")
        for filt, mapping, prefix in self.stages:
            reason = stock_reason(filt.filter(doc), mapping, prefix)
            if reason is not None:
                return reason
        return None
