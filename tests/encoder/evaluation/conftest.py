"""Shared fixtures of the evaluation tests: the synthetic tasks, a tokenizer, tiny random checkpoints (built once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.encoder.evaluation.synthetic import cls_tokenizer, tiny_modernbert, write_tasks


@pytest.fixture(scope="session")
def tasks_root(tmp_path_factory) -> Path:
    """``specialty/`` (single-label, JSONL), ``symptoms/`` (multi-label, Parquet), ``entities/`` (NER, JSONL)."""
    return write_tasks(tmp_path_factory.mktemp("eval-tasks"))


@pytest.fixture(scope="session")
def eval_tokenizer(tmp_path_factory) -> Path:
    """Byte-level BPE (512 ids) over the synthetic tasks' words, adding ``<s> ... </s>``."""
    return cls_tokenizer(tmp_path_factory.mktemp("eval-tokenizer") / "bpe")


@pytest.fixture(scope="session")
def tiny_checkpoint(eval_tokenizer, tmp_path_factory, torch_one_thread) -> Path:
    """A random ModernBertForMaskedLM (vocab 512, hidden 32, 2 layers) as the lead's recipe saves it."""
    return tiny_modernbert(tmp_path_factory.mktemp("eval-models") / "tiny-modernbert", eval_tokenizer)


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory, torch_one_thread) -> Path:
    """A tiny random BERT with its WordPiece tokenizer: another architecture through the same code."""
    from curation.classifier.synthetic import tiny_encoder
    from tests.encoder.evaluation.synthetic import corpus_texts

    return tiny_encoder(tmp_path_factory.mktemp("eval-models") / "tiny-bert", corpus_texts(), arch="bert")
