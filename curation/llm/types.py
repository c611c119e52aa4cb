"""What goes in and out of the LLM layer: requests, sampling parameters, results and stats."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

Reason = Literal["llm_invalid_json", "llm_timeout", "llm_unavailable", "llm_no_stop", "llm_repetition_loop"]
REASONS: frozenset[str] = frozenset(Reason.__args__)
"""Every failure reason of a result; a document whose request fails goes to ``failed/`` with it."""

Message = dict[str, Any]
"""A chat message: ``{"role": "system" | "user" | "assistant", "content": str}``."""


@dataclass(frozen=True, slots=True)
class SamplingParams:
    """Sampling parameters of one attempt. Part of the cache key."""

    temperature: float = 0.0
    max_new_tokens: int = 1024
    top_p: float = 1.0
    seed: int = 0

    def as_dict(self) -> dict[str, Any]:
        """A plain dict, for cache keys and backends."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class LLMRequest:
    """One request: chat messages, the pydantic model the answer must validate against, sampling.

    ``key`` identifies the request for the caller (e.g. the document id); it is not part of the cache key.
    ``sampling`` None means the config's defaults. ``images`` are raw PNG/JPEG bytes for a VLM; they are
    attached to the last user message.
    """

    key: str
    messages: list[Message]
    output_model: type[BaseModel]
    prompt_version: str
    sampling: SamplingParams | None = None
    images: list[bytes] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LLMResult:
    """The answer to one request. ``value`` is the validated model instance, or None with a ``reason``.

    ``raw`` is the model's text (of the last attempt when it failed); ``attempts`` counts the model calls
    made for this request in this ``generate`` call (0 when served from the cache).
    """

    key: str
    value: BaseModel | None
    raw: str
    reason: Reason | None = None
    message: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    cached: bool = False
    attempts: int = 0

    @property
    def ok(self) -> bool:
        """True when ``value`` holds a validated answer."""
        return self.value is not None


@dataclass(slots=True)
class LLMStats:
    """Counters of a client (or step), mergeable with ``+`` in any order.

    ``calls``: prompts sent to the backend (retries included); ``cache_hits``: requests served from the
    cache; ``valid``/``invalid``: model outputs that did / did not validate; ``errors``: calls that got no
    output (timeout, server unavailable); ``failed``: requests that ended without a value, by reason in
    ``reasons``; ``tokens_in``/``tokens_out``: tokens of the calls made.
    """

    calls: int = 0
    cache_hits: int = 0
    valid: int = 0
    invalid: int = 0
    errors: int = 0
    failed: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    reasons: Counter = field(default_factory=Counter)

    @property
    def valid_json_rate(self) -> float | None:
        """Share of model outputs that validated against the schema; None before any output."""
        produced = self.valid + self.invalid
        return self.valid / produced if produced else None

    def __add__(self, other: LLMStats) -> LLMStats:
        """The sum of two stats (commutative and associative)."""
        if not isinstance(other, LLMStats):
            return NotImplemented
        return LLMStats(
            calls=self.calls + other.calls,
            cache_hits=self.cache_hits + other.cache_hits,
            valid=self.valid + other.valid,
            invalid=self.invalid + other.invalid,
            errors=self.errors + other.errors,
            failed=self.failed + other.failed,
            tokens_in=self.tokens_in + other.tokens_in,
            tokens_out=self.tokens_out + other.tokens_out,
            reasons=self.reasons + other.reasons,
        )

    def to_dict(self) -> dict[str, Any]:
        """Flat JSON-ready counters: the fields, ``valid_json_rate`` and ``failed.<reason>``."""
        out: dict[str, Any] = {name: getattr(self, name) for name in
                               ("calls", "cache_hits", "valid", "invalid", "errors", "failed", "tokens_in",
                                "tokens_out")}
        out["valid_json_rate"] = self.valid_json_rate
        out.update({f"failed.{reason}": n for reason, n in sorted(self.reasons.items())})
        return out
