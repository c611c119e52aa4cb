"""Shared test setup: offline hub, quiet datatrove, the repository root."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> Path:
    """`biomedfr curate` with no recipe, as `make demo` runs it (once per test session)."""
    out = tmp_path_factory.mktemp("sample") / "out"
    proc = subprocess.run([sys.executable, "-m", "curation", "curate", "--out", str(out), "--no-progress"],
                          capture_output=True, text=True, timeout=900, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"Output shards: {out / 'curated'}" in proc.stdout.replace("\n", "")
    return out


@pytest.fixture(scope="session")
def torch_one_thread():
    """torch on one thread: on a shared 2-core machine, more threads are many times slower."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield torch
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def sample_export(sample_run, tmp_path_factory) -> Path:
    """The sample run exported under the `open` policy (what a user may train on and share)."""
    from curation.export.exporter import export
    from curation.export.policy import load_policy

    out = tmp_path_factory.mktemp("sample-export") / "open"
    export(sample_run, load_policy("open"), out)
    return out


@pytest.fixture(scope="session")
def sample_tokenizer(sample_export, tmp_path_factory) -> Path:
    """A byte-level BPE (512 ids, with <mask>) trained on the exported sample texts: the recipes' tokenizer."""
    import pyarrow.parquet as pq

    from tests.curation.pack.corpus import bpe_tokenizer

    texts = [t for p in sorted((sample_export / "data").glob("*.parquet"))
             for t in pq.read_table(p, columns=["text"]).column("text").to_pylist()]
    return bpe_tokenizer(tmp_path_factory.mktemp("sample-tokenizer") / "bpe", texts, vocab_size=512, mask=True)


@pytest.fixture(scope="session")
def sample_pack(sample_export, sample_tokenizer, tmp_path_factory) -> Path:
    """sample corpus -> curate -> export (open) -> pack: 128-token sequences, 10 % of documents held out."""
    from curation.pack.config import PackConfig
    from curation.pack.engine import pack_corpus

    out = tmp_path_factory.mktemp("sample-pack") / "pack"
    pack_corpus(PackConfig(source=str(sample_export), tokenizer=str(sample_tokenizer), out=str(out), seq_len=128,
                           sequences_per_shard=16, validation=0.1, seed=0))
    return out
