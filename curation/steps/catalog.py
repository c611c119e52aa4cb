"""Imports every step module so that ``curation.steps.registry.STEPS`` is complete (recipe order)."""

from curation.steps import (  # noqa: F401
    decontaminate,
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
    select,
    student_score,
    upsample,
    window_dedup,
)
from ontology_books import steps as _books  # noqa: F401,E402 - walk_length, verbalize_walk, book_check

