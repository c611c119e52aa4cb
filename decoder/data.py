"""Training data of the decoder recipe: packed token shards (CPT) and chat JSONL (SFT), as one interface.

Both give the loop the same thing: ``len(data)`` rows, a seeded permutation per epoch (``order``) and
``micro_batch(indices)`` -> ``MicroBatch`` whose ``targets[b, t]`` is the token position ``t`` must
predict, or -100 (no loss). Targets are aligned with the inputs (already shifted), so the loop needs no
knowledge of the task:

- **pack**: ``targets[t] = input_ids[t + 1]`` inside a document piece; -100 on padding and on the last
  token of each piece (its next token starts another document). ``position_ids`` restart at 0 at each
  piece and no attention mask is passed: transformers (``masking_utils.find_packed_sequence_indices``)
  then builds a block-diagonal causal mask, so attention never crosses a document boundary.
- **chat**: the conversation rendered with the tokenizer's chat template; ``targets[t] = input_ids[t + 1]``
  when token ``t + 1`` belongs to an assistant answer (its text and the end-of-turn tokens the template
  adds), -100 elsewhere. Examples are right-padded to the longest of the micro-batch (attention mask).

Answer tokens are found by character spans: the template is rendered up to each assistant turn (with
the generation prompt) and through it, and the tokens whose offsets fall in between are the answer's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from curation.errors import ConfigError
from curation.jsonl import read_jsonl_objects
from decoder.config import PROVENANCES, ChatDataConfig, PackDataConfig

__all__ = ["ChatData", "ChatExample", "MicroBatch", "PackData", "TrainData", "encode_chat", "load_chat_template",
           "pack_targets", "read_chat_examples", "render_messages"]

IGNORE = -100
"""Target of positions without loss (PyTorch's ``cross_entropy`` ``ignore_index``)."""

ROLES = ("system", "user", "assistant")


@dataclass
class MicroBatch:
    """One forward pass worth of rows, as torch tensors."""

    input_ids: Any
    """``[B, L]`` int64 token ids."""
    targets: Any
    """``[B, L]`` int64: the token each position must predict, or -100."""
    position_ids: Any = None
    """``[B, L]`` positions restarting at each document (packed rows), or None."""
    attention_mask: Any = None
    """``[B, L]`` 1 on real tokens (padded chat rows), or None."""
    tokens: int = 0
    """Real (non-padding) input tokens."""

    @property
    def target_count(self) -> int:
        """Positions with a loss."""
        return int((self.targets != IGNORE).sum())

    def model_inputs(self) -> dict[str, Any]:
        """Keyword arguments of the model's forward (no cache: a cache would disable the packed mask)."""
        inputs = {"input_ids": self.input_ids, "use_cache": False}
        if self.position_ids is not None:
            inputs["position_ids"] = self.position_ids
        if self.attention_mask is not None:
            inputs["attention_mask"] = self.attention_mask
        return inputs

    def to(self, device) -> MicroBatch:
        """The batch on ``device``."""
        move = (lambda t: None if t is None else t.to(device))
        return MicroBatch(move(self.input_ids), move(self.targets), move(self.position_ids),
                          move(self.attention_mask), self.tokens)


class TrainData(Protocol):
    """What the loop reads: rows, a seeded order per epoch, micro-batches (``PackData``, ``ChatData``)."""

    def __len__(self) -> int: ...

    @property
    def row_tokens(self) -> float:
        """Token positions per row on average (converts ``tok`` durations to steps)."""

    def order(self, epoch: int) -> np.ndarray:
        """The rows of ``epoch`` in a permutation seeded by ``(seed, epoch)``."""

    def micro_batch(self, indices) -> MicroBatch:
        """The rows ``indices`` as a batch."""

    def describe(self) -> dict[str, Any]:
        """Counts for the run summary."""


# --- packed shards (CPT) --------------------------------------------------------------------------------


def pack_targets(input_ids: np.ndarray, cu_seqlens: list) -> np.ndarray:
    """``[B, L]`` targets of packed rows: the next token inside each document piece, -100 on the last
    token of a piece (its successor begins another document) and on padding."""
    batch, seq_len = input_ids.shape
    targets = np.full((batch, seq_len), IGNORE, dtype=np.int64)
    for row, cu in enumerate(cu_seqlens):
        cu = np.asarray(cu, dtype=np.int64)
        length = int(cu[-1])
        if length < 2:
            continue
        targets[row, :length - 1] = input_ids[row, 1:length]
        targets[row, cu[1:-1] - 1] = IGNORE  # the token before each later piece's start
    return targets


class PackData:
    """One split of a pack (``curation.pack.reader.PackedDataset``) with the model's tokenizer checked."""

    def __init__(self, config: PackDataConfig, split: str, tokenizer: Any, seed: int = 0):
        from curation.pack.reader import PackedDataset

        self.dataset = PackedDataset(config.path, split, expected_tokenizer=tokenizer)
        self.split = split
        self.seed = seed

    def __len__(self) -> int:
        return len(self.dataset)

    @property
    def row_tokens(self) -> float:
        return float(self.dataset.seq_len)

    def order(self, epoch: int) -> np.ndarray:
        return self.dataset.order(shuffle=True, seed=self.seed, epoch=epoch)

    def micro_batch(self, indices) -> MicroBatch:
        import torch

        batch = self.dataset.batch(indices)
        targets = pack_targets(batch.input_ids, batch.cu_seqlens)
        return MicroBatch(input_ids=torch.from_numpy(batch.input_ids), targets=torch.from_numpy(targets),
                          position_ids=torch.from_numpy(batch.position_ids()), tokens=int(batch.lengths.sum()))

    def describe(self) -> dict[str, Any]:
        info = self.dataset.info
        return {"format": "pack", "path": str(self.dataset.folder), "split": self.split, "rows": len(self),
                "seq_len": self.dataset.seq_len, "tokens": int(info.get("tokens", 0)),
                "documents": int(info.get("documents", 0)), "tokenizer": self.dataset.tokenizer.describe()}


# --- chat JSONL (SFT) --------------------------------------------------------------------------------------


@dataclass
class ChatExample:
    """One instruction example read from JSONL."""

    messages: list[dict[str, str]]
    """Chat turns ``{"role", "content"}``."""
    provenance: str
    """``native``, ``synthetic`` or ``translated``."""
    where: str
    """``file:line`` of the row (for messages)."""


def _row_error(where: str, problem: str, fix: str) -> ConfigError:
    return ConfigError(f"{where}: {problem} — {fix}")


def _messages_of(row: dict, config: ChatDataConfig, where: str) -> list[dict[str, str]]:
    if config.messages_field in row:
        messages = row[config.messages_field]
        if not isinstance(messages, list) or not messages:
            raise _row_error(where, f"{config.messages_field!r} is not a non-empty list of turns",
                             'write [{"role": "user", "content": ...}, {"role": "assistant", "content": ...}]')
        turns = []
        for k, turn in enumerate(messages):
            if (not isinstance(turn, dict) or turn.get("role") not in ROLES
                    or not isinstance(turn.get("content"), str)):
                raise _row_error(where, f"{config.messages_field}[{k}] is not a turn with a role "
                                 f"({'/'.join(ROLES)}) and a string content", f"got {turn!r}")
            turns.append({"role": turn["role"], "content": turn["content"]})
    else:
        question, answer = row.get(config.question_field), row.get(config.answer_field)
        for key, value in ((config.question_field, question), (config.answer_field, answer)):
            if not isinstance(value, str) or not value.strip():
                raise _row_error(where, f"no {config.messages_field!r} and {key!r} is missing or not a non-empty "
                                 "string", "give messages, or map the fields with data.question_field / "
                                 f"data.answer_field (row keys: {', '.join(sorted(row))})")
        turns = [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
    if not any(t["role"] == "assistant" for t in turns):
        raise _row_error(where, "no assistant turn: nothing to learn", "add the answer as an assistant turn")
    if config.system_prompt is not None and turns[0]["role"] != "system":
        turns.insert(0, {"role": "system", "content": config.system_prompt})
    return turns


def read_chat_examples(files: list[str], config: ChatDataConfig) -> tuple[list[ChatExample], Counter]:
    """The examples of ``files`` whose provenance ``config`` keeps, and the count of rows left out by
    provenance. A malformed row raises a ``ConfigError`` naming ``file:line``."""
    kept: list[ChatExample] = []
    left_out: Counter = Counter()
    for name in files:
        path = Path(name)
        if not path.is_file():
            raise ConfigError(f"{path}: file not found — check data.files / data.eval_files")
        for number, row in read_jsonl_objects(path):
            where = f"{path}:{number}"
            provenance = row.get(config.provenance_field)
            if provenance not in PROVENANCES:
                raise _row_error(where, f"{config.provenance_field!r} is {provenance!r}",
                                 f"give one of {', '.join(PROVENANCES)} (or map it with data.provenance_field)")
            if provenance not in config.provenances:
                left_out[provenance] += 1
                continue
            kept.append(ChatExample(_messages_of(row, config, where), provenance, where))
    return kept, left_out


SHIPPED_TEMPLATES = "decoder.chat_templates"
"""Package holding the chat templates shipped with the recipe (``<name>.jinja``)."""


def load_chat_template(name_or_path: str) -> str:
    """A shipped template by name (``mistral_instruct.v1``) or the text of a Jinja file."""
    path = Path(name_or_path)
    if path.is_file():
        return path.read_text(encoding="utf-8")
    shipped = resources.files(SHIPPED_TEMPLATES) / f"{name_or_path}.jinja"
    if shipped.is_file():
        return shipped.read_text(encoding="utf-8")
    names = sorted(p.name.removesuffix(".jinja") for p in resources.files(SHIPPED_TEMPLATES).iterdir()
                   if p.name.endswith(".jinja"))
    raise ConfigError(f"chat template {name_or_path!r}: no such file and not a shipped template — give a Jinja file "
                      f"or one of {', '.join(names)}")


def render_messages(tokenizer: Any, messages: list[dict], generation_prompt: bool = False) -> str:
    """The conversation as text through the tokenizer's chat template."""
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=generation_prompt)


def answer_spans(tokenizer: Any, messages: list[dict], where: str) -> tuple[str, list[tuple[int, int]]]:
    """The rendered conversation and the character span of each assistant turn (its content and what the
    template writes after it, up to the next turn)."""
    text = render_messages(tokenizer, messages)
    spans = []
    for i, turn in enumerate(messages):
        if turn["role"] != "assistant":
            continue
        before = render_messages(tokenizer, messages[:i], generation_prompt=True) if i else ""
        through = render_messages(tokenizer, messages[:i + 1])
        if not (text.startswith(through) and through.startswith(before)):
            raise ConfigError(f"{where}: the chat template does not render turn {i} as a prefix of the conversation "
                              "(it rewrites earlier turns), so the answer tokens cannot be located — use a template "
                              "that appends turns (data.chat_template)")
        spans.append((len(before), len(through)))
    return text, spans


def encode_chat(tokenizer: Any, messages: list[dict], where: str = "example") -> tuple[list[int], list[bool]]:
    """Token ids of the rendered conversation and, per token, whether it belongs to an assistant answer."""
    text, spans = answer_spans(tokenizer, messages, where)
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    answer = [any(lo <= start < hi for lo, hi in spans) for start, _ in encoded["offset_mapping"]]
    return list(encoded["input_ids"]), answer


@dataclass
class _Encoded:
    ids: np.ndarray
    targets: np.ndarray


@dataclass
class ChatData:
    """Chat examples tokenized once, right-padded per micro-batch."""

    examples: list[_Encoded]
    pad_id: int
    seed: int = 0
    counts: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, files: list[str], config: ChatDataConfig, tokenizer: Any, pad_id: int, seed: int = 0) -> ChatData:
        """Read, render and tokenize ``files``; examples longer than ``config.max_length`` are cut."""
        rows, left_out = read_chat_examples(files, config)
        encoded, truncated, no_answer = [], 0, 0
        provenance: Counter = Counter()
        for example in rows:
            ids, answer = encode_chat(tokenizer, example.messages, example.where)
            if len(ids) > config.max_length:
                truncated += 1
                ids, answer = ids[:config.max_length], answer[:config.max_length]
            ids_array = np.asarray(ids, dtype=np.int64)
            targets = np.full(len(ids), IGNORE, dtype=np.int64)
            learn = np.asarray(answer[1:], dtype=bool)
            targets[:-1][learn] = ids_array[1:][learn]
            if not learn.any():
                no_answer += 1
                continue
            encoded.append(_Encoded(ids_array, targets))
            provenance[example.provenance] += 1
        if not encoded:
            raise ConfigError(f"{', '.join(files)}: no example left to train on ({len(rows)} read, "
                              f"{sum(left_out.values())} of other provenances, {no_answer} without answer tokens "
                              f"after cutting to data.max_length={config.max_length})")
        counts = {"format": "chat", "files": list(files), "rows": len(encoded), "by_provenance": dict(provenance),
                  "left_out_by_provenance": dict(left_out), "truncated": truncated,
                  "left_out_no_answer_after_cut": no_answer,
                  "tokens": int(sum(e.ids.size for e in encoded)),
                  "answer_tokens": int(sum(int((e.targets != IGNORE).sum()) for e in encoded))}
        return cls(encoded, pad_id, seed, counts)

    def __len__(self) -> int:
        return len(self.examples)

    @property
    def row_tokens(self) -> float:
        return self.counts["tokens"] / max(1, len(self))

    def order(self, epoch: int) -> np.ndarray:
        return np.random.default_rng([self.seed, epoch]).permutation(len(self))

    def micro_batch(self, indices) -> MicroBatch:
        import torch

        rows = [self.examples[int(i)] for i in np.asarray(indices).tolist()]
        width = max(r.ids.size for r in rows)
        ids = np.full((len(rows), width), self.pad_id, dtype=np.int64)
        targets = np.full((len(rows), width), IGNORE, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for k, row in enumerate(rows):
            ids[k, :row.ids.size] = row.ids
            targets[k, :row.ids.size] = row.targets
            mask[k, :row.ids.size] = 1
        return MicroBatch(input_ids=torch.from_numpy(ids), targets=torch.from_numpy(targets),
                          attention_mask=torch.from_numpy(mask), tokens=int(mask.sum()))

    def describe(self) -> dict[str, Any]:
        return dict(self.counts)
