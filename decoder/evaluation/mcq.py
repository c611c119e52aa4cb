"""Multiple-choice questions, zero-shot (MedMistral section 3: the vocabulary is filtered to the answer letters).

- Single answer: one forward pass per prompt; at the answer position (the next token after the prompt) the
  logits of the item's letter tokens are compared and the largest wins (ties: the earlier letter). The
  prediction is always one of the item's letters. Metric: exact match (0/1 per item).
- Several answers (FrenchMedMCQA, Figure 7): greedy generation constrained to the letter sets of the item,
  written ``prefix + "A C D"`` — letters in increasing order, separated by spaces, then EOS. The constraint
  is a token trie of the tokenizer's own encoding of the 2^k - 1 non-empty sets (plus EOS), applied with
  transformers' ``prefix_allowed_tokens_fn``; the answer is read back from the trie, so it is always a
  non-empty sorted set of the item's letters. Metrics: exact-match ratio (EMR: the set equals the gold set)
  and Hamming score ``|P ∩ G| / |P ∪ G|`` (FrenchMedMCQA, Labrak et al. 2023), per item.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from curation.errors import BiomedfrError, ConfigError
from decoder.evaluation.datasets import EvalItem
from decoder.evaluation.prompts import FRENCH_NUMBERS, EvalPrompt

__all__ = [
    "LetterSetConstraint",
    "MCQPrediction",
    "answer_multi",
    "answer_single",
    "exact_match",
    "hamming_score",
    "mcq_variables",
    "pick_letter",
]


@dataclass(frozen=True)
class MCQPrediction:
    """The predicted letters of one item, with the text the model produced (multi) or the letter logits (single)."""

    letters: tuple[str, ...]
    text: str = ""
    logits: dict[str, float] | None = None
    prompt_tokens: int = 0
    new_tokens: int = 0


def mcq_variables(item: EvalItem) -> dict:
    """The prompt variables of an MCQ item."""
    n = len(item.options)
    return {"question": item.question, "options": dict(item.options), "letters": item.letters, "n_options": n,
            "n_options_fr": FRENCH_NUMBERS.get(n, str(n)), "context": item.context}


def pick_letter(logits, letters: Sequence[str], letter_ids: dict[str, int]) -> str:
    """The letter whose token has the largest logit among ``letters`` (the first on ties); always one of them."""
    values = np.asarray([float(logits[letter_ids[letter]]) for letter in letters], dtype=np.float64)
    values = np.where(np.isnan(values), -np.inf, values)
    return letters[int(np.argmax(values))]


def exact_match(predicted: Sequence[str], gold: Sequence[str]) -> float:
    """1.0 when the predicted set equals the gold set, else 0.0."""
    return float(set(predicted) == set(gold))


def hamming_score(predicted: Sequence[str], gold: Sequence[str]) -> float:
    """``|P ∩ G| / |P ∪ G|`` (1.0 when both are empty)."""
    p, g = set(predicted), set(gold)
    union = p | g
    return len(p & g) / len(union) if union else 1.0


def _batches(lengths: list[int], batch_size: int) -> list[list[int]]:
    """Indices grouped by similar length (longest first, so memory problems show at once)."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]


def _left_padded(ids: list[list[int]], pad_id: int, device: str):
    import torch

    width = max(len(x) for x in ids)
    input_ids = torch.full((len(ids), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    for row, seq in enumerate(ids):
        input_ids[row, width - len(seq):] = torch.tensor(seq, dtype=torch.long)
        mask[row, width - len(seq):] = 1
    return input_ids.to(device), mask.to(device)


def _prompts(lm, items: list[EvalItem], prompt: EvalPrompt, dataset: str, room: int) -> list[list[int]]:
    texts = [lm.format(prompt.messages(**mcq_variables(item))) for item in items]
    ids = lm.encode(texts)
    for item, seq in zip(items, ids):
        lm.check_length(seq, f"dataset {dataset!r}, item {item.id}", room)
    return ids


def answer_single(lm, items: list[EvalItem], prompt: EvalPrompt, batch_size: int = 8, dataset: str = "dataset",
                  advance: Callable[[int], None] | None = None) -> list[MCQPrediction]:
    """Single-answer predictions: argmax over the item's letter logits at the answer position."""
    import torch

    ids = _prompts(lm, items, prompt, dataset, room=1)
    out: list[MCQPrediction | None] = [None] * len(items)
    for batch in _batches([len(x) for x in ids], batch_size):
        input_ids, mask = _left_padded([ids[i] for i in batch], lm.pad_id, lm.device)
        positions = (mask.cumsum(-1) - 1).clamp(min=0)
        with torch.inference_mode():
            logits = lm.model(input_ids=input_ids, attention_mask=mask, position_ids=positions,
                              logits_to_keep=1).logits[:, -1, :].float().cpu()
        for row, i in enumerate(batch):
            letters = items[i].letters
            _, letter_ids = lm.letters(letters)
            letter = pick_letter(logits[row], letters, letter_ids)
            out[i] = MCQPrediction(letters=(letter,), text=letter,
                                   logits={lt: float(logits[row, letter_ids[lt]]) for lt in letters},
                                   prompt_tokens=len(ids[i]))
        if advance:
            advance(len(batch))
    return out  # type: ignore[return-value]


class LetterSetConstraint:
    """The token trie of every non-empty set of ``letters`` written ``prefix + "A C D"`` then EOS.

    ``allowed(generated)`` gives the tokens that may follow the tokens generated so far; ``parse(generated)``
    reads the set back. The encoding is the tokenizer's own, so any tokenizer works (``"A"``/``" C"``
    tokens, a separate space token, merged ``"ĠC"``...).
    """

    def __init__(self, tokenizer, letters: Sequence[str], prefix: str, eos_id: int):
        self.eos_id = eos_id
        self.root: dict = {}
        self.depth = 0
        for k in range(1, len(letters) + 1):
            for combo in itertools.combinations(sorted(letters), k):
                ids = tokenizer(prefix + " ".join(combo), add_special_tokens=False)["input_ids"]
                if eos_id in ids:
                    raise ConfigError(f"answer {' '.join(combo)!r} encodes with the EOS token — set "
                                      "generation.answer_prefix")
                node = self.root
                for token in ids:
                    node = node.setdefault(token, {})
                    if isinstance(node, tuple):
                        raise ConfigError(f"answers {' '.join(node)!r} and {' '.join(combo)!r} are not distinguishable "
                                          "by the tokenizer — set generation.answer_prefix")
                if eos_id in node:
                    raise ConfigError(f"answers {' '.join(node[eos_id])!r} and {' '.join(combo)!r} encode to the "
                                      "same tokens — set generation.answer_prefix")
                node[eos_id] = combo
                self.depth = max(self.depth, len(ids) + 1)

    def allowed(self, generated: Sequence[int]) -> list[int]:
        """Tokens allowed after ``generated`` (only EOS once a set is complete and EOS was produced)."""
        node = self.root
        for token in generated:
            node = node[int(token)]
            if isinstance(node, tuple):  # EOS generated: the row is finished (transformers pads it from now on)
                return [self.eos_id]
        return list(node)

    def parse(self, generated: Sequence[int]) -> tuple[str, ...]:
        """The letter set a completed generation spells."""
        node = self.root
        for token in generated:
            node = node[int(token)]
            if isinstance(node, tuple):
                return node
        raise BiomedfrError(f"tokens {list(generated)} end before EOS: not a complete constrained answer")


def answer_multi(lm, items: list[EvalItem], prompt: EvalPrompt, batch_size: int = 8, dataset: str = "dataset",
                 advance: Callable[[int], None] | None = None) -> list[MCQPrediction]:
    """Multi-answer predictions: greedy generation constrained to sorted letter sets, then EOS."""
    import torch
    from transformers import GenerationConfig

    constraints: dict[tuple[str, ...], LetterSetConstraint] = {}
    for item in items:
        key = tuple(item.letters)
        if key not in constraints:
            prefix, _ = lm.letters(item.letters)
            constraints[key] = LetterSetConstraint(lm.tokenizer, item.letters, prefix, lm.eos_id)
    depth = max(c.depth for c in constraints.values())
    ids = _prompts(lm, items, prompt, dataset, room=depth)
    out: list[MCQPrediction | None] = [None] * len(items)
    for batch in _batches([len(x) for x in ids], batch_size):
        input_ids, mask = _left_padded([ids[i] for i in batch], lm.pad_id, lm.device)
        width = input_ids.shape[1]
        rows = [constraints[tuple(items[i].letters)] for i in batch]

        def allowed(row: int, sequence, rows=rows, width=width) -> list[int]:
            return rows[row].allowed(sequence[width:].tolist())

        config = GenerationConfig(max_new_tokens=max(r.depth for r in rows), do_sample=False, num_beams=1,
                                  eos_token_id=lm.eos_id, pad_token_id=lm.pad_id)
        with torch.inference_mode():
            generated = lm.model.generate(input_ids=input_ids, attention_mask=mask, generation_config=config,
                                          prefix_allowed_tokens_fn=allowed)
        for row, i in enumerate(batch):
            new = generated[row, width:].tolist()
            letters = rows[row].parse(new)
            used = new.index(lm.eos_id) + 1
            text = lm.tokenizer.decode(new[:used], skip_special_tokens=True).strip()
            out[i] = MCQPrediction(letters=letters, text=text, prompt_tokens=len(ids[i]), new_tokens=used)
        if advance:
            advance(len(batch))
    return out  # type: ignore[return-value]
