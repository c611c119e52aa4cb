"""Configuration of the LLM layer: which backend, which model, how to sample, retry and cache."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from curation.config import StrictModel

DEFAULT_CACHE_DIR = "~/.cache/biomedfr/llm"
"""Cache folder used when neither ``cache_dir`` nor ``$BIOMEDFR_CACHE`` is set."""


class LLMConfig(StrictModel):
    """How to reach a model and how to talk to it. API keys never appear here: only the NAME of the
    environment variable that holds one."""

    backend: Literal["vllm", "openai", "transformers"]
    """``vllm``: vLLM's offline engine (GPU); ``openai``: any OpenAI-compatible server (e.g. ``vllm serve``);
    ``transformers``: a local model on CPU or GPU."""
    model: str
    """Model id (Hugging Face repo id, or the name the server knows) or a local path."""
    base_url: str | None = None
    """Base URL of the OpenAI-compatible server, e.g. ``http://localhost:8000/v1`` (backend ``openai``)."""
    api_key_env: str = "OPENAI_API_KEY"
    """Name of the environment variable holding the API key (backend ``openai``); unset means ``EMPTY``."""
    max_concurrency: int = Field(8, ge=1)
    """Requests in flight at once (backend ``openai``)."""
    timeout_s: float = Field(120.0, gt=0)
    """Timeout of one request, in seconds."""
    max_retries: int = Field(2, ge=0)
    """Retries of an invalid output (bad JSON, no stop, repetition loop), each at a higher temperature."""
    temperature_step: float = Field(0.2, ge=0)
    """Temperature added at each invalid-output retry."""
    transport_retries: int = Field(3, ge=0)
    """Retries after a timeout, a 5xx/429 answer or a connection error, with exponential backoff."""
    backoff_s: float = Field(1.0, ge=0)
    """First backoff delay in seconds; doubled at each transport retry."""
    temperature: float = Field(0.0, ge=0)
    """Sampling temperature of the first attempt (0: greedy)."""
    top_p: float = Field(1.0, gt=0, le=1)
    """Nucleus sampling mass."""
    max_new_tokens: int = Field(1024, ge=1)
    """Cap on generated tokens per request; hitting it gives ``llm_no_stop`` unless the output is valid."""
    seed: int = 0
    """Sampling seed, part of the cache key."""
    cache_dir: str | None = None
    """Disk cache folder, shared across output folders. Default: ``$BIOMEDFR_CACHE`` or
    ``~/.cache/biomedfr/llm``."""
    gguf_file: str | None = None
    """GGUF file name inside ``model`` (a local folder or repo), for GGUF checkpoints (backend ``transformers``)."""
    device: str = "auto"
    """Device of a local model: ``auto``, ``cpu``, ``cuda``, ``cuda:1``... (backend ``transformers``)."""
    vllm_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Extra keyword arguments of ``vllm.LLM`` (``tensor_parallel_size``, ``max_model_len``...)."""

    @property
    def model_id(self) -> str:
        """The model's identity in cache keys and metadata: ``model``, plus ``:gguf_file`` when set."""
        return f"{self.model}:{self.gguf_file}" if self.gguf_file else self.model

    def resolved_cache_dir(self) -> Path:
        """The cache folder: ``cache_dir``, else ``$BIOMEDFR_CACHE``, else ``~/.cache/biomedfr/llm``."""
        chosen = self.cache_dir or os.environ.get("BIOMEDFR_CACHE") or DEFAULT_CACHE_DIR
        return Path(chosen).expanduser()
