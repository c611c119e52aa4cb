"""What the LLM steps (``llm_extract``, ``llm_annotate``) share: sampling, dry runs, stats, failures.

- ``sampling_for``: the run's LLM sampling with a step's ``max_new_tokens`` override.
- ``LLMStep.generate``: send a batch of requests through the run's ``LLMClient`` and add the batch's
  counters to the step's stats: ``llm.calls`` (prompts sent to the model, retries included),
  ``llm.cache_hits``, ``llm.valid`` / ``llm.invalid`` (model outputs that did / did not validate against
  the schema; the valid-JSON rate is ``valid / (valid + invalid)``), ``llm.errors`` (calls with no output:
  timeout, server unavailable), ``llm.tokens_in``, ``llm.tokens_out``. They are computed from the batch's
  results (not from the client's running totals), so they are exact whatever else uses the client.
- ``LLMStep.estimate``: the dry run (``biomedfr curate --dry-run``): the requests are built but not sent;
  the step records ``llm.requests``, ``llm.cached`` (already answered in the cache),
  ``llm.tokens_in_est`` (estimated input tokens of the requests to send) and ``llm.tokens_out_max``
  (their ``max_new_tokens``), from ``curation.llm.estimate``.
- ``LLMStep.answer_each``: the usual ``process_batch``: one request per document (``request(doc)``), sent or
  (dry run) estimated with the documents passed through unchanged; each valid answer handed to
  ``apply(doc, value, model_id)``, each failed one turned into its ``failure``.
- ``failure``: a failed result as the ``DocumentError`` (reason ``llm_*``) that sends the document to
  ``failed/``, the model's raw output quoted in the message (truncated to ``RAW_CHARS``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from datatrove.data import Document
from pydantic import BaseModel

from curation.errors import ConfigError, DocumentError
from curation.llm.estimate import estimate
from curation.llm.types import LLMRequest, LLMResult, SamplingParams
from curation.prompts import Prompt, load_prompt
from curation.steps.base import BatchStep, Excluded

__all__ = ["RAW_CHARS", "LLMStep", "failure", "result_counters", "sampling_for"]

RAW_CHARS = 2000
"""Characters of the model's raw output kept in a failure message."""


def sampling_for(llm_config, max_new_tokens: int | None) -> SamplingParams | None:
    """The config's sampling with ``max_new_tokens`` replaced; None (the config's defaults) without override."""
    if max_new_tokens is None:
        return None
    return SamplingParams(temperature=llm_config.temperature, max_new_tokens=max_new_tokens,
                          top_p=llm_config.top_p, seed=llm_config.seed)


def failure(result: LLMResult, model_id: str, what: str) -> DocumentError:
    """The ``DocumentError`` of a failed result: its reason, message, and the raw output (truncated)."""
    raw = result.raw if len(result.raw) <= RAW_CHARS else result.raw[:RAW_CHARS] + f"… [{len(result.raw)} chars]"
    message = (f"{what}: model {model_id} gave no valid answer after {result.attempts} attempt(s) "
               f"({result.reason}: {result.message or 'no detail'}); raw output: {raw!r}")
    return DocumentError(result.reason or "llm_invalid_json", message)


def result_counters(results: list[LLMResult]) -> dict[str, int]:
    """The ``llm.*`` counters of one ``generate`` call, from its results (see the module doc)."""
    counters = dict.fromkeys(("calls", "cache_hits", "valid", "invalid", "errors", "tokens_in", "tokens_out"), 0)
    for result in results:
        if result.cached:
            counters["cache_hits"] += 1
            continue
        valid = 1 if result.ok else 0
        error = 1 if result.reason in ("llm_timeout", "llm_unavailable") else 0
        counters["calls"] += result.attempts
        counters["valid"] += valid
        counters["errors"] += error
        counters["invalid"] += max(0, result.attempts - valid - error)
        counters["tokens_in"] += result.tokens_in
        counters["tokens_out"] += result.tokens_out
    return counters


class LLMStep(BatchStep):
    """A ``BatchStep`` that asks the run's LLM: loads its prompt at construction, sends or estimates."""

    prompt_field: ClassVar[str] = "prompt"
    """Name of the config field holding the prompt name."""

    def __init__(self, config, context, index: int):
        super().__init__(config, context, index)
        self.prompt: Prompt = load_prompt(getattr(config, self.prompt_field))

    @property
    def llm_config(self):
        """The recipe's ``llm:`` section; ``ConfigError`` when the recipe has none."""
        config = self.context.llm_config
        if config is None:
            raise ConfigError(f"step {self.label}: an LLM step needs an LLM — add an `llm:` section to the recipe "
                              f"(backend: transformers|openai|vllm, model: ...)")
        return config

    @property
    def model_id(self) -> str:
        """Id of the model answering (known without loading it: the client's backend is built lazily)."""
        return self.context.llm_client.model_id

    def sampling(self) -> SamplingParams | None:
        """Sampling of this step's requests (the config's, with the step's ``max_new_tokens`` override)."""
        return sampling_for(self.llm_config, getattr(self.config, "max_new_tokens", None))

    def estimate(self, requests: list[LLMRequest]) -> None:
        """Dry run: record what sending ``requests`` would cost, send nothing."""
        found = estimate(requests, self.context.llm_client)
        self.stat_update("llm.requests", value=found.requests)
        self.stat_update("llm.cached", value=found.cached)
        self.stat_update("llm.tokens_in_est", value=found.input_tokens)
        self.stat_update("llm.tokens_out_max", value=found.max_output_tokens)

    def generate(self, requests: list[LLMRequest]) -> list[LLMResult]:
        """Send ``requests`` through the run's client; add the batch's ``llm.*`` counters to the stats."""
        if not requests:
            return []
        results = self.context.llm_client.generate(requests)
        for name, value in result_counters(results).items():
            self.stat_update(f"llm.{name}", value=value)
        return results

    def request(self, doc: Document) -> LLMRequest:
        """The request of one document (steps that use ``answer_each`` implement it)."""
        raise ConfigError(f"step {self.label}: {type(self).__name__} does not build requests per document")

    def answer_each(self, docs: list[Document], what: str,
                    apply: Callable[[Document, BaseModel, str], list[Document] | Excluded]
                    ) -> list[list[Document] | Excluded | Exception]:
        """One request per document; ``apply`` each valid answer, a ``failure`` for the others (see the module doc)."""
        requests = [self.request(doc) for doc in docs]
        if self.context.dry_run:
            self.estimate(requests)
            return [[doc] for doc in docs]
        model_id = self.model_id
        out: list[list[Document] | Excluded | Exception] = []
        for doc, answer in zip(docs, self.generate(requests), strict=True):
            out.append(apply(doc, answer.value, model_id) if answer.ok
                       else failure(answer, model_id, f"{what} of {doc.id}"))
        return out
