"""Configuration of ``biomedfr decoder eval``: models and their bases, datasets, prompts, generation,
bootstrap, BERTScore, LLM judge, energy and output folder.

A config file (``recipes/decoder/eval-*.yaml``)::

    models:
      base: {path: runs/mistral-7b}               # HF causal-LM folders (weights + tokenizer)
      cpt: {path: runs/medmistral-cpt}            # compared with the baseline
      cpt-sft: {path: runs/medmistral-cpt-sft, base: cpt}   # compared with cpt instead
    baseline: base
    datasets:
      - name: frenchmedmcqa-test
        kind: mcq_multi                           # mcq_single | mcq_multi | open
        path: ../shared/realdata/frenchmedmcqa/test.json
        fields: {question: question, options: answers, answer: correct_answers}

Relative paths (models, datasets, prompt files, the BERTScore encoder, ``out``) are resolved against the
working directory: models are the outputs of other runs (``runs/...``), and the tiny CI chain passes
absolute paths with ``--set``.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from curation.config import StrictModel, load_model
from curation.errors import ConfigError
from curation.llm.config import LLMConfig
from curation.training.energy import EnergyConfig

__all__ = [
    "DEFAULT_METRICS",
    "DEFAULT_PROMPTS",
    "METRICS",
    "BertScoreConfig",
    "BootstrapConfig",
    "DatasetSpec",
    "EvalConfig",
    "FieldMap",
    "GenerationConfig",
    "JudgeConfig",
    "ModelSpec",
    "check_config",
    "load_eval_config",
]

Kind = Literal["mcq_single", "mcq_multi", "open"]
Metric = Literal["exact_match", "emr", "hamming", "bertscore_f1", "judge"]

METRICS: dict[str, tuple[str, ...]] = {
    "mcq_single": ("exact_match",),
    "mcq_multi": ("emr", "hamming"),
    "open": ("bertscore_f1", "judge"),
}
"""The metrics each dataset kind can report."""

DEFAULT_METRICS: dict[str, tuple[str, ...]] = {
    "mcq_single": ("exact_match",),
    "mcq_multi": ("emr", "hamming"),
    "open": ("bertscore_f1",),
}
"""Metrics compared when a dataset names none (open questions add ``judge`` when a judge is configured)."""

DEFAULT_PROMPTS: dict[str, str] = {"mcq_single": "mcq_single.v1", "mcq_multi": "mcq_multi.v1", "open": "open_qa.v1"}
"""The shipped prompt of each kind (MedMistral appendix E: Figures 6, 7 and 8)."""

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".parquet": "parquet", ".pq": "parquet"}
"""Dataset format by file extension."""

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


class ModelSpec(StrictModel):
    """One model to evaluate."""

    path: str = ""
    """HF causal-LM folder (``config.json``, weights, tokenizer); relative to the working directory."""
    base: str | None = None
    """Name of the model this one is compared with; null: the config's ``baseline`` (the baseline itself is
    compared with nothing)."""
    chat_template: Literal["auto", "always", "never"] = "auto"
    """Wrap prompts in the tokenizer's chat template: ``auto`` when it has one, ``always`` (an error when it has
    none), ``never`` (raw prompt text, as for a base model)."""


class FieldMap(StrictModel):
    """Where an item's parts are in a record (dotted paths into nested records: ``meta.question``)."""

    id: str | None = "id"
    """Field holding the item id; null or absent in a record: the item's 0-based position."""
    question: str = "question"
    """Field holding the question."""
    options: str | None = "options"
    """Field holding the options: a mapping letter -> text (``{a: ..., e: ...}``, keys case-insensitive) or a
    list (letters A, B, C... by position). Unused for open questions."""
    answer: str = "answer"
    """Field holding the answer: letters (a list ``[A, C]`` or a string ``"A C"`` / ``"a,c"``) for MCQ, the
    reference answer's text for open questions."""
    context: str | None = "context"
    """Field holding an optional context (a passage, a clinical case); a record without it has none."""


class DatasetSpec(StrictModel):
    """One evaluation dataset: a file of items, its kind, its prompt and its metrics."""

    name: str
    """Name in reports and output files (letters, digits, ``_ . -``)."""
    kind: Kind = "mcq_single"
    """``mcq_single`` (one answer letter), ``mcq_multi`` (one or more letters, FrenchMedMCQA) or ``open``."""
    path: str = ""
    """JSONL, JSON (an array of records) or Parquet file; relative to the working directory."""
    format: Literal["jsonl", "json", "parquet"] | None = None
    """File format; null: from the extension (``.jsonl``/``.ndjson``, ``.json``, ``.parquet``/``.pq``)."""
    fields: FieldMap = Field(default_factory=FieldMap)
    """Where the id, question, options, answer and context are in a record."""
    prompt: str | None = None
    """A shipped prompt (``mcq_multi.v1``) or a prompt file path; null: the kind's default."""
    metrics: list[Metric] | None = None
    """Metrics compared with the bootstrap, the first one deciding win/tie/loss; null: the kind's defaults."""
    limit: int | None = Field(None, ge=1)
    """Evaluate only the first ``limit`` items (smoke runs); null: all."""

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise PydanticCustomError("bad_dataset_name", "{name!r}: use letters, digits and _ . - only",
                                      {"name": value})
        return value

    def resolved_format(self) -> str | None:
        """The format, from the extension when not given; None when unknown."""
        if self.format:
            return self.format
        suffix = Path(self.path).suffix.lower()
        return FORMATS.get(suffix)


class GenerationConfig(StrictModel):
    """How the evaluated models are run."""

    batch_size: int = Field(8, ge=1)
    """Prompts per forward pass or ``generate`` call."""
    max_new_tokens: int = Field(128, ge=1)
    """Cap on the tokens of an open answer (greedy decoding, as in MedMistral)."""
    answer_prefix: str | None = None
    """Text before the answer letters (``" "`` after ``Réponse :``); null: ``" "`` then ``""`` without a chat
    template, ``""`` then ``" "`` with one — the first under which every letter is one distinct token."""
    device: str = "auto"
    """``auto`` (CUDA when available), ``cpu``, ``cuda``, ``cuda:1``..."""
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"
    """Weights' dtype: ``auto`` is bfloat16 on CUDA, float32 on CPU."""


class BootstrapConfig(StrictModel):
    """The paired percentile bootstrap (MedMistral section 3, after Jeong et al. 2024)."""

    resamples: int = Field(10_000, ge=10)
    """Resamples B (with replacement, of the dataset's size); p-values below 1/B are reported as ``< 1/B``."""
    seed: int = 0
    """Seed of ``numpy.random.default_rng(seed)``; every dataset draws its indices from a fresh generator."""
    batch: int = Field(1_000, ge=1)
    """Resamples drawn per ``rng.integers(0, n, (batch, n))`` call (memory); part of the seed semantics, like
    ``scipy.stats.bootstrap``'s ``batch``."""
    alpha: float = Field(0.05, gt=0, lt=1)
    """Family-wise significance level."""
    bonferroni: bool = True
    """Divide ``alpha`` by the number of comparisons in the table (models x datasets x metrics)."""


class BertScoreConfig(StrictModel):
    """BERTScore F1 of open answers (``bert_score`` with a local encoder; nothing is downloaded)."""

    model: str | None = None
    """Local encoder folder (HF ``AutoModel`` + tokenizer, e.g. a ModernCamemBERT-bio checkpoint); required by
    open datasets that compare ``bertscore_f1``."""
    num_layers: int | None = Field(None, ge=1)
    """Layer whose embeddings are compared; null: the encoder's last layer."""
    batch_size: int = Field(32, ge=1)
    """Pairs per encoder batch."""
    idf: bool = False
    """Weight tokens by IDF computed on the references."""


class JudgeConfig(StrictModel):
    """LLM-as-judge of open answers (MedInjection-FR), through the curation LLM layer."""

    llm: LLMConfig
    """The judge model: backend ``openai`` (e.g. ``vllm serve`` of MedGemma-27B), ``vllm`` or ``transformers``."""
    prompt: str = "judge.v1"
    """A shipped judge prompt or a prompt file path (system and user sections)."""


class EvalConfig(StrictModel):
    """One evaluation run: every model on every dataset, then each model against its base."""

    name: str = "decoder-eval"
    """Name of the run (in reports)."""
    models: dict[str, ModelSpec] = Field(default_factory=dict)
    """Models by name; a value may be a path alone (``base: runs/x``) or ``{path, base, chat_template}``."""
    baseline: str | None = None
    """The model others are compared with unless they name a ``base``; null: the first model."""
    datasets: list[DatasetSpec] = Field(default_factory=list)
    """The evaluation datasets."""
    generation: GenerationConfig = Field(default_factory=GenerationConfig)
    """How models are run (batch size, answer tokens, device, dtype)."""
    bootstrap: BootstrapConfig = Field(default_factory=BootstrapConfig)
    """Resamples, seed, alpha, Bonferroni."""
    bertscore: BertScoreConfig = Field(default_factory=BertScoreConfig)
    """The local encoder of BERTScore."""
    judge: JudgeConfig | None = None
    """The LLM judge of open answers; null: no ``judge`` metric."""
    energy: EnergyConfig = Field(default_factory=EnergyConfig)
    """Energy and carbon estimate of the run (TDP, PUE, carbon intensity)."""
    out: str = "runs/decoder-eval"
    """Output folder: ``results.json``, ``tables.txt``, ``predictions/``, plots."""
    progress: bool = True
    """Show progress bars."""

    @field_validator("models", mode="before")
    @classmethod
    def _path_shorthand(cls, value):
        if isinstance(value, dict):
            return {k: ({"path": v} if isinstance(v, str) else v) for k, v in value.items()}
        return value

    @field_validator("models")
    @classmethod
    def _model_names(cls, value: dict[str, ModelSpec]) -> dict[str, ModelSpec]:
        for name in value:
            if not _NAME.match(name):
                raise PydanticCustomError("bad_model_name", "model name {name!r}: use letters, digits and _ . - only",
                                          {"name": name})
        return value

    # --- resolved views ----------------------------------------------------------------------------

    @property
    def baseline_name(self) -> str | None:
        """The baseline: ``baseline``, else the first model."""
        return self.baseline or next(iter(self.models), None)

    def base_of(self, model: str) -> str | None:
        """The model ``model`` is compared with (None for the baseline itself)."""
        spec = self.models[model]
        if spec.base is not None:
            return spec.base
        return None if model == self.baseline_name else self.baseline_name

    def pairs(self) -> list[tuple[str, str]]:
        """(model, base) comparisons, in model order."""
        return [(m, b) for m in self.models if (b := self.base_of(m)) is not None]

    def metrics_of(self, dataset: DatasetSpec) -> tuple[str, ...]:
        """The metrics compared on ``dataset`` (the first decides win/tie/loss)."""
        if dataset.metrics:
            return tuple(dataset.metrics)
        default = DEFAULT_METRICS[dataset.kind]
        return default + (("judge",) if dataset.kind == "open" and self.judge is not None else ())

    def comparisons(self) -> int:
        """Comparisons in the table: model pairs x sum over datasets of their metrics (Bonferroni's m)."""
        return len(self.pairs()) * sum(len(self.metrics_of(d)) for d in self.datasets)

    def config_hash(self) -> str:
        """sha256 of the canonical JSON of the resolved config."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


def check_config(config: EvalConfig, where: str = "eval config") -> EvalConfig:
    """The checks across fields (names that refer to each other, metrics that fit their dataset's kind);
    ``ConfigError`` with the key and the fix."""
    problems = []
    models = ", ".join(config.models) or "none"
    if config.baseline is not None and config.baseline not in config.models:
        problems.append(f"baseline: {config.baseline!r} is not one of the models ({models})")
    for name, spec in config.models.items():
        if spec.base is not None and spec.base not in config.models:
            problems.append(f"models.{name}.base: {spec.base!r} is not one of the models ({models})")
        elif spec.base == name:
            problems.append(f"models.{name}.base: a model cannot be its own base — remove it or name another model")
    seen: set[str] = set()
    for i, dataset in enumerate(config.datasets):
        if dataset.name in seen:
            problems.append(f"datasets[{i}].name: {dataset.name!r} is used twice — dataset names must be unique")
        seen.add(dataset.name)
        allowed = METRICS[dataset.kind]
        for metric in dataset.metrics or ():
            if metric not in allowed:
                problems.append(f"datasets[{i}].metrics: {metric!r} does not apply to kind {dataset.kind!r} — use "
                                f"{' or '.join(allowed)}")
        if dataset.metrics is not None and not dataset.metrics:
            problems.append(f"datasets[{i}].metrics: empty — name at least one metric, or null for the defaults")
        metrics = config.metrics_of(dataset) if not dataset.metrics or set(dataset.metrics) <= set(allowed) else ()
        if "judge" in metrics and config.judge is None:
            problems.append(f"datasets[{i}].metrics: 'judge' needs a judge — add a `judge:` section with its `llm:`")
        if "bertscore_f1" in metrics and not config.bertscore.model:
            problems.append(f"datasets[{i}] ({dataset.name}): bertscore_f1 needs a local encoder — set "
                            "bertscore.model to its folder")
        if not dataset.path:
            problems.append(f"datasets[{i}].path: empty — give the dataset file")
    for name, spec in config.models.items():
        if not spec.path:
            problems.append(f"models.{name}.path: empty — give the model folder")
    if problems:
        raise ConfigError("\n".join(f"{where}: {p}" for p in problems))
    return config


def load_eval_config(path: str | Path, overrides: list[str] | None = None) -> EvalConfig:
    """Read an eval YAML, apply ``--set key=value`` overrides, validate and check it (``ConfigError``)."""
    return check_config(load_model(EvalConfig, path, overrides), str(path))
