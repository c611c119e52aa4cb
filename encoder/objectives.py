"""Inputs and labels of the two objectives on a packed batch.

- ``clm``: the label of position ``t`` is the token at ``t + 1`` (labels shifted here, because
  ``ModernBertForMaskedLM``'s loss does not shift), on every position whose next token is in the same
  document piece; the last position of a piece, and padding, get -100. All tokens are trained.
- ``mlm``: transformers' ``DataCollatorForLanguageModeling`` masking (``mlm_probability`` of the
  tokens; 80 % ``[MASK]``, 10 % a random token, 10 % unchanged), never on padding or special tokens
  (the separator between documents included). Its random generator is seeded per micro-batch by
  ``(seed, phase, train or eval, step, micro-batch, rank)``, so a resumed run masks exactly as an uninterrupted one.
"""

from __future__ import annotations

from typing import Any

__all__ = ["clm_labels", "mlm_inputs"]


def clm_labels(input_ids, doc_ids, padding):
    """``[B, L]`` next-token labels within document pieces (-100 elsewhere)."""
    import torch

    labels = torch.full_like(input_ids, -100)
    same = (doc_ids[:, 1:] == doc_ids[:, :-1]) & padding[:, 1:]
    labels[:, :-1] = torch.where(same, input_ids[:, 1:], torch.full_like(input_ids[:, 1:], -100))
    return labels


def mlm_inputs(input_ids, padding, tokenizer: Any, probability: float, seed: list[int]):
    """``(masked inputs, labels)``: labels are the original ids on the masked positions, -100 elsewhere."""
    import torch
    from transformers import DataCollatorForLanguageModeling

    collator = DataCollatorForLanguageModeling(tokenizer, mlm=True, mlm_probability=probability,
                                               return_tensors="pt")
    generator = torch.Generator()
    generator.manual_seed(_seed_of(seed))
    collator.generator = generator
    special_ids = torch.tensor(sorted(set(tokenizer.all_special_ids)), dtype=input_ids.dtype)
    special = torch.isin(input_ids.cpu(), special_ids) | ~padding.cpu()
    inputs, labels = collator.torch_mask_tokens(input_ids.detach().cpu().clone(), special_tokens_mask=special)
    return inputs.to(input_ids.device), labels.to(input_ids.device)


def _seed_of(parts: list[int]) -> int:
    """One 63-bit seed from a list of integers (numpy's SeedSequence mixes them)."""
    import numpy as np

    return int(np.random.SeedSequence([int(p) for p in parts]).generate_state(1, dtype=np.uint64)[0] >> 1)
