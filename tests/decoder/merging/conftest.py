"""Merging fixtures, all built here: a small BPE tokenizer and three tiny random Llamas of one config
(hidden 32, 2 layers, vocabulary 300) with different seeds, the third saved in many small shards."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.curation.pack.corpus import WORDS, bpe_tokenizer
from tests.decoder.conftest import save_tiny_llama

SHAPE = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
         "num_key_value_heads": 2, "max_position_embeddings": 64}
"""The tiny Llama of the merge tests (about 36 000 parameters)."""


@pytest.fixture(scope="session")
def merge_tokenizer(tmp_path_factory) -> Path:
    """A byte-level BPE with 300 ids (<pad> <unk> <s> </s> first), saved as an HF fast tokenizer."""
    texts = [" ".join(WORDS[i:] + WORDS[:i]) for i in range(len(WORDS))]
    return bpe_tokenizer(tmp_path_factory.mktemp("merge-tokenizer") / "bpe", texts, vocab_size=300)


@pytest.fixture(scope="session")
def tiny_models(merge_tokenizer, tmp_path_factory, torch_one_thread) -> dict[str, Path]:
    """``base`` (seed 0), ``ft1`` (seed 1) and ``ft2`` (seed 2, saved in 9+ shards of <= 20 kB with an index):
    the same tiny Llama config, tokenizer and chat template."""
    from transformers import AutoModelForCausalLM

    root = tmp_path_factory.mktemp("merge-models")
    models = {name: save_tiny_llama(root / name, merge_tokenizer, seed=seed, **SHAPE)
              for name, seed in (("base", 0), ("ft1", 1), ("ft2", 2))}
    sharded = models["ft2"]
    model = AutoModelForCausalLM.from_pretrained(str(sharded))
    (sharded / "model.safetensors").unlink()
    model.save_pretrained(str(sharded), max_shard_size="20KB")
    assert len(list(sharded.glob("model-*-of-*.safetensors"))) > 3
    return models
