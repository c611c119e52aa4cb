"""Aggregation over seeds and tasks, exactly as computed by hand, and the energy of a set of fine-tunings."""

from __future__ import annotations

import math

import pytest

from curation.training.energy import EnergyConfig
from encoder.evaluation.results import aggregate, energy_of, mean_std


def test_mean_and_sample_std():
    assert mean_std([0.5, 0.7]) == pytest.approx((0.6, math.sqrt(0.02)))  # ((0.1² + 0.1²) / (2 - 1)) ** 0.5
    assert mean_std([0.2, 0.4, 0.9]) == pytest.approx((0.5, math.sqrt((0.09 + 0.01 + 0.16) / 2)))
    assert mean_std([0.8]) == (0.8, None)  # one seed: the std is undefined
    assert mean_std([]) == (None, None)


def test_aggregate_per_task_and_overall_by_hand():
    scores = {"a": {42: 0.5, 43: 0.7}, "b": {43: 0.6, 42: 0.9}}
    result = aggregate(scores)
    assert result["tasks"]["a"] == pytest.approx({"mean": 0.6, "std": math.sqrt(0.02), "n": 2})
    assert result["tasks"]["b"] == pytest.approx({"mean": 0.75, "std": math.sqrt(0.045), "n": 2})
    overall = result["overall"]
    assert overall["mean"] == pytest.approx(0.675)  # (0.6 + 0.75) / 2: the average of the task means
    assert overall["per_seed"] == pytest.approx({"42": 0.7, "43": 0.65})  # each seed averaged over the tasks
    assert overall["std"] == pytest.approx(math.sqrt(2 * 0.025 ** 2)) and overall["n"] == 2


def test_overall_std_uses_the_seeds_every_task_has():
    result = aggregate({"a": {1: 0.2, 2: 0.4, 3: 0.6}, "b": {1: 0.4, 2: 0.8}})
    assert result["overall"]["mean"] == pytest.approx((0.4 + 0.6) / 2)
    assert result["overall"]["per_seed"] == pytest.approx({"1": 0.3, "2": 0.6})
    assert aggregate({"a": {42: 0.9}})["overall"] == {"mean": 0.9, "std": None, "n": 1, "per_seed": {"42": 0.9}}


def test_energy_of_sums_seconds_and_tokens():
    runs = [{"wall_seconds": 1800.0, "tokens": 10, "devices": 2, "device_type": "cuda"},
            {"wall_seconds": 1800.0, "tokens": 30, "devices": 2, "device_type": "cuda"}]
    report = energy_of(runs, EnergyConfig(tdp_watts=500, pue=1.5, carbon_g_per_kwh=100))
    assert report["device_hours"] == pytest.approx(2.0) and report["tokens"] == 40
    assert report["energy_kwh"] == pytest.approx(2.0 * 0.5 * 1.5) and report["co2_kg"] == pytest.approx(0.15)
    assert report["device_type"] == "cuda" and report["devices"] == 2
