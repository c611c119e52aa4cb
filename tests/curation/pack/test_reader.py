"""``PackedDataset``: memory-mapped sequences, boundaries, seeded batches, and the tokenizer check."""

from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np
import pytest

from curation.errors import ConfigError
from curation.pack.index import read_index
from curation.pack.reader import PackedDataset
from tests.curation.pack.conftest import SEQ_LEN
from tests.curation.pack.corpus import wordlevel_tokenizer


def test_sequences_are_memory_mapped_with_their_boundaries(packed):
    data = PackedDataset(packed, "train")
    assert len(data) == read_index(packed)["splits"]["train"]["sequences"]
    seq = data[0]
    assert seq.input_ids.dtype == np.int64 and seq.input_ids.shape == (SEQ_LEN,)
    assert seq.cu_seqlens.dtype == np.int32 and seq.cu_seqlens[0] == 0 and seq.cu_seqlens[-1] == SEQ_LEN
    assert isinstance(data._shard(0)[0], np.memmap)
    assert data[-1].length == data[len(data) - 1].length < SEQ_LEN
    with pytest.raises(IndexError):
        data[len(data)]


def test_refuses_a_pack_made_with_another_tokenizer(packed, tmp_path, tokenizer_dir):
    other = wordlevel_tokenizer(tmp_path / "other", 500)
    with pytest.raises(ConfigError) as err:
        PackedDataset(packed, "train", expected_tokenizer=other)
    message = str(err.value)
    packed_hash = read_index(packed)["tokenizer"]["vocab_sha256"]
    assert str(tokenizer_dir) in message and str(other) in message
    assert packed_hash[:12] in message and "vocabulary 400" in message and "vocabulary 500" in message


def test_accepts_the_same_tokenizer_in_any_form(packed, tokenizer_dir):
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    index = read_index(packed)
    for expected in (tokenizer_dir, str(tokenizer_dir / "tokenizer.json"), packed / "tokenizer",
                     Tokenizer.from_file(str(tokenizer_dir / "tokenizer.json")),
                     PreTrainedTokenizerFast.from_pretrained(str(tokenizer_dir)), index["tokenizer"]):
        assert len(PackedDataset(packed, "train", expected_tokenizer=expected)) > 0


def test_iter_batches_is_seeded_and_covers_the_split(packed):
    data = PackedDataset(packed, "train")
    order = lambda **kw: np.concatenate([b.indices for b in data.iter_batches(5, **kw)])
    assert sorted(order(seed=3).tolist()) == list(range(len(data)))
    assert order(seed=3).tolist() == order(seed=3).tolist()
    assert order(seed=3).tolist() != order(seed=4).tolist() != order(seed=3, epoch=1).tolist()
    assert order(shuffle=False).tolist() == list(range(len(data)))
    ranks = [order(seed=3, rank=r, world_size=3) for r in range(3)]
    assert sorted(np.concatenate(ranks).tolist()) == list(range(len(data)))
    sizes = [b.input_ids.shape[0] for b in data.iter_batches(5, drop_last=True)]
    assert sizes and set(sizes) == {5}


def test_batch_helpers_agree_with_the_boundaries(packed):
    data = PackedDataset(packed, "train")
    batch = data.batch([len(data) - 1, 0, 3])
    assert batch.input_ids.shape == (3, SEQ_LEN) and batch.input_ids.dtype == np.int64
    assert batch.lengths.tolist() == [int(c[-1]) for c in batch.cu_seqlens]
    pos = batch.position_ids()
    flat = batch.flat_cu_seqlens()
    assert flat[0] == 0 and flat[-1] == 3 * SEQ_LEN and np.all(np.diff(flat) > 0)
    starts = set(flat[:-1].tolist())
    assert [k for k in range(3 * SEQ_LEN) if pos.reshape(-1)[k] == 0] == sorted(starts)
    mask = batch.padding_mask()
    assert mask.sum(axis=1).tolist() == batch.lengths.tolist()
    assert (batch.input_ids[~mask] == data.pad_id).all()


def test_torch_tensors_on_request(packed):
    import torch

    data = PackedDataset(packed, "train", return_tensors="pt")
    batch = next(data.iter_batches(4, seed=0))
    assert batch.input_ids.dtype == torch.int64 and tuple(batch.input_ids.shape) == (4, SEQ_LEN)
    assert all(c.dtype == torch.int32 for c in batch.cu_seqlens)
    assert batch.position_ids().dtype == torch.int64 and batch.flat_cu_seqlens().dtype == torch.int32
    assert data[0].input_ids.dtype == torch.int64


def test_pickles_for_dataloader_workers(packed):
    data = PackedDataset(packed, "train")
    first = data[1].input_ids
    clone = pickle.loads(pickle.dumps(data))
    assert clone._open == {} and np.array_equal(clone[1].input_ids, first)


def test_a_damaged_pack_is_refused(packed, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(packed, copy)
    shard = copy / "train" / "00001.ds"
    shard.write_bytes(shard.read_bytes()[:-2])
    with pytest.raises(ConfigError, match="00001.ds: missing or not"):
        PackedDataset(copy, "train")
    with pytest.raises(ConfigError, match="no index.json"):
        PackedDataset(tmp_path, "train")
    with pytest.raises(ConfigError, match="unknown split"):
        PackedDataset(packed, "test")


def test_pack_modules_do_not_import_torch_or_transformers():
    code = ("import sys, curation.pack.reader, curation.pack.engine, curation.pack.cli;"
            "print(','.join(m for m in ('torch', 'transformers') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""
