"""The step contract: every curation step is a datatrove ``PipelineStep`` that accounts for each document.

A step sees one document at a time through ``process(doc)`` and answers with one of:

- a list of output documents (a transform or tagger returns ``[doc]``; a splitter returns its pieces);
- ``Excluded(reason, detail)``: the document is dropped for a declared reason and written to
  ``excluded/<NN_step>/``.

If ``process`` raises, the document goes to ``failed/<NN_step>/`` with the error (``DocumentError``
carries a reason code; anything else is recorded as ``unexpected_<ExceptionType>``) and the run goes
on. Stats per step (datatrove ``Stats``, saved per task, mergeable in any order):
``in``, ``kept``, ``out``, ``excluded``, ``excluded.<reason>``, ``failed``, ``failed.<reason>``,
``passed_through`` (documents of a route the step does not apply to: counted as kept, untouched).
The accounting rule ``in == kept + excluded + failed`` holds by construction and is checked at the
end of the run.

Roles (STYLE.md: tag, then decide): ``Tagger`` writes scores and never drops; ``Filter`` decides from
the document and returns a ``Verdict`` without modifying it; ``Transform`` rewrites text.
"""

from __future__ import annotations

import traceback
from abc import abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Iterable, Literal

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from curation.config import StrictModel
from curation.errors import AccountingError, BiomedfrError, DocumentError

if TYPE_CHECKING:
    from curation.run.context import RunContext

Route = Literal["extraction", "direct"]
ROUTES: frozenset[str] = frozenset({"extraction", "direct"})


class StepConfig(StrictModel):
    """Fields every step accepts. Subclasses add ``step: Literal["<name>"] = "<name>"`` and their own."""

    routes: list[Route] | None = None
    """Routes this step runs on; documents of other routes pass through untouched. Default: the step's own."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """A filter's decision. ``reason`` is one of the filter's declared ``reasons`` when ``keep`` is False."""

    keep: bool
    reason: str | None = None
    detail: str | None = None


KEEP = Verdict(True)


@dataclass(frozen=True, slots=True)
class Excluded:
    """A document dropped by a step, with a declared snake_case reason and an optional detail."""

    reason: str
    detail: str | None = None


class CurationStep(PipelineStep):
    """Base of every biomedfr step. Subclasses set ``name``, ``Config``, ``reasons`` and ``process``."""

    type = "step"
    name: ClassVar[str] = "step"
    Config: ClassVar[type[StepConfig]] = StepConfig
    reasons: ClassVar[frozenset[str]] = frozenset()
    """Every exclusion reason the step may give, declared up front."""
    default_routes: ClassVar[frozenset[str]] = ROUTES
    """Routes the step applies to when the recipe does not say."""
    is_global: ClassVar[bool] = False
    """Needs the whole corpus before deciding (MinHash): the run is cut into stages before it."""

    def __init__(self, config: StepConfig, context: "RunContext", index: int):
        self.config = config
        self.context = context
        self.index = index
        self.label = f"{index:02d}_{self.name}"
        self.routes = frozenset(config.routes) if config.routes is not None else self.default_routes
        self.name = self.label  # instance name: stats are keyed by "step: NN_name"
        super().__init__()
        self._excluded = None
        self._failed = None

    # -- to implement ---------------------------------------------------------------------------
    def setup(self) -> None:
        """Load heavy resources once per task (models, tables). Called before the first document."""

    @abstractmethod
    def process(self, doc: Document) -> list[Document] | Excluded:
        """Handle one document: return its outputs, or ``Excluded``; raise to record a failure."""

    # -- machinery ------------------------------------------------------------------------------
    def applies_to(self, doc: Document) -> bool:
        """Whether this step runs on ``doc`` (by its route)."""
        return doc.metadata.get("route", "extraction") in self.routes

    def exclude(self, doc: Document, reason: str, detail: str | None, rank: int) -> None:
        """Record an exclusion (stats and ``excluded/<NN_step>/``)."""
        if reason not in self.reasons:
            raise AccountingError(
                f"step {self.label}: exclusion reason {reason!r} is not declared in {type(self).__name__}.reasons "
                f"({sorted(self.reasons)}) — declare it"
            )
        self.stat_update("excluded", f"excluded.{reason}")
        if self._excluded is None:
            self._excluded = self.context.record_sink("excluded", self.label)
        self._excluded.record(doc, self.label, reason, detail or "", rank)

    def fail(self, doc: Document, reason: str, message: str, rank: int) -> None:
        """Record a failure (stats and ``failed/<NN_step>/``)."""
        self.stat_update("failed", f"failed.{reason}")
        if self._failed is None:
            self._failed = self.context.record_sink("failed", self.label)
        self._failed.record(doc, self.label, reason, message, rank)

    def _close_sinks(self) -> None:
        for sink in (self._excluded, self._failed):
            if sink is not None:
                sink.close()
        self._excluded = self._failed = None

    batch_size: int = 1
    """Documents handed over at once; ``BatchStep`` takes it from its config."""

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data is None:
            return
        batch: list[Document] = []
        ready = False
        try:
            for doc in data:
                self.stat_update("in")
                if not self.applies_to(doc):
                    self.stat_update("kept", "out", "passed_through")
                    yield doc
                    continue
                batch.append(doc)
                if len(batch) < self.batch_size:
                    continue
                if not ready:
                    self.setup()
                    ready = True
                yield from self._run_batch(batch, rank)
                batch = []
            if batch:
                if not ready:
                    self.setup()
                yield from self._run_batch(batch, rank)
        finally:
            self._close_sinks()

    def _run_batch(self, batch: list[Document], rank: int):
        """Process documents one by one and yield their outputs."""
        for doc in batch:
            yield from self._emit(self._process_guarded(doc, rank))

    def _emit(self, outputs: list[Document] | None):
        """Count a kept document and its outputs (``None``: excluded or failed, already recorded)."""
        if outputs is None:
            return
        self.stat_update("kept")
        for out in outputs:
            self.stat_update("out")
            yield out

    def _process_guarded(self, doc: Document, rank: int) -> list[Document] | None:
        original = Document(text=doc.text, id=doc.id, metadata=dict(doc.metadata))
        try:
            with self.track_time():
                result = self.process(doc)
                if not isinstance(result, Excluded):
                    result = list(result)
        except BiomedfrError as exc:
            if not isinstance(exc, DocumentError):
                raise  # configuration, license, accounting: stop the run
            result = exc
        except Exception as exc:  # a bad document never stops a run: record it with the error
            result = exc
        return self._account(original, result, rank)

    def _account(self, original: Document, result, rank: int) -> list[Document] | None:
        """Record what happened to one document; its outputs, or None when excluded or failed."""
        if isinstance(result, DocumentError):
            self.fail(original, result.reason, str(result), rank)
            return None
        if isinstance(result, Exception):
            trace = "".join(traceback.format_exception(result, limit=6))
            self.fail(original, f"unexpected_{type(result).__name__}", f"{type(result).__name__}: {result}\n{trace}", rank)
            return None
        if isinstance(result, Excluded):
            self.exclude(original, result.reason, result.detail, rank)
            return None
        if not result:
            raise AccountingError(
                f"step {self.label} returned no output for {original.id} without a reason — return Excluded(reason)"
            )
        return result


class BatchStepConfig(StepConfig):
    """Fields of steps that process documents in batches (LLM steps)."""

    batch_size: int = 64
    """Documents handed to ``process_batch`` at once (one batch of model requests)."""


class BatchStep(CurationStep):
    """A step that handles documents in batches (one batch of LLM requests, for instance).

    ``process_batch`` returns, for each document in order, its outputs, an ``Excluded``, or the
    exception that made it fail (``DocumentError`` with its reason). Accounting is per document, as
    for every step; documents of other routes pass through untouched.
    """

    Config: ClassVar[type[BatchStepConfig]] = BatchStepConfig

    @abstractmethod
    def process_batch(self, docs: list[Document]) -> list[list[Document] | Excluded | Exception]:
        """Outputs, ``Excluded`` or the exception of each document, in order."""

    def process(self, doc: Document) -> list[Document] | Excluded:
        result = self.process_batch([doc])[0]
        if isinstance(result, Exception):
            raise result
        return result

    @property
    def batch_size(self) -> int:  # type: ignore[override]
        """Documents per ``process_batch`` call, from the config."""
        return self.config.batch_size

    def _run_batch(self, batch: list[Document], rank: int):
        originals = [Document(text=d.text, id=d.id, metadata=dict(d.metadata)) for d in batch]
        try:
            with self.track_time("batch"):
                results = self.process_batch(batch)
            if len(results) != len(batch):
                raise AccountingError(
                    f"step {self.label}: process_batch returned {len(results)} results for {len(batch)} documents"
                )
        except BiomedfrError as exc:
            if not isinstance(exc, DocumentError):
                raise
            results = [exc] * len(batch)
        except Exception as exc:  # the whole batch failed (e.g. the model crashed): record every document
            results = [exc] * len(batch)
        for original, result in zip(originals, results):
            if not isinstance(result, (Excluded, Exception)):
                result = list(result)
            yield from self._emit(self._account(original, result, rank))


class Filter(CurationStep):
    """Decides keep or drop from the document; never modifies it."""

    @abstractmethod
    def decide(self, doc: Document) -> Verdict:
        """The verdict for one document."""

    def process(self, doc: Document) -> list[Document] | Excluded:
        verdict = self.decide(doc)
        return [doc] if verdict.keep else Excluded(verdict.reason or "", verdict.detail)


class Tagger(CurationStep):
    """Computes attributes into metadata; never drops, never raises on odd text."""

    @abstractmethod
    def tag(self, doc: Document) -> dict:
        """The metadata keys and values to add."""

    def process(self, doc: Document) -> list[Document]:
        doc.metadata.update(self.tag(doc))
        return [doc]


class Transform(CurationStep):
    """Rewrites the text; records in stats that it changed a document (``changed``)."""

    @abstractmethod
    def transform(self, text: str, doc: Document) -> str:
        """The new text."""

    def process(self, doc: Document) -> list[Document] | Excluded:
        new = self.transform(doc.text, doc)
        if new != doc.text:
            self.stat_update("changed")
            doc.text = new
        return [doc]


def iter_outputs(step: CurationStep, docs: Iterable[Document]) -> list[Document]:
    """Run a step over documents in-process (tests and notebooks); returns its outputs."""
    return list(step.run(iter(docs)))
