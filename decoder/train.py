"""``train(config)``: the one loop of CPT and SFT (the data and the adapter vary, the loop does not).

Why accelerate and not the HF Trainer: the data are our own batches (packed rows with per-document
position ids, or chat rows with answer-only targets) dealt to ranks by a formula of the step, which is
what makes resume exact and cheap (no data-loader state to replay); the Trainer would need a custom
sampler, collator and loss to do the same. ``accelerate`` still does devices, bf16 autocast, DDP/FSDP
(from ``accelerate launch --config_file ...``), gradient sync and the checkpoint state (model,
optimizer, scheduler, RNGs).

A step: the global batch ``G = device_train_microbatch_size x gradient_accumulation_steps x devices``
rows are positions ``[step * G, (step + 1) * G)`` of the concatenated epoch permutations; rank ``r``
takes micro-batch ``k`` at ``(k * devices + r) * micro``. The loss is the mean over the step's target
tokens of all micro-batches and ranks (each micro-batch's summed loss divided by the step's target count,
not a mean of means). Resuming restores the accelerate state and restarts at the saved step: the same
rows, the same dropout masks, the same losses as a run never interrupted.

Writes ``<save_folder>/``: ``checkpoints/step-NNNNNNN/`` (accelerate state + ``trainer_state.json``),
``metrics.jsonl`` (train and validation losses, lr, tokens/s), ``adapter/`` (with an adapter),
``model/`` (HF checkpoint, adapter merged, tokenizer with its chat template), ``summary.json``
(counts, losses, tokens/s, energy; shown as rich tables).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curation.errors import ConfigError, require
from curation.training.duration import parse_duration
from curation.training.energy import EnergyMeter, energy_report
from decoder.config import ChatDataConfig, TrainConfig
from decoder.data import ChatData, PackData, TrainData
from decoder.model import add_adapter, decay_groups, load_causal_lm, load_tokenizer, merge_adapter, pad_token_id

__all__ = ["Plan", "TrainResult", "build_data", "fingerprint", "step_rows", "train"]

STATE_FILE = "trainer_state.json"
TRAJECTORY_KEYS = ("task", "model", "data", "adapter", "optimizer", "scheduler", "max_duration",
                   "device_train_microbatch_size", "gradient_accumulation_steps", "precision", "clipping_threshold",
                   "seed")
"""Config keys that decide the training trajectory: a checkpoint only resumes a run that agrees on them."""


@dataclass
class Plan:
    """The run in optimizer steps."""

    rows: int
    """Training rows (packed sequences or chat examples)."""
    global_batch: int
    """Rows per optimizer step over all devices."""
    total_steps: int
    """Optimizer steps of ``max_duration``."""
    warmup_steps: int
    """Warmup steps of the schedule."""
    stop_after: int | None
    """Steps this invocation runs at most (``stop_after``), or None: to the end."""
    save_every: int
    """Checkpoint interval in steps."""
    eval_every: int
    """Validation interval in steps."""
    log_every: int
    """Logging interval in steps."""

    def stop_step(self, start: int) -> int:
        """The step an invocation starting at ``start`` stops at."""
        return self.total_steps if self.stop_after is None else min(self.total_steps, start + self.stop_after)

    @classmethod
    def of(cls, config: TrainConfig, data: TrainData, devices: int) -> Plan:
        """The plan of ``config`` on ``data`` with ``devices`` processes."""
        g = config.device_train_microbatch_size * config.gradient_accumulation_steps * devices
        per_epoch, per_step = len(data) / g, max(1, round(g * data.row_tokens))

        def steps(text: str, key: str) -> int:
            return max(1, parse_duration(text, key, ("ep", "ba", "tok")).steps(per_step, steps_per_epoch=per_epoch))

        total = steps(config.max_duration, "max_duration")
        warmup = 0 if parse_duration(config.scheduler.t_warmup, "t_warmup").value == 0 else \
            steps(config.scheduler.t_warmup, "scheduler.t_warmup")
        stop = None if config.stop_after is None else steps(config.stop_after, "stop_after")
        return cls(rows=len(data), global_batch=g, total_steps=total, warmup_steps=min(warmup, total), stop_after=stop,
                   save_every=steps(config.save_interval, "save_interval"),
                   eval_every=steps(config.eval_interval, "eval_interval"),
                   log_every=steps(config.log_interval, "log_interval"))


def step_rows(data: TrainData, step: int, global_batch: int, orders: dict[int, Any]) -> Any:
    """The ``global_batch`` row numbers of ``step``: positions of the concatenated epoch permutations."""
    import numpy as np

    n = len(data)
    positions = np.arange(step * global_batch, (step + 1) * global_batch)
    epochs, offsets = np.divmod(positions, n)
    out = np.empty(global_batch, dtype=np.int64)
    for epoch in np.unique(epochs).tolist():
        if epoch not in orders:
            orders.clear()  # epochs are visited in order: keep one permutation at a time
            orders[epoch] = data.order(epoch)
        picked = epochs == epoch
        out[picked] = orders[epoch][offsets[picked]]
    return out


def fingerprint(config: TrainConfig, devices: int) -> str:
    """sha256 of what decides the trajectory (``TRAJECTORY_KEYS``) and the device count."""
    payload = config.model_dump(mode="json", include=set(TRAJECTORY_KEYS))
    payload["devices"] = devices
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def build_data(config: TrainConfig, tokenizer: Any) -> tuple[TrainData, TrainData | None]:
    """The training data and the validation data (or None) of ``config``."""
    if isinstance(config.data, ChatDataConfig):
        pad = pad_token_id(tokenizer)
        train_data = ChatData.build(config.data.files, config.data, tokenizer, pad, config.seed)
        eval_data = (ChatData.build(config.data.eval_files, config.data, tokenizer, pad, config.seed)
                     if config.data.eval_files else None)
        return train_data, eval_data
    train_data = PackData(config.data, config.data.split, tokenizer, config.seed)
    eval_data = None
    if config.data.eval_split is not None:
        candidate = PackData(config.data, config.data.eval_split, tokenizer, config.seed)
        eval_data = candidate if len(candidate) else None
    if not len(train_data):
        raise ConfigError(f"{config.data.path}: split {config.data.split!r} has no sequence — pack more documents")
    return train_data, eval_data


@dataclass
class TrainResult:
    """What ``train`` returns."""

    out_dir: Path
    """The run folder."""
    model_dir: Path | None
    """The trained HF checkpoint (adapter merged), or None when the run stopped early (``stop_after``)."""
    step: int
    """Optimizer steps done (all invocations)."""
    losses: dict[int, float] = field(default_factory=dict)
    """Training loss of each step run by this invocation (mean over the step's target tokens)."""
    eval_losses: dict[int, float] = field(default_factory=dict)
    """Validation loss at each evaluation of this invocation."""
    summary: dict[str, Any] = field(default_factory=dict)
    """``summary.json``."""


def _cpu_only(torch) -> bool:
    """True when no accelerator (CUDA, XPU, MPS) is available: processes then train on CPU with gloo."""
    xpu = getattr(torch, "xpu", None)
    mps = getattr(torch.backends, "mps", None)
    return not (torch.cuda.is_available() or (xpu is not None and xpu.is_available())
                or (mps is not None and mps.is_available()))


def _checkpoints(folder: Path) -> list[Path]:
    done = [p for p in folder.glob("step-*") if (p / STATE_FILE).is_file()]
    return sorted(done, key=lambda p: int(p.name.split("-")[1]))


class _Run:
    """The state of one invocation of ``train`` (kept out of the loop body to keep it short)."""

    def __init__(self, config: TrainConfig):
        torch = require("torch", "train", "decoder training")
        accelerate = require("accelerate", "train", "decoder training")
        transformers = require("transformers", "train", "decoder training")
        self.torch, self.config = torch, config
        bf16 = config.precision == "amp_bf16" and torch.cuda.is_available()
        # the scheduler is stepped once per optimizer step by us (accelerate would step it once per process);
        # cpu=True on machines without an accelerator, or torchrun on CPU would run N independent processes
        self.accelerator = accelerate.Accelerator(mixed_precision="bf16" if bf16 else "no",
                                                  step_scheduler_with_optimizer=False, cpu=_cpu_only(torch))
        self.out = config.out_dir()
        self.checkpoints = self.out / "checkpoints"
        accelerate.utils.set_seed(config.seed)
        chat_template = config.data.chat_template if isinstance(config.data, ChatDataConfig) else None
        self.tokenizer = load_tokenizer(config.model, chat_template)
        self.train_data, self.eval_data = build_data(config, self.tokenizer)
        self.devices = self.accelerator.num_processes
        self.plan = Plan.of(config, self.train_data, self.devices)
        model = load_causal_lm(config.model, self.tokenizer)
        if config.adapter is not None:
            model = add_adapter(model, config.adapter)
        self.trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
        self.parameters = sum(p.numel() for p in model.parameters())
        opt = config.optimizer
        optimizer = torch.optim.AdamW(decay_groups(model, opt.weight_decay), lr=opt.lr, betas=opt.betas, eps=opt.eps)
        scheduler = transformers.get_scheduler(config.scheduler.name, optimizer,
                                               num_warmup_steps=self.plan.warmup_steps,
                                               num_training_steps=self.plan.total_steps)
        self.model, self.optimizer, self.scheduler = self.accelerator.prepare(model, optimizer, scheduler)
        self.fingerprint = fingerprint(config, self.devices)
        self.step, self.tokens, self.prior_seconds, self.resumed_from = 0, 0, 0.0, None
        self.orders: dict[int, Any] = {}

    # --- checkpoints ---------------------------------------------------------------------------------

    def resume(self) -> None:
        """Load the newest checkpoint when ``resume`` and one exists (same trajectory only)."""
        found = _checkpoints(self.checkpoints) if self.config.resume else []
        if not found:
            return
        state = json.loads((found[-1] / STATE_FILE).read_text())
        if state["fingerprint"] != self.fingerprint:
            raise ConfigError(f"{found[-1]}: checkpoint of a run with another model, data, optimizer, schedule, "
                              "batch, seed or device count — use a new save_folder, or resume: false to start over")
        self.accelerator.load_state(str(found[-1]))
        self.step, self.tokens = int(state["step"]), int(state["tokens"])
        self.prior_seconds, self.resumed_from = float(state["wall_seconds"]), str(found[-1])

    def save_checkpoint(self, seconds: float) -> None:
        """accelerate state + ``trainer_state.json`` into ``step-NNNNNNN`` (written aside, then renamed)."""
        final = self.checkpoints / f"step-{self.step:07d}"
        if (final / STATE_FILE).is_file():
            return
        tmp = self.checkpoints / f"{final.name}.tmp"
        if self.accelerator.is_main_process and tmp.exists():
            shutil.rmtree(tmp)
        self.accelerator.wait_for_everyone()
        self.accelerator.save_state(str(tmp))
        self.accelerator.wait_for_everyone()
        if self.accelerator.is_main_process:
            state = {"step": self.step, "tokens": self.tokens, "wall_seconds": seconds,
                     "fingerprint": self.fingerprint, "total_steps": self.plan.total_steps}
            (tmp / STATE_FILE).write_text(json.dumps(state, indent=2))
            if final.exists():
                shutil.rmtree(final)
            os.replace(tmp, final)
            for old in _checkpoints(self.checkpoints)[:-self.config.save_num_checkpoints_to_keep]:
                shutil.rmtree(old)
        self.accelerator.wait_for_everyone()

    # --- one step ------------------------------------------------------------------------------------

    def micro_batches(self, rows) -> list:
        micro, rank = self.config.device_train_microbatch_size, self.accelerator.process_index
        starts = [(k * self.devices + rank) * micro for k in range(self.config.gradient_accumulation_steps)]
        return [self.train_data.micro_batch(rows[lo:lo + micro]) for lo in starts]

    def train_step(self) -> tuple[float, int, float | None]:
        """One optimizer step: (mean loss over the step's targets, tokens of all ranks, gradient norm)."""
        torch, acc = self.torch, self.accelerator
        batches = self.micro_batches(step_rows(self.train_data, self.step, self.plan.global_batch, self.orders))
        counts = torch.tensor([sum(b.target_count for b in batches), sum(b.tokens for b in batches)],
                              dtype=torch.float64, device=acc.device)
        targets, tokens = acc.reduce(counts, reduction="sum").tolist()
        scale = self.devices / max(targets, 1.0)  # DDP/FSDP average gradients over ranks: undo it
        loss_sum = torch.zeros((), dtype=torch.float64, device=acc.device)
        for k, batch in enumerate(batches):
            sync = k == len(batches) - 1
            with contextlib.nullcontext() if sync else acc.no_sync(self.model):
                summed = self.summed_loss(batch.to(acc.device))
                acc.backward(summed * scale)
            loss_sum += summed.detach().double()
        norm = None
        if self.config.clipping_threshold is not None:
            norm = float(acc.clip_grad_norm_(self.model.parameters(), self.config.clipping_threshold))
        self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.step += 1
        self.tokens += int(tokens)
        return float(acc.reduce(loss_sum, reduction="sum")) / max(targets, 1.0), int(tokens), norm

    def summed_loss(self, batch):
        """Cross-entropy summed over the batch's target positions (targets are already shifted)."""
        logits = self.model(**batch.model_inputs()).logits
        return self.torch.nn.functional.cross_entropy(logits.float().flatten(0, 1), batch.targets.flatten(),
                                                      ignore_index=-100, reduction="sum")

    def evaluate(self) -> float | None:
        """Mean validation loss over ``eval_subset_num_batches`` micro-batches per rank (rows in order)."""
        if self.eval_data is None:
            return None
        torch, acc = self.torch, self.accelerator
        micro, n = self.config.device_eval_microbatch_size, len(self.eval_data)
        totals = torch.zeros(2, dtype=torch.float64, device=acc.device)
        self.model.eval()
        with torch.no_grad():
            for k in range(self.config.eval_subset_num_batches):
                lo = (k * self.devices + acc.process_index) * micro
                if lo >= n:
                    break
                batch = self.eval_data.micro_batch(range(lo, min(lo + micro, n))).to(acc.device)
                totals[0] += self.summed_loss(batch).double()
                totals[1] += batch.target_count
        self.model.train()
        loss, count = acc.reduce(totals, reduction="sum").tolist()
        return loss / count if count else None

    # --- the end -------------------------------------------------------------------------------------

    def save_model(self) -> Path:
        """``model/`` (HF checkpoint with the tokenizer; the adapter merged from ``adapter/`` when set)."""
        acc = self.accelerator
        unwrapped = acc.unwrap_model(self.model)
        state = acc.get_state_dict(self.model)
        model_dir = self.out / "model"
        adapter = self.config.adapter
        if adapter is not None:
            adapter_dir = self.out / "adapter"
            unwrapped.save_pretrained(str(adapter_dir), state_dict=state, is_main_process=acc.is_main_process)
            if acc.is_main_process:
                self.tokenizer.save_pretrained(str(adapter_dir))
                if adapter.merge:
                    merge_adapter(self.config.model, self.tokenizer, self.config.model.path, adapter_dir, model_dir)
            acc.wait_for_everyone()
            return model_dir if adapter.merge else adapter_dir
        unwrapped.save_pretrained(str(model_dir), state_dict=state, is_main_process=acc.is_main_process,
                                  save_function=acc.save)
        if acc.is_main_process:
            self.tokenizer.save_pretrained(str(model_dir))
        acc.wait_for_everyone()
        return model_dir


def _metrics(path: Path, keep_until: int) -> Any:
    """``metrics.jsonl`` opened for appending, without the lines after step ``keep_until`` (a resumed run
    rewrites them)."""
    kept = []
    if path.is_file():
        kept = [line for line in path.read_text().splitlines() if line and json.loads(line)["step"] <= keep_until]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in kept))
    return path.open("a")


def _progress(enabled: bool):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[status]}"), TimeElapsedColumn(), TimeRemainingColumn(),
                    disable=not enabled)


def train(config: TrainConfig) -> TrainResult:
    """Run (or resume) the training ``config`` describes; see the module docstring for what it writes."""
    run = _Run(config)
    acc, plan, main = run.accelerator, run.plan, run.accelerator.is_main_process
    run.resume()
    stop = plan.stop_step(run.step)
    meter = EnergyMeter(config.energy, devices=run.devices, device_type=acc.device.type).start()
    result = TrainResult(out_dir=run.out, model_dir=None, step=run.step)
    metrics = _metrics(run.out / "metrics.jsonl", run.step) if main else None
    window: list[float] = []
    window_start, window_tokens = time.perf_counter(), 0
    run.model.train()
    with _progress(config.progress and main) as progress:
        bar = progress.add_task(f"{config.task} {config.name}", total=plan.total_steps, completed=run.step, status="")
        while run.step < stop:
            loss, tokens, norm = run.train_step()
            meter.add_tokens(tokens)
            result.losses[run.step] = loss
            window.append(loss)
            window_tokens += tokens
            if run.step % plan.log_every == 0 or run.step == stop:
                elapsed = time.perf_counter() - window_start
                record = {"step": run.step, "loss": sum(window) / len(window), "lr": run.scheduler.get_last_lr()[0],
                          "grad_norm": norm, "tokens": run.tokens,
                          "tokens_per_second": window_tokens / elapsed if elapsed > 0 else 0.0}
                if metrics:
                    metrics.write(json.dumps(record) + "\n")
                    metrics.flush()
                progress.update(bar, status=f"loss {record['loss']:.4f}  {record['tokens_per_second']:,.0f} tok/s")
                window, window_start, window_tokens = [], time.perf_counter(), 0
            if run.step % plan.eval_every == 0 or run.step == plan.total_steps:
                meter.pause()
                eval_loss = run.evaluate()
                meter.start()
                if eval_loss is not None:
                    result.eval_losses[run.step] = eval_loss
                    if metrics:
                        metrics.write(json.dumps({"step": run.step, "eval_loss": eval_loss}) + "\n")
                        metrics.flush()
            if run.step % plan.save_every == 0 or run.step == stop:
                meter.pause()
                run.save_checkpoint(run.prior_seconds + meter.elapsed)
                meter.start()
            progress.update(bar, completed=run.step)
    if metrics:
        metrics.close()
    meter.pause()
    if run.step == stop and run.step > 0:  # also when resuming a finished run: the checkpoint exists
        run.save_checkpoint(run.prior_seconds + meter.elapsed)
    finished = run.step >= plan.total_steps
    if finished:
        result.model_dir = run.save_model()
    result.step = run.step
    result.summary = _summary(run, result, meter, finished)
    if main:
        (run.out / "summary.json").write_text(json.dumps(result.summary, indent=2, ensure_ascii=False))
    acc.wait_for_everyone()
    return result


def _summary(run: _Run, result: TrainResult, meter: EnergyMeter, finished: bool) -> dict[str, Any]:
    config, plan = run.config, run.plan
    seconds = run.prior_seconds + meter.elapsed
    tokens = run.tokens  # all invocations (the meter counts this one's)
    energy = energy_report(seconds, tokens, run.devices, run.accelerator.device.type, config.energy)
    last = list(result.losses.values())[-plan.log_every:]
    return {
        "task": config.task, "name": config.name, "finished": finished, "model": config.model.path,
        "model_dir": str(result.model_dir) if result.model_dir else None,
        "adapter": config.adapter.model_dump() if config.adapter else None,
        "data": run.train_data.describe(), "eval_data": run.eval_data.describe() if run.eval_data else None,
        "parameters": run.parameters, "trainable_parameters": run.trainable,
        "steps": run.step, "total_steps": plan.total_steps, "global_batch": plan.global_batch,
        "epochs": run.step * plan.global_batch / plan.rows, "devices": run.devices,
        "precision": run.accelerator.mixed_precision, "resumed_from": run.resumed_from,
        "train_loss": sum(last) / len(last) if last else None,
        "eval_loss": list(result.eval_losses.values())[-1] if result.eval_losses else None,
        "tokens": tokens, "tokens_per_second": energy.tokens_per_second,
        "this_invocation": {"steps": len(result.losses), "tokens": meter.tokens, "wall_seconds": meter.elapsed},
        "energy": energy.to_json(),
        "cost_usd": None if config.usd_per_device_hour is None else energy.device_hours * config.usd_per_device_hour,
        "fingerprint": run.fingerprint,
        "config": config.model_dump(mode="json"),
    }


def summary_tables(summary: dict[str, Any]) -> list:
    """Rich tables of a run summary: the run, then its energy."""
    from rich.table import Table

    from curation.training.energy import EnergyReport, energy_table

    table = Table(title=f"{summary['task'].upper()} {summary['name']}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    loss = (lambda v: "-" if v is None else f"{v:.4f}")
    rows = [("steps", f"{summary['steps']:,} / {summary['total_steps']:,}"),
            ("global batch", f"{summary['global_batch']:,} rows"), ("epochs", f"{summary['epochs']:.2f}"),
            ("training rows", f"{summary['data']['rows']:,}"),
            ("parameters (trainable)", f"{summary['parameters']:,} ({summary['trainable_parameters']:,})"),
            ("train loss (last interval)", loss(summary["train_loss"])),
            ("validation loss", loss(summary["eval_loss"])),
            ("tokens", f"{summary['tokens']:,}"), ("tokens/s", f"{summary['tokens_per_second']:,.0f}"),
            ("model", summary["model_dir"] or "- (stopped early: run again to resume)")]
    if summary["data"].get("by_provenance"):
        counts = sorted(summary["data"]["by_provenance"].items())
        rows.insert(4, ("by provenance", ", ".join(f"{k} {v:,}" for k, v in counts)))
    if summary.get("cost_usd") is not None:
        rate = summary["config"]["usd_per_device_hour"]
        rows.append(("cost", f"{summary['cost_usd']:,.2f} USD ({rate:g} USD per device-hour)"))
    for name, value in rows:
        table.add_row(name, value)
    return [table, energy_table(EnergyReport(**summary["energy"]), title="Energy")]
