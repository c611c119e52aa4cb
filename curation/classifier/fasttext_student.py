"""The fastText student: the four signals and the content type from ONE model, in one pass per passage.

Design (measured on the synthetic passages of ``curation.classifier.synthetic`` with ``bench/classifier.py``:
400 articles of 5 passages of 200 words, 20 % of the articles held out, one core):

- One supervised model with ``loss="ova"`` (one-vs-all: an independent logistic output per label, so a
  passage carries several labels). Its labels are the signals' levels and the type
  (``__label__type_<name>``); one forward pass gives the probability of every label. Five models
  (one per signal, one for the type) would repeat the expensive part five times (the sentence vector:
  looking up and averaging ~200 word vectors), while the 45 output rows cost little: one model scores
  ~30 000 passages/s/core (3× the 10 000 target), five would score ~10 000 (no margin).
- Levels as ORDINAL labels (``encoding="ordinal"``, the default): a passage with edu 7 carries
  ``__label__edu_ge2`` … ``__label__edu_ge7``; the score is ``1 + Σ_k P(≥k)`` (the expected level when
  the outputs are cumulative probabilities). The ``categorical`` encoding (one label per level,
  ``__label__edu_7``; score = expectation over the 10 normalised probabilities) treats 6 and 7 as
  unrelated classes: Spearman 0.93–0.95 and MAE 1.0–1.1 on held-out articles, against 0.98 and 0.34
  for the ordinal encoding with the same budget. The type is the argmax of the nine type labels.
- Probabilities from fastText's sentence vector and the output matrix (``probabilities``), not from
  ``predict(k=-1)``, which returns 45 label strings per passage: 1.45× faster end to end.
- Text normalisation (``normalize``): lowercase, newlines and no-break spaces to spaces, punctuation
  split from words and the French elisions cut (``l'enzyme`` -> ``l' enzyme``), so that ``cœur,`` and
  ``cœur`` are one word.

Initialisation: the ``fasttext`` module of ``fasttext-numpy2-wheel`` stores matrices in memory that is
not cleared, and initialises only ``thread``/10 of the input matrix (the rest is whatever was in
memory: NaN, or a divergent run, at random). The student therefore always hands fastText a seeded
``.vec`` file (``pretrainedVectors``) with a vector for every word of the training vocabulary, so every
row is set and training is deterministic for a given seed and ``thread=1``. With ``wordNgrams > 1`` the
hashed n-gram rows cannot be given that way: they rely on the fresh (zeroed) pages of a large
allocation, hence the ``bucket`` lower bound; a run that diverges anyway is reported, not saved.

Saved folder: ``model.bin`` and ``student.json`` (kind, model hash, config, labels, training data).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

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

__all__ = ["FastTextConfig", "FastTextStudent", "fasttext_words", "label_names", "labels_of", "normalize"]

MODEL_FILE = "model.bin"
LEVELS = range(1, 11)
_MIN_BUCKET_BYTES = 64 << 20
"""With ``wordNgrams > 1``, the n-gram rows must come from a fresh allocation at least this large."""

_REPLACEMENTS: tuple[tuple[str, str], ...] = (
    *((c, f" {c} ") for c in ".,;:!?()[]{}«»\"“”„‹›/\\|…•·"),
    ("\n", " "), ("\xa0", " "), ("\u202f", " "), ("\u2009", " "),
    ("'", "' "), ("’", "' "),
)
"""Punctuation becomes a word of its own; newlines (fastText reads one line per passage) and the no-break
and thin spaces of French typography become spaces; elisions are cut after the apostrophe."""
_FASTTEXT_SPACES = re.compile(r"[ \t\n\v\f\r\x00]+")
"""The characters fastText splits words on."""


def normalize(text: str) -> str:
    """Text as fastText sees it: lowercase, one line, punctuation split off, elisions cut (``l' enzyme``).

    A chain of ``str.replace`` guarded by ``in`` (C loops over the text): 2.4× faster than one regular
    expression with a replacement function, and the normalisation is about half of the student's time.
    """
    text = text.lower()
    for char, replacement in _REPLACEMENTS:
        if char in text:
            text = text.replace(char, replacement)
    if "__label__" in text:  # a word starting with the label prefix would be read as a label
        text = text.replace("__label__", "label")
    return text


def fasttext_words(line: str) -> list[str]:
    """The words fastText reads in a line (split on its own separators, not Python's whitespace)."""
    return [w for w in _FASTTEXT_SPACES.split(line) if w]


class FastTextConfig(StrictModel):
    """Hyper-parameters of the fastText student (names as in fastText)."""

    epoch: int = Field(default=50, ge=1)
    """Passes over the training data."""
    lr: float = Field(default=0.5, gt=0)
    """Learning rate (decays linearly to 0)."""
    wordNgrams: int = Field(default=1, ge=1)
    """Longest word n-gram used as a feature (1: words only, the measured default)."""
    dim: int = Field(default=32, ge=2)
    """Size of the word vectors."""
    minCount: int = Field(default=1, ge=1)
    """Words seen fewer times in the training data are ignored."""
    bucket: int = Field(default=2_000_000, ge=0)
    """Hash buckets for word n-grams (used only when ``wordNgrams > 1``)."""
    seed: int = 0
    """Seed of the initial vectors and of fastText's sampling."""
    thread: int = Field(default=1, ge=1)
    """Training threads; 1 is deterministic (more threads train in parallel, in a different order each run)."""
    encoding: Literal["ordinal", "categorical"] = "ordinal"
    """Labels of a level: ``ordinal`` (edu 7 -> edu_ge2..edu_ge7) or ``categorical`` (edu 7 -> edu_7)."""

    @model_validator(mode="after")
    def _bucket_large_enough(self):
        if self.wordNgrams > 1 and self.bucket * self.dim * 4 < _MIN_BUCKET_BYTES:
            raise ValueError(f"wordNgrams={self.wordNgrams} needs bucket × dim × 4 bytes >= {_MIN_BUCKET_BYTES >> 20}"
                             f" MiB (got bucket={self.bucket}, dim={self.dim}): fasttext-numpy2-wheel leaves the "
                             "n-gram rows uninitialised unless they come from a large fresh allocation — raise "
                             "bucket, or use wordNgrams=1")
        return self


def label_names(encoding: str) -> list[str]:
    """Every label the model may have, in a fixed order: the signals' levels, then the types."""
    if encoding == "ordinal":
        levels = [f"__label__{s}_ge{k}" for s in SIGNALS for k in LEVELS if k > 1]
    else:
        levels = [f"__label__{s}_{k}" for s in SIGNALS for k in LEVELS]
    return levels + [f"__label__type_{t}" for t in CONTENT_TYPES]


def labels_of(example: Example, encoding: str) -> list[str]:
    """The labels of one annotated passage."""
    out = []
    for s in SIGNALS:
        level = example.score(s)
        if encoding == "ordinal":
            out.extend(f"__label__{s}_ge{k}" for k in range(2, level + 1))
        else:
            out.append(f"__label__{s}_{level}")
    out.append(f"__label__type_{example.content_type}")
    return out


def _fasttext():
    return require("fasttext", "quality", "the fastText student")


class FastTextStudent:
    """A trained fastText model and how to read its labels."""

    kind = "fasttext"

    def __init__(self, model, config: FastTextConfig, train: TrainSummary | None = None,
                 folder: Path | None = None, model_hash: str = ""):
        import numpy as np

        self._model = model
        self.config = config
        self.train_summary = train or TrainSummary()
        self.folder = folder
        self.model_hash = model_hash
        self.labels: list[str] = list(model.labels)
        index = {name: i for i, name in enumerate(self.labels)}
        self._index = index
        wanted = label_names(config.encoding)
        # column j of the probability matrix = the model's label wanted[j]; labels never seen in training
        # (e.g. no passage with edu 10) read from an extra zero column
        self._columns = np.array([index.get(name, len(self.labels)) for name in wanted], dtype=np.int64)
        self._n_level = 9 if config.encoding == "ordinal" else 10
        self._dim = model.get_dimension()
        # float64: a float32 BLAS product rounds differently with the number of rows, and a passage's scores
        # must not depend on the batch it is scored in
        self._output = model.get_output_matrix().astype("float64")

    # -- identity -----------------------------------------------------------------------------------
    @property
    def model_id(self) -> str:
        """``fasttext:<folder name>:<hash[:12]>`` (``fasttext:unsaved`` before ``save``)."""
        if self.folder is None:
            return "fasttext:unsaved"
        return make_model_id(self.kind, self.folder, self.model_hash)

    # -- training -----------------------------------------------------------------------------------
    @classmethod
    def train(cls, examples: Sequence[Example], config: FastTextConfig | None = None) -> FastTextStudent:
        """Train on annotated passages (see the module docstring for the labels and the initialisation)."""
        import numpy as np

        config = config or FastTextConfig()
        if not examples:
            raise ConfigError("fastText student: no training passage — give annotated data")
        fasttext = _fasttext()
        with tempfile.TemporaryDirectory(prefix="biomedfr-fasttext-") as tmp:
            train_path, vec_path = os.path.join(tmp, "train.txt"), os.path.join(tmp, "init.vec")
            counts: Counter = Counter()
            with open(train_path, "w", encoding="utf-8", errors="replace") as f:
                for ex in examples:
                    text = normalize(ex.text)
                    counts.update(fasttext_words(text))
                    f.write(" ".join(labels_of(ex, config.encoding)) + " " + text + "\n")
            counts["</s>"] = len(examples)  # fastText's end-of-line token is a word too
            vocabulary = sorted(w for w, c in counts.items() if c >= config.minCount)
            rng = np.random.default_rng(config.seed)
            vectors = rng.uniform(-1.0 / config.dim, 1.0 / config.dim, (len(vocabulary), config.dim))
            with open(vec_path, "w", encoding="utf-8", errors="replace") as f:
                f.write(f"{len(vocabulary)} {config.dim}\n")
                f.writelines(word + " " + " ".join(f"{x:.7g}" for x in row) + "\n"
                             for word, row in zip(vocabulary, vectors))
            try:
                model = fasttext.train_supervised(
                    input=train_path, loss="ova", epoch=config.epoch, lr=config.lr, wordNgrams=config.wordNgrams,
                    dim=config.dim, minCount=config.minCount, bucket=config.bucket, seed=config.seed,
                    thread=config.thread, pretrainedVectors=vec_path, verbose=0,
                )
            except RuntimeError as exc:  # "Encountered NaN."
                raise ConfigError(f"fastText student: training diverged ({exc}) — lower lr (now {config.lr}) "
                                  "with --set lr=...") from None
        output = model.get_output_matrix()
        if not np.isfinite(output).all() or np.abs(output).max() > 1e4:
            raise ConfigError(f"fastText student: training diverged (output weights up to {np.abs(output).max():.3g})"
                              f" — lower lr (now {config.lr}) with --set lr=...")
        groups = {ex.group for ex in examples}
        summary = TrainSummary(examples=len(examples), articles=len(groups), fingerprint=fingerprint(examples))
        return cls(model, config, summary)

    # -- prediction ---------------------------------------------------------------------------------
    def probabilities(self, texts: Sequence[str]):
        """``(len(texts), len(label_names))`` array: each label's probability (0 for labels never trained).

        Computed from fastText's sentence vector (the hidden layer ``predict`` uses: the mean of the
        passage's word and n-gram vectors) and the output matrix, with an exact sigmoid. Same numbers as
        ``model.predict(k=-1)`` up to fastText's sigmoid lookup table (< 0.01), faster: ``predict``
        builds 45 label strings per passage (``bench/classifier.py``).
        """
        import numpy as np

        f = self._model.f
        hidden = np.empty((len(texts), self._dim), dtype=np.float32)
        vector = require("fasttext_pybind", "quality", "the fastText student").Vector(self._dim)
        for i, text in enumerate(texts):
            line = normalize(text) + "\n"
            try:
                f.getSentenceVector(vector, line)
            except (TypeError, UnicodeEncodeError):  # pybind cannot pass lone surrogates: replace them
                f.getSentenceVector(vector, line.encode("utf-8", "replace").decode("utf-8"))
            hidden[i] = np.asarray(vector)
        logits = hidden.astype(np.float64) @ self._output.T
        probs = np.zeros((len(texts), len(self.labels) + 1), dtype=np.float64)
        probs[:, :-1] = 1.0 / (1.0 + np.exp(-logits))
        return probs[:, self._columns]

    def predict_arrays(self, texts: Sequence[str]):
        """``(scores, type indices)``: an ``(n, 4)`` array of signals on the 1–10 scale (``SIGNALS`` order) and
        an ``(n,)`` array of indices into ``CONTENT_TYPES``."""
        import numpy as np

        p = self.probabilities(texts)
        n_level = self._n_level
        n_signals = len(SIGNALS)
        levels = p[:, : n_signals * n_level].reshape(len(p), n_signals, n_level)
        if self.config.encoding == "ordinal":
            scores = 1.0 + levels.sum(axis=2)
        else:
            total = levels.sum(axis=2)
            weights = np.arange(1, 11, dtype=np.float64)
            scores = np.where(total > 0, (levels * weights).sum(axis=2) / np.maximum(total, 1e-12), 5.5)
        types = p[:, n_signals * n_level :].argmax(axis=1)
        return np.clip(scores, 1.0, 10.0), types

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """The four signals (1–10) and the content type of each text."""
        return predictions(*self.predict_arrays(texts))

    # -- persistence --------------------------------------------------------------------------------
    def save(self, folder: str | Path) -> Path:
        """Write ``model.bin`` and ``student.json`` into ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / (MODEL_FILE + ".tmp")
        self._model.save_model(str(tmp))
        tmp.replace(folder / MODEL_FILE)
        self.folder, self.model_hash = folder, hash_files(folder, [MODEL_FILE])
        write_info(folder, StudentInfo(kind="fasttext", model_hash=self.model_hash, files=[MODEL_FILE],
                                       config=self.config.model_dump(), labels=self.labels,
                                       content_types=list(CONTENT_TYPES), train=self.train_summary))
        return folder

    @classmethod
    def load(cls, folder: str | Path, info: StudentInfo) -> FastTextStudent:
        """Load a folder written by ``save`` (``info``: its ``student.json``)."""
        from curation.config import validate

        folder = Path(folder)
        path = folder / MODEL_FILE
        if not path.is_file():
            raise ConfigError(f"{folder}: {MODEL_FILE} is missing — re-run `biomedfr classifier train`")
        config = validate(FastTextConfig, info.config, f"{folder / 'student.json'}: config")
        model = _fasttext().load_model(str(path))
        return cls(model, config, info.train, folder=folder, model_hash=info.model_hash)
