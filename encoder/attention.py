"""The attention masks of both phases, restricted to the documents of packed sequences.

ModernBERT alternates global layers (``full_attention``) and local layers (``sliding_attention``,
``|i - j| <= config.sliding_window``, i.e. half of ``local_attention = 128``). Its forward accepts the
masks as a dict keyed by layer type, and uses them as given. We always pass that dict:

- causal phase (CLM detour): ``full_attention`` = causal AND same document; ``sliding_attention`` =
  causal AND ``|i - j| <= sliding_window`` AND same document;
- bidirectional phase (MLM): ``full_attention`` = same document; ``sliding_attention`` =
  ``|i - j| <= sliding_window`` AND same document.

Two traps this avoids, both proved by the tests: HF's ``create_causal_mask`` returns ``None`` under sdpa
when there is no padding (expecting ``is_causal``, which ModernBERT's attention sets to False: the model
would run bidirectionally), and a single 4D mask given for every layer drops the sliding window.

The mask functions are transformers' own (``masking_utils``); they are materialised for the attention
implementation in use: a boolean 4D mask for ``sdpa``, an additive float mask for ``eager``, a
``BlockMask`` for ``flex_attention``. ``flash_attention_2`` (optional, GPU with flash-attn installed)
takes no mask: the batch is flattened and the varlen kernel gets the document boundaries as
``cu_seq_lens`` and ``is_causal`` as a forward argument (``flash_kwargs``; HF's packed-sequence path).
Padding (the tail of a split's last sequence) is a document of its own, so no row of a mask is empty.
"""

from __future__ import annotations

from typing import Any, Literal

Objective = Literal["clm", "mlm"]
IMPLEMENTATIONS = ("sdpa", "eager", "flex_attention", "flash_attention_2")
"""Attention implementations the recipe supports (``model.attn_implementation``)."""


def document_ids(cu_seqlens: list, seq_len: int, device: Any = None):
    """``[B, L]`` int64: the index of the document piece of every token; padding gets its own index."""
    import torch

    rows = []
    for cu in cu_seqlens:
        bounds = torch.as_tensor(cu, dtype=torch.int64)
        lengths = torch.diff(bounds)
        ids = torch.repeat_interleave(torch.arange(lengths.numel(), dtype=torch.int64), lengths)
        if ids.numel() < seq_len:  # padding: one more piece
            ids = torch.cat([ids, torch.full((seq_len - ids.numel(),), lengths.numel(), dtype=torch.int64)])
        rows.append(ids)
    out = torch.stack(rows) if rows else torch.zeros((0, seq_len), dtype=torch.int64)
    return out.to(device) if device is not None else out


def mask_functions(objective: Objective, doc_ids, sliding_window: int) -> dict[str, Any]:
    """transformers mask functions ``(b, h, q, kv) -> bool`` for each layer type of ModernBERT."""
    from transformers.masking_utils import (
        and_masks,
        bidirectional_mask_function,
        causal_mask_function,
        packed_sequence_mask_function,
        sliding_window_bidirectional_overlay,
    )

    same_document = packed_sequence_mask_function(doc_ids)
    window = sliding_window_bidirectional_overlay(sliding_window)  # |q - kv| <= sliding_window
    base = causal_mask_function if objective == "clm" else bidirectional_mask_function
    return {
        "full_attention": and_masks(base, same_document),
        "sliding_attention": and_masks(base, window, same_document),
    }


def attention_masks(objective: Objective, doc_ids, sliding_window: int, implementation: str,
                    dtype: Any = None) -> dict[str, Any] | None:
    """The dict of masks ModernBERT's forward takes as ``attention_mask`` (None for flash-attention, which
    reads document boundaries from ``position_ids``)."""
    import torch
    from transformers.masking_utils import eager_mask, flex_attention_mask, sdpa_mask

    if implementation == "flash_attention_2":
        return None
    batch, seq_len = doc_ids.shape
    common = {"batch_size": batch, "q_length": seq_len, "kv_length": seq_len, "device": doc_ids.device}
    out = {}
    for layer_type, function in mask_functions(objective, doc_ids, sliding_window).items():
        if implementation == "sdpa":
            # never skipped: a None mask would make ModernBERT attend bidirectionally everywhere
            out[layer_type] = sdpa_mask(mask_function=function, allow_is_causal_skip=False,
                                        allow_is_bidirectional_skip=False, **common)
        elif implementation == "eager":
            out[layer_type] = eager_mask(mask_function=function, dtype=dtype or torch.float32, **common)
        elif implementation == "flex_attention":
            out[layer_type] = flex_attention_mask(mask_function=function, **common)
        else:
            from curation.errors import ConfigError

            raise ConfigError(f"model.attn_implementation {implementation!r}: use one of {', '.join(IMPLEMENTATIONS)}")
    return out


def flash_kwargs(objective: Objective, flat_cu_seqlens, device: Any = None) -> dict[str, Any]:
    """The varlen arguments of HF's flash-attention path for a batch flattened to ``[1, B * L]``."""
    import torch

    cu = torch.as_tensor(flat_cu_seqlens, dtype=torch.int32, device=device)
    longest = int(torch.diff(cu).max()) if cu.numel() > 1 else 0
    return {"cu_seq_lens_q": cu, "cu_seq_lens_k": cu, "max_length_q": longest, "max_length_k": longest,
            "is_causal": objective == "clm"}
