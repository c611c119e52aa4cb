"""The resolved plan of one pack (picklable: the datatrove tasks get it) and the pack folder layout.

::

    <out>/index.json                         written last: a folder with index.json is a finished pack
    <out>/tokenizer/                         copy of tokenizer.json (+ tokenizer_config.json, special_tokens_map.json)
    <out>/<split>/NNNNN.ds                   token shards (``split``: train, validation)
    <out>/<split>/NNNNN.ds.index             document ends in the shard (datatrove's .ds.index)
    <out>/<split>/NNNNN.cu_seqlens.npy       per-sequence cumulative document lengths, flattened
    <out>/<split>/NNNNN.cu_offsets.npy       where each sequence's cu_seqlens start in the flat array
    <out>/<split>/documents.parquet          the written document copies, in order
    <out>/work/tokenize.json                 settings the parts were tokenized with
    <out>/work/parts/<part>.ds[.index]       tokens of one curated shard (datatrove format), + separators
    <out>/work/parts/<part>.docs.parquet     id and repetitions of each tokenized document of the part
    <out>/work/parts/<part>.done.json        written last: the part is complete (skipped on re-run)
    <out>/logs/tokenize/, <out>/logs/pack/   datatrove logs and stats of the two passes

``work/`` holds each document's tokens once (before repetitions); it is what a resumed pack restarts
from, and can be deleted once ``index.json`` exists.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from curation.pack.source import PackSource
from curation.pack.tokenizer import TokenizerIdentity

__all__ = ["SPLITS", "PackLayout", "PackPlan", "dtype_for"]

SPLITS = ("train", "validation")
"""The splits of a pack, in the order they are written."""


def dtype_for(vocab_size: int) -> np.dtype:
    """Token dtype: little-endian uint16 when the vocabulary has at most 65 535 tokens, else uint32.

    (datatrove keeps uint16 up to 65 536 tokens; the issue fixes the bound at 65 535, which only
    differs for a vocabulary of exactly 65 536.)
    """
    return np.dtype("<u2") if vocab_size <= 65535 else np.dtype("<u4")


class PackLayout:
    """Paths of one pack folder."""

    def __init__(self, out: str | Path):
        self.root = Path(out)

    @property
    def index(self) -> Path:
        return self.root / "index.json"

    @property
    def tokenizer(self) -> Path:
        return self.root / "tokenizer"

    def split(self, name: str) -> Path:
        return self.root / name

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def parts(self) -> Path:
        return self.work / "parts"

    @property
    def tokenize_json(self) -> Path:
        return self.work / "tokenize.json"

    def logs(self, name: str) -> Path:
        return self.root / "logs" / name


@dataclass(frozen=True)
class PackPlan:
    """Everything the two passes need, resolved once in the main process."""

    out: str
    """Pack folder."""
    source: PackSource
    """Input run or mix and its parts."""
    tokenizer: TokenizerIdentity
    """Identity of the tokenizer."""
    tokenizer_file: str
    """``tokenizer.json`` the tasks load (the copy in ``<out>/tokenizer/``)."""
    separator_id: int
    """Token written after each document."""
    pad_id: int
    """Token filling the end of the last sequence of a split."""
    add_special_tokens: bool
    """Whether the tokenizer's post-processor adds its special tokens."""
    dtype: str
    """numpy dtype string of tokens (``<u2`` or ``<u4``)."""
    seq_len: int
    """Tokens per sequence."""
    seed: int
    """Seed of the split and of the order."""
    validation: float
    """Share of documents held out."""
    sequences_per_shard: int
    """Sequences per shard."""
    batch_size: int
    """Documents per tokenizer call."""

    @property
    def layout(self) -> PackLayout:
        return PackLayout(self.out)

    @property
    def np_dtype(self) -> np.dtype:
        return np.dtype(self.dtype)

    def tokenize_settings(self) -> dict[str, Any]:
        """What the parts' bytes depend on (``work/tokenize.json``)."""
        return {
            "source": self.source.identity,
            "tokenizer": self.tokenizer.to_json(),
            "separator_id": self.separator_id,
            "add_special_tokens": self.add_special_tokens,
            "dtype": self.dtype,
        }

    def settings(self) -> dict[str, Any]:
        """What the pack's bytes depend on (not the task count, executor or batch size)."""
        return {
            **self.tokenize_settings(),
            "pad_id": self.pad_id,
            "seq_len": self.seq_len,
            "seed": self.seed,
            "validation": self.validation,
            "sequences_per_shard": self.sequences_per_shard,
        }

    def settings_hash(self) -> str:
        """sha256 of the canonical JSON of ``settings()``."""
        return _hash(self.settings())

    def tokenize_hash(self) -> str:
        """sha256 of the canonical JSON of ``tokenize_settings()``."""
        return _hash(self.tokenize_settings())


def _hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
