"""Tokenize a task for one model: inputs, targets, truncation counts, the word positions of NER.

- Classification: the text through the model's tokenizer (its special tokens included), cut at
  ``max_length`` tokens; no chunking or sliding window (the paper's protocol). ``labels`` is the class
  index (single-label) or a 0/1 float vector (multi-label, for BCE).
- NER: the words through the tokenizer with ``is_split_into_words``; the tag id sits on the first
  sub-token of each word and ``-100`` everywhere else (special tokens, later sub-tokens), so the loss and
  the predictions are per word. ``positions[w]`` is that first sub-token (-1 for a word cut off).

A document is *truncated* when its full tokenization is longer than ``max_length``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from curation.errors import ConfigError
from encoder.evaluation.tasks import SPLITS, TaskData

__all__ = ["Encoded", "SplitFeatures", "adds_special_tokens", "encode_task"]

IGNORE = -100
"""Label of the positions the loss and the metric skip."""


@dataclass
class SplitFeatures:
    """One split, tokenized."""

    items: list[dict]
    """Model inputs: ``input_ids``, ``attention_mask``, ``labels``."""
    positions: list[list[int]] = field(default_factory=list)
    """NER: first sub-token of each word (-1: cut off by truncation)."""
    truncated: int = 0
    """Documents longer than ``max_length`` tokens (cut)."""
    tokens: int = 0
    """Tokens fed to the model for one pass over the split (after truncation, no padding)."""


@dataclass
class Encoded:
    """A task tokenized for one model."""

    task: TaskData
    max_length: int
    splits: dict[str, SplitFeatures]

    def truncation(self) -> dict[str, int]:
        """Truncated documents per split."""
        return {split: self.splits[split].truncated for split in SPLITS}


def adds_special_tokens(tokenizer) -> bool:
    """Whether the tokenizer adds special tokens (e.g. ``[CLS] ... [SEP]``) around a text."""
    return len(tokenizer("a")["input_ids"]) > len(tokenizer("a", add_special_tokens=False)["input_ids"])


def _lengths(tokenizer, batch, **kwargs) -> list[int]:
    return [len(ids) for ids in tokenizer(batch, truncation=False, **kwargs)["input_ids"]]


def _classification(task: TaskData, split: str, tokenizer, max_length: int) -> SplitFeatures:
    examples = task.splits[split]
    texts = [ex.text for ex in examples]
    lengths = _lengths(tokenizer, texts)
    encoded = tokenizer(texts, truncation=True, max_length=max_length)
    index = {label: i for i, label in enumerate(task.labels)}
    items = []
    for k, ex in enumerate(examples):
        if task.kind == "single_label":
            target = index[ex.label]
        else:
            target = [0.0] * len(task.labels)
            for label in ex.labels:
                target[index[label]] = 1.0
        items.append({"input_ids": encoded["input_ids"][k], "attention_mask": encoded["attention_mask"][k],
                      "labels": target})
    return SplitFeatures(items=items, truncated=sum(n > max_length for n in lengths),
                         tokens=sum(len(i["input_ids"]) for i in items))


def _ner(task: TaskData, split: str, tokenizer, max_length: int) -> SplitFeatures:
    examples = task.splits[split]
    words = [list(ex.tokens) for ex in examples]
    try:
        lengths = _lengths(tokenizer, words, is_split_into_words=True)
        encoded = tokenizer(words, is_split_into_words=True, truncation=True, max_length=max_length)
    except (TypeError, ValueError, AssertionError) as exc:
        raise ConfigError(f"tasks.{task.name}: the tokenizer cannot take pre-split words ({exc}) — NER needs a "
                          "fast tokenizer (tokenizer.json); for byte-level BPE tokenizers save it with "
                          "add_prefix_space=True") from None
    index = {tag: i for i, tag in enumerate(task.labels)}
    items, positions = [], []
    for k, ex in enumerate(examples):
        word_ids = encoded.word_ids(k)
        first = [-1] * len(ex.tokens)
        labels = [IGNORE] * len(word_ids)
        for position, word in enumerate(word_ids):
            if word is not None and first[word] < 0:
                first[word] = position
                labels[position] = index[ex.labels[word]]
        items.append({"input_ids": encoded["input_ids"][k], "attention_mask": encoded["attention_mask"][k],
                      "labels": labels})
        positions.append(first)
    return SplitFeatures(items=items, positions=positions, truncated=sum(n > max_length for n in lengths),
                         tokens=sum(len(i["input_ids"]) for i in items))


def encode_task(task: TaskData, tokenizer, max_length: int) -> Encoded:
    """Tokenize the three splits of ``task`` with ``tokenizer`` at ``max_length`` tokens."""
    if task.kind == "ner" and not getattr(tokenizer, "is_fast", False):
        raise ConfigError(f"tasks.{task.name}: NER needs a fast tokenizer (word alignment) — save the model with "
                          "its tokenizer.json")
    build = _ner if task.kind == "ner" else _classification
    return Encoded(task=task, max_length=max_length,
                   splits={split: build(task, split, tokenizer, max_length) for split in SPLITS})
