"""The backend contract: a batch of prompts in, one output per prompt out, never an exception per prompt."""

from __future__ import annotations

import base64
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Literal

from curation.llm.types import Message, SamplingParams

ErrorReason = Literal["llm_timeout", "llm_unavailable"]


@dataclass(frozen=True, slots=True)
class BackendPrompt:
    """One prompt as a backend sees it: messages, the JSON schema to constrain decoding, sampling, images."""

    messages: list[Message]
    schema: dict[str, Any]
    sampling: SamplingParams
    images: list[bytes] = field(default_factory=list)
    schema_name: str = "output"
    """A name for the schema (``[A-Za-z0-9_-]+``), required by the OpenAI ``json_schema`` format."""


@dataclass(frozen=True, slots=True)
class BackendOutput:
    """What came back for one prompt: text and token counts, or an ``error`` reason with a message.

    ``finish_reason`` is the engine's: ``stop`` (the model ended), ``length`` (``max_new_tokens`` reached)...
    """

    text: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    finish_reason: str | None = None
    error: ErrorReason | None = None
    message: str = ""


class Backend(ABC):
    """Runs a model. ``generate`` returns one output per prompt, in order; a bad request gives an output
    with ``error`` set, never an exception (a missing dependency or bad config raises at construction)."""

    model_id: str
    """The model's identity, part of every cache key."""

    @abstractmethod
    def generate(self, prompts: list[BackendPrompt]) -> list[BackendOutput]:
        """Generate an answer for every prompt, in the same order."""

    def close(self) -> None:
        """Release resources (connections, GPU memory). Default: nothing to release."""


def image_mime(data: bytes) -> str:
    """The MIME type of PNG, JPEG, GIF or WebP bytes (``image/png`` when unknown)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"GIF8"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "image/png"


def with_images(messages: list[Message], images: list[bytes]) -> list[Message]:
    """The messages in OpenAI chat format with ``images`` attached to the last user message as data URLs.

    Both the OpenAI API and vLLM's ``LLM.chat`` accept this format. Without images, messages are unchanged.
    """
    if not images:
        return list(messages)
    out = [dict(m) for m in messages]
    last_user = max((i for i, m in enumerate(out) if m.get("role") == "user"), default=None)
    if last_user is None:
        out.append({"role": "user", "content": []})
        last_user = len(out) - 1
    content = out[last_user].get("content") or []
    parts = [{"type": "text", "text": content}] if isinstance(content, str) else list(content)
    for data in images:
        url = f"data:{image_mime(data)};base64,{base64.b64encode(data).decode('ascii')}"
        parts.append({"type": "image_url", "image_url": {"url": url}})
    out[last_user]["content"] = parts
    return out
