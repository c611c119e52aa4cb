"""Loading the causal LM and its tokenizer, the pad token, the DoRA adapter and its merge.

- **Pad**: an existing token, never a new one (a new id would need the embeddings resized, and its row
  would be untrained): the tokenizer's ``pad_token`` when it has one, else its EOS. Padding positions
  carry no loss and are masked out of attention, so which token pads does not change training.
- **Adapter**: ``peft.LoraConfig(use_dora=True, r=16, lora_alpha=16, lora_dropout=0.05,
  target_modules=[q,k,v,o,gate,up,down]_proj)`` (MedMistral Table 7); at the end it is saved on its own
  and merged into the weights from that saved copy (``merge_and_unload``), which also works when
  training was sharded with FSDP.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from curation.errors import ConfigError, require
from curation.training.hf import checkpoint_folder, local_tokenizer
from decoder.config import AdapterConfig, ModelConfig

__all__ = ["add_adapter", "decay_groups", "load_causal_lm", "load_tokenizer", "merge_adapter", "pad_token_id"]


def pad_token_id(tokenizer: Any) -> int:
    """The id padding uses: the tokenizer's pad token, else its EOS (set as its pad token); never a new token."""
    if tokenizer.pad_token_id is not None:
        return int(tokenizer.pad_token_id)
    if tokenizer.eos_token_id is None:
        raise ConfigError(f"tokenizer {tokenizer.name_or_path}: declares neither a pad nor an EOS token — declare "
                          "an existing token as pad_token in its tokenizer_config.json (adding a token would need "
                          "the embeddings resized)")
    tokenizer.pad_token = tokenizer.eos_token
    return int(tokenizer.eos_token_id)


def load_tokenizer(config: ModelConfig, chat_template: str | None = None) -> Any:
    """The model's tokenizer (``config.tokenizer`` or ``config.path``), with a pad token and, when given, the
    chat template ``chat_template`` (a shipped name or a Jinja file)."""
    path = config.tokenizer or config.path
    if config.tokenizer:
        if not Path(path).is_dir():
            raise ConfigError(f"model.tokenizer: {path} is not a folder — give a local tokenizer folder")
    else:
        checkpoint_folder(path, "model.path")
    tokenizer = local_tokenizer(path, "model.tokenizer" if config.tokenizer else "model.path")
    pad_token_id(tokenizer)
    if chat_template is not None:
        from decoder.data import load_chat_template

        tokenizer.chat_template = load_chat_template(chat_template)
    return tokenizer


def load_causal_lm(config: ModelConfig, tokenizer: Any, path: str | None = None) -> Any:
    """The causal LM at ``path`` (default ``config.path``), checked against ``tokenizer``: every token id
    must have an embedding row. Its config gets the tokenizer's pad id when it has none."""
    torch = require("torch", "train", "decoder training")
    transformers = require("transformers", "train", "decoder training")
    path = path or config.path
    checkpoint_folder(path, "model.path")
    try:
        model = transformers.AutoModelForCausalLM.from_pretrained(
            path, dtype=getattr(torch, config.dtype), attn_implementation=config.attn_implementation)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"model.path {path}: cannot be loaded as a causal LM ({exc})") from None
    rows = model.get_input_embeddings().weight.shape[0]
    if rows < len(tokenizer):
        raise ConfigError(f"model.path {path}: {rows} embedding rows but the tokenizer {tokenizer.name_or_path} has "
                          f"{len(tokenizer)} tokens — use the model's own tokenizer (model.tokenizer)")
    if model.config.pad_token_id is None:
        model.config.pad_token_id = pad_token_id(tokenizer)
        if getattr(model, "generation_config", None) is not None:
            model.generation_config.pad_token_id = model.config.pad_token_id
    if config.gradient_checkpointing:
        model.gradient_checkpointing_enable()
        model.config.use_cache = False
    return model


def add_adapter(model: Any, adapter: AdapterConfig) -> Any:
    """Wrap ``model`` in a peft model with a LoRA/DoRA adapter on ``adapter.target_modules``."""
    peft = require("peft", "train", "SFT with DoRA")
    names = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    missing = [m for m in adapter.target_modules if m not in names]
    if missing:
        raise ConfigError(f"adapter.target_modules: {', '.join(missing)} not found in {type(model).__name__} — "
                          f"linear layers of this model include {', '.join(sorted(n for n in names if 'proj' in n))}")
    lora = peft.LoraConfig(task_type="CAUSAL_LM", use_dora=adapter.use_dora, r=adapter.r,
                           lora_alpha=adapter.lora_alpha, lora_dropout=adapter.lora_dropout,
                           target_modules=list(adapter.target_modules))
    wrapped = peft.get_peft_model(model, lora)
    if getattr(model, "is_gradient_checkpointing", False):
        wrapped.enable_input_require_grads()
    return wrapped


def decay_groups(model: Any, weight_decay: float) -> list[dict]:
    """AdamW parameter groups: weight decay on matrices, none on biases and normalisation weights (every
    trainable parameter with fewer than 2 dimensions, DoRA's magnitude vectors included)."""
    decay, no_decay = [], []
    for _, param in model.named_parameters():
        if param.requires_grad:
            (decay if param.ndim >= 2 else no_decay).append(param)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def merge_adapter(config: ModelConfig, tokenizer: Any, base_path: str, adapter_dir: Path, out: Path) -> Path:
    """Load the base model and the saved adapter, merge the adapter into the weights and save a plain HF
    checkpoint (with the tokenizer) to ``out``."""
    peft = require("peft", "train", "SFT with DoRA")
    base = load_causal_lm(config, tokenizer, base_path)
    merged = peft.PeftModel.from_pretrained(base, str(adapter_dir)).merge_and_unload()
    merged.save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    return out
