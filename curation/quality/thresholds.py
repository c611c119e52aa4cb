"""Thresholds of the FineWeb-2 quality filters, read from a per-language data file.

The shipped file ``curation/quality/data/fra_Latn.yaml`` holds the French values of fineweb-2
(``configs/fra_Latn.yml`` plus the overrides of ``fineweb-2-pipeline.py``); the models below give
each value a type and a docstring. Field defaults are datatrove's own defaults (the Gopher paper's
values), which hold for any language; the data file sets the French ones. As in datatrove, a value of
0 or null disables its check.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from pydantic import ValidationError, field_validator
from pydantic_core import PydanticCustomError

from curation.config import StrictModel, read_yaml
from curation.errors import ConfigError

DATA_DIR = Path(__file__).parent / "data"
"""Folder of the shipped threshold files."""
FRENCH_THRESHOLDS = DATA_DIR / "fra_Latn.yaml"
"""The French thresholds (fineweb-2 ``fra_Latn``, ``min_doc_words`` 30 for passages)."""

TOP_NGRAM_SIZES = (2, 3, 4)
"""Sizes ``n`` allowed in ``top_n_grams`` (Gopher, Table A1); each has a declared reason."""
DUP_NGRAM_SIZES = (5, 6, 7, 8, 9, 10)
"""Sizes ``n`` allowed in ``dup_n_grams`` (Gopher, Table A1); each has a declared reason."""


def _check_sizes(value: list[tuple[int, float]], allowed: tuple[int, ...], name: str) -> list[tuple[int, float]]:
    sizes = [n for n, _ in value]
    bad = [n for n in sizes if n not in allowed]
    if bad or len(set(sizes)) != len(sizes):
        raise PydanticCustomError(
            "ngram_sizes", "{name}: n-gram sizes must be distinct and among {allowed}, got {sizes}",
            {"name": name, "allowed": list(allowed), "sizes": sizes},
        )
    return value


class GopherRepetitionThresholds(StrictModel):
    """Arguments of datatrove's ``GopherRepetitionFilter`` (Gopher, Rae et al. 2021, Table A1)."""

    dup_line_frac: float | None = 0.3
    """Maximum share of lines that repeat an earlier line (lines split on runs of newlines)."""
    dup_para_frac: float | None = 0.3
    """Maximum share of paragraphs (split on blank lines) that repeat an earlier paragraph."""
    dup_line_char_frac: float | None = 0.2
    """Maximum share of the text's characters in repeated lines."""
    dup_para_char_frac: float | None = 0.2
    """Maximum share of the text's characters in repeated paragraphs."""
    top_n_grams: list[tuple[int, float]] = [(2, 0.2), (3, 0.18), (4, 0.16)]
    """``[n, max]``: maximum share of characters covered by the most frequent word n-gram (n in 2–4)."""
    dup_n_grams: list[tuple[int, float]] = [(5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10)]
    """``[n, max]``: maximum share of characters in repeated word n-grams (n in 5–10)."""

    @field_validator("top_n_grams")
    @classmethod
    def _top_sizes(cls, value):
        return _check_sizes(value, TOP_NGRAM_SIZES, "top_n_grams")

    @field_validator("dup_n_grams")
    @classmethod
    def _dup_sizes(cls, value):
        return _check_sizes(value, DUP_NGRAM_SIZES, "dup_n_grams")


class FineWebQualityThresholds(StrictModel):
    """Arguments of datatrove's ``FineWebQualityFilter``."""

    line_punct_thr: float = 0.12
    """Minimum share of non-blank lines ending with terminal punctuation."""
    line_punct_exclude_zero: bool = False
    """Keep documents where no line at all ends with punctuation (instead of dropping them)."""
    short_line_thr: float = 0.67
    """Maximum share of non-blank lines of at most ``short_line_length`` characters (999: disabled)."""
    short_line_length: int = 30
    """Length (characters) up to which a line is short."""
    char_duplicates_ratio: float = 0.01
    """Maximum share of characters (newlines excluded) in repeated non-blank lines."""
    new_line_ratio: float = 0.3
    """Maximum number of newlines per word (list-like documents)."""


class GopherQualityThresholds(StrictModel):
    """Arguments of datatrove's ``GopherQualityFilter``. Words are spaCy tokens; "words" in counts and
    lengths are those holding at least one non-punctuation character."""

    min_doc_words: int | None = 50
    """Minimum number of words."""
    max_doc_words: int | None = 100000
    """Maximum number of words."""
    min_avg_word_length: float | None = 3
    """Minimum mean word length (characters)."""
    max_avg_word_length: float | None = 10
    """Maximum mean word length (characters)."""
    max_symbol_word_ratio: float | None = 0.1
    """Maximum ratio of ``#`` and of ellipses (``...``/``…``) to tokens."""
    max_bullet_lines_ratio: float | None = 0.9
    """Maximum share of lines starting with a bullet (``•`` or ``-``)."""
    max_ellipsis_lines_ratio: float | None = 0.3
    """Maximum share of lines ending with an ellipsis."""
    max_non_alpha_words_ratio: float | None = 0.8
    """Minimum share of tokens holding at least one letter (datatrove's name, despite ``max``)."""
    min_stop_words: int | None = 2
    """Minimum number of distinct stop words present."""
    stop_words: list[str] = ["the", "be", "to", "of", "and", "that", "have", "with"]
    """Stop words, matched case-sensitively against tokens (datatrove's default is English)."""


class QualityThresholds(StrictModel):
    """All thresholds of the three FineWeb-2 quality filters for one language."""

    language: str = "fra_Latn"
    """datatrove word-tokenizer language (``fra_Latn``: spaCy's blank French tokenizer)."""
    gopher_repetition: GopherRepetitionThresholds = GopherRepetitionThresholds()
    """Gopher repetition filter."""
    fineweb_quality: FineWebQualityThresholds = FineWebQualityThresholds()
    """FineWeb quality filter."""
    gopher_quality: GopherQualityThresholds = GopherQualityThresholds()
    """Gopher quality filter."""


def _merge(base: dict, overrides: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load_thresholds(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> QualityThresholds:
    """Read a threshold file (default: the shipped French one) and apply ``overrides`` (nested by section).

    Raise ``ConfigError`` naming the file and the key when a value is wrong or unknown.
    """
    source = Path(path) if path is not None else FRENCH_THRESHOLDS
    data = read_yaml(source)
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of threshold sections, got {type(data).__name__}")
    data = _merge(data, overrides or {})
    try:
        return QualityThresholds.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        where = f"{source} (with overrides {overrides})" if overrides else str(source)
        raise ConfigError(f"{where}: {loc}: {first['msg']} — fix the threshold file or the override") from None
