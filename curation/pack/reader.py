"""Reading a pack for training: memory-mapped sequences with their document boundaries.

::

    from curation.pack.reader import PackedDataset

    data = PackedDataset("packs/biomed-fr-v2", "train", expected_tokenizer="models/camembert-bio")
    for batch in data.iter_batches(batch_size=8, seed=0, epoch=0, rank=rank, world_size=world):
        batch.input_ids        # [B, L] int64 (numpy; torch with return_tensors="pt")
        batch.cu_seqlens       # B arrays [0, e1, ..., length_b] (int32): document pieces of each row
        batch.lengths          # [B] real tokens per row (L except the padded last sequence of the split)
        batch.position_ids()   # [B, L] restarting at 0 at each document piece
        batch.flat_cu_seqlens()  # cu_seqlens over the flattened [B * L] batch (flash-attn varlen)

The dataset refuses a pack made with another tokenizer (vocabulary hash differs) with a
``ConfigError`` naming both. Torch is imported only when ``return_tensors="pt"``. Shards are opened
lazily with ``numpy.memmap``; a dataset can be pickled to DataLoader workers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from curation.errors import ConfigError
from curation.pack.index import read_index
from curation.pack.plan import SPLITS
from curation.pack.tokenizer import TokenizerIdentity, identity_of

__all__ = ["PackedBatch", "PackedDataset", "PackedSequence", "check_tokenizer"]


def check_tokenizer(index: dict[str, Any], expected: Any, where: str) -> None:
    """Raise ``ConfigError`` unless ``expected`` has the vocabulary the pack was made with."""
    packed = TokenizerIdentity.from_json(index["tokenizer"])
    wanted = identity_of(expected)
    if packed.vocab_sha256 != wanted.vocab_sha256 or packed.vocab_size != wanted.vocab_size:
        raise ConfigError(
            f"{where}: packed with tokenizer {packed.describe()}, but the training expects "
            f"{wanted.describe()} — the token ids would mean other tokens; re-pack with "
            f"`biomedfr pack ... --tokenizer {wanted.name_or_path}` or train with the pack's tokenizer "
            f"({where}/tokenizer)"
        )


@dataclass
class PackedSequence:
    """One packed sequence."""

    input_ids: Any
    """``[L]`` int64 token ids (padding after ``length``)."""
    cu_seqlens: Any
    """``[0, e1, ..., length]`` int32: cumulative lengths of the document pieces."""

    @property
    def length(self) -> int:
        """Real (non-padding) tokens."""
        return int(self.cu_seqlens[-1])


@dataclass
class PackedBatch:
    """A batch of packed sequences (numpy arrays, or torch tensors with ``return_tensors="pt"``)."""

    input_ids: Any
    """``[B, L]`` int64 token ids."""
    cu_seqlens: list
    """Per row, ``[0, e1, ..., length]`` int32 cumulative lengths of its document pieces."""
    lengths: Any
    """``[B]`` int64 real tokens per row."""
    indices: Any
    """``[B]`` int64 sequence numbers of the rows in the split."""

    def _np(self, value):
        return value.numpy() if hasattr(value, "numpy") else np.asarray(value)

    def _like(self, array: np.ndarray):
        if isinstance(self.input_ids, np.ndarray):
            return array
        import torch

        return torch.from_numpy(array)

    def position_ids(self):
        """``[B, L]`` int64 position of each token in its document piece (padding continues from 0)."""
        batch, seq_len = self.input_ids.shape
        pos = np.empty((batch, seq_len), dtype=np.int64)
        for row, cu in enumerate(self.cu_seqlens):
            bounds = np.append(self._np(cu).astype(np.int64), seq_len) if int(cu[-1]) < seq_len else self._np(cu)
            starts = np.repeat(bounds[:-1], np.diff(bounds))
            pos[row] = np.arange(seq_len) - starts
        return self._like(pos)

    def flat_cu_seqlens(self):
        """int32 cumulative lengths over the flattened ``[B * L]`` batch; the padding of a row is its own
        segment, so the last value is ``B * L`` (mask padding out of the loss with ``padding_mask``)."""
        seq_len = self.input_ids.shape[1]
        pieces = [np.zeros(1, dtype=np.int64)]
        for row, cu in enumerate(self.cu_seqlens):
            bounds = self._np(cu).astype(np.int64)[1:]
            if bounds[-1] < seq_len:
                bounds = np.append(bounds, seq_len)
            pieces.append(bounds + row * seq_len)
        return self._like(np.concatenate(pieces).astype(np.int32))

    def padding_mask(self):
        """``[B, L]`` bool, True on real tokens."""
        seq_len = self.input_ids.shape[1]
        lengths = self._np(self.lengths)
        return self._like(np.arange(seq_len)[None, :] < lengths[:, None])


class PackedDataset:
    """The sequences of one split of a pack, memory-mapped, with their document boundaries."""

    def __init__(self, folder: str | Path, split: str = "train", expected_tokenizer: Any = None,
                 return_tensors: Literal["np", "pt"] = "np"):
        self.folder = Path(folder)
        self.index = read_index(self.folder)
        if split not in SPLITS:
            raise ConfigError(f"{folder}: unknown split {split!r} — one of {', '.join(SPLITS)}")
        if return_tensors not in ("np", "pt"):
            raise ConfigError(f"return_tensors {return_tensors!r}: use 'np' or 'pt'")
        if expected_tokenizer is not None:
            check_tokenizer(self.index, expected_tokenizer, str(self.folder))
        self.split = split
        self.return_tensors = return_tensors
        self.seq_len: int = int(self.index["seq_len"])
        self.dtype = np.dtype(self.index["dtype"]).newbyteorder("<")
        self.per_shard: int = int(self.index["sequences_per_shard"])
        self.info: dict[str, Any] = self.index["splits"][split]
        self.shards: list[dict[str, Any]] = self.info["shards"]
        self._check_files()
        self._open: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    @property
    def tokenizer(self) -> TokenizerIdentity:
        """Identity of the tokenizer the pack was made with."""
        return TokenizerIdentity.from_json(self.index["tokenizer"])

    @property
    def separator_id(self) -> int:
        """Token written after each document."""
        return int(self.index["tokenizer"]["separator_id"])

    @property
    def pad_id(self) -> int:
        """Token filling the end of the split's last sequence."""
        return int(self.index["tokenizer"]["pad_id"])

    def _check_files(self) -> None:
        folder = self.folder / self.split
        for shard in self.shards:
            path = folder / f"{shard['name']}.ds"
            expected = shard["sequences"] * self.seq_len * self.dtype.itemsize
            if not path.is_file() or os.path.getsize(path) != expected:
                raise ConfigError(f"{path}: missing or not {expected} bytes as index.json says — the pack is "
                                  "incomplete or damaged; re-run `biomedfr pack` into a new folder")

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_open"] = {}  # memmaps are reopened in each worker
        return state

    def __len__(self) -> int:
        return int(self.info["sequences"])

    def _shard(self, number: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if number not in self._open:
            folder = self.folder / self.split
            shard = self.shards[number]
            tokens = np.memmap(folder / f"{shard['name']}.ds", dtype=self.dtype, mode="r",
                               shape=(shard["sequences"], self.seq_len))
            cu = np.load(folder / f"{shard['name']}.cu_seqlens.npy", mmap_mode="r")
            offsets = np.load(folder / f"{shard['name']}.cu_offsets.npy", mmap_mode="r")
            self._open[number] = (tokens, cu, offsets)
        return self._open[number]

    def _locate(self, i: int) -> tuple[int, int]:
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"sequence {i} out of range: the {self.split} split has {n} sequences")
        i %= n
        return divmod(i, self.per_shard)

    def _raw(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        number, row = self._locate(int(i))
        tokens, cu, offsets = self._shard(number)
        return tokens[row], np.array(cu[offsets[row]:offsets[row + 1]], dtype=np.int32)

    def __getitem__(self, i: int) -> PackedSequence:
        ids, cu = self._raw(i)
        ids = ids.astype(np.int64)
        if self.return_tensors == "pt":
            import torch

            return PackedSequence(torch.from_numpy(ids), torch.from_numpy(cu))
        return PackedSequence(ids, cu)

    def __iter__(self) -> Iterator[PackedSequence]:
        for i in range(len(self)):
            yield self[i]

    def batch(self, indices) -> PackedBatch:
        """The sequences ``indices`` stacked into one batch."""
        indices = np.asarray(indices, dtype=np.int64)
        rows = [self._raw(i) for i in indices.tolist()]
        input_ids = np.stack([ids for ids, _ in rows]).astype(np.int64) if rows else np.zeros((0, self.seq_len),
                                                                                                np.int64)
        cu_seqlens = [cu for _, cu in rows]
        lengths = np.array([int(cu[-1]) for cu in cu_seqlens], dtype=np.int64)
        if self.return_tensors == "pt":
            import torch

            return PackedBatch(torch.from_numpy(input_ids), [torch.from_numpy(c) for c in cu_seqlens],
                               torch.from_numpy(lengths), torch.from_numpy(indices))
        return PackedBatch(input_ids, cu_seqlens, lengths, indices)

    def order(self, shuffle: bool = True, seed: int = 0, epoch: int = 0, rank: int = 0,
              world_size: int = 1) -> np.ndarray:
        """Sequence numbers of one epoch for one rank: a permutation seeded by ``(seed, epoch)`` (or the
        natural order), dealt round-robin to ``world_size`` ranks."""
        if not 0 <= rank < world_size:
            raise ConfigError(f"rank {rank} out of range for world_size {world_size}")
        n = len(self)
        order = np.random.default_rng([seed, epoch]).permutation(n) if shuffle else np.arange(n)
        return order[rank::world_size]

    def iter_batches(self, batch_size: int, shuffle: bool = True, seed: int = 0, epoch: int = 0,
                     drop_last: bool = False, rank: int = 0, world_size: int = 1) -> Iterator[PackedBatch]:
        """Batches of one epoch in the seeded order of ``order``; the last one may be smaller unless
        ``drop_last``."""
        if batch_size < 1:
            raise ConfigError(f"batch_size {batch_size}: must be >= 1")
        order = self.order(shuffle, seed, epoch, rank, world_size)
        for lo in range(0, order.size, batch_size):
            chunk = order[lo:lo + batch_size]
            if drop_last and chunk.size < batch_size:
                return
            yield self.batch(chunk)
