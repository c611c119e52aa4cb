"""Shared fixtures of the pack tests: one corpus, one run folder, one tokenizer, one pack (per session)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from curation.document import Document
from curation.pack.config import PackConfig
from curation.pack.engine import pack_corpus
from tests.curation.pack.corpus import bpe_tokenizer, build_run, documents

os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPETITIONS = {0: 3, 5: 2, 8: 0, 11: 4}
"""Copies of some documents (index -> repetitions); the others have none (1)."""
SEQ_LEN = 64
PER_SHARD = 4


def corpus_documents() -> list[Document]:
    """40 documents (long ones longer than a sequence), some repeated, one with 0 repetitions, one empty."""
    docs = documents(40, repetitions=REPETITIONS)
    docs.append(Document(text="", id="src/empty", metadata={"source": "src", "license": "CC-BY-4.0"}))
    return docs


def pack_config(source: Path, tokenizer: Path, out: Path, **overrides) -> PackConfig:
    """The tests' pack settings: short sequences, small shards, 10 % validation."""
    settings = {"seq_len": SEQ_LEN, "sequences_per_shard": PER_SHARD, "validation": 0.1, "seed": 0, **overrides}
    return PackConfig(source=str(source), tokenizer=str(tokenizer), out=str(out), **settings)


@pytest.fixture(scope="session")
def docs() -> list[Document]:
    return corpus_documents()


@pytest.fixture(scope="session")
def tokenizer_dir(tmp_path_factory, docs) -> Path:
    """A byte-level BPE (400 tokens) trained on the corpus, saved by ``PreTrainedTokenizerFast``."""
    return bpe_tokenizer(tmp_path_factory.mktemp("tok") / "bpe", [d.text for d in docs if d.text])


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory, docs) -> Path:
    return build_run(tmp_path_factory.mktemp("run") / "run", docs, shards=3)


@pytest.fixture(scope="session")
def packed(tmp_path_factory, run_dir, tokenizer_dir) -> Path:
    """The corpus packed once with the tests' settings."""
    out = tmp_path_factory.mktemp("pack") / "pack"
    pack_corpus(pack_config(run_dir, tokenizer_dir, out))
    return out
