"""The encoder student: a local transformer encoder, four regression outputs and a content-type head.

Any local encoder checkpoint (a folder with ``config.json``, weights and tokenizer files, loaded with
``AutoModel``/``AutoTokenizer``, ``local_files_only``: nothing is downloaded) gives a passage vector —
the mean of its token states (``pooling="mean"``, padding excluded) or the first token's
(``pooling="cls"``). On it sit a linear layer with four outputs, one per signal, trained with MSE on the
standardised scores (``(score - 5.5) / 4.5``; predictions mapped back and clipped to [1, 10]), and a
linear layer over the nine content types trained with cross-entropy. Loss = mean MSE of the four
signals + ``type_loss_weight`` × cross-entropy. The encoder is fine-tuned with the heads: AdamW,
linear warm-up then linear decay, gradient clipping at 1.0, seeded shuffling and dropout.

Saved folder: ``encoder/`` (``save_pretrained`` of the fine-tuned encoder and its tokenizer),
``heads.safetensors`` (the two heads) and ``student.json`` (kind, model hash, config, per-epoch loss).
torch and transformers are imported only inside the functions that use them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import Field

from curation.classifier.data import Example, fingerprint
from curation.classifier.student import (
    Prediction,
    StudentInfo,
    TrainSummary,
    hash_files,
    make_model_id,
    predictions,
    write_info,
)
from curation.config import StrictModel
from curation.errors import ConfigError, require
from curation.scores import SIGNALS
from curation.steps.llm_annotate import CONTENT_TYPES
from curation.training.hf import checkpoint_folder, local_tokenizer
from curation.training.hf import quiet_transformers as _quiet_transformers

__all__ = ["EncoderConfig", "EncoderStudent"]

ENCODER_DIR = "encoder"
HEADS_FILE = "heads.safetensors"
CENTER, SCALE = 5.5, 4.5
"""Scores are learnt as ``(score - CENTER) / SCALE`` (1–10 -> -1..1)."""


class EncoderConfig(StrictModel):
    """Hyper-parameters of the encoder student."""

    encoder: str = ""
    """Local encoder checkpoint folder (config, weights, tokenizer); required to train."""
    pooling: Literal["mean", "cls"] = "mean"
    """Passage vector: mean of the token states (padding excluded) or the first token's state."""
    max_length: int = Field(default=512, ge=8)
    """Tokens per passage; longer passages are cut."""
    epochs: int = Field(default=3, ge=1)
    """Passes over the training data."""
    batch_size: int = Field(default=16, ge=1)
    """Passages per optimisation step."""
    lr: float = Field(default=5e-5, gt=0)
    """Peak learning rate of AdamW."""
    weight_decay: float = Field(default=0.01, ge=0)
    """AdamW (decoupled) weight decay."""
    warmup_ratio: float = Field(default=0.1, ge=0, lt=1)
    """Share of the steps spent warming the learning rate up from 0; it then decays linearly to 0."""
    dropout: float = Field(default=0.1, ge=0, lt=1)
    """Dropout on the passage vector before the heads."""
    type_loss_weight: float = Field(default=1.0, ge=0)
    """Weight of the content-type cross-entropy against the mean MSE of the signals."""
    seed: int = 0
    """Seed of the heads' initialisation, the shuffling and the dropout."""
    device: Literal["auto", "cpu", "cuda"] = "auto"
    """``auto``: CUDA when available, else CPU."""
    predict_batch_size: int = Field(default=64, ge=1)
    """Passages per forward pass when predicting (sorted by length to limit padding)."""
    threads: int = Field(default=0, ge=0)
    """CPU threads torch may use (``torch.set_num_threads``, for the whole process); 0: torch's default.
    Set 1 when several tasks share the machine: oversubscribed threads are many times slower."""


def _torch():
    return require("torch", "train", "the encoder student")


def _transformers():
    return require("transformers", "train", "the encoder student")


def _device(name: str):
    torch = _torch()
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("encoder student: device=cuda but torch sees no CUDA device — use --set device=cpu")
    return torch.device(name)


def _load_encoder(path: str | Path, where: str):
    """``(encoder, tokenizer)`` from a local checkpoint folder; a ``ConfigError`` says what is missing."""
    if not str(path):
        raise ConfigError(f"{where}: no encoder checkpoint given — set encoder: PATH (--encoder PATH), a local "
                          "folder with config.json, the weights and the tokenizer files")
    path = checkpoint_folder(path, where, "give --encoder PATH")
    transformers = _transformers()
    tokenizer = local_tokenizer(path, where)
    with _quiet_transformers():
        try:
            encoder = transformers.AutoModel.from_pretrained(str(path), local_files_only=True)
        except (OSError, ValueError, KeyError) as exc:
            raise ConfigError(f"{where}: cannot load the encoder in {path} ({exc})") from None
    if tokenizer.pad_token is None:
        raise ConfigError(f"{where}: the tokenizer in {path} has no padding token — set one (tokenizer.pad_token)")
    return encoder, tokenizer


def _heads(hidden: int, dropout: float):
    """The heads as a ``ModuleDict``: ``signals`` (4 outputs), ``content_type`` (9 logits), ``dropout``."""
    nn = _torch().nn
    return nn.ModuleDict({"dropout": nn.Dropout(dropout), "signals": nn.Linear(hidden, len(SIGNALS)),
                          "content_type": nn.Linear(hidden, len(CONTENT_TYPES))})


class EncoderStudent:
    """A fine-tuned encoder with its heads and tokenizer."""

    kind = "encoder"

    def __init__(self, encoder, tokenizer, heads, config: EncoderConfig, train: TrainSummary | None = None,
                 history: list[float] | None = None, folder: Path | None = None, model_hash: str = ""):
        self.encoder, self.tokenizer, self.heads = encoder, tokenizer, heads
        self.config = config
        self.train_summary = train or TrainSummary()
        self.history = list(history or [])
        """Mean training loss of each epoch."""
        self.folder, self.model_hash = folder, model_hash
        self.device = _device(config.device)
        if config.threads:
            _torch().set_num_threads(config.threads)
        self.encoder.to(self.device)
        self.heads.to(self.device)

    @property
    def model_id(self) -> str:
        """``encoder:<folder name>:<hash[:12]>`` (``encoder:unsaved`` before ``save``)."""
        if self.folder is None:
            return "encoder:unsaved"
        return make_model_id(self.kind, self.folder, self.model_hash)

    # -- forward ------------------------------------------------------------------------------------
    def _encode(self, texts: Sequence[str]) -> dict:
        batch = self.tokenizer(list(texts), truncation=True, max_length=self.config.max_length, padding=True,
                               return_tensors="pt", return_token_type_ids=False)
        return {k: v.to(self.device) for k, v in batch.items() if k in ("input_ids", "attention_mask")}

    def _forward(self, texts: Sequence[str]):
        """``(signal outputs (n, 4), type logits (n, 9))`` for a batch of texts."""
        batch = self._encode(texts)
        states = self.encoder(**batch).last_hidden_state
        if self.config.pooling == "cls":
            pooled = states[:, 0]
        else:
            mask = batch["attention_mask"].unsqueeze(-1).to(states.dtype)
            pooled = (states * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
        pooled = self.heads["dropout"](pooled)
        return self.heads["signals"](pooled), self.heads["content_type"](pooled)

    # -- training -----------------------------------------------------------------------------------
    @classmethod
    def train(cls, examples: Sequence[Example], config: EncoderConfig) -> EncoderStudent:
        """Fine-tune the encoder and train the heads on annotated passages."""
        if not examples:
            raise ConfigError("encoder student: no training passage — give annotated data")
        torch = _torch()
        torch.manual_seed(config.seed)
        encoder, tokenizer = _load_encoder(config.encoder, "encoder student")
        heads = _heads(encoder.config.hidden_size, config.dropout)
        student = cls(encoder, tokenizer, heads, config)
        student._fit(examples)
        groups = {ex.group for ex in examples}
        student.train_summary = TrainSummary(examples=len(examples), articles=len(groups),
                                             fingerprint=fingerprint(examples))
        return student

    def _fit(self, examples: Sequence[Example]) -> None:
        torch = _torch()
        config = self.config
        targets = torch.tensor([[(ex.score(s) - CENTER) / SCALE for s in SIGNALS] for ex in examples],
                               dtype=torch.float32)
        types = torch.tensor([CONTENT_TYPES.index(ex.content_type) for ex in examples], dtype=torch.long)
        params = list(self.encoder.parameters()) + list(self.heads.parameters())
        optimizer = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
        steps = config.epochs * math.ceil(len(examples) / config.batch_size)
        warmup = int(config.warmup_ratio * steps)

        def schedule(step: int) -> float:
            """Linear warm-up to 1, then linear decay to 0."""
            if step < warmup:
                return (step + 1) / (warmup + 1)
            return max(0.0, (steps - step) / max(1, steps - warmup))

        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
        generator = torch.Generator().manual_seed(config.seed)
        self.encoder.train()
        self.heads.train()
        self.history = []
        for _ in range(config.epochs):
            order = torch.randperm(len(examples), generator=generator).tolist()
            total, count = 0.0, 0
            for start in range(0, len(order), config.batch_size):
                idx = order[start : start + config.batch_size]
                signals, logits = self._forward([examples[i].text for i in idx])
                loss = torch.nn.functional.mse_loss(signals, targets[idx].to(self.device))
                loss = loss + config.type_loss_weight * torch.nn.functional.cross_entropy(logits, types[idx].to(self.device))
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                optimizer.step()
                scheduler.step()
                total += loss.item() * len(idx)
                count += len(idx)
            self.history.append(total / count)
        self.encoder.eval()
        self.heads.eval()

    # -- prediction ---------------------------------------------------------------------------------
    def predict_arrays(self, texts: Sequence[str]):
        """``(scores, type indices)``: an ``(n, 4)`` array on the 1–10 scale and an ``(n,)`` array into
        ``CONTENT_TYPES``."""
        import numpy as np

        torch = _torch()
        scores = np.empty((len(texts), len(SIGNALS)), dtype=np.float64)
        types = np.empty(len(texts), dtype=np.int64)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        self.encoder.eval()
        self.heads.eval()
        with torch.inference_mode():
            for start in range(0, len(order), self.config.predict_batch_size):
                idx = order[start : start + self.config.predict_batch_size]
                signals, logits = self._forward([texts[i] for i in idx])
                scores[idx] = signals.float().cpu().numpy() * SCALE + CENTER
                types[idx] = logits.argmax(dim=1).cpu().numpy()
        return np.clip(scores, 1.0, 10.0), types

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """The four signals (1–10) and the content type of each text."""
        return predictions(*self.predict_arrays(texts))

    # -- persistence --------------------------------------------------------------------------------
    def save(self, folder: str | Path) -> Path:
        """Write ``encoder/``, ``heads.safetensors`` and ``student.json`` into ``folder``."""
        from safetensors.torch import save_file

        folder = Path(folder)
        (folder / ENCODER_DIR).mkdir(parents=True, exist_ok=True)
        with _quiet_transformers():
            self.encoder.save_pretrained(str(folder / ENCODER_DIR))
            self.tokenizer.save_pretrained(str(folder / ENCODER_DIR))
        state = {k: v.detach().cpu().contiguous() for k, v in self.heads.state_dict().items()}
        save_file(state, str(folder / HEADS_FILE))
        weights = sorted(p.relative_to(folder).as_posix() for p in (folder / ENCODER_DIR).glob("*.safetensors"))
        files = weights + [HEADS_FILE]
        self.folder, self.model_hash = folder, hash_files(folder, files)
        config = self.config.model_dump()
        write_info(folder, StudentInfo(kind="encoder", model_hash=self.model_hash, files=files, config=config,
                                       labels=list(CONTENT_TYPES), content_types=list(CONTENT_TYPES),
                                       train=self.train_summary, history=self.history))
        return folder

    @classmethod
    def load(cls, folder: str | Path, info: StudentInfo) -> EncoderStudent:
        """Load a folder written by ``save`` (``info``: its ``student.json``)."""
        from safetensors.torch import load_file

        from curation.config import validate

        folder = Path(folder)
        config = validate(EncoderConfig, info.config, f"{folder / 'student.json'}: config")
        config = config.model_copy(update={"device": "auto"})  # trained on a GPU, used on CPU, or the reverse
        if not (folder / HEADS_FILE).is_file():
            raise ConfigError(f"{folder}: {HEADS_FILE} is missing — re-run `biomedfr classifier train`")
        encoder, tokenizer = _load_encoder(folder / ENCODER_DIR, str(folder))
        heads = _heads(encoder.config.hidden_size, config.dropout)
        heads.load_state_dict(load_file(str(folder / HEADS_FILE)))
        student = cls(encoder, tokenizer, heads, config, info.train, info.history, folder=folder,
                      model_hash=info.model_hash)
        student.encoder.eval()
        student.heads.eval()
        return student
