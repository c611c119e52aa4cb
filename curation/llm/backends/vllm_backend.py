"""vLLM's offline engine (GPU): ``vllm.LLM(...).chat`` on the whole batch, with structured outputs.

The JSON schema reaches the engine as ``SamplingParams(structured_outputs=StructuredOutputsParams(json=...))``
(vLLM >= 0.10), or ``SamplingParams(guided_decoding=GuidedDecodingParams(json=...))`` on older releases.
``vllm`` is imported only when this backend is built. If the batch call raises (e.g. one prompt longer than
the context), prompts are retried one by one so that only the bad one fails, as ``llm_unavailable``.
"""

from __future__ import annotations

from typing import Any

from curation.errors import ConfigError, require
from curation.llm.backends.base import Backend, BackendOutput, BackendPrompt, with_images
from curation.llm.config import LLMConfig


def structured_json_kwargs(schema: dict[str, Any]) -> dict[str, Any]:
    """The ``SamplingParams`` keyword that constrains decoding to ``schema``, for the installed vLLM."""
    sampling_params = require("vllm.sampling_params", "vllm", "the 'vllm' LLM backend")
    if hasattr(sampling_params, "StructuredOutputsParams"):
        return {"structured_outputs": sampling_params.StructuredOutputsParams(json=schema)}
    if hasattr(sampling_params, "GuidedDecodingParams"):
        return {"guided_decoding": sampling_params.GuidedDecodingParams(json=schema)}
    raise ConfigError("the installed vllm has neither StructuredOutputsParams nor GuidedDecodingParams: "
                      "install a vllm release with structured outputs (>= 0.6.4)")


class VLLMBackend(Backend):
    """``vllm.LLM(model=config.model, seed=config.seed, **config.vllm_kwargs)``, built once."""

    def __init__(self, config: LLMConfig):
        vllm = require("vllm", "vllm", "the 'vllm' LLM backend")
        if config.backend != "vllm":
            raise ConfigError(f"VLLMBackend got a config for backend {config.backend!r}: set backend: vllm")
        self.config = config
        self.model_id = config.model_id
        self._vllm = vllm
        kwargs = {"seed": config.seed, **config.vllm_kwargs}
        self._llm = vllm.LLM(model=config.model, **kwargs)

    def sampling_params(self, prompt: BackendPrompt):
        """vLLM ``SamplingParams`` of one prompt, with the schema as a structured-output constraint."""
        s = prompt.sampling
        return self._vllm.SamplingParams(temperature=s.temperature, top_p=s.top_p, max_tokens=s.max_new_tokens,
                                         seed=s.seed, **structured_json_kwargs(prompt.schema))

    def generate(self, prompts: list[BackendPrompt]) -> list[BackendOutput]:
        """The whole batch in one ``LLM.chat`` call; one by one if that call fails."""
        if not prompts:
            return []
        conversations = [with_images(p.messages, p.images) for p in prompts]
        params = [self.sampling_params(p) for p in prompts]
        try:
            outputs = self._llm.chat(conversations, sampling_params=params, use_tqdm=False)
            return [_to_output(o) for o in outputs]
        except Exception as exc:  # noqa: BLE001 - the engine raises plain exceptions; isolate the bad prompt
            if len(prompts) == 1:
                message = f"vllm ({self.model_id}): {type(exc).__name__}: {exc}"
                return [BackendOutput(error="llm_unavailable", message=message)]
        return [self.generate([p])[0] for p in prompts]


def _to_output(request_output) -> BackendOutput:
    """A vLLM ``RequestOutput`` as a ``BackendOutput``."""
    completion = request_output.outputs[0]
    return BackendOutput(text=completion.text, finish_reason=completion.finish_reason,
                         tokens_in=len(request_output.prompt_token_ids or []),
                         tokens_out=len(completion.token_ids or []))
