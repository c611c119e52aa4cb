"""The evaluated model: a HF causal-LM folder loaded for inference, its prompts formatted (chat template or
raw text), and the tokens of the answer letters.

Imports torch and transformers (the ``train`` extra) when a model is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from curation.errors import ConfigError, require
from curation.training.hf import checkpoint_folder, local_tokenizer
from decoder.evaluation.config import GenerationConfig, ModelSpec
from decoder.model import pad_token_id

__all__ = ["LoadedModel", "letter_tokens", "load_model", "resolve_device", "template_answer_prefix"]


def resolve_device(device: str) -> str:
    """``auto`` -> ``cuda`` when available, else ``cpu``; other values unchanged."""
    torch = require("torch", "train", "decoder evaluation")
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


@dataclass
class LoadedModel:
    """A model ready for evaluation: weights, tokenizer and how prompts are formatted."""

    name: str
    model: Any
    tokenizer: Any
    device: str
    use_chat_template: bool
    answer_prefix: str | None
    """The configured prefix of answer letters (None: chosen per letter set: with a chat template, first what
    the template puts before an assistant answer, see ``template_answer_prefix``)."""
    eos_id: int
    pad_id: int
    max_positions: int | None
    _letter_cache: dict = field(default_factory=dict)

    def format(self, messages: list[dict[str, str]]) -> str:
        """The text the model reads for these messages: the chat template with the generation prompt, or the
        messages' contents joined by blank lines (a base model)."""
        if self.use_chat_template:
            return self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return "\n\n".join(m["content"] for m in messages)

    def encode(self, texts: list[str]) -> list[list[int]]:
        """Token ids of formatted prompts (special tokens added when no chat template put them there)."""
        return self.tokenizer(texts, add_special_tokens=not self.use_chat_template)["input_ids"]

    def check_length(self, ids: list[int], where: str, room: int) -> None:
        """``ConfigError`` when a prompt plus ``room`` new tokens exceeds the model's positions."""
        if self.max_positions is not None and len(ids) + room > self.max_positions:
            raise ConfigError(f"{where}: the prompt has {len(ids)} tokens (+{room} to generate), more than the "
                              f"{self.max_positions} positions of model {self.name!r} — shorten the item or the prompt")

    def letters(self, letters: list[str]) -> tuple[str, dict[str, int]]:
        """(answer prefix, letter -> token id) for these letters (see ``letter_tokens``), cached."""
        key = tuple(letters)
        if key not in self._letter_cache:
            if self.answer_prefix is not None:
                candidates = [self.answer_prefix]
            elif self.use_chat_template:
                trained = template_answer_prefix(self.tokenizer)
                candidates = list(dict.fromkeys(([trained] if trained is not None else []) + ["", " "]))
            else:
                candidates = [" ", ""]
            self._letter_cache[key] = letter_tokens(self.tokenizer, letters, candidates, self.name)
        return self._letter_cache[key]


def template_answer_prefix(tokenizer) -> str | None:
    """What the chat template puts between the generation prompt and an assistant answer (``" "`` for
    ``[/INST] answer``), or None when the template does not render that way."""
    from jinja2 import TemplateError

    user = [{"role": "user", "content": "Question"}]
    try:
        prompt = tokenizer.apply_chat_template(user, tokenize=False, add_generation_prompt=True)
        full = tokenizer.apply_chat_template(user + [{"role": "assistant", "content": "XYZ"}], tokenize=False)
    except (TemplateError, ValueError, TypeError, KeyError):  # a template that needs other turns: use the defaults
        return None
    if not full.startswith(prompt) or "XYZ" not in full[len(prompt):]:
        return None
    prefix = full[len(prompt):].split("XYZ", 1)[0]
    return prefix if prefix.strip() == "" else None


def letter_tokens(tokenizer, letters: list[str], prefixes: list[str],
                  model: str = "model") -> tuple[str, dict[str, int]]:
    """The first prefix under which every letter (``prefix + letter``) is one token, the tokens all distinct,
    and those tokens. ``ConfigError`` when no prefix works (set ``generation.answer_prefix``)."""
    tried = []
    for prefix in prefixes:
        ids = {letter: tokenizer(prefix + letter, add_special_tokens=False)["input_ids"] for letter in letters}
        if all(len(v) == 1 for v in ids.values()) and len({v[0] for v in ids.values()}) == len(letters):
            return prefix, {letter: v[0] for letter, v in ids.items()}
        tried.append(f"{prefix!r}: " + ", ".join(f"{letter}->{v}" for letter, v in ids.items()))
    raise ConfigError(f"model {model!r}: its tokenizer does not give one distinct token per answer letter "
                      f"{' '.join(letters)} with any answer prefix tried ({'; '.join(tried)}) — set "
                      "generation.answer_prefix, or use a tokenizer with single-token letters")


def load_model(name: str, spec: ModelSpec, generation: GenerationConfig) -> LoadedModel:
    """Load ``spec.path`` (weights in eval mode on the configured device and dtype, and its tokenizer)."""
    torch = require("torch", "train", "decoder evaluation")
    transformers = require("transformers", "train", "decoder evaluation")
    path = checkpoint_folder(spec.path, f"models.{name}.path", "give the folder where a CPT, SFT or merge run saved "
                             "its model")
    device = resolve_device(generation.device)
    dtype = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}.get(generation.dtype)
    if dtype is None:
        dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
    tokenizer = local_tokenizer(path, f"models.{name}.path")
    model = transformers.AutoModelForCausalLM.from_pretrained(str(path), dtype=dtype)
    model.to(device).eval()
    has_template = getattr(tokenizer, "chat_template", None) is not None
    if spec.chat_template == "always" and not has_template:
        raise ConfigError(f"models.{name}.chat_template: always, but the tokenizer of {path} has no chat template — "
                          "use auto or never")
    eos_id = tokenizer.eos_token_id if tokenizer.eos_token_id is not None else model.config.eos_token_id
    if isinstance(eos_id, list):
        eos_id = eos_id[0]
    if eos_id is None:
        raise ConfigError(f"models.{name}: the tokenizer of {path} has no EOS token — constrained answers end with it")
    has_pad = tokenizer.pad_token_id is not None or tokenizer.eos_token_id is not None
    pad_id = pad_token_id(tokenizer) if has_pad else eos_id
    max_positions = getattr(model.config, "max_position_embeddings", None)
    return LoadedModel(name=name, model=model, tokenizer=tokenizer, device=device,
                       use_chat_template=has_template and spec.chat_template != "never",
                       answer_prefix=generation.answer_prefix, eos_id=int(eos_id), pad_id=int(pad_id),
                       max_positions=max_positions)
