"""The encoder recipe's configuration (``recipes/encoder/*.yaml``).

Key names follow Composer's where it has one (``max_duration``, ``global_train_batch_size``,
``device_train_microbatch_size``, ``precision: amp_bf16``, ``save_interval``,
``save_num_checkpoints_to_keep``, ``eval_interval``, ``eval_subset_num_batches``, ``t_warmup``,
``alpha_f``, decoupled AdamW) and so do durations: ``"10000000000tok"`` (tokens), ``"500ba"``
(optimizer steps), and inside a phase ``"0.1dur"`` (a share of the phase). Budgets are in tokens, as in
the paper: a step holds ``global_train_batch_size x seq_len`` token positions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from curation.config import StrictModel, load_model
from curation.errors import ConfigError
from curation.training.duration import Duration, check_duration, parse_duration
from curation.training.energy import EnergyConfig

__all__ = ["DataConfig", "Duration", "ModelConfig", "OptimizerConfig", "PhaseConfig", "SchedulerConfig",
           "TrainConfig", "load_train_config", "parse_duration"]

class ModelConfig(StrictModel):
    """The checkpoint to continue pretraining."""

    path: str = ""
    """Local HF checkpoint folder of a ``ModernBertForMaskedLM`` (ModernCamemBERT base or large)."""
    tokenizer: str | None = None
    """Tokenizer folder (default: ``path``); the pack must have been made with the same vocabulary."""
    attn_implementation: Literal["sdpa", "eager", "flex_attention", "flash_attention_2"] = "sdpa"
    """Attention kernel: sdpa (any device), eager (reference), flex_attention (CUDA, block masks),
    flash_attention_2 (CUDA with flash-attn installed, optional)."""


class DataConfig(StrictModel):
    """The packed token shards (``biomedfr pack`` output)."""

    path: str = ""
    """Folder of the pack (``index.json``)."""
    split: str = "train"
    """Split trained on."""
    eval_split: str | None = "validation"
    """Split the validation loss is measured on (None: no evaluation)."""
    shuffle_seed: int = 0
    """Seed of the order of sequences (each epoch a new permutation)."""


class OptimizerConfig(StrictModel):
    """Composer's ``DecoupledAdamW``: weight decay scaled by lr / peak lr, none on biases and norms."""

    name: Literal["decoupled_adamw"] = "decoupled_adamw"
    """The only optimizer of the recipe."""
    lr: float = 3.0e-4
    """Peak learning rate (the paper does not state it; ModernBERT's context-extension value)."""
    betas: tuple[float, float] = (0.9, 0.98)
    """Adam betas (paper: 0.9, 0.98)."""
    eps: float = 1.0e-6
    """Adam epsilon (paper: 1e-6)."""
    weight_decay: float = 1.0e-5
    """Decoupled weight decay (paper: 1e-5): each step ``p *= 1 - weight_decay * lr / peak_lr``."""
    filter_bias_norm_wd: bool = True
    """No weight decay on biases and normalisation weights (paper: "hors biais et normalisations")."""


class SchedulerConfig(StrictModel):
    """A phase's learning-rate multiplier of the peak lr, by tokens seen in the phase."""

    name: Literal["constant_with_warmup", "warmup_stable_decay"] = "warmup_stable_decay"
    """``constant_with_warmup`` (linear warmup then constant) or ``warmup_stable_decay`` (warmup, constant,
    then a decay over the last ``t_decay`` of the phase)."""
    t_warmup: str = "0tok"
    """Linear warmup from 0 to the peak (tok, ba or dur)."""
    t_decay: str = "0tok"
    """Length of the final decay (tok, ba or dur); 0 for no decay."""
    decay_shape: Literal["1-sqrt", "linear", "cosine"] = "1-sqrt"
    """Shape of the decay: ``1 - sqrt(x)`` (the paper's decaying MLM phase), linear, or cosine."""
    alpha_f: float = 0.0
    """Multiplier of the peak reached at the end of the decay."""

    @model_validator(mode="after")
    def _check(self):
        for key in ("t_warmup", "t_decay"):
            check_duration(getattr(self, key), ("tok", "ba", "dur"))
        if self.name == "constant_with_warmup" and check_duration(self.t_decay, ("tok", "ba", "dur")).value:
            raise ValueError("constant_with_warmup has no decay: set t_decay: 0tok or use warmup_stable_decay")
        return self


class PhaseConfig(StrictModel):
    """One phase of pretraining: an objective, a budget and a schedule."""

    name: str = "phase"
    """Name in logs, checkpoints and the summary (``clm``, ``mlm``...)."""
    objective: Literal["clm", "mlm"] = "mlm"
    """``clm``: causal attention, next-token loss on every token; ``mlm``: bidirectional, masked tokens."""
    max_duration: str = "1000000000tok"
    """Budget of the phase (tok or ba)."""
    mlm_probability: float = Field(0.15, gt=0, lt=1)
    """Share of tokens masked (mlm only; 80 % [MASK], 10 % random, 10 % kept)."""
    lr: float | None = None
    """Peak lr of the phase (default: ``optimizer.lr``)."""
    scheduler: SchedulerConfig = SchedulerConfig()
    """The phase's schedule; it restarts at every phase (the optimizer state is kept)."""

    @field_validator("max_duration")
    @classmethod
    def _duration(cls, value: str) -> str:
        check_duration(value, ("tok", "ba"))
        return value


class TrainConfig(StrictModel):
    """A continued-pretraining run: model, data, optimizer and phases."""

    name: str = "encoder"
    """Run name (default output folder ``runs/encoder/<name>``)."""
    model: ModelConfig = ModelConfig()
    """The checkpoint to continue."""
    data: DataConfig = DataConfig()
    """The packed shards."""
    optimizer: OptimizerConfig = OptimizerConfig()
    """Decoupled AdamW."""
    phases: list[PhaseConfig] = Field(default_factory=lambda: [PhaseConfig()])
    """Phases in order (CLM detour: clm then mlm; control: mlm 30 % then mlm 15 %)."""
    global_train_batch_size: int = Field(384, ge=1)
    """Sequences per optimizer step over all devices (paper: 384 x 8192 tokens)."""
    device_train_microbatch_size: int = Field(8, ge=1)
    """Sequences per forward pass on one device (gradient accumulation makes up the rest)."""
    precision: Literal["amp_bf16", "fp32"] = "amp_bf16"
    """Mixed precision (bf16 autocast) or full fp32 (CPU runs are fp32 whatever this says)."""
    clipping_threshold: float | None = 1.0
    """Gradient norm clipping (None: off)."""
    seed: int = 17
    """Seed of initialisation-free randomness: MLM masking, dropout."""
    save_folder: str | None = None
    """Output folder (checkpoints, summary, final model); default ``runs/encoder/<name>``."""
    save_interval: str = "1000ba"
    """Checkpoint every N steps or tokens (a checkpoint is also written at each phase end)."""
    save_num_checkpoints_to_keep: int = Field(2, ge=1)
    """Checkpoints kept (older ones are deleted); the run resumes from the newest."""
    eval_interval: str = "500ba"
    """Validation loss every N steps or tokens (and at each phase end)."""
    eval_subset_num_batches: int = Field(8, ge=1)
    """Micro-batches of the validation split per evaluation."""
    log_interval: str = "10ba"
    """Training loss, lr and tokens/s logged every N steps."""
    energy: EnergyConfig = EnergyConfig()
    """Energy and carbon estimate of the run (paper's defaults)."""

    @model_validator(mode="after")
    def _check(self):
        for key in ("save_interval", "eval_interval", "log_interval"):
            try:
                check_duration(getattr(self, key), ("tok", "ba"))
            except ValueError as exc:
                raise ValueError(f"{key}: {exc}") from None
        if not self.phases:
            raise ValueError("phases: give at least one phase")
        names = [p.name for p in self.phases]
        if len(set(names)) != len(names):
            raise ValueError(f"phases: names must be distinct, got {names}")
        if self.global_train_batch_size % self.device_train_microbatch_size:
            raise ValueError(f"global_train_batch_size {self.global_train_batch_size} is not a multiple of "
                             f"device_train_microbatch_size {self.device_train_microbatch_size}")
        return self

    def out_dir(self) -> Path:
        """Where the run writes."""
        return Path(self.save_folder) if self.save_folder else Path("runs") / "encoder" / self.name


def load_train_config(path: str | Path, overrides: list[str] | None = None) -> TrainConfig:
    """Read a recipe YAML with ``--set`` overrides; model and data paths are required."""
    config = load_model(TrainConfig, path, overrides)
    for key, value in (("model.path", config.model.path), ("data.path", config.data.path)):
        if not value:
            raise ConfigError(f"{path}: {key} is empty — set it in the recipe or with --set {key}=...")
    return config
