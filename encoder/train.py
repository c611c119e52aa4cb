"""``train(config)``: continued pretraining of a ModernBERT in phases (CLM detour then MLM, or MLM control).

One loop for every phase; a phase sets the objective (masks + labels), the budget and the schedule. The
optimizer is built once: at a phase switch its moments and step counts carry on, only the schedule
restarts. Devices, bf16 and DDP/FSDP come from ``accelerate`` (``accelerate launch`` or ``torchrun``
with ``python -m curation encoder train``); the loop accumulates gradients itself over
``global_train_batch_size / (device_train_microbatch_size x processes)`` micro-batches and normalises the
loss by the number of labelled positions of the whole step (``num_items_in_batch``), so the gradient does
not depend on how the batch is split.

Output (``save_folder``): ``checkpoints/ba<N>/`` (resumable), ``metrics.jsonl`` (one row per log and
evaluation), ``summary.json`` (phases, losses, tokens, energy), ``loss.png`` and ``final/`` (an HF
checkpoint with ``classifier_pooling="cls"``, ready for ``biomedfr encoder eval``).
"""

from __future__ import annotations

import hashlib
import json
import math
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curation.errors import ConfigError, require
from curation.training.duration import parse_duration
from curation.training.energy import EnergyMeter, EnergyReport
from encoder.checkpoint import TrainState, latest_checkpoint, load_checkpoint, save_checkpoint
from encoder.config import TrainConfig

__all__ = ["TrainResult", "train"]


@dataclass
class TrainResult:
    """What a finished (or resumed and finished) run leaves."""

    out_dir: Path
    """The run folder."""
    final_model: Path
    """The exported HF checkpoint."""
    state: TrainState
    """The final state (history included)."""
    energy: EnergyReport
    """Energy of this invocation (a resumed run counts from its restart)."""
    summary: dict[str, Any] = field(default_factory=dict)
    """``summary.json``."""


def _config_hash(config: TrainConfig) -> str:
    """What a checkpoint must agree with to be resumed: everything but paths, intervals and energy."""
    payload = config.model_dump(mode="json", exclude={"save_folder", "save_interval", "save_num_checkpoints_to_keep",
                                                      "eval_interval", "log_interval", "energy", "name"})
    payload["model"].pop("attn_implementation", None)
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class _Run:
    """The state of one invocation of ``train``: accelerator, model, data, optimizer."""

    def __init__(self, config: TrainConfig, progress: bool):
        require("torch", "train", "the encoder recipe")
        accelerate = require("accelerate", "train", "the encoder recipe")
        import torch

        from curation.pack.reader import PackedDataset
        from encoder.data import BatchStream
        from encoder.model import load_model, load_tokenizer
        from encoder.optim import PhaseSchedule, build_optimizer

        self.config, self.progress = config, progress
        cuda = torch.cuda.is_available()
        bf16 = config.precision == "amp_bf16" and cuda
        self.accelerator = accelerate.Accelerator(mixed_precision="bf16" if bf16 else "no")
        accelerate.utils.set_seed(config.seed)
        acc = self.accelerator
        self.world = acc.num_processes
        per_step = config.device_train_microbatch_size * self.world
        if config.global_train_batch_size % per_step:
            raise ConfigError(f"global_train_batch_size {config.global_train_batch_size} is not a multiple of "
                              f"device_train_microbatch_size x processes = {per_step}")
        self.accumulation = config.global_train_batch_size // per_step
        self.tokenizer = load_tokenizer(config.model)
        self.train_data = PackedDataset(config.data.path, config.data.split, expected_tokenizer=self.tokenizer)
        self.eval_data = None
        if config.data.eval_split and config.data.eval_split in self.train_data.index["splits"]:
            candidate = PackedDataset(config.data.path, config.data.eval_split)
            self.eval_data = candidate if len(candidate) >= config.device_train_microbatch_size else None
        model = load_model(config.model, acc.device.type)
        if model.config.vocab_size < self.train_data.tokenizer.vocab_size:
            raise ConfigError(f"model.path {config.model.path}: {model.config.vocab_size} embeddings for a vocabulary "
                              f"of {self.train_data.tokenizer.vocab_size} — the model and the pack disagree")
        self.sliding_window = int(model.config.sliding_window)
        self.seq_len = self.train_data.seq_len
        self.tokens_per_step = config.global_train_batch_size * self.seq_len
        self.every = {key: parse_duration(getattr(config, key), key, ("tok", "ba")).steps(self.tokens_per_step)
                      for key in ("log_interval", "eval_interval", "save_interval")}
        """Steps between logs, evaluations and checkpoints (0: only at phase ends)."""
        self.schedules = [PhaseSchedule.of(p, self.tokens_per_step) for p in config.phases]
        optimizer = build_optimizer(model, config.optimizer)
        self.model, self.optimizer = acc.prepare(model, optimizer)
        self.stream = BatchStream(self.train_data, config.device_train_microbatch_size, config.data.shuffle_seed,
                                  acc.process_index, self.world)
        self.out = config.out_dir()
        self.checkpoints = self.out / "checkpoints"
        self.meter = EnergyMeter(config.energy, devices=self.world, device_type=acc.device.type)
        self.mask_dtype = torch.bfloat16 if bf16 else torch.float32

    # --- one step ------------------------------------------------------------------------------

    def inputs(self, batch, phase_index: int, step: int, micro: int, objective: str, probability: float,
               evaluation: bool = False):
        from encoder.data import model_inputs

        seed = [self.config.seed, phase_index, int(evaluation), step, micro, self.accelerator.process_index]
        return model_inputs(batch, objective, self.tokenizer, self.sliding_window,
                            self.config.model.attn_implementation, self.accelerator.device, probability, seed,
                            self.mask_dtype)

    def step(self, phase_index: int, state: TrainState) -> tuple[float, int]:
        """One optimizer step; returns (mean loss over the step's labels, real tokens of all processes)."""
        import torch

        acc, phase = self.accelerator, self.config.phases[phase_index]
        batches = [self.stream.next() for _ in range(self.accumulation)]
        prepared = [self.inputs(b, phase_index, state.phase_step, i, phase.objective, phase.mlm_probability)
                    for i, b in enumerate(batches)]
        counts = torch.tensor([sum(p.label_count for p in prepared), sum(p.real_tokens for p in prepared)],
                              device=acc.device, dtype=torch.float64)
        labels_total, tokens_total = acc.reduce(counts, reduction="sum").tolist()
        if labels_total == 0:
            raise ConfigError(f"phase {phase.name}: a step without any label (empty sequences?)")
        per_process = labels_total / self.world  # DDP averages gradients over processes
        self.model.train()
        loss_sum = torch.zeros((), device=acc.device, dtype=torch.float64)
        for i, item in enumerate(prepared):
            sync = nullcontext() if i == len(prepared) - 1 else acc.no_sync(self.model)
            with sync, acc.autocast():
                out = self.model(**item.kwargs, num_items_in_batch=per_process)
                acc.backward(out.loss)
            loss_sum += out.loss.detach().double()
        if self.config.clipping_threshold is not None:
            acc.clip_grad_norm_(self.model.parameters(), self.config.clipping_threshold)
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)
        loss = float(acc.reduce(loss_sum, reduction="mean"))
        return loss, int(tokens_total)

    def evaluate(self, phase_index: int) -> float | None:
        """Mean loss of the phase's objective on the first ``eval_subset_num_batches`` validation micro-batches."""
        import torch

        if self.eval_data is None:
            return None
        acc, phase = self.accelerator, self.config.phases[phase_index]
        micro = self.config.device_train_microbatch_size
        order = self.eval_data.order(shuffle=False, rank=acc.process_index, world_size=self.world)
        order = order[:len(self.eval_data) // self.world]
        self.model.eval()
        totals = torch.zeros(2, device=acc.device, dtype=torch.float64)
        with torch.no_grad():
            for k in range(min(self.config.eval_subset_num_batches, len(order) // micro)):
                batch = self.eval_data.batch(order[k * micro:(k + 1) * micro])
                item = self.inputs(batch, phase_index, 0, k, phase.objective, phase.mlm_probability, evaluation=True)
                with acc.autocast():
                    out = self.model(**item.kwargs, num_items_in_batch=1)  # a sum over the labels
                totals += torch.tensor([float(out.loss), item.label_count], device=acc.device, dtype=torch.float64)
        loss_sum, count = acc.reduce(totals, reduction="sum").tolist()
        return loss_sum / count if count else None


def _due(every: int, step: int) -> bool:
    return every > 0 and step % every == 0


def _log(run: _Run, state: TrainState, row: dict[str, Any]) -> None:
    state.history.append(row)
    if run.accelerator.is_main_process:
        run.out.mkdir(parents=True, exist_ok=True)
        with open(run.out / "metrics.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")


def train(config: TrainConfig, progress: bool = True, console: Any = None) -> TrainResult:
    """Run (or resume) the phases of ``config``; export the final model."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = console or Console()
    run = _Run(config, progress)
    acc = run.accelerator
    state = TrainState(config_hash=_config_hash(config))
    resume_from = latest_checkpoint(run.checkpoints)
    if resume_from is not None:
        saved = load_checkpoint(acc, resume_from)
        if saved.config_hash != state.config_hash:
            raise ConfigError(f"{resume_from}: a checkpoint of another configuration — use another save_folder, "
                              "or delete the checkpoints to start over")
        state = saved
        run.stream.load_state_dict(state.stream)
        if acc.is_main_process:
            console.print(f"Resuming from {resume_from} (phase {config.phases[state.phase].name if state.phase < len(config.phases) else 'done'}, "
                          f"step {state.global_step})")
    run.meter.start()
    columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("loss {task.fields[loss]}"), TimeRemainingColumn()]
    with Progress(*columns, console=console, disable=not (progress and acc.is_main_process)) as bars:
        for phase_index in range(state.phase, len(config.phases)):
            _run_phase(run, state, phase_index, bars)
    run.meter.pause()
    final = run.out / "final"
    if acc.is_main_process:
        from encoder.model import export_model

        export_model(acc.unwrap_model(run.model), run.tokenizer, final)
    acc.wait_for_everyone()
    energy = run.meter.report()
    summary = _summary(run, state, energy, final)
    if acc.is_main_process:
        (run.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        _plot(state, run.out / "loss.png")
    return TrainResult(out_dir=run.out, final_model=final, state=state, energy=energy, summary=summary)


def _run_phase(run: _Run, state: TrainState, phase_index: int, bars) -> None:
    config, acc = run.config, run.accelerator
    phase, schedule = config.phases[phase_index], run.schedules[phase_index]
    peak = phase.lr if phase.lr is not None else config.optimizer.lr
    for group in run.optimizer.param_groups:
        group["peak_lr"] = peak
    task = bars.add_task(f"{phase.name} ({phase.objective})", total=schedule.total_steps,
                         completed=state.phase_step, loss="-")
    while state.phase == phase_index and state.phase_step < schedule.total_steps:
        lr = peak * schedule.multiplier(state.phase_step)
        for group in run.optimizer.param_groups:
            group["lr"] = lr
        loss, tokens = run.step(phase_index, state)
        if not math.isfinite(loss):
            raise ConfigError(f"phase {phase.name} step {state.phase_step}: loss is {loss} — lower the lr "
                              "or check the data")
        state.phase_step += 1
        state.global_step += 1
        state.tokens += tokens
        state.phase_tokens += tokens
        run.meter.add_tokens(tokens)
        bars.update(task, advance=1, loss=f"{loss:.4f}")
        last = state.phase_step == schedule.total_steps
        if last or _due(run.every["log_interval"], state.phase_step):
            _log(run, state, {"phase": phase.name, "step": state.global_step, "phase_step": state.phase_step,
                              "loss": loss, "lr": lr, "tokens": state.tokens,
                              "tokens_per_second": run.meter.report().tokens_per_second})
        if last or _due(run.every["eval_interval"], state.phase_step):
            run.meter.pause()
            eval_loss = run.evaluate(phase_index)
            if eval_loss is not None:
                _log(run, state, {"phase": phase.name, "step": state.global_step, "eval_loss": eval_loss})
            run.meter.start()
        if last:
            state.phase, state.phase_step, state.phase_tokens = phase_index + 1, 0, 0
        if last or _due(run.every["save_interval"], state.global_step):
            run.meter.pause()
            state.stream = run.stream.state_dict()
            save_checkpoint(acc, run.checkpoints, state, config.save_num_checkpoints_to_keep)
            run.meter.start()
        if last:
            break
    bars.update(task, completed=schedule.total_steps)


def _summary(run: _Run, state: TrainState, energy: EnergyReport, final: Path) -> dict[str, Any]:
    phases = []
    for phase, schedule in zip(run.config.phases, run.schedules, strict=True):
        rows = [r for r in state.history if r["phase"] == phase.name]
        train_rows = [r for r in rows if "loss" in r]
        eval_rows = [r for r in rows if "eval_loss" in r]
        phases.append({
            "name": phase.name, "objective": phase.objective, "steps": schedule.total_steps,
            "token_positions": schedule.total_steps * run.tokens_per_step,
            "first_loss": train_rows[0]["loss"] if train_rows else None,
            "last_loss": train_rows[-1]["loss"] if train_rows else None,
            "eval_loss": eval_rows[-1]["eval_loss"] if eval_rows else None,
        })
    return {
        "name": run.config.name, "config": run.config.model_dump(mode="json"), "config_hash": state.config_hash,
        "model": run.config.model.path, "final_model": str(final), "pack_tokenizer": run.train_data.tokenizer.to_json(),
        "processes": run.world, "accumulation": run.accumulation, "seq_len": run.seq_len,
        "steps": state.global_step, "tokens": state.tokens,
        "epochs": run.stream.epoch + run.stream.offset / max(1, len(run.train_data) // run.world),
        "phases": phases, "energy": energy.to_json(),
    }


def _plot(state: TrainState, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for phase in dict.fromkeys(r["phase"] for r in state.history):
        rows = [r for r in state.history if r["phase"] == phase and "loss" in r]
        ax.plot([r["tokens"] for r in rows], [r["loss"] for r in rows], label=f"{phase} (train)")
        evals = [r for r in state.history if r["phase"] == phase and "eval_loss" in r]
        if evals:
            ax.plot([next((t["tokens"] for t in rows if t["step"] == e["step"]), rows[-1]["tokens"] if rows else 0)
                     for e in evals], [e["eval_loss"] for e in evals], "o--", label=f"{phase} (validation)")
    ax.set_xlabel("tokens")
    ax.set_ylabel("loss")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
