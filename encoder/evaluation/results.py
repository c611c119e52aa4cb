"""Mean ± std over seeds, per task and overall, and the energy of a set of fine-tunings.

- Per task: the mean of the seeds' test scores and their sample standard deviation (``ddof=1``; None
  with a single seed, where it is undefined).
- Overall: the average of the task means (the paper's "Moyenne"). Its std is that of the per-seed
  overall scores — for each seed, the average over the tasks of that seed's scores — over the seeds that
  every task has.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from curation.training.energy import EnergyConfig, energy_report

__all__ = ["aggregate", "energy_of", "mean_std"]


def mean_std(values: Sequence[float]) -> tuple[float | None, float | None]:
    """``(mean, sample std)`` of ``values``; std is None for one value, both None for none."""
    n = len(values)
    if n == 0:
        return None, None
    mean = math.fsum(values) / n
    if n == 1:
        return mean, None
    return mean, math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))


def aggregate(scores: Mapping[str, Mapping[int, float]]) -> dict:
    """``{task: {seed: score}}`` -> ``{"tasks": {task: {mean, std, n}}, "overall": {mean, std, n, per_seed}}``."""
    tasks = {}
    for task, by_seed in scores.items():
        mean, std = mean_std([by_seed[s] for s in sorted(by_seed)])
        tasks[task] = {"mean": mean, "std": std, "n": len(by_seed)}
    means = [t["mean"] for t in tasks.values() if t["mean"] is not None]
    overall_mean = math.fsum(means) / len(means) if means and len(means) == len(tasks) else None
    common = sorted(set.intersection(*(set(v) for v in scores.values()))) if scores else []
    per_seed = {seed: math.fsum(scores[t][seed] for t in scores) / len(scores) for seed in common}
    _, overall_std = mean_std(list(per_seed.values()))
    return {"tasks": tasks,
            "overall": {"mean": overall_mean, "std": overall_std, "n": len(per_seed),
                        "per_seed": {str(k): v for k, v in per_seed.items()}}}


def energy_of(runs: Sequence[Mapping], config: EnergyConfig, device_type: str = "cpu", devices: int = 1) -> dict:
    """The energy report (``curation.training.energy``) of fine-tunings, from their measured seconds and tokens."""
    seconds = math.fsum(float(r["wall_seconds"]) for r in runs)
    tokens = sum(int(r["tokens"]) for r in runs)
    types = {r.get("device_type", device_type) for r in runs}
    if len(types) == 1:
        device_type = types.pop()
    devices = max([int(r.get("devices", devices)) for r in runs], default=devices)
    return energy_report(seconds, tokens, devices=devices, device_type=device_type, config=config).to_json()
