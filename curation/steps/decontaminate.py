"""``decontaminate``: find corpus documents that share a normalised n-gram with an evaluation item.

The index (``curation.decontam.index``) is loaded from ``index`` or built from ``eval_sets`` once per
task, in ``setup`` (with ``index`` set and missing, the first task builds and saves it and the others
load it). In a recipe::

    - step: decontaminate
      mode: drop                     # or flag
      n: 13
      index: runs/decontam-index     # optional: where the index is kept between tasks and runs
      eval_sets:
        - {name: frenchmedmcqa-test, path: ../shared/realdata/frenchmedmcqa/test.json,
           fields: {id: id, question: question, options: answers, answer: correct_answers}}

Relative paths (``index``, ``eval_sets[].path``) are resolved against the working directory: a
per-document step is not told the recipe's folder (``biomedfr decontaminate --config`` resolves them
against the YAML file's folder).

By ``mode`` the step is one of two roles (STYLE.md: tag, then decide); ``Decontaminate(config, ...)``
builds the right one:

- ``flag`` — ``DecontamTagger``: keeps every document and writes ``decontam_matches``, the sorted
  ``set:item`` strings of the evaluation items found in it (an empty list: checked and clean);
- ``drop`` — ``DecontamFilter``: excludes a matching document with the reason ``eval_contamination``
  and the detail ``set:item "matched words"`` for its first matches (``report.match_detail``).

Stats: ``contaminated`` (documents matching any item) and ``contaminated.<set>`` per evaluation set.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from datatrove.data import Document

from curation.decontam.config import DecontamSettings
from curation.decontam.index import DecontamIndex, Match, load_or_build
from curation.decontam.report import MatchTally, match_detail
from curation.steps.base import KEEP, CurationStep, Filter, StepConfig, Tagger, Verdict
from curation.steps.registry import register

__all__ = ["MATCHES_KEY", "DecontamFilter", "DecontamTagger", "Decontaminate", "DecontaminateConfig"]

MATCHES_KEY = "decontam_matches"
"""Metadata key written in flag mode: list of ``set:item`` strings."""


class DecontaminateConfig(StepConfig, DecontamSettings):
    """Config of ``decontaminate`` (fields: ``curation.decontam.config.DecontamSettings``)."""

    step: Literal["decontaminate"] = "decontaminate"
    """Step name."""


@register
class Decontaminate(CurationStep):
    """Evaluation-set decontamination; constructing it gives a ``DecontamTagger`` or a ``DecontamFilter`` by mode."""

    name = "decontaminate"
    Config = DecontaminateConfig
    reasons: ClassVar[frozenset[str]] = frozenset({"eval_contamination"})

    ngram_index: DecontamIndex | None = None
    """The loaded n-gram index; set in ``setup`` (or beforehand, by a caller that already holds it)."""
    tally: MatchTally | None = None
    """Optional collector of the matches per evaluation set (the ``biomedfr decontaminate`` report)."""

    def __new__(cls, *args, **kwargs):
        """Pick the role from ``config.mode`` (unpickling passes no arguments and keeps the class)."""
        target = cls
        if cls is Decontaminate:
            config = args[0] if args else kwargs.get("config")
            target = DecontamFilter if getattr(config, "mode", "drop") == "drop" else DecontamTagger
        return super().__new__(target)

    def setup(self) -> None:
        """Load (or build) the index once per task."""
        if self.ngram_index is None:
            self.ngram_index = load_or_build(self.config)

    def find(self, doc: Document) -> list[Match]:
        """The evaluation items found in ``doc``; counted in stats and in ``tally``."""
        matches = self.ngram_index.matches(doc.text or "")
        if matches:
            self.stat_update("contaminated", *sorted({f"contaminated.{m.set}" for m in matches}))
        if self.tally is not None:
            self.tally.add(doc.id, matches)
        return matches

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("ngram_index", None)  # memory-mapped arrays are reloaded by each task's setup
        return state


class DecontamTagger(Decontaminate, Tagger):
    """Flag mode: writes ``decontam_matches`` (sorted ``set:item``; empty when clean); never drops."""

    def tag(self, doc: Document) -> dict:
        return {MATCHES_KEY: sorted({m.ref for m in self.find(doc)})}


class DecontamFilter(Decontaminate, Filter):
    """Drop mode: excludes a document sharing an n-gram with an item (``eval_contamination``)."""

    def decide(self, doc: Document) -> Verdict:
        matches = self.find(doc)
        if matches:
            return Verdict(False, "eval_contamination", match_detail(matches))
        return KEEP
