"""The LLM layer: one batch-first ``LLMClient.generate(requests) -> results`` over interchangeable backends.

``build_client(config)`` picks the backend named by ``config.backend``, with the disk cache of
``config.resolved_cache_dir()``. Heavy packages (``openai``, ``vllm``) are imported only by the backend
that needs them.
"""

from __future__ import annotations

from collections.abc import Callable

from curation.errors import ConfigError
from curation.llm.backends.base import Backend
from curation.llm.cache import LLMCache
from curation.llm.client import LLMClient
from curation.llm.config import LLMConfig
from curation.llm.estimate import DryRunEstimate, estimate
from curation.llm.types import REASONS, LLMRequest, LLMResult, LLMStats, SamplingParams


class LazyBackend(Backend):
    """Builds the real backend on the first prompt it must send: a run served from the cache, or a
    ``--dry-run``, never loads a model or opens a connection (the model id, part of every cache key, is
    known without building anything)."""

    def __init__(self, model_id: str, factory: Callable[[], Backend]):
        self.model_id = model_id
        self._factory = factory
        self._backend: Backend | None = None

    def generate(self, prompts):
        if not prompts:
            return []
        if self._backend is None:
            self._backend = self._factory()
        return self._backend.generate(prompts)

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None


def _openai(config: LLMConfig) -> Backend:
    """Any OpenAI-compatible server (imports ``openai``)."""
    from curation.llm.backends.openai_backend import OpenAIBackend

    return OpenAIBackend(config)


def _vllm(config: LLMConfig) -> Backend:
    """vLLM's offline engine (imports ``vllm`` and loads the model)."""
    from curation.llm.backends.vllm_backend import VLLMBackend

    return VLLMBackend(config)


def _transformers(config: LLMConfig) -> Backend:
    """A local transformers model, CPU or GPU, with xgrammar-constrained JSON (imports torch)."""
    from curation.llm.backends.transformers_backend import TransformersBackend

    return TransformersBackend(config)


def model_id_of(config: LLMConfig) -> str:
    """The id the backend of ``config`` will report, computed without building it."""
    if config.backend == "transformers":
        from curation.llm.backends.transformers_backend import resolve_model

        return resolve_model(config)[2]
    return config.model_id


BACKENDS: dict[str, Callable[[LLMConfig], Backend]] = {"openai": _openai, "vllm": _vllm, "transformers": _transformers}
"""Backend builders by ``LLMConfig.backend`` value."""


def build_client(config: LLMConfig, cache: LLMCache | None = None) -> LLMClient:
    """An ``LLMClient`` for ``config``; ``cache`` defaults to the config's cache folder."""
    builder = BACKENDS.get(config.backend)
    if builder is None:
        raise ConfigError(f"llm.backend: backend {config.backend!r} is not available in this version; "
                          f"available: {', '.join(sorted(BACKENDS))}")
    backend = LazyBackend(model_id_of(config), lambda: builder(config))
    return LLMClient(config, backend, cache if cache is not None else LLMCache(config.resolved_cache_dir()))


__all__ = ["BACKENDS", "REASONS", "Backend", "LazyBackend", "DryRunEstimate", "LLMCache", "LLMClient", "LLMConfig", "LLMRequest",
           "LLMResult", "LLMStats", "SamplingParams", "build_client", "estimate"]
