"""The options of ``biomedfr pack`` (one pydantic model; the CLI fills it from its flags)."""

from __future__ import annotations

from pydantic import Field

from curation.config import StrictModel
from curation.recipe import ExecutorSpec, LocalExecutorConfig

__all__ = ["PackConfig"]


class PackConfig(StrictModel):
    """What to pack, with which tokenizer, into which sequences."""

    source: str
    """A run folder (``run.json`` + ``curated/*.parquet``) or a mix folder (``mix.parquet`` + ``mix.json``)."""
    tokenizer: str
    """Local HF fast tokenizer: a folder holding ``tokenizer.json`` (``save_pretrained`` output), or that file."""
    out: str
    """Output folder of the pack (``index.json``, ``train/``, ``validation/``, ``tokenizer/``, ``work/``)."""
    seq_len: int = Field(default=8192, ge=2)
    """Tokens per packed sequence."""
    seed: int = 0
    """Seed of the train/validation split and of the document order (same seed: identical bytes)."""
    validation: float = Field(default=0.005, ge=0, lt=1)
    """Share of the documents (unique, before repetitions) held out for validation; 0: none."""
    separator_id: int | None = Field(default=None, ge=0)
    """Token id written after each document; default: the tokenizer's EOS. Must be in the vocabulary."""
    add_special_tokens: bool = False
    """Let the tokenizer's post-processor add its special tokens (BOS/CLS...) to each document."""
    sequences_per_shard: int = Field(default=4096, ge=1)
    """Sequences per token shard (the last shard of a split holds the rest)."""
    batch_size: int = Field(default=1000, ge=1)
    """Documents per tokenizer call."""
    executor: ExecutorSpec = Field(default_factory=LocalExecutorConfig)  # type: ignore[valid-type]
    """Where the tokenization tasks run (``local``, ``slurm`` or ``ray``, as in a recipe)."""
