"""The decoder training configuration (``recipes/decoder/cpt-*.yaml``, ``sft-*.yaml``, ``tiny-*.yaml``).

One model serves CPT and SFT ("share the loop, vary the config"): ``task: cpt`` trains on packed token
shards (``data.format: pack``) with the loss on every token, ``task: sft`` on chat JSONL
(``data.format: chat``) with the loss on the assistant answers only; ``adapter`` (DoRA) is orthogonal.
Names follow the encoder recipe (Composer's where it has one: ``max_duration``, ``precision: amp_bf16``,
``save_interval``, ``eval_interval``...); durations are ``"2.8ep"`` (epochs), ``"500ba"`` (optimizer
steps) or ``"1000000tok"`` (tokens: a step holds ``global batch x sequence length`` positions).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from curation.config import StrictModel, load_model
from curation.errors import ConfigError
from curation.training.duration import Duration, check_duration, parse_duration
from curation.training.energy import EnergyConfig

__all__ = ["PROVENANCES", "AdapterConfig", "ChatDataConfig", "Duration", "ModelConfig", "OptimizerConfig",
           "PackDataConfig", "SchedulerConfig", "TrainConfig", "load_train_config", "parse_duration"]

PROVENANCES = ("native", "synthetic", "translated")
"""The provenances of instruction data (MedInjection-FR): native French, LLM-generated, machine-translated."""

Provenance = Literal["native", "synthetic", "translated"]

def _check_duration(value: str, key: str, units: tuple[str, ...]) -> str:
    try:
        check_duration(value, units)
    except ValueError as exc:
        raise ValueError(f"{key}: {exc}") from None
    return value


class ModelConfig(StrictModel):
    """The causal LM to adapt."""

    path: str = ""
    """Local HF checkpoint folder of any causal LM (``AutoModelForCausalLM``): Mistral, Llama, Qwen2..."""
    tokenizer: str | None = None
    """Tokenizer folder (default: ``path``); a pack must have been made with the same vocabulary."""
    attn_implementation: Literal["sdpa", "eager", "flex_attention", "flash_attention_2"] = "sdpa"
    """Attention kernel. With packed sequences every one of them keeps attention inside each document
    (position ids restarting at 0 make transformers build a block-diagonal causal mask)."""
    dtype: Literal["float32", "bfloat16"] = "float32"
    """Dtype the weights are loaded in (``float32`` master weights with ``precision: amp_bf16`` autocast)."""
    gradient_checkpointing: bool = False
    """Recompute activations in the backward pass (less memory, ~30 % more compute)."""


class PackDataConfig(StrictModel):
    """Packed token shards (``biomedfr pack`` output): fixed-length sequences with document boundaries."""

    format: Literal["pack"] = "pack"
    """Packed shards (CPT)."""
    path: str = ""
    """Folder of the pack (``index.json``)."""
    split: str = "train"
    """Split trained on."""
    eval_split: str | None = "validation"
    """Split the validation loss is measured on (None: no evaluation)."""


class ChatDataConfig(StrictModel):
    """Instruction JSONL: one example a line, ``messages`` (chat turns) or a question and an answer, and
    a ``provenance`` (native, synthetic or translated)."""

    format: Literal["chat"] = "chat"
    """Chat JSONL (SFT)."""
    files: list[str] = Field(default_factory=list)
    """JSONL files trained on (e.g. one configuration of ``biomedfr decoder mix``)."""
    eval_files: list[str] = Field(default_factory=list)
    """JSONL files the validation loss is measured on (empty: no evaluation)."""
    messages_field: str = "messages"
    """Field holding a list of ``{"role", "content"}`` turns (system/user/assistant); used when present."""
    question_field: str = "question"
    """Field of the question (rows without ``messages_field``)."""
    answer_field: str = "answer"
    """Field of the answer (rows without ``messages_field``)."""
    provenance_field: str = "provenance"
    """Field of the provenance: ``native``, ``synthetic`` or ``translated``."""
    provenances: list[Provenance] = Field(default_factory=lambda: list(PROVENANCES))
    """Provenances kept (rows of the others are left out and counted)."""
    chat_template: str | None = None
    """Chat template replacing the tokenizer's: a shipped one (``mistral_instruct.v1``, for base models that
    have none) or a Jinja file; it is saved with the trained model. None: the tokenizer's own."""
    system_prompt: str | None = None
    """System turn put before the conversation of rows that have none (None: no system turn)."""
    max_length: int = Field(2048, ge=8)
    """Tokens per example; longer ones are cut (an example whose answers are cut away is left out, counted)."""


DataConfig = Annotated[PackDataConfig | ChatDataConfig, Field(discriminator="format")]


class AdapterConfig(StrictModel):
    """A peft LoRA/DoRA adapter on the linear layers, merged into the weights at the end."""

    use_dora: bool = True
    """DoRA (weight-decomposed LoRA: magnitude and direction); False: plain LoRA."""
    r: int = Field(16, ge=1)
    """Rank (MedMistral Table 7: 16)."""
    lora_alpha: int = Field(16, ge=1)
    """Scaling numerator (MedMistral: 16; scale = alpha / r)."""
    lora_dropout: float = Field(0.05, ge=0, lt=1)
    """Dropout on the adapter's input (MedMistral: 0.05)."""
    target_modules: list[str] = Field(default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
                                                               "up_proj", "down_proj"])
    """Linear layers adapted (MedMistral: QKVOGUD)."""
    merge: bool = True
    """Merge the adapter into the weights at the end (``merge_and_unload``) and save a plain HF checkpoint."""


class OptimizerConfig(StrictModel):
    """AdamW (``torch.optim.AdamW``, as the HF Trainer the papers used): weight decay ``p -= lr * wd * p``,
    none on biases and normalisation weights (every parameter with fewer than 2 dimensions)."""

    name: Literal["adamw"] = "adamw"
    """The only optimizer of the recipe."""
    lr: float = Field(2.0e-5, gt=0)
    """Peak learning rate (MedMistral CPT and SFT: 2e-5)."""
    betas: tuple[float, float] = (0.9, 0.999)
    """Adam betas (HF Trainer defaults)."""
    eps: float = 1.0e-8
    """Adam epsilon (HF Trainer default)."""
    weight_decay: float = Field(0.01, ge=0)
    """Weight decay (MedMistral CPT: 0.01)."""


class SchedulerConfig(StrictModel):
    """Learning-rate schedule over the run's optimizer steps (``transformers.get_scheduler``)."""

    name: Literal["cosine", "linear", "constant"] = "cosine"
    """Cosine decay to 0 (MedMistral), linear decay to 0, or constant."""
    t_warmup: str = "0ba"
    """Linear warmup (ba, tok or ep); MedMistral: none."""

    @field_validator("t_warmup")
    @classmethod
    def _duration(cls, value: str) -> str:
        return _check_duration(value, "scheduler.t_warmup", ("ep", "ba", "tok"))


class TrainConfig(StrictModel):
    """A decoder training run: CPT on packed shards or SFT on chat JSONL, optionally with a DoRA adapter."""

    task: Literal["cpt", "sft"] = "cpt"
    """``cpt``: next-token loss on every token of packed documents; ``sft``: loss on the answers only."""
    name: str = "decoder"
    """Run name (default output folder ``runs/decoder/<name>``)."""
    model: ModelConfig = ModelConfig()
    """The causal LM to adapt."""
    data: DataConfig = PackDataConfig()  # type: ignore[valid-type]
    """Training data: ``format: pack`` (CPT) or ``format: chat`` (SFT)."""
    adapter: AdapterConfig | None = None
    """A DoRA/LoRA adapter (None: every weight is trained)."""
    optimizer: OptimizerConfig = OptimizerConfig()
    """AdamW."""
    scheduler: SchedulerConfig = SchedulerConfig()
    """Learning-rate schedule."""
    max_duration: str = "1ep"
    """Length of the run (ep, ba or tok); MedMistral: CPT 2.8ep, SFT 10ep."""
    device_train_microbatch_size: int = Field(16, ge=1)
    """Sequences per forward pass on one device (MedMistral: CPT 16, SFT 4)."""
    gradient_accumulation_steps: int = Field(2, ge=1)
    """Micro-batches per optimizer step on each device (MedMistral: 2); the global batch is
    ``device_train_microbatch_size x gradient_accumulation_steps x devices``."""
    device_eval_microbatch_size: int = Field(8, ge=1)
    """Sequences per forward pass of the validation loss (MedMistral SFT: 8)."""
    precision: Literal["amp_bf16", "fp32"] = "amp_bf16"
    """bf16 mixed precision on GPUs (accelerate), or fp32; CPU runs are fp32 whatever this says."""
    clipping_threshold: float | None = Field(1.0, gt=0)
    """Gradient norm clipping (None: off; HF Trainer default 1.0)."""
    seed: int = 42
    """Seed of the data order, of the adapter's initialisation and of dropout (MedMistral SFT: 42)."""
    save_folder: str | None = None
    """Output folder (checkpoints, summary, final model); default ``runs/decoder/<name>``."""
    save_interval: str = "1000ba"
    """Checkpoint every N optimizer steps (ba or tok); a checkpoint is also written at the end."""
    save_num_checkpoints_to_keep: int = Field(2, ge=1)
    """Checkpoints kept (older ones are deleted); the run resumes from the newest."""
    resume: bool = True
    """Resume from the newest checkpoint in ``<save_folder>/checkpoints`` when there is one."""
    stop_after: str | None = None
    """Run at most this many optimizer steps (ba or tok) per invocation, then checkpoint and stop, the
    schedule still spanning ``max_duration`` (jobs with a time limit: the same command resumes for the
    next slice). None: run to the end."""
    eval_interval: str = "500ba"
    """Validation loss every N optimizer steps (ba or tok), and at the end."""
    eval_subset_num_batches: int = Field(8, ge=1)
    """Micro-batches of validation data per evaluation."""
    log_interval: str = "10ba"
    """Training loss, lr and tokens/s written to ``metrics.jsonl`` every N steps (ba or tok)."""
    progress: bool = True
    """Show a rich progress bar (main process only)."""
    energy: EnergyConfig = EnergyConfig()
    """Energy and carbon estimate of the run (MedMistral Table 8; encoder recipe's defaults)."""
    usd_per_device_hour: float | None = Field(None, ge=0)
    """Price of one device-hour (e.g. a cloud GPU's hourly rate) for the cost line of the summary
    (MedMistral Table 8 reports USD); None: no cost."""

    @field_validator("max_duration")
    @classmethod
    def _max_duration(cls, value: str) -> str:
        return _check_duration(value, "max_duration", ("ep", "ba", "tok"))

    @field_validator("save_interval", "eval_interval", "log_interval", "stop_after")
    @classmethod
    def _interval(cls, value: str | None, info) -> str | None:
        return value if value is None else _check_duration(value, info.field_name, ("ba", "tok"))

    @model_validator(mode="after")
    def _check(self):
        wanted = {"cpt": "pack", "sft": "chat"}[self.task]
        if self.data.format != wanted:
            raise ValueError(f"task {self.task} trains on data.format: {wanted}, got {self.data.format!r} — "
                             f"{'CPT reads packed shards' if self.task == 'cpt' else 'SFT reads chat JSONL'}")
        return self

    def out_dir(self) -> Path:
        """Where the run writes."""
        return Path(self.save_folder) if self.save_folder else Path("runs") / "decoder" / self.name


def load_train_config(path: str | Path, overrides: list[str] | None = None,
                      task: Literal["cpt", "sft"] | None = None) -> TrainConfig:
    """Read a training YAML with ``--set`` overrides; the model and data paths are required, and ``task``
    (when given: the command that runs it) must match the config's."""
    config = load_model(TrainConfig, path, overrides)
    if task is not None and config.task != task:
        raise ConfigError(f"{path}: task is {config.task!r} — run it with `biomedfr decoder {config.task}`, "
                          f"not `biomedfr decoder {task}`")
    needed = [("model.path", config.model.path)]
    if isinstance(config.data, PackDataConfig):
        needed.append(("data.path", config.data.path))
    else:
        needed.append(("data.files", config.data.files))
    for key, value in needed:
        if not value:
            raise ConfigError(f"{path}: {key} is empty — set it in the config or with --set {key}=...")
    return config
