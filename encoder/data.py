"""Micro-batches of packed sequences for one process, with a cursor that a checkpoint saves.

Each epoch is a permutation of the split seeded by ``(shuffle_seed, epoch)`` (``PackedDataset.order``),
dealt round-robin to the processes (each gets the same count, so their cursors agree); a micro-batch is the next ``micro`` sequences of this process's
share, and an epoch ends when fewer than ``micro`` remain (every micro-batch has the same shape). The
cursor ``(epoch, offset)`` is all it takes to resume exactly where a run stopped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from curation.errors import ConfigError
from curation.pack.reader import PackedBatch, PackedDataset

__all__ = ["BatchStream", "ModelInputs", "model_inputs"]


class BatchStream:
    """The endless stream of one process's micro-batches over the epochs of a split."""

    def __init__(self, dataset: PackedDataset, micro: int, seed: int = 0, rank: int = 0, world_size: int = 1,
                 shuffle: bool = True):
        if len(dataset) // world_size < micro:
            raise ConfigError(f"{dataset.folder} ({dataset.split}): {len(dataset)} sequences cannot fill a micro-batch "
                              f"of {micro} on each of {world_size} process(es) — lower device_train_microbatch_size")
        self.dataset, self.micro, self.seed = dataset, micro, seed
        self.rank, self.world_size, self.shuffle = rank, world_size, shuffle
        self.epoch, self.offset = 0, 0
        self._order = None

    def _current(self):
        if self._order is None:
            order = self.dataset.order(self.shuffle, self.seed, self.epoch, self.rank, self.world_size)
            self._order = order[:len(self.dataset) // self.world_size]  # the same count on every process
        return self._order

    def next(self) -> PackedBatch:
        """The next micro-batch (a new epoch starts when this one cannot fill it)."""
        order = self._current()
        if self.offset + self.micro > order.size:
            self.epoch, self.offset, self._order = self.epoch + 1, 0, None
            order = self._current()
        chunk = order[self.offset:self.offset + self.micro]
        self.offset += self.micro
        return self.dataset.batch(chunk)

    def state_dict(self) -> dict[str, int]:
        """The cursor."""
        return {"epoch": self.epoch, "offset": self.offset}

    def load_state_dict(self, state: dict[str, int]) -> None:
        """Resume at a saved cursor."""
        self.epoch, self.offset, self._order = int(state["epoch"]), int(state["offset"]), None


@dataclass
class ModelInputs:
    """What one forward pass takes, and what it counts."""

    kwargs: dict[str, Any]
    """``input_ids``, ``attention_mask`` (the dict of masks), ``position_ids``, ``labels``."""
    label_count: int
    """Positions with a label (the loss is normalised by their total over the step)."""
    real_tokens: int
    """Non-padding tokens."""


def model_inputs(batch: PackedBatch, objective: str, tokenizer: Any, sliding_window: int, implementation: str,
                 device: Any, mlm_probability: float = 0.15, seed: list[int] | None = None,
                 mask_dtype: Any = None) -> ModelInputs:
    """Tensors of one micro-batch for ``objective`` (``clm`` or ``mlm``) on ``device``."""
    import torch

    from encoder.attention import attention_masks, document_ids, flash_kwargs
    from encoder.objectives import clm_labels, mlm_inputs

    input_ids = torch.as_tensor(batch.input_ids, dtype=torch.long)
    padding = torch.as_tensor(batch.padding_mask())
    doc_ids = document_ids(batch.cu_seqlens, input_ids.shape[1])
    position_ids = torch.as_tensor(batch.position_ids(), dtype=torch.long)
    if objective == "clm":
        labels = clm_labels(input_ids, doc_ids, padding)
    else:
        input_ids, labels = mlm_inputs(input_ids, padding, tokenizer, mlm_probability, seed or [0])
    count, real = int((labels != -100).sum()), int(padding.sum())
    if implementation == "flash_attention_2":  # flattened batch, boundaries as cu_seq_lens (no mask)
        kwargs = {"input_ids": input_ids.reshape(1, -1).to(device), "position_ids": position_ids.reshape(1, -1).to(device),
                  "labels": labels.reshape(1, -1).to(device), **flash_kwargs(objective, batch.flat_cu_seqlens(), device)}
        return ModelInputs(kwargs, count, real)
    masks = attention_masks(objective, doc_ids.to(device), sliding_window, implementation, dtype=mask_dtype)
    kwargs = {"input_ids": input_ids.to(device), "position_ids": position_ids.to(device),
              "labels": labels.to(device), "attention_mask": masks}
    return ModelInputs(kwargs, count, real)
