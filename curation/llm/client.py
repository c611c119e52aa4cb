"""``LLMClient``: the one batch-first entry point of the LLM layer.

``generate(requests)`` answers every request, in order, and never raises for a bad output:

1. Cache lookup for every request, over the sampling of every attempt it could make (first try and each
   retry), so a re-run of requests that needed a retry also costs nothing.
2. All misses go to the backend in one batch.
3. Each output is validated against the request's pydantic model (see ``curation.llm.parsing``); valid
   answers are cached. Invalid ones (bad JSON, no stop, repetition loop) are retried, all together, with
   the temperature raised by ``temperature_step`` (a new sampling, so a new cache key), up to
   ``max_retries`` times; then returned with the reason and the raw text. Transport failures
   (``llm_timeout``, ``llm_unavailable``) were already retried by the backend and are returned as they are.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading

from curation.llm.backends.base import Backend, BackendPrompt
from curation.llm.cache import LLMCache, cache_key, output_schema
from curation.llm.config import LLMConfig
from curation.llm.parsing import classify, validate_output
from curation.llm.types import LLMRequest, LLMResult, LLMStats, SamplingParams


def base_sampling(request: LLMRequest, config: LLMConfig) -> SamplingParams:
    """The request's sampling, or the config's defaults when the request has none."""
    if request.sampling is not None:
        return request.sampling
    return SamplingParams(temperature=config.temperature, max_new_tokens=config.max_new_tokens,
                          top_p=config.top_p, seed=config.seed)


def attempt_sampling(request: LLMRequest, config: LLMConfig, attempt: int) -> SamplingParams:
    """The sampling of attempt ``attempt`` (0 = first try): temperature raised by ``temperature_step`` each retry."""
    base = base_sampling(request, config)
    if attempt == 0:
        return base
    return dataclasses.replace(base, temperature=round(base.temperature + attempt * config.temperature_step, 6))


def attempt_keys(model_id: str, request: LLMRequest, config: LLMConfig) -> list[str]:
    """Cache keys of every attempt the client may make for ``request``, first try first."""
    return [cache_key(model_id, request, attempt_sampling(request, config, a)) for a in range(config.max_retries + 1)]


DETERMINISTIC_FAILURES = frozenset({"llm_invalid_json", "llm_no_stop", "llm_repetition_loop"})
"""Failures that a re-run with the same model, prompt and sampling would reproduce: cached like answers."""


class LLMClient:
    """Cache + backend + validation + retries. Thread-safe stats; ``generate`` is the whole API."""

    def __init__(self, config: LLMConfig, backend: Backend, cache: LLMCache | None = None):
        self.config = config
        self.backend = backend
        self.cache = cache
        self.stats = LLMStats()
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        """The backend's model id (part of every cache key, and of annotation metadata)."""
        return self.backend.model_id

    def generate(self, requests: list[LLMRequest]) -> list[LLMResult]:
        """One result per request, in order. Never raises for a bad output or an unreachable model."""
        stats = LLMStats()
        results: list[LLMResult | None] = [None] * len(requests)
        pending: list[int] = []
        for i, request in enumerate(requests):
            hit = self._lookup(request)
            if hit is None:
                pending.append(i)
            else:
                results[i] = hit
                stats.cache_hits += 1
        attempts = {i: 0 for i in pending}
        tokens = {i: [0, 0] for i in pending}
        for attempt in range(self.config.max_retries + 1):
            if not pending:
                break
            samplings = {i: attempt_sampling(requests[i], self.config, attempt) for i in pending}
            prompts = [self._prompt(requests[i], samplings[i]) for i in pending]
            outputs = self.backend.generate(prompts)
            retry: list[int] = []
            for i, output in zip(pending, outputs, strict=True):
                request = requests[i]
                attempts[i] += 1
                tokens[i][0] += output.tokens_in
                tokens[i][1] += output.tokens_out
                stats.calls += 1
                stats.tokens_in += output.tokens_in
                stats.tokens_out += output.tokens_out
                common = {"key": request.key, "raw": output.text, "tokens_in": tokens[i][0], "tokens_out": tokens[i][1],
                              "attempts": attempts[i]}
                if output.error is not None:
                    stats.errors += 1
                    results[i] = LLMResult(value=None, reason=output.error, message=output.message, **common)
                    continue
                value, reason, message = classify(output.text, output.finish_reason, request.output_model)
                if value is None:
                    stats.invalid += 1
                    results[i] = LLMResult(value=None, reason=reason, message=message, **common)
                    retry.append(i)
                    continue
                stats.valid += 1
                results[i] = LLMResult(value=value, **common)
                if self.cache is not None:
                    self.cache.put(cache_key(self.model_id, request, samplings[i]),
                                   {"raw": output.text, "tokens_in": output.tokens_in, "tokens_out": output.tokens_out,
                                    "model": self.model_id, "prompt_version": request.prompt_version})
            pending = retry
        for i, result in enumerate(results):
            if result is not None and result.reason is not None:
                stats.failed += 1
                stats.reasons[result.reason] += 1
                if self.cache is not None and not result.cached and result.reason in DETERMINISTIC_FAILURES:
                    self.cache.put(self._failure_key(requests[i]),
                                   {"failed": True, "reason": result.reason, "message": result.message,
                                    "raw": result.raw, "tokens_in": result.tokens_in, "tokens_out": result.tokens_out,
                                    "model": self.model_id, "prompt_version": requests[i].prompt_version})
        with self._lock:
            self.stats = self.stats + stats
        return results  # type: ignore[return-value]

    def is_cached(self, request: LLMRequest) -> bool:
        """Whether ``generate`` would answer ``request`` from the cache (a valid answer or a remembered failure)."""
        return self._lookup(request) is not None

    def _lookup(self, request: LLMRequest) -> LLMResult | None:
        """A cached valid answer for any attempt's sampling, or None."""
        if self.cache is None:
            return None
        for key in attempt_keys(self.model_id, request, self.config):
            entry = self.cache.get(key)
            if entry is None:
                continue
            value, _ = validate_output(entry["raw"], request.output_model)
            if value is None:
                self.cache.discard(key)
                continue
            return LLMResult(key=request.key, value=value, raw=entry["raw"], tokens_in=int(entry.get("tokens_in", 0)),
                             tokens_out=int(entry.get("tokens_out", 0)), cached=True, attempts=0)
        failure = self.cache.get(self._failure_key(request))
        if failure is not None and failure.get("failed") and failure.get("reason") in DETERMINISTIC_FAILURES:
            return LLMResult(key=request.key, value=None, raw=failure.get("raw", ""), reason=failure["reason"],
                             message=f"{failure.get('message', '')} (cached: this request failed every attempt before)",
                             tokens_in=int(failure.get("tokens_in", 0)), tokens_out=int(failure.get("tokens_out", 0)),
                             cached=True, attempts=0)
        return None

    def _failure_key(self, request: LLMRequest) -> str:
        """Where the final failure of a request is remembered: its first attempt's key and the retry budget.

        Invalid outputs are as deterministic as valid ones for a given model, prompt and sampling, so a
        re-run does not pay for them twice; a larger ``max_retries`` gives a new key (more attempts to try).
        Transport failures (timeouts, unavailable server) are never remembered.
        """
        first = cache_key(self.model_id, request, attempt_sampling(request, self.config, 0))
        return hashlib.sha256(f"failed:{first}:retries={self.config.max_retries}".encode()).hexdigest()

    @staticmethod
    def _prompt(request: LLMRequest, sampling: SamplingParams) -> BackendPrompt:
        """The backend's view of one attempt."""
        return BackendPrompt(messages=request.messages, schema=output_schema(request.output_model), sampling=sampling,
                             images=list(request.images), schema_name=request.output_model.__name__)

    def close(self) -> None:
        """Release the backend."""
        self.backend.close()
