"""``student_score``: a saved student classifier scores every passage (the classifier step of the pipeline).

The student (``biomedfr classifier train --out DIR``; ``model: DIR`` in the recipe) is loaded once per
task, in ``setup``, and predicts ``batch_size`` passages at a time. It writes, for each document:
``student.edu``, ``student.cont``, ``student.writ``, ``student.term`` (floats on the 1–10 scale),
``student.content_type`` (one of the nine content types) and ``student_model`` (the student's id:
kind, folder name, short hash of its weights). It never touches the LLM's ``quality.*`` and
``content_type``: selection and upsampling read whichever fields the recipe names (``ScoreFields``).

A tagger: it never excludes. A document with an empty (or blank) text cannot be scored: it goes to
``failed/`` with the reason ``student_empty_text``. A wrong ``model`` (empty, missing folder, no
``student.json``) is a ``ConfigError`` raised when the step is built, before any work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from datatrove.data import Document
from pydantic import Field

from curation.classifier.student import STUDENT_FILE, read_info
from curation.errors import ConfigError, DocumentError
from curation.steps.base import BatchStep, BatchStepConfig, Excluded
from curation.steps.registry import register

__all__ = ["StudentScoreConfig", "StudentScorer"]


class StudentScoreConfig(BatchStepConfig):
    """Config of ``student_score``."""

    step: Literal["student_score"] = "student_score"
    """Step name."""
    model: str = ""
    """Folder of a saved student (the ``--out`` of ``biomedfr classifier train``); required."""
    batch_size: int = Field(default=256, ge=1)
    """Passages predicted at once."""


@register
class StudentScorer(BatchStep):
    """Writes ``student.*`` scores and ``student_model`` on every document; the LLM labels stay as they are."""

    name = "student_score"
    Config = StudentScoreConfig
    reasons = frozenset()

    def __init__(self, config: StudentScoreConfig, context, index: int):
        super().__init__(config, context, index)
        where = f"steps[{index}] ({self.name}).model"
        if not config.model:
            raise ConfigError(f"{where}: no student given — set model: to the --out folder of "
                              "`biomedfr classifier train`")
        path = Path(config.model)
        if not path.is_dir():
            raise ConfigError(f"{where}: {path} is not a folder — train a student with `biomedfr classifier train "
                              f"DATA --out {path}` or fix the path")
        if not (path / STUDENT_FILE).is_file():
            raise ConfigError(f"{where}: {path} has no {STUDENT_FILE} — not a student saved by "
                              "`biomedfr classifier train`")
        read_info(path)  # a malformed student.json stops the run here, not in every task
        self._student = None

    def setup(self) -> None:
        """Load the student once per task."""
        from curation.classifier.student import load_student

        self._student = load_student(self.config.model)

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_student"] = None  # models are not pickled to the workers; each task loads its own
        return state

    def process_batch(self, docs: list[Document]) -> list[list[Document] | Excluded | Exception]:
        """Each document with its ``student.*`` metadata, or a ``student_empty_text`` failure."""
        if self._student is None:
            self.setup()
        student = self._student
        results: list[list[Document] | Excluded | Exception] = []
        scored = [i for i, doc in enumerate(docs) if doc.text and doc.text.strip()]
        predictions = student.predict([docs[i].text for i in scored]) if scored else []
        by_index = dict(zip(scored, predictions))
        for i, doc in enumerate(docs):
            prediction = by_index.get(i)
            if prediction is None:
                results.append(DocumentError("student_empty_text",
                                             f"{doc.id}: empty text — the student needs text to score"))
                continue
            doc.metadata.update(prediction.metadata(student.model_id))
            self.stat_update("scored")
            results.append([doc])
        return results
