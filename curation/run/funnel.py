"""The funnel of a run (per step: in, kept, out, excluded by reason, failed by error) and its accounting.

Counts come from datatrove's per-task stats files (``<out>/logs/<stage>[.retryN]/stats/NNNNN.json``),
merged by step name (addition: any order gives the same result). Attempts are combined: a retry
re-injects failed documents at the step where they failed, so for the combined funnel those
documents are removed once from that step's ``in`` and ``failed``.

The accounting rule checked at the end of every run: for every step ``in == kept + excluded +
failed``; the next step's ``in`` equals this step's ``out``; the shards hold the last step's ``out``;
the record files hold exactly the excluded and failed counts.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from datatrove.utils.stats import MetricStatsDict, Stats

from curation.run.layout import STAGE, RunLayout


@dataclass
class StepCounts:
    """Counts of one step (or reader, or writer) over all tasks and attempts."""

    label: str
    kind: str
    """``read``, ``step``, ``inject`` or ``write``."""
    n_in: int = 0
    kept: int = 0
    out: int = 0
    excluded: Counter = field(default_factory=Counter)
    failed: Counter = field(default_factory=Counter)
    passed_through: int = 0
    reinjected: int = 0
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def n_excluded(self) -> int:
        return sum(self.excluded.values())

    @property
    def n_failed(self) -> int:
        return sum(self.failed.values())


def _value(stats: Stats, key: str) -> int:
    return int(stats.stats[key].total) if key in stats.stats else 0


def _kind_and_label(name: str) -> tuple[str, str]:
    kind, _, label = name.partition(": ")
    if kind == "read":
        return "read", label
    if kind == "step":
        return "step", label
    if kind == "inject":
        return "inject", label
    if kind == "stage":
        return "stage", label
    return "write", label


def load_attempt(logs_dir: Path) -> list[tuple[str, Stats]]:
    """Per-step stats of one attempt, merged over its tasks, in pipeline order."""
    merged: dict[str, Stats] = {}
    order: list[str] = []
    for path in sorted((logs_dir / "stats").glob("*.json")):
        for entry in json.loads(path.read_text()):
            stat = Stats.from_dict(entry)
            # datatrove's Stats.from_dict keeps the saved values raw; rebuild MetricStats objects
            stat.stats = MetricStatsDict.from_dict(entry["stats"])
            if stat.name not in merged:
                order.append(stat.name)
                merged[stat.name] = stat
            else:
                merged[stat.name] = merged[stat.name] + stat
    return [(name, merged[name]) for name in order]


def _counts(name: str, stats: Stats) -> StepCounts:
    kind, label = _kind_and_label(name)
    counts = StepCounts(label=label, kind=kind, seconds=stats.time_stats.total)
    if kind == "write":
        counts.label = "written"
        counts.n_in = counts.kept = counts.out = _value(stats, "total")
        return counts
    counts.n_in, counts.kept, counts.out = _value(stats, "in"), _value(stats, "kept"), _value(stats, "out")
    counts.passed_through = _value(stats, "passed_through")
    counts.reinjected = _value(stats, "reinjected")
    for key, metric in stats.stats.items():
        if key.startswith("excluded."):
            counts.excluded[key.removeprefix("excluded.")] += int(metric.total)
        elif key.startswith("failed."):
            counts.failed[key.removeprefix("failed.")] += int(metric.total)
        elif key not in {"in", "kept", "out", "excluded", "failed", "passed_through", "reinjected"}:
            counts.extra[key] = metric
    return counts


def stages_of(out_dir: str | Path) -> list[str]:
    """The stages of a run, in order (from ``run.json``)."""
    run_json = RunLayout(out_dir).run_json
    if run_json.exists():
        info = json.loads(run_json.read_text())
        if info.get("stages"):
            return list(info["stages"])
    return [STAGE]


def funnel(out_dir: str | Path, stage: str | None = None) -> list[StepCounts]:
    """The combined funnel of every attempt, stage after stage (or of one stage), in pipeline order.

    Each stage ends with a ``write`` row labelled ``written`` (``written (stage N)`` for earlier stages).
    """
    out: list[StepCounts] = []
    stages = stages_of(out_dir) if stage is None else [stage]
    for number, name in enumerate(stages, start=1):
        rows = _stage_funnel(out_dir, name)
        for row in rows:
            if row.kind == "write" and name != STAGE:
                row.label = f"written (stage {number})"
        out.extend(rows)
    return out


def _stage_funnel(out_dir: str | Path, stage: str) -> list[StepCounts]:
    layout = RunLayout(out_dir)
    combined: dict[str, StepCounts] = {}
    order: list[str] = []
    for attempt in layout.attempts(stage):
        reinjected: Counter = Counter()
        for name, stats in load_attempt(layout.logs(stage, attempt)):
            c = _counts(name, stats)
            if c.kind == "inject":
                reinjected[c.label] += c.reinjected
                continue
            if attempt > 0 and c.kind == "read":
                reinjected[c.label] += c.n_in  # a retry's reader only re-reads failed records
            key = f"{c.kind}:{c.label}"
            if key not in combined:
                order.append(key)
                combined[key] = StepCounts(label=c.label, kind=c.kind)
            _add(combined[key], c)
        for label, n in reinjected.items():
            for key in (f"step:{label}", f"read:{label}"):
                if key in combined:
                    combined[key].n_in -= n
                    _remove_failed(combined[key], n, label, layout, attempt)
    return [combined[k] for k in order]


def _add(into: StepCounts, c: StepCounts) -> None:
    into.n_in += c.n_in
    into.kept += c.kept
    into.out += c.out
    into.excluded.update(c.excluded)
    into.failed.update(c.failed)
    into.passed_through += c.passed_through
    into.seconds += c.seconds
    for k, v in c.extra.items():
        into.extra[k] = into.extra[k] + v if k in into.extra else v


def _remove_failed(counts: StepCounts, n: int, label: str, layout: RunLayout, attempt: int) -> None:
    """Take back the failures a retry took over, reason by reason (from the records it moved)."""
    moved = _moved_reasons(layout, attempt, label)
    for reason, k in moved.items():
        counts.failed[reason] -= k
        if counts.failed[reason] <= 0:
            del counts.failed[reason]
    left = n - sum(moved.values())
    if left:  # records were not found (moved by hand?): keep the totals right anyway
        counts.failed["retried_unknown"] -= left


def _moved_reasons(layout: RunLayout, attempt: int, label: str) -> Counter:
    return _count_records(layout.retried(attempt) / label)


def _count_records(folder: Path) -> Counter:
    import pyarrow.parquet as pq

    reasons: Counter = Counter()
    for path in sorted(folder.glob("*.parquet")):
        reasons.update(pq.read_table(path, columns=["reason"]).column("reason").to_pylist())
    return reasons


def count_rows(folder: Path) -> int:
    """Rows in the finished Parquet shards of a folder (``.tmp`` files are ignored)."""
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(p).metadata.num_rows for p in sorted(folder.glob("*.parquet")))


def check_accounting(out_dir: str | Path) -> list[str]:
    """Every violation of the accounting rule in a finished run (empty list: all accounted for)."""
    layout = RunLayout(out_dir)
    problems: list[str] = []
    previous_written: int | None = None
    for stage in stages_of(out_dir):
        steps = _stage_funnel(out_dir, stage)
        upstream = 0
        for c in steps:
            if c.kind == "read":
                upstream += c.out
            elif c.kind == "stage":
                if previous_written is not None and c.n_in != previous_written:
                    problems.append(f"{c.label}: read {c.n_in} documents but the previous stage wrote {previous_written}")
                upstream = c.out
            elif c.kind == "write":
                if c.n_in != upstream:
                    problems.append(f"{stage}/: the writer received {c.n_in} documents but the last step output {upstream}")
            else:
                if c.n_in != upstream:
                    problems.append(f"{c.label}: received {c.n_in} documents but the previous steps produced {upstream}")
                upstream = c.out
            if c.kind in {"read", "step"}:
                problems.extend(_check_step(c, layout))
        written = count_rows(layout.shards(stage))
        if steps and written != upstream:
            problems.append(f"{stage}/: holds {written} documents but the last step output {upstream}")
        previous_written = written
    return problems


def _check_step(c: StepCounts, layout: RunLayout) -> list[str]:
    problems = []
    total = c.kept + c.n_excluded + c.n_failed
    if c.n_in != total:
        problems.append(f"{c.label}: in={c.n_in} but kept+excluded+failed={c.kept}+{c.n_excluded}+{c.n_failed}={total}")
    if c.out < c.kept:
        problems.append(f"{c.label}: kept {c.kept} documents but output only {c.out}")
    on_disk = _count_records(layout.excluded / c.label)
    if on_disk != +c.excluded:
        problems.append(f"{c.label}: excluded counts {dict(c.excluded)} but excluded/ holds {dict(on_disk)}")
    on_disk = _count_records(layout.failed / c.label)
    if on_disk != +c.failed:
        problems.append(f"{c.label}: failed counts {dict(c.failed)} but failed/ holds {dict(on_disk)}")
    return problems
