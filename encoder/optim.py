"""Composer's decoupled AdamW and the token-based schedules, without Composer (see DESIGN.md).

``DecoupledAdamW`` is torch's AdamW with its own weight decay switched off and Composer's decay applied
before each update: ``p <- p * (1 - weight_decay * lr / peak_lr)`` — the decay follows the schedule but
is not multiplied by the learning rate itself (torch's AdamW decays by ``lr * weight_decay``). Biases and
normalisation weights are in a group without decay.

A schedule gives the multiplier of the phase's peak lr after ``t`` optimizer steps of the phase; every
phase restarts its schedule at 0 while the optimizer (moments, step counts) carries on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from curation.training.duration import parse_duration
from encoder.config import OptimizerConfig, PhaseConfig

__all__ = ["PhaseSchedule", "build_optimizer", "decay_groups"]


def decay_groups(model: Any, weight_decay: float, filter_bias_norm: bool = True) -> list[dict]:
    """Two parameter groups: decayed weights, and biases + norm weights (no decay) when filtered."""
    import torch

    norms = (torch.nn.LayerNorm, torch.nn.RMSNorm)
    no_decay_ids = set()
    if filter_bias_norm:
        for module in model.modules():
            for name, param in module.named_parameters(recurse=False):
                if name == "bias" or isinstance(module, norms) or "norm" in type(module).__name__.lower():
                    no_decay_ids.add(id(param))
    decay, no_decay = [], []
    for param in model.parameters():
        if param.requires_grad:
            (no_decay if id(param) in no_decay_ids else decay).append(param)
    groups = [{"params": decay, "weight_decay": weight_decay}]
    if no_decay:
        groups.append({"params": no_decay, "weight_decay": 0.0})
    return groups


def _decoupled_adamw_class():
    import torch

    class DecoupledAdamW(torch.optim.AdamW):
        """AdamW whose weight decay is Composer's: scaled by ``lr / peak_lr``, not by ``lr``."""

        def __init__(self, groups: list[dict], lr: float, betas, eps: float):
            for group in groups:
                # not "decoupled_weight_decay": torch's Adam has a boolean option of that name (True in AdamW)
                group["composer_weight_decay"] = group.pop("weight_decay", 0.0)
                group["weight_decay"] = 0.0  # torch's own decay off
                group.setdefault("peak_lr", lr)
            super().__init__(groups, lr=lr, betas=tuple(betas), eps=eps, weight_decay=0.0)

        @torch.no_grad()
        def step(self, closure=None):
            for group in self.param_groups:
                decay = group["composer_weight_decay"]
                if decay and group["peak_lr"]:
                    factor = 1.0 - decay * group["lr"] / group["peak_lr"]
                    params = [p for p in group["params"] if p.grad is not None]
                    if params:
                        torch._foreach_mul_(params, factor)
            return super().step(closure)

    return DecoupledAdamW


def build_optimizer(model: Any, config: OptimizerConfig):
    """The recipe's ``DecoupledAdamW`` over ``model``'s trainable parameters."""
    groups = decay_groups(model, config.weight_decay, config.filter_bias_norm_wd)
    return _decoupled_adamw_class()(groups, lr=config.lr, betas=config.betas, eps=config.eps)


@dataclass(frozen=True)
class PhaseSchedule:
    """A phase's budget in steps and its lr multiplier at each step of the phase."""

    total_steps: int
    """Optimizer steps of the phase (``max_duration`` in steps, tokens rounded up)."""
    warmup_steps: int
    """Steps of linear warmup."""
    decay_steps: int
    """Steps of the final decay."""
    shape: str
    """Decay shape: ``1-sqrt``, ``linear`` or ``cosine``."""
    alpha_f: float
    """Final multiplier."""

    @classmethod
    def of(cls, phase: PhaseConfig, tokens_per_step: int) -> PhaseSchedule:
        """The schedule of ``phase`` when a step holds ``tokens_per_step`` token positions."""
        where = f"phases[{phase.name}]"
        total = parse_duration(phase.max_duration, f"{where}.max_duration", ("tok", "ba")).steps(tokens_per_step)
        if total < 1:
            from curation.errors import ConfigError

            raise ConfigError(f"{where}.max_duration {phase.max_duration}: less than one step of "
                              f"{tokens_per_step} tokens — raise it or lower global_train_batch_size")
        sched = phase.scheduler
        warmup = parse_duration(sched.t_warmup, f"{where}.scheduler.t_warmup").steps(tokens_per_step, phase_steps=total)
        decay = parse_duration(sched.t_decay, f"{where}.scheduler.t_decay").steps(tokens_per_step, phase_steps=total)
        if warmup + decay > total:
            from curation.errors import ConfigError

            raise ConfigError(f"{where}.scheduler: t_warmup ({warmup} steps) + t_decay ({decay} steps) exceed the "
                              f"phase ({total} steps)")
        return cls(total, warmup, decay, sched.decay_shape, sched.alpha_f)

    def multiplier(self, step: int) -> float:
        """Multiplier of the peak lr for the update number ``step`` (0-based) of the phase."""
        if step < self.warmup_steps:
            return (step + 1) / self.warmup_steps
        decay_start = self.total_steps - self.decay_steps
        if self.decay_steps == 0 or step < decay_start:
            return 1.0
        x = min(1.0, (step - decay_start + 1) / self.decay_steps)  # 1 at the last step
        if self.shape == "1-sqrt":
            fall = math.sqrt(x)
        elif self.shape == "linear":
            fall = x
        else:
            fall = (1 - math.cos(math.pi * x)) / 2
        return self.alpha_f + (1 - self.alpha_f) * (1 - fall)
