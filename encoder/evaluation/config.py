"""The fine-tuning evaluation's configuration (``recipes/encoder/eval-*.yaml``).

::

    name: paper-8-tasks
    data_root: /data/biomedfr-eval          # task paths are relative to it
    seeds: [42, 43, 44, 45, 46, 47, 48, 49, 50]
    max_length: 8192
    models:                                  # name -> local HF checkpoint (or {path: ..., max_length: 512})
      clm-detour: /models/moderncamembert-bio
      mlm-control: /models/mlm-control
    reference: mlm-control                   # the Δ columns compare the other models to it
    finetune: {lr: 5.0e-5, epochs: 20, patience: 3, batch_size: 16}
    tasks:
      diamed: {kind: single_label, path: diamed, fields: {text: clinical_case}}
      emea:   {kind: ner, path: quaero-emea, finetune: {lr: 3.0e-5}}

``--set key=value`` overrides any key (``--set data_root=/my/data``, ``--set tasks.diamed.path=...``);
``--model NAME=PATH`` replaces the models to evaluate.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from curation.config import StrictModel, load_model, validate
from curation.errors import ConfigError
from curation.training.energy import EnergyConfig

__all__ = ["METRICS", "EvalConfig", "FieldNames", "FinetuneConfig", "ModelEntry", "SplitFiles", "TaskConfig",
           "TaskKind", "load_eval_config", "parse_model_options", "task_finetune"]

TaskKind = Literal["single_label", "multi_label", "ner"]

METRICS: dict[str, str] = {"single_label": "macro_f1", "multi_label": "micro_f1", "ner": "entity_f1_strict"}
"""The metric of each kind of task (the paper's §5.1)."""

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _check_name(name: str, what: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"{what} name {name!r}: use letters, digits, '.', '_' or '-' (it names output folders)")
    return name


class FinetuneConfig(StrictModel):
    """How each (model, task, seed) is fine-tuned: HF Trainer, AdamW, early stopping on validation."""

    lr: float = Field(default=5e-5, gt=0)
    """Peak learning rate of AdamW."""
    epochs: int = Field(default=20, ge=1)
    """Maximum number of epochs; early stopping usually ends training sooner."""
    patience: int = Field(default=3, ge=1)
    """Epochs without a better validation metric before training stops (the best epoch's weights are kept)."""
    batch_size: int = Field(default=16, ge=1)
    """Training examples per device and step."""
    eval_batch_size: int = Field(default=32, ge=1)
    """Examples per device and forward pass when evaluating."""
    gradient_accumulation: int = Field(default=1, ge=1)
    """Steps whose gradients are summed before an optimizer update (effective batch = batch_size x this x devices)."""
    weight_decay: float = Field(default=0.01, ge=0)
    """AdamW (decoupled) weight decay."""
    warmup_ratio: float = Field(default=0.1, ge=0, lt=1)
    """Share of the planned optimizer steps spent warming the learning rate up from 0."""
    schedule: Literal["linear", "constant"] = "linear"
    """After warm-up: ``linear`` decay to 0 at the last planned epoch, or ``constant``."""
    max_grad_norm: float = Field(default=1.0, ge=0)
    """Gradient clipping norm (0: no clipping)."""
    group_by_length: bool = True
    """Batch training documents of similar length together (less padding on long clinical documents)."""
    precision: Literal["auto", "bf16", "fp32"] = "auto"
    """``auto``: bf16 mixed precision on a GPU that supports it, fp32 otherwise (CPU)."""
    gradient_checkpointing: bool = False
    """Recompute activations in the backward pass (less memory for 8192-token documents, ~30 % slower)."""
    dataloader_workers: int = Field(default=0, ge=0)
    """Worker processes feeding batches (0: the main process)."""


class FieldNames(StrictModel):
    """Where the loader finds each field in a task's records."""

    text: str = "text"
    """Field holding the document text (classification tasks)."""
    label: str = "label"
    """Field holding the label, a string or an integer (``single_label``)."""
    labels: str = "labels"
    """Field holding the list of labels (``multi_label``)."""
    tokens: str = "tokens"
    """Field holding the list of words (``ner``)."""
    tags: str = "tags"
    """Field holding the IOB2 tag of each word (``ner``)."""


class SplitFiles(StrictModel):
    """File names (without extension) of the three splits in a task folder: ``<name>.jsonl`` or ``<name>.parquet``."""

    train: str = "train"
    """Training split: the label set is taken from it."""
    validation: str = "validation"
    """Validation split: early stopping and the best epoch."""
    test: str = "test"
    """Test split: the reported score."""


class TaskConfig(StrictModel):
    """One evaluation task: a folder with train/validation/test files."""

    kind: TaskKind = "single_label"
    """``single_label`` (macro-F1), ``multi_label`` (micro-F1, sigmoid + BCE) or ``ner`` (strict IOB2 entity F1)."""
    path: str = ""
    """Task folder, relative to ``data_root`` (or absolute); required to run."""
    fields: FieldNames = FieldNames()
    """Field names in the records (defaults: text/label/labels/tokens/tags)."""
    splits: SplitFiles = SplitFiles()
    """File names of the splits in the folder."""
    labels: list[str] = []
    """The label set (tags for NER); empty: every label seen in train. Listed labels may be absent from train."""
    threshold: float = Field(default=0.5, gt=0, lt=1)
    """``multi_label``: a label is predicted when its sigmoid is >= this."""
    max_length: int | None = Field(default=None, ge=8)
    """Tokens per document for this task (default: the run's ``max_length``); longer documents are truncated."""
    finetune: dict[str, Any] = {}
    """Per-task overrides of ``finetune`` keys, e.g. ``{lr: 3.0e-5, epochs: 30}``."""
    source: str = ""
    """Where the data comes from (free text: reference, URL); copied into the results."""
    license: str = ""
    """License of the data (SPDX id when there is one); copied into the results."""


class ModelEntry(StrictModel):
    """One model to evaluate: a local HF checkpoint folder (config.json, weights, tokenizer files)."""

    path: str = ""
    """Checkpoint folder; nothing is downloaded."""
    max_length: int | None = Field(default=None, ge=8)
    """Context of this model (e.g. 512 for CamemBERT); default: the smallest of the run's ``max_length``, the
    tokenizer's ``model_max_length`` and the position embeddings."""
    attn_implementation: str | None = None
    """transformers attention implementation (``sdpa``, ``eager``, ``flash_attention_2``); default: the model's."""


class EvalConfig(StrictModel):
    """A fine-tuning evaluation: models x tasks x seeds."""

    name: str = "encoder-eval"
    """Name of the evaluation (default output folder ``runs/encoder-eval/<name>``)."""
    models: dict[str, ModelEntry] = {}
    """Models to compare, by name (a plain path is accepted for ``{path: ...}``); ``--model NAME=PATH`` replaces them."""
    reference: str = ""
    """Model the others are compared to in the table's Δ columns; default: the first model."""
    tasks: dict[str, TaskConfig] = {}
    """Tasks, by name."""
    data_root: str = ""
    """Folder that relative task paths start from (default: the current folder)."""
    seeds: list[int] = list(range(42, 51))
    """One fine-tuning per seed (the paper: 9 seeds, 42 to 50); results are mean ± std over them."""
    max_length: int = Field(default=8192, ge=8)
    """Tokens per document (special tokens included); longer documents are truncated and counted."""
    finetune: FinetuneConfig = FinetuneConfig()
    """Fine-tuning hyper-parameters shared by the tasks (each task may override some)."""
    energy: EnergyConfig = EnergyConfig()
    """Energy and carbon estimate (TDP, PUE, grid intensity)."""
    device: Literal["auto", "cpu", "cuda"] = "auto"
    """``auto``: the GPU(s) when available, else CPU."""
    threads: int = Field(default=0, ge=0)
    """CPU threads torch may use (0: torch's default). Set 1 on a shared machine."""
    out: str = ""
    """Output folder (default ``runs/encoder-eval/<name>``; ``--out`` overrides it)."""
    resume: bool = True
    """Reuse the seed results already in ``<out>/scores/`` when their model, data and config are unchanged."""

    @field_validator("models", mode="before")
    @classmethod
    def _paths_as_entries(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: ({"path": v} if isinstance(v, str) else v) for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _check(self) -> EvalConfig:
        for name in self.models:
            _check_name(name, "model")
        for name in self.tasks:
            _check_name(name, "task")
        if not self.seeds:
            raise ValueError("seeds is empty — give at least one seed, e.g. [42]")
        if len(set(self.seeds)) != len(self.seeds):
            raise ValueError(f"seeds {self.seeds} repeat a seed — give each seed once")
        if self.reference and self.models and self.reference not in self.models:
            raise ValueError(f"reference {self.reference!r} is not one of the models ({', '.join(self.models)})")
        return self

    @property
    def reference_model(self) -> str:
        """The model the others are compared to (``reference`` or the first model)."""
        return self.reference or next(iter(self.models), "")


def task_finetune(config: EvalConfig, task: str, where: str = "config") -> FinetuneConfig:
    """The fine-tuning config of ``task``: the shared one with the task's overrides, validated."""
    overrides = config.tasks[task].finetune
    if not overrides:
        return config.finetune
    return validate(FinetuneConfig, {**config.finetune.model_dump(), **overrides},
                    f"{where}: tasks.{task}.finetune")


def parse_model_options(options: list[str]) -> dict[str, str]:
    """``["a=/p", "b=/q"]`` -> ``{"a": "/p", "b": "/q"}`` (the ``--model NAME=PATH`` options)."""
    models: dict[str, str] = {}
    for option in options:
        name, sep, path = option.partition("=")
        name, path = name.strip(), path.strip()
        if not sep or not name or not path:
            raise ConfigError(f"--model {option!r}: expected NAME=PATH, e.g. --model clm-detour=runs/encoder/final")
        if name in models:
            raise ConfigError(f"--model {name}: given twice — give each model once")
        models[name] = path
    return models


def load_eval_config(path: str | Path | None = None, overrides: list[str] | None = None,
                     models: dict[str, str] | None = None, out: str | Path | None = None) -> EvalConfig:
    """Read an evaluation YAML with ``--set`` overrides, ``--model`` replacements and ``--out``.

    With ``models``, exactly those models are evaluated; a name the YAML lists keeps its other settings.
    Every task's ``finetune`` overrides are validated here, before any work.
    """
    where = str(path) if path is not None else "config"
    config = load_model(EvalConfig, path, overrides) if path is not None else EvalConfig()
    update: dict[str, Any] = {}
    if models:
        entries = {name: config.models[name].model_copy(update={"path": p}) if name in config.models
                   else ModelEntry(path=p) for name, p in models.items()}
        data = config.model_dump()
        data["models"] = {k: v.model_dump() for k, v in entries.items()}
        if data["reference"] and data["reference"] not in entries:
            data["reference"] = ""  # the YAML's reference is not evaluated: compare to the first model given
        config = validate(EvalConfig, data, f"{where} (with --model)")
    if out is not None:
        update["out"] = str(out)
    if update:
        config = config.model_copy(update=update)
    for task in config.tasks:
        task_finetune(config, task, where)
    return config
