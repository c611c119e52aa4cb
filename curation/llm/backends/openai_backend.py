"""Any OpenAI-compatible chat server (OpenAI, ``vllm serve``, llama.cpp server...) through the ``openai`` package.

Structured output with ``response_format={"type": "json_schema", ...}``; at most ``max_concurrency``
requests in flight; each request retried ``transport_retries`` times with exponential backoff
(``backoff_s``, doubled each time) after a timeout, a 5xx or 429 answer, or a connection error, then
answered with ``llm_timeout`` or ``llm_unavailable``. Other 4xx answers are not retried. The API key comes
from the environment variable named by ``api_key_env`` (``EMPTY`` when unset, as ``vllm serve`` expects).
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor

from curation.errors import ConfigError, require
from curation.llm.backends.base import Backend, BackendOutput, BackendPrompt, with_images
from curation.llm.config import LLMConfig


class OpenAIBackend(Backend):
    """Chat completions against ``config.base_url`` (or OpenAI's own API when None) for ``config.model``."""

    def __init__(self, config: LLMConfig):
        openai = require("openai", "llm", "the 'openai' LLM backend")
        if config.backend != "openai":
            raise ConfigError(f"OpenAIBackend got a config for backend {config.backend!r}: set backend: openai")
        self.config = config
        self.model_id = config.model_id
        self._openai = openai
        self._client = openai.OpenAI(base_url=config.base_url, api_key=os.environ.get(config.api_key_env, "EMPTY"),
                                     timeout=config.timeout_s, max_retries=0)

    def generate(self, prompts: list[BackendPrompt]) -> list[BackendOutput]:
        """All prompts, ``max_concurrency`` at a time; outputs in the order of the prompts."""
        if not prompts:
            return []
        workers = min(self.config.max_concurrency, len(prompts))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="biomedfr-llm") as pool:
            return list(pool.map(self._one, prompts))

    def _one(self, prompt: BackendPrompt) -> BackendOutput:
        """One prompt with transport retries; never raises for a failed request."""
        errors = self._openai
        failure = BackendOutput(error="llm_unavailable", message="no attempt made")
        for attempt in range(self.config.transport_retries + 1):
            if attempt:
                time.sleep(self.config.backoff_s * 2 ** (attempt - 1))
            try:
                return self._call(prompt)
            except errors.APITimeoutError as exc:
                failure = BackendOutput(error="llm_timeout", message=self._where(f"timed out after "
                                        f"{self.config.timeout_s:g} s ({exc})", attempt))
            except errors.APIConnectionError as exc:
                failure = BackendOutput(error="llm_unavailable",
                                        message=self._where(f"connection failed ({exc})", attempt))
            except errors.APIStatusError as exc:
                failure = BackendOutput(error="llm_unavailable",
                                        message=self._where(f"HTTP {exc.status_code}: {_short(exc.message)}", attempt))
                if exc.status_code < 500 and exc.status_code != 429:
                    return failure
            except (errors.OpenAIError, ValueError, TypeError, AttributeError) as exc:
                return BackendOutput(error="llm_unavailable", message=self._where(f"bad response ({exc})", attempt))
        return failure

    def _call(self, prompt: BackendPrompt) -> BackendOutput:
        """One HTTP request; exceptions are the ``openai`` package's."""
        s = prompt.sampling
        response = self._client.chat.completions.create(
            model=self.config.model,
            messages=with_images(prompt.messages, prompt.images),
            response_format={"type": "json_schema",
                             "json_schema": {"name": prompt.schema_name, "schema": prompt.schema, "strict": True}},
            temperature=s.temperature, top_p=s.top_p, max_tokens=s.max_new_tokens, seed=s.seed,
        )
        if not response.choices:
            return BackendOutput(error="llm_unavailable", message=f"{self.config.base_url}: answer without choices")
        choice = response.choices[0]
        usage = response.usage
        return BackendOutput(text=choice.message.content or "", finish_reason=choice.finish_reason,
                             tokens_in=usage.prompt_tokens if usage else 0,
                             tokens_out=usage.completion_tokens if usage else 0)

    def _where(self, what: str, attempt: int) -> str:
        """A failure message naming the server, the model and the number of attempts."""
        return (f"{self.config.base_url or 'OpenAI API'} (model {self.config.model}): {what}, "
                f"after {attempt + 1} attempt(s) — check that the server is up and serves this model")

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()


def _short(text: str, limit: int = 300) -> str:
    """``text`` cut to ``limit`` characters."""
    return text if len(text) <= limit else text[:limit] + "…"
