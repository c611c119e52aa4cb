"""A tiny random ModernBERT checkpoint with a given tokenizer (built here: nothing is downloaded)."""

from __future__ import annotations

from pathlib import Path


def tiny_modernbert(folder: Path, tokenizer_dir: Path, seed: int = 0, local_attention: int = 16,
                    layers: int = 3, hidden: int = 32) -> Path:
    """``ModernBertForMaskedLM`` (hidden 32, 3 layers: global, local, local) saved with the tokenizer."""
    import torch
    from transformers import AutoTokenizer, ModernBertConfig, ModernBertForMaskedLM

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
    config = ModernBertConfig(
        vocab_size=len(tokenizer), hidden_size=hidden, intermediate_size=2 * hidden, num_hidden_layers=layers,
        num_attention_heads=2, local_attention=local_attention, global_attn_every_n_layers=3,
        max_position_embeddings=512, pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.cls_token_id,
        eos_token_id=tokenizer.sep_token_id, cls_token_id=tokenizer.cls_token_id,
        sep_token_id=tokenizer.sep_token_id,
    )
    torch.manual_seed(seed)
    model = ModernBertForMaskedLM(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
