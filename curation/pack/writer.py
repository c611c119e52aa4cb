"""Writing one split: a stream of document copies cut into fixed-length sequences and shards.

``SplitWriter.add(tokens, lengths)`` appends document copies (their tokens back to back, separators
included) to the split's token stream. The stream is cut every ``seq_len`` tokens into sequences and
every ``sequences_per_shard`` sequences into shards; a document crossing a cut continues in the next
sequence (and shard). Only the last sequence of the split is padded (``finish``). Each shard's files
are written under a temporary name and renamed when the shard is complete; see ``curation.pack.index``
for their layout.

Why not datatrove's ``DocumentTokenizerMerger``: it writes variable-length files by a token budget and
leaves sequence cutting to the reader (``DatatroveFileDataset`` reads windows of ``seq_len + 1``
tokens); the recipes want fixed-length sequences with their per-sequence document boundaries stored,
fixed sequence counts per shard and a sha256 per file. The ``.ds`` / ``.ds.index`` files keep
datatrove's layout.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["SplitWriter", "sequence_boundaries", "sha256_file"]


def sequence_boundaries(ends: np.ndarray, n_real: int, seq_len: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-sequence cumulative lengths of a shard, flattened, and their offsets.

    ``ends``: sorted ends (exclusive, from the shard start) of the documents ending in the shard;
    ``n_real``: tokens of the shard that are not padding. Returns ``(cu_seqlens int32, offsets int64)``
    with sequence ``i``'s ``[0, e1, ..., length_i]`` at ``cu_seqlens[offsets[i]:offsets[i + 1]]``.
    """
    n_seq = -(-n_real // seq_len)
    ends = np.asarray(ends, dtype=np.int64)
    interior = ends[(ends % seq_len != 0) & (ends < n_real)]  # ends strictly inside a sequence
    seq = interior // seq_len
    counts = np.bincount(seq, minlength=n_seq) + 2
    offsets = np.zeros(n_seq + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    values = np.zeros(int(offsets[-1]), dtype=np.int32)
    starts = np.arange(n_seq, dtype=np.int64) * seq_len
    values[offsets[1:] - 1] = np.minimum(seq_len, n_real - starts)
    rank = np.arange(interior.size) - np.searchsorted(seq, seq, side="left")
    values[offsets[seq] + 1 + rank] = interior - starts[seq]
    return values, offsets


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class _OpenShard:
    number: int
    path: Path
    handle: Any
    digest: Any = field(default_factory=hashlib.sha256)
    tokens: int = 0
    ends: list[np.ndarray] = field(default_factory=list)


class SplitWriter:
    """Writes one split's shards from a stream of document copies."""

    def __init__(self, folder: str | Path, seq_len: int, sequences_per_shard: int, dtype: np.dtype, pad_id: int):
        self.folder = Path(folder)
        self.seq_len = seq_len
        self.sequences_per_shard = sequences_per_shard
        self.capacity = seq_len * sequences_per_shard
        self.dtype = np.dtype(dtype)
        self.pad_id = pad_id
        self.shards: list[dict[str, Any]] = []
        """Records of the finished shards (``index.json``'s ``shards``)."""
        self.tokens = 0
        """Real tokens written so far."""
        self.padding = 0
        """Padding tokens written (by ``finish``)."""
        self._shard: _OpenShard | None = None

    def _open(self) -> _OpenShard:
        self.folder.mkdir(parents=True, exist_ok=True)
        number = len(self.shards)
        path = self.folder / f"{number:05d}.ds"
        return _OpenShard(number=number, path=path, handle=open(f"{path}.tmp", "wb"))

    def _write(self, shard: _OpenShard, tokens: np.ndarray) -> None:
        data = np.ascontiguousarray(tokens, dtype=self.dtype)
        view = memoryview(data).cast("B")
        shard.handle.write(view)
        shard.digest.update(view)

    def add(self, tokens: np.ndarray, lengths: np.ndarray) -> None:
        """Append document copies: ``tokens`` back to back, ``lengths`` the tokens of each copy."""
        ends = np.cumsum(np.asarray(lengths, dtype=np.int64))
        if ends.size and ends[-1] != tokens.size:
            raise ValueError(f"lengths sum to {ends[-1]}, tokens hold {tokens.size}")
        pos = 0
        while pos < tokens.size:
            if self._shard is None:
                self._shard = self._open()
            shard = self._shard
            take = min(self.capacity - shard.tokens, tokens.size - pos)
            self._write(shard, tokens[pos:pos + take])
            lo, hi = np.searchsorted(ends, [pos, pos + take], side="right")
            shard.ends.append(ends[lo:hi] - pos + shard.tokens)
            shard.tokens += take
            pos += take
            self.tokens += take
            if shard.tokens == self.capacity:
                self._close(shard, padding=0)

    def finish(self) -> dict[str, Any]:
        """Pad the last sequence, close the last shard; return the split's totals and shard records."""
        shard = self._shard
        if shard is not None:
            padding = -shard.tokens % self.seq_len
            self._write(shard, np.full(padding, self.pad_id, dtype=self.dtype))
            self.padding += padding
            self._close(shard, padding=padding)
        return {
            "tokens": self.tokens,
            "padding": self.padding,
            "sequences": sum(s["sequences"] for s in self.shards),
            "shards": self.shards,
        }

    def _close(self, shard: _OpenShard, padding: int) -> None:
        shard.handle.close()
        ends = np.concatenate(shard.ends) if shard.ends else np.zeros(0, dtype=np.int64)
        cu_seqlens, offsets = sequence_boundaries(ends, shard.tokens, self.seq_len)
        stem = f"{shard.number:05d}"
        sha = {f"{stem}.ds": shard.digest.hexdigest()}
        os.replace(f"{shard.path}.tmp", shard.path)
        for name, array in ((f"{stem}.ds.index", ends.astype("<u8")), (f"{stem}.cu_seqlens.npy", cu_seqlens),
                            (f"{stem}.cu_offsets.npy", offsets)):
            path = self.folder / name
            tmp = self.folder / f"{name}.tmp"
            with open(tmp, "wb") as f:
                if name.endswith(".npy"):
                    np.save(f, array)
                else:
                    f.write(array.tobytes())
            os.replace(tmp, path)
            sha[name] = sha256_file(path)
        self.shards.append({
            "name": stem,
            "sequences": (shard.tokens + padding) // self.seq_len,
            "tokens": shard.tokens,
            "padding": padding,
            "documents_ending": int(ends.size),
            "sha256": sha,
        })
        self._shard = None
