"""Reading a pack back the slow, obvious way (the tests' oracle)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from tokenizers import Tokenizer

from curation.pack.reader import PackedDataset


def expected_tokens(tokenizer_dir: Path, texts: dict[str, str], separator: int) -> dict[str, list[int]]:
    """Each document's tokens (no special tokens) followed by the separator, by id."""
    tok = Tokenizer.from_file(str(tokenizer_dir / "tokenizer.json"))
    return {i: tok.encode(t, add_special_tokens=False).ids + [separator] for i, t in texts.items()}


def copies(folder: Path, split: str) -> list[dict]:
    """Rows of ``<split>/documents.parquet``: the written copies, in order."""
    path = folder / split / "documents.parquet"
    return pq.read_table(path).to_pylist() if path.exists() else []


def unpack(folder: Path, split: str) -> tuple[list, np.ndarray]:
    """The split's sequences and its token stream without padding (sequences concatenated)."""
    ds = PackedDataset(folder, split)
    seqs = [ds[i] for i in range(len(ds))]
    stream = np.concatenate([s.input_ids[: s.length] for s in seqs]) if seqs else np.zeros(0, np.int64)
    return seqs, stream


def split_stream(folder: Path, split: str) -> list[tuple[str, int, list[int]]]:
    """``(id, copy, tokens)`` of every written copy, cut from the stream at the recorded lengths."""
    _, stream = unpack(folder, split)
    out, pos = [], 0
    for row in copies(folder, split):
        out.append((row["id"], row["copy"], stream[pos : pos + row["tokens"]].tolist()))
        assert row["start"] == pos
        pos += row["tokens"]
    assert pos == stream.size, "the copies cover the stream exactly"
    return out


def pack_files(folder: Path) -> dict[str, bytes]:
    """Bytes of every file of a pack except logs and the tokenization work folder."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] not in ("logs", "work")
    }
