"""``--dry-run`` for LLM steps: what a batch of requests would cost, without calling any model.

Input tokens are estimated with the rule of thumb of 4 characters per token (``ceil(chars / 4)`` over the
text of the messages; images not counted), or exactly with ``count_tokens`` when a tokenizer is given.
Output tokens are bounded by ``max_new_tokens`` per request sent, without retries (which may multiply
it by up to ``max_retries + 1`` for invalid outputs).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

from curation.llm.client import LLMClient, base_sampling
from curation.llm.types import LLMRequest, Message

CHARS_PER_TOKEN = 4
"""The rule of thumb used when no tokenizer is given."""


@dataclass(frozen=True, slots=True)
class DryRunEstimate:
    """Counts before sending: requests, cache hits, requests to send, estimated input and maximal output tokens."""

    requests: int
    cached: int
    to_send: int
    input_tokens: int
    max_output_tokens: int

    def as_dict(self) -> dict[str, int]:
        """A JSON-ready dict."""
        return asdict(self)


def message_text(messages: list[Message]) -> str:
    """The text of chat messages (string contents and text parts), joined by newlines."""
    pieces: list[str] = []
    for message in messages:
        content = message.get("content")
        if isinstance(content, str):
            pieces.append(content)
        elif isinstance(content, list):
            pieces.extend(part.get("text", "") for part in content if isinstance(part, dict))
    return "\n".join(pieces)


def estimate(requests: list[LLMRequest], client: LLMClient,
             count_tokens: Callable[[str], int] | None = None) -> DryRunEstimate:
    """What ``client.generate(requests)`` would send; the cache is asked the way ``generate`` asks it."""
    cached = input_tokens = max_output = 0
    for request in requests:
        if client.is_cached(request):
            cached += 1
            continue
        text = message_text(request.messages)
        input_tokens += count_tokens(text) if count_tokens else math.ceil(len(text) / CHARS_PER_TOKEN)
        max_output += base_sampling(request, client.config).max_new_tokens
    return DryRunEstimate(requests=len(requests), cached=cached, to_send=len(requests) - cached,
                          input_tokens=input_tokens, max_output_tokens=max_output)
