"""``window_dedup``: drop a passage that repeats one of the few passages kept just before it (paper §3.2).

Passages of one document arrive in order within a task. For each passage, the step compares its word
``ngram``-shingles (words of ``normalize_for_match``: lowercase, no diacritics, no punctuation, digits
kept) with those of the last ``window`` passages it *kept* from the same document (same ``root_id``;
``parent_id`` or the passage id when there is none). When the Jaccard similarity with one of them is
at least ``threshold``, the passage is excluded with ``window_duplicate`` and the detail names the
passage it repeats (the most similar; the most recent one on a tie). When either passage has fewer
than ``ngram`` words, their word sets are compared instead. The state is reset whenever the root
changes, so memory stays at ``window`` passages.
"""

from __future__ import annotations

from collections import deque
from typing import Literal

from datatrove.data import Document
from pydantic import Field

from curation.steps.base import KEEP, Filter, StepConfig, Verdict
from curation.steps.registry import register
from curation.text.normalize import normalized_words
from curation.text.shingles import jaccard, word_shingles

__all__ = ["WindowDedupConfig", "WindowDedupFilter"]


class WindowDedupConfig(StepConfig):
    """Config of ``window_dedup``."""

    step: Literal["window_dedup"] = "window_dedup"
    """Step name."""
    ngram: int = Field(default=5, ge=1)
    """Words per shingle."""
    window: int = Field(default=5, ge=1)
    """How many of the previous kept passages of the same document a passage is compared with."""
    threshold: float = Field(default=0.8, ge=0.0, le=1.0)
    """Jaccard similarity at or above which a passage is a duplicate."""


class _Seen:
    """A kept passage, as the window remembers it."""

    __slots__ = ("doc_id", "words", "word_set", "shingles")

    def __init__(self, doc_id: str, words: list[str], ngram: int):
        """Remember the passage's id, word count, word set and shingles."""
        self.doc_id = doc_id
        self.words = len(words)
        self.word_set = frozenset(words)
        self.shingles = word_shingles(words, ngram)


@register
class WindowDedupFilter(Filter):
    """Excludes a passage nearly identical to one of the last ``window`` kept passages of its document."""

    name = "window_dedup"
    Config = WindowDedupConfig
    reasons = frozenset({"window_duplicate"})
    default_routes = frozenset({"extraction"})

    _root: str | None = None
    _recent: deque | None = None

    def setup(self) -> None:
        """Start the task with an empty window."""
        self._root, self._recent = None, deque(maxlen=self.config.window)

    def _similarity(self, new: _Seen, old: _Seen) -> float:
        """Jaccard of shingles, or of word sets when either passage is shorter than ``ngram`` words."""
        if new.words < self.config.ngram or old.words < self.config.ngram:
            return jaccard(new.word_set, old.word_set)
        return jaccard(new.shingles, old.shingles)

    def decide(self, doc: Document) -> Verdict:
        """``window_duplicate`` (detail: the repeated passage's id) or kept, which enters the window."""
        if self._recent is None:
            self.setup()
        root = doc.metadata.get("root_id") or doc.metadata.get("parent_id") or doc.id
        if root != self._root:
            self._root = root
            self._recent.clear()
        new = _Seen(doc.id, normalized_words(doc.text), self.config.ngram)
        best, best_score = None, -1.0
        for old in reversed(self._recent):  # most recent first: ties go to it
            score = self._similarity(new, old)
            if score > best_score:
                best, best_score = old, score
        if best is not None and best_score >= self.config.threshold:
            return Verdict(False, "window_duplicate", best.doc_id)
        self._recent.append(new)
        return KEEP
