"""``pack``: round trip to the token streams, exact boundaries, padding, seeds, split, dtype, resumption."""

from __future__ import annotations

import json
import os
from collections import Counter

import numpy as np
import pytest

from curation.errors import ConfigError
from curation.pack.engine import pack_corpus
from curation.pack.index import read_index
from curation.pack.plan import dtype_for
from curation.pack.reader import PackedDataset
from tests.curation.pack.conftest import PER_SHARD, REPETITIONS, SEQ_LEN, pack_config
from tests.curation.pack.corpus import build_run, documents, wordlevel_tokenizer
from tests.curation.pack.helpers import copies, expected_tokens, pack_files, split_stream, unpack


def _reps(doc) -> int:
    return doc.metadata.get("repetitions", 1)


def test_round_trip_to_the_token_streams_with_repetitions(packed, docs, tokenizer_dir):
    index = read_index(packed)
    sep = index["tokenizer"]["separator_id"]
    assert sep == index["tokenizer"]["eos_id"] == 3
    expected = expected_tokens(tokenizer_dir, {d.id: d.text for d in docs}, sep)
    written = {split: split_stream(packed, split) for split in ("train", "validation")}
    for split, items in written.items():
        for doc_id, _, tokens in items:
            assert tokens == expected[doc_id], f"{split}: {doc_id} is its tokens + separator"
    train = Counter(doc_id for doc_id, _, _ in written["train"])
    validation = Counter(doc_id for doc_id, _, _ in written["validation"])
    for doc in docs:
        if not doc.text or _reps(doc) == 0:
            assert doc.id not in train and doc.id not in validation
        elif doc.id in validation:
            assert validation[doc.id] == 1 and doc.id not in train
        else:
            assert train[doc.id] == _reps(doc), f"{doc.id} appears `repetitions` times"
    assert {d for d, _, _ in written["train"] if d in {f"src/doc-{k:04d}" for k in REPETITIONS}}, "repeated docs in train"
    copy_numbers = Counter((d, c) for d, c, _ in written["train"])
    assert all(n == 1 for n in copy_numbers.values()), "copies are numbered 0..repetitions-1"
    assert index["input"] == {"documents": len(docs), "empty": 1, "unselected": 1}
    stats = json.loads((packed / "logs" / "tokenize" / "stats.json").read_text())[0]["stats"]
    count = lambda key: stats[key]["total"] if isinstance(stats[key], dict) else stats[key]
    assert count("encoded_word_path") == len(docs) - 1 and count("encoded_direct") == 0, "the word path ran"
    total = index["splits"]["train"]
    assert total["tokens"] == sum(len(t) for _, _, t in written["train"])
    assert total["copies"] == len(written["train"]) and total["documents"] == len(train)


def test_copies_are_shuffled_not_in_input_order(packed):
    ids = [row["id"] for row in copies(packed, "train")]
    first = list(dict.fromkeys(ids))
    assert first != sorted(first)
    positions = [k for k, i in enumerate(ids) if i == "src/doc-0011"]
    assert len(positions) == 4 and max(np.diff(positions)) > 1, "copies of a document are spread out"


def test_boundaries_are_the_document_lengths_and_cuts_are_in_both_sequences(packed):
    for split in ("train", "validation"):
        seqs, _ = unpack(packed, split)
        rows = copies(packed, split)
        ends = np.cumsum([r["tokens"] for r in rows])
        n_real = int(ends[-1])
        for i, seq in enumerate(seqs):
            lo, hi = i * SEQ_LEN, min((i + 1) * SEQ_LEN, n_real)
            inside = [int(e) - lo for e in ends if lo < e < hi]
            assert seq.cu_seqlens.tolist() == [0, *inside, hi - lo], f"{split} sequence {i}"
    # a long document crossing sequence ends: recorded as a piece of every sequence it touches
    seqs, _ = unpack(packed, "train")
    rows = copies(packed, "train")
    long = next(r for r in rows if r["tokens"] > 2 * SEQ_LEN)
    first, last = long["start"] // SEQ_LEN, (long["start"] + long["tokens"]) // SEQ_LEN
    assert last - first >= 2
    assert (long["start"] % SEQ_LEN) in seqs[first].cu_seqlens.tolist() and seqs[first].cu_seqlens[-1] == SEQ_LEN
    for middle in range(first + 1, last):
        assert seqs[middle].cu_seqlens.tolist() == [0, SEQ_LEN], "a sequence inside one document"
    assert (long["start"] + long["tokens"]) % SEQ_LEN in seqs[last].cu_seqlens.tolist()


def test_ds_index_holds_the_document_ends_of_each_shard(packed):
    index = read_index(packed)
    rows = copies(packed, "train")
    ends = np.cumsum([r["tokens"] for r in rows])
    capacity = SEQ_LEN * PER_SHARD
    for k, shard in enumerate(index["splits"]["train"]["shards"]):
        stored = np.fromfile(packed / "train" / f"{shard['name']}.ds.index", dtype="<u8")
        mine = ends[(ends > k * capacity) & (ends <= (k + 1) * capacity)] - k * capacity
        assert stored.tolist() == mine.tolist()


def test_padding_only_in_the_last_sequence(packed):
    index = read_index(packed)
    pad = index["tokenizer"]["pad_id"]
    for split in ("train", "validation"):
        seqs, stream = unpack(packed, split)
        info = index["splits"][split]
        assert all(s.length == SEQ_LEN for s in seqs[:-1])
        assert seqs[-1].input_ids[seqs[-1].length :].tolist() == [pad] * (SEQ_LEN - seqs[-1].length)
        assert info["padding"] == SEQ_LEN - seqs[-1].length < SEQ_LEN
        assert info["tokens"] == stream.size and info["sequences"] == len(seqs)
        shards = info["shards"]
        assert [s["sequences"] for s in shards[:-1]] == [PER_SHARD] * (len(shards) - 1)
        assert 1 <= shards[-1]["sequences"] <= PER_SHARD and all(s["padding"] == 0 for s in shards[:-1])


def test_shard_sha256_in_the_index(packed):
    import hashlib

    for split in ("train", "validation"):
        for shard in read_index(packed)["splits"][split]["shards"]:
            for name, digest in shard["sha256"].items():
                assert hashlib.sha256((packed / split / name).read_bytes()).hexdigest() == digest


def test_same_seed_same_bytes_other_seed_other_order(tmp_path, run_dir, tokenizer_dir, packed):
    again = pack_corpus(pack_config(run_dir, tokenizer_dir, tmp_path / "again"))
    assert not again.already_packed
    assert pack_files(tmp_path / "again") == pack_files(packed)
    pack_corpus(pack_config(run_dir, tokenizer_dir, tmp_path / "seed1", seed=1))
    one = [r["id"] for r in copies(tmp_path / "seed1", "train")]
    zero = [r["id"] for r in copies(packed, "train")]
    assert one != zero
    both = lambda folder: Counter(r["id"] for s in ("train", "validation") for r in copies(folder, s))
    assert set(both(tmp_path / "seed1")) == set(both(packed)), "the same documents, in another order"


def test_validation_is_disjoint_by_document_and_sized_by_the_share(packed, docs):
    train = {r["id"] for r in copies(packed, "train")}
    validation = {r["id"] for r in copies(packed, "validation")}
    assert train and validation and not train & validation
    packable = sum(1 for d in docs if d.text and _reps(d) > 0)
    assert len(validation) == round(0.1 * packable)
    assert len(train) + len(validation) == packable


def test_no_validation_when_the_share_is_zero(tmp_path, run_dir, tokenizer_dir):
    result = pack_corpus(pack_config(run_dir, tokenizer_dir, tmp_path / "p", validation=0))
    assert result.index["splits"]["validation"]["sequences"] == 0
    assert len(PackedDataset(tmp_path / "p", "validation")) == 0
    assert not (tmp_path / "p" / "validation").exists()


def test_dtype_from_the_vocabulary_size(tmp_path, packed):
    assert dtype_for(400) == np.dtype("<u2") and dtype_for(65535) == np.dtype("<u2")
    assert dtype_for(65536) == np.dtype("<u4")
    assert read_index(packed)["dtype"] == "uint16"
    big = wordlevel_tokenizer(tmp_path / "big", 70_000)
    docs = documents(6, long_every=0)
    docs[0].text += " w69990 w65536 w12"
    run = build_run(tmp_path / "run", docs, shards=1)
    result = pack_corpus(pack_config(run, big, tmp_path / "p", validation=0))
    assert result.index["dtype"] == "uint32" and result.index["tokenizer"]["vocab_size"] == 70_000
    expected = expected_tokens(big, {d.id: d.text for d in docs}, 2)
    assert max(expected[docs[0].id]) > 65_535
    assert {i: t for i, _, t in split_stream(tmp_path / "p", "train")} == expected, "ids above 65 535 survive"
    assert (tmp_path / "p" / "train" / "00000.ds").stat().st_size == result.index["splits"]["train"]["sequences"] * SEQ_LEN * 4


def test_resume_skips_completed_parts_and_gives_identical_output(tmp_path, run_dir, tokenizer_dir, packed):
    out = tmp_path / "p"
    config = pack_config(run_dir, tokenizer_dir, out)
    pack_corpus(config)
    parts = out / "work" / "parts"
    # simulate a killed run: no index, one part unfinished (half-written tokens, no done marker)
    (out / "index.json").unlink()
    (parts / "r000-00001.done.json").unlink()
    (parts / "r000-00001.ds").write_bytes(b"\x01\x02")
    stamps = {p.name: p.stat().st_mtime_ns for p in parts.glob("r000-0000[02].*")}
    result = pack_corpus(config)
    assert not result.already_packed
    assert {p.name: p.stat().st_mtime_ns for p in parts.glob("r000-0000[02].*")} == stamps, "complete parts skipped"
    stats = json.loads((out / "logs" / "tokenize" / "stats.json").read_text())
    tokenizer_stats = next(s for s in stats if "tokenize" in s["name"])["stats"]
    assert tokenizer_stats["parts_skipped"]["total"] == 2 and tokenizer_stats["parts_tokenized"] == 1
    assert pack_files(out) == pack_files(packed)
    again = pack_corpus(config)
    assert again.already_packed and again.index == read_index(packed)


def test_a_folder_of_other_settings_is_refused(tmp_path, run_dir, tokenizer_dir, packed):
    with pytest.raises(ConfigError, match="other settings"):
        pack_corpus(pack_config(run_dir, tokenizer_dir, packed, seq_len=32))


def test_two_tasks_give_the_same_pack_as_one(tmp_path, run_dir, tokenizer_dir, packed):
    config = pack_config(run_dir, tokenizer_dir, tmp_path / "two")
    config.executor.tasks, config.executor.workers = 2, 1
    pack_corpus(config)
    assert pack_files(tmp_path / "two") == pack_files(packed)


@pytest.mark.slow
def test_two_parallel_workers_give_the_same_pack(tmp_path, run_dir, tokenizer_dir, packed):
    config = pack_config(run_dir, tokenizer_dir, tmp_path / "par")
    config.executor.tasks, config.executor.workers = 3, 2
    pack_corpus(config)
    assert pack_files(tmp_path / "par") == pack_files(packed)
    assert sorted(p.name for p in (tmp_path / "par" / "logs" / "tokenize" / "completions").iterdir()) == [
        "00000", "00001", "00002"]


def test_separator_id_option_and_its_checks(tmp_path, run_dir, tokenizer_dir):
    result = pack_corpus(pack_config(run_dir, tokenizer_dir, tmp_path / "p", separator_id=2, validation=0))
    assert result.index["tokenizer"]["separator_id"] == 2
    rows = split_stream(tmp_path / "p", "train")
    assert all(tokens[-1] == 2 for _, _, tokens in rows)
    with pytest.raises(ConfigError, match="not a token of"):
        pack_corpus(pack_config(run_dir, tokenizer_dir, tmp_path / "q", separator_id=400))
    no_eos = wordlevel_tokenizer(tmp_path / "noeos", 100, eos=False)
    with pytest.raises(ConfigError, match="declares no eos_token"):
        pack_corpus(pack_config(run_dir, no_eos, tmp_path / "r"))


def test_bad_inputs_are_config_errors(tmp_path, run_dir, tokenizer_dir):
    with pytest.raises(ConfigError, match="neither a run folder"):
        pack_corpus(pack_config(tmp_path, tokenizer_dir, tmp_path / "p"))
    with pytest.raises(ConfigError, match="no tokenizer.json"):
        pack_corpus(pack_config(run_dir, tmp_path, tmp_path / "p"))


def test_slurm_submits_the_packing_pass_after_the_tokenization_array(tmp_path, run_dir, tokenizer_dir, monkeypatch):
    import stat

    from curation.recipe import SlurmExecutorConfig

    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    calls = tmp_path / "calls.txt"
    sbatch = fake_bin / "sbatch"
    sbatch.write_text(f'#!/bin/sh\necho "$@" >> {calls}\ncat "$(eval echo \\${{$#}})" >> {calls}.scripts\n'
                      'echo "Submitted batch job 4242"\n')
    sbatch.chmod(sbatch.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake_bin}:{os.environ['PATH']}")
    config = pack_config(run_dir, tokenizer_dir, tmp_path / "p")
    config.executor = SlurmExecutorConfig(tasks=3, venv_path="/opt/venv/bin/activate")
    result = pack_corpus(config)
    assert not result.finished and result.index is None
    tokenize = (tmp_path / "p" / "logs" / "tokenize" / "launch_script.slurm").read_text()
    pack = (tmp_path / "p" / "logs" / "pack" / "launch_script.slurm").read_text()
    assert "#SBATCH --array=0-2" in tokenize and "#SBATCH --array=0-0" in pack
    submitted = calls.read_text().splitlines()  # tokenization array, its stats merge, packing array, its stats merge
    assert len(submitted) == 4 and "--dependency=afterok:4242" in submitted[2]


def test_few_open_part_files_give_the_same_pack(tmp_path, run_dir, tokenizer_dir, packed, monkeypatch):
    import curation.pack.merge

    monkeypatch.setattr(curation.pack.merge, "MAX_OPEN", 1)  # every part change reopens its token file
    pack_corpus(pack_config(run_dir, tokenizer_dir, tmp_path / "p"))
    assert pack_files(tmp_path / "p") == pack_files(packed)
