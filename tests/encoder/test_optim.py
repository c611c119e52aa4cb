"""Composer's decoupled weight decay, no decay on biases and norms, token-based schedules and durations."""

from __future__ import annotations

import math

import pytest

from curation.config import validate
from curation.errors import ConfigError
from curation.training.duration import parse_duration
from encoder.config import OptimizerConfig, PhaseConfig, TrainConfig
from encoder.optim import PhaseSchedule, build_optimizer


def _model(torch):
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.LayerNorm(3))


def test_decoupled_weight_decay_follows_composers_formula(torch_one_thread):
    """With zero gradients Adam moves nothing: p <- p * (1 - wd * lr / peak_lr), biases and norms untouched."""
    torch = torch_one_thread
    model = _model(torch)
    before = [p.detach().clone() for p in model.parameters()]
    optimizer = build_optimizer(model, OptimizerConfig(lr=0.01, weight_decay=0.1))
    for group in optimizer.param_groups:
        group["lr"] = 0.005  # half the peak, as a schedule would set it
    for p in model.parameters():
        p.grad = torch.zeros_like(p)
    optimizer.step()
    weight, bias, norm_weight, norm_bias = [p.detach() for p in model.parameters()]
    assert torch.allclose(weight, before[0] * (1 - 0.1 * 0.005 / 0.01))
    assert torch.equal(bias, before[1]) and torch.equal(norm_weight, before[2]) and torch.equal(norm_bias, before[3])
    assert [len(g["params"]) for g in optimizer.param_groups] == [1, 3]


def test_without_decay_it_is_torchs_adamw(torch_one_thread):
    torch = torch_one_thread
    ours, theirs = _model(torch), _model(torch)
    a = build_optimizer(ours, OptimizerConfig(lr=0.01, weight_decay=0.0))
    b = torch.optim.AdamW(theirs.parameters(), lr=0.01, betas=(0.9, 0.98), eps=1e-6, weight_decay=0.0)
    x = torch.randn(5, 4)
    for _ in range(3):
        for model, opt in ((ours, a), (theirs, b)):
            opt.zero_grad()
            model(x).pow(2).sum().backward()
            opt.step()
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        assert torch.allclose(p, q)


def test_decay_is_not_scaled_by_the_lr_itself(torch_one_thread):
    """torch's AdamW decays by lr * wd; Composer's by wd * lr / peak (1e-5 per step at the peak)."""
    torch = torch_one_thread
    model = _model(torch)
    before = model[0].weight.detach().clone()
    optimizer = build_optimizer(model, OptimizerConfig(lr=3e-4, weight_decay=1e-5))
    for p in model.parameters():
        p.grad = torch.zeros_like(p)
    optimizer.step()
    assert torch.allclose(model[0].weight, before * (1 - 1e-5), rtol=0, atol=1e-12)


def _schedule(**scheduler) -> PhaseSchedule:
    phase = PhaseConfig(max_duration="10ba", scheduler=scheduler)
    return PhaseSchedule.of(phase, tokens_per_step=100)


def test_warmup_constant_then_one_minus_sqrt_decay():
    s = _schedule(name="warmup_stable_decay", t_warmup="2ba", t_decay="0.4dur", decay_shape="1-sqrt", alpha_f=0.0)
    values = [s.multiplier(i) for i in range(10)]
    assert values[:6] == [0.5, 1.0, 1.0, 1.0, 1.0, 1.0]
    assert values[6:] == pytest.approx([1 - math.sqrt(k / 4) for k in (1, 2, 3, 4)])
    assert values[-1] == 0.0
    constant = _schedule(name="constant_with_warmup", t_warmup="300tok")
    assert [constant.multiplier(i) for i in (0, 2, 9)] == pytest.approx([1 / 3, 1.0, 1.0])
    linear = _schedule(t_decay="1dur", decay_shape="linear", alpha_f=0.1)
    assert linear.multiplier(9) == pytest.approx(0.1) and linear.multiplier(4) == pytest.approx(0.1 + 0.9 * 0.5)


def test_budgets_in_tokens_become_steps():
    # the paper's Base run: 10 B + 1 B tokens at 384 x 8192 tokens a step
    per_step = 384 * 8192
    assert parse_duration("10_000_000_000tok", "x").steps(per_step) == 3179
    assert parse_duration("1000000000tok", "x").steps(per_step) == 318
    assert parse_duration("0.25dur", "x").steps(per_step, phase_steps=318) == 80
    with pytest.raises(ConfigError, match="is not a duration"):
        parse_duration("10 tokens", "phases[0].max_duration")


def test_configs_reject_what_does_not_add_up():
    with pytest.raises(ConfigError, match="not a multiple of device_train_microbatch_size"):
        validate(TrainConfig, {"global_train_batch_size": 10, "device_train_microbatch_size": 4}, "r.yaml")
    with pytest.raises(ConfigError, match=r"phases\[0\].mlm_probabilty: unknown field — did you mean 'mlm_probability'"):
        validate(TrainConfig, {"phases": [{"mlm_probabilty": 0.3}]}, "r.yaml")
    with pytest.raises(ConfigError, match="exceed the phase"):
        _schedule(t_warmup="6ba", t_decay="5ba")
