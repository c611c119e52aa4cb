"""``SplitWriter``: any stream of copies, any sequence and shard size, reads back exactly (property test)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.pack.writer import SplitWriter, sequence_boundaries


@settings(max_examples=60, deadline=None)
@given(
    lengths=st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=30),
    seq_len=st.integers(min_value=2, max_value=16),
    per_shard=st.integers(min_value=1, max_value=4),
    chunk=st.integers(min_value=1, max_value=7),
)
def test_split_writer_round_trip(lengths, seq_len, per_shard, chunk):
    lengths = np.array(lengths, dtype=np.int64)
    stream = (np.arange(lengths.sum()) % 60000 + 1).astype("<u2")
    ends = np.cumsum(lengths)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        writer = SplitWriter(folder, seq_len, per_shard, np.dtype("<u2"), pad_id=0)
        starts = np.concatenate([[0], ends])
        for lo in range(0, lengths.size, chunk):  # copies arrive in chunks of any size
            hi = min(lo + chunk, lengths.size)
            writer.add(stream[starts[lo]:starts[hi]], lengths[lo:hi])
        totals = writer.finish()
        n_seq = -(-int(ends[-1]) // seq_len)
        assert totals["sequences"] == n_seq and totals["padding"] == n_seq * seq_len - ends[-1]
        tokens, cus = [], []
        for shard in totals["shards"]:
            name = shard["name"]
            tokens.append(np.fromfile(folder / f"{name}.ds", dtype="<u2").reshape(-1, seq_len))
            cu, off = np.load(folder / f"{name}.cu_seqlens.npy"), np.load(folder / f"{name}.cu_offsets.npy")
            cus += [cu[off[i]:off[i + 1]].tolist() for i in range(shard["sequences"])]
        assert [s["sequences"] for s in totals["shards"][:-1]] == [per_shard] * (len(totals["shards"]) - 1)
        flat = np.concatenate(tokens).reshape(-1)
        assert np.array_equal(flat[: ends[-1]], stream) and not flat[ends[-1]:].any()
        for i, cu in enumerate(cus):
            lo, hi = i * seq_len, min((i + 1) * seq_len, int(ends[-1]))
            assert cu == [0, *(int(e) - lo for e in ends if lo < e < hi), hi - lo]


def test_sequence_boundaries_of_a_shard():
    cu, off = sequence_boundaries(np.array([3, 8, 10, 12, 13]), n_real=13, seq_len=5)
    assert [cu[off[i]:off[i + 1]].tolist() for i in range(3)] == [[0, 3, 5], [0, 3, 5], [0, 2, 3]]
