"""Imports every step module so that ``curation.steps.registry.STEPS`` is complete (recipe order)."""

from curation.steps import (  # noqa: F401
    fidelity,
    ftfy_fix,
    heuristic_extract,
    language,
    length,
    llm_annotate,
    llm_extract,
    minhash_dedup,
    passage_filter,
    pii,
    quality_filters,
    segment,
    window_dedup,
)
