"""Loading the encoder to continue pretraining, and exporting it as an HF checkpoint.

The model is HF's ``ModernBertForMaskedLM`` from any local checkpoint (ModernCamemBERT base or large in
real runs; a tiny random one in CI). Both phases use that one class: the causal phase only changes the
masks (``encoder.attention``) and the labels (``encoder.objectives``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from curation.errors import ConfigError, require
from curation.training.hf import checkpoint_folder, local_tokenizer
from encoder.config import ModelConfig

__all__ = ["export_model", "load_model", "load_tokenizer"]


def load_tokenizer(config: ModelConfig):
    """The model's tokenizer (``model.tokenizer`` or the checkpoint folder); it needs a mask token."""
    where = "model.tokenizer" if config.tokenizer else "model.path"
    tokenizer = local_tokenizer(config.tokenizer or config.path, where)
    if tokenizer.mask_token_id is None:
        raise ConfigError(f"{where} {config.tokenizer or config.path}: the tokenizer has no mask token — the MLM "
                          "phase needs one")
    return tokenizer


def load_model(config: ModelConfig, device_type: str = "cpu"):
    """``ModernBertForMaskedLM`` from ``model.path`` with the configured attention implementation."""
    transformers = require("transformers", "train", "the encoder recipe")
    path = checkpoint_folder(config.path, "model.path", "give a ModernBertForMaskedLM, e.g. ModernCamemBERT")
    model_config = transformers.AutoConfig.from_pretrained(path)
    if model_config.model_type != "modernbert":
        raise ConfigError(f"model.path {config.path}: model_type {model_config.model_type!r}; the recipe continues "
                          "pretraining a ModernBERT (model_type 'modernbert')")
    if config.attn_implementation == "flex_attention" and device_type != "cuda":
        raise ConfigError("model.attn_implementation flex_attention needs a CUDA device (torch's CPU kernel has no "
                          "backward pass) — use sdpa on CPU")
    if config.attn_implementation == "flash_attention_2":
        require("flash_attn", "train", "model.attn_implementation flash_attention_2 (pip install flash-attn on a GPU machine)")
    return transformers.ModernBertForMaskedLM.from_pretrained(path, attn_implementation=config.attn_implementation)


def export_model(model: Any, tokenizer: Any, out: str | Path) -> Path:
    """Save the final model as an HF checkpoint ready for fine-tuning: ``classifier_pooling="cls"``."""
    out = Path(out)
    model.config.classifier_pooling = "cls"
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    return out
