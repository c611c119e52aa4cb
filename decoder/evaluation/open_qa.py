"""Open questions: greedy answers (MedMistral Figure 8), BERTScore F1 against the reference with a local
encoder (``bert_score``, nothing downloaded), and an LLM judge through the curation LLM layer.

The judge (MedInjection-FR's LLM-as-judge, MedMistral's 1-5 scale of Figure 4) answers ``{"score": 1..5}``
validated by ``JudgeScore`` (an enum, so constrained decoding enforces it on every backend); an item's
judge metric is ``(score - 1) / 4`` in [0, 1]. A request that still fails after the layer's retries scores
0 (the lowest) and is counted in ``failed`` with its reason: the items stay paired across models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import BaseModel

from curation.errors import ConfigError, require
from curation.training.hf import checkpoint_folder
from decoder.evaluation.config import BertScoreConfig
from decoder.evaluation.datasets import EvalItem
from decoder.evaluation.prompts import EvalPrompt

__all__ = ["BertScore", "JudgeOutcome", "JudgeScore", "generate_answers", "judge_answers", "judge_requests"]


class JudgeScore(BaseModel):
    """The judge's answer: one score from 1 (wrong) to 5 (exact and complete)."""

    score: Literal[1, 2, 3, 4, 5]


def generate_answers(lm, items: list[EvalItem], prompt: EvalPrompt, max_new_tokens: int = 128, batch_size: int = 8,
                     dataset: str = "dataset",
                     advance: Callable[[int], None] | None = None) -> list[tuple[str, int, int]]:
    """(answer text, prompt tokens, new tokens) per item: greedy decoding up to EOS or ``max_new_tokens``."""
    import torch
    from transformers import GenerationConfig

    from decoder.evaluation.mcq import _batches, _left_padded

    texts = [lm.format(prompt.messages(question=item.question, context=item.context)) for item in items]
    ids = lm.encode(texts)
    for item, seq in zip(items, ids):
        lm.check_length(seq, f"dataset {dataset!r}, item {item.id}", max_new_tokens)
    config = GenerationConfig(max_new_tokens=max_new_tokens, do_sample=False, num_beams=1, eos_token_id=lm.eos_id,
                              pad_token_id=lm.pad_id)
    out: list[tuple[str, int, int] | None] = [None] * len(items)
    for batch in _batches([len(x) for x in ids], batch_size):
        input_ids, mask = _left_padded([ids[i] for i in batch], lm.pad_id, lm.device)
        width = input_ids.shape[1]
        with torch.inference_mode():
            generated = lm.model.generate(input_ids=input_ids, attention_mask=mask, generation_config=config)
        for row, i in enumerate(batch):
            new = generated[row, width:].tolist()
            used = new.index(lm.eos_id) + 1 if lm.eos_id in new else len(new)
            out[i] = (lm.tokenizer.decode(new[:used], skip_special_tokens=True).strip(), len(ids[i]), used)
        if advance:
            advance(len(batch))
    return out  # type: ignore[return-value]


class BertScore:
    """``bert_score.BERTScorer`` over a local encoder folder, loaded once for every open dataset and model."""

    def __init__(self, config: BertScoreConfig, device: str = "cpu"):
        if not config.model:
            raise ConfigError("bertscore.model: not set — give a local encoder folder (nothing is downloaded)")
        path = checkpoint_folder(config.model, "bertscore.model", "give a folder with the encoder and its tokenizer")
        bert_score = require("bert_score", "train", "BERTScore of open answers")
        transformers = require("transformers", "train", "BERTScore of open answers")
        encoder_config = transformers.AutoConfig.from_pretrained(str(path))
        layers = getattr(encoder_config, "num_hidden_layers", None)
        num_layers = config.num_layers or layers
        if num_layers is None or (layers is not None and num_layers > layers):
            raise ConfigError(f"bertscore.num_layers: {config.num_layers} — the encoder {path} has {layers} layers")
        self.path, self.num_layers = str(path), int(num_layers)
        self.batch_size, self.idf = config.batch_size, config.idf
        self.scorer = bert_score.BERTScorer(model_type=self.path, num_layers=self.num_layers,
                                            batch_size=config.batch_size, device=device, idf=config.idf)
        # A tokenizer saved without ``model_max_length`` reports 1e30, which bert_score passes to the fast
        # tokenizer's truncation (OverflowError); truncate at the encoder's positions instead.
        positions = getattr(encoder_config, "max_position_embeddings", None) or 512
        if self.scorer._tokenizer.model_max_length > positions:
            self.scorer._tokenizer.model_max_length = positions

    def f1(self, candidates: list[str], references: list[str]) -> np.ndarray:
        """Per-pair BERTScore F1 (IDF from ``references`` when configured)."""
        if not candidates:
            return np.zeros(0)
        if self.idf:
            self.scorer.compute_idf(references)
        _, _, f1 = self.scorer.score(candidates, references, batch_size=self.batch_size)
        return f1.numpy().astype(np.float64)


@dataclass
class JudgeOutcome:
    """The judge's verdicts on one model's answers to one dataset."""

    scores: np.ndarray
    """Per item, ``(score - 1) / 4`` (0 for a failed request)."""
    raw: list[int | None]
    """Per item, the 1-5 score, or None when the request failed."""
    failed: dict[str, int] = field(default_factory=dict)
    """Failed requests by reason (``llm_invalid_json``, ``llm_timeout``...)."""


def judge_requests(prompt: EvalPrompt, items: list[EvalItem], answers: list[str], key: str):
    """One ``LLMRequest`` per item (key ``<key>/<item id>``), greedy, validated against ``JudgeScore``."""
    from curation.llm import LLMRequest

    return [LLMRequest(key=f"{key}/{item.id}", output_model=JudgeScore, prompt_version=prompt.version,
                       messages=prompt.messages(question=item.question, reference=item.reference, answer=answer,
                                                context=item.context))
            for item, answer in zip(items, answers)]


def judge_answers(client, prompt: EvalPrompt, items: list[EvalItem], answers: list[str], key: str) -> JudgeOutcome:
    """Judge every answer in one batch through ``client`` (a ``curation.llm.LLMClient``)."""
    results = client.generate(judge_requests(prompt, items, answers, key))
    raw: list[int | None] = []
    failed: dict[str, int] = {}
    for result in results:
        if result.ok:
            raw.append(int(result.value.score))
        else:
            raw.append(None)
            failed[result.reason] = failed.get(result.reason, 0) + 1
    scores = np.asarray([(r - 1) / 4 if r is not None else 0.0 for r in raw], dtype=np.float64)
    return JudgeOutcome(scores=scores, raw=raw, failed=failed)
