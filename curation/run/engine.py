"""Running a recipe: plan, pipeline, executor, run.json, retries, and the accounting check.

A run is one datatrove pipeline per task and stage: the readers of every source (each reads its
share of its files), the recipe's steps in order, then the shard writer. Global steps (MinHash) cut
the run into stages (``curation.run.stages``) with their preparation passes in between. The
executor (local, Slurm, Ray) runs the tasks; completed tasks are skipped on a re-run, so a killed
run resumes where it stopped.
``--retry-failed`` runs a new attempt over the documents in ``failed/`` only: read failures are
re-read from their source, step failures are re-injected just before the step that failed.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from datatrove.data import Document, DocumentsPipeline
from datatrove.io import get_datafolder
from datatrove.pipeline.base import PipelineStep

from curation import __version__
from curation.errors import AccountingError, ConfigError
from curation.io import ShardWriter
from curation.readers.catalog import reader_class
from curation.recipe import Recipe
from curation.run.context import RunContext
from curation.run.executors import make_executor
from curation.run.funnel import StepCounts, check_accounting, funnel
from curation.run.global_steps import configure, prepare
from curation.run.layout import STAGE, RunLayout
from curation.run.sources import ResolvedSource, resolve_path, resolve_source
from curation.run.stages import Stage, StageReader, label_of, split_stages
from curation.steps.registry import STEPS


@dataclass
class RunPlan:
    """A recipe resolved against its manifests and an output folder, ready to run."""

    recipe: Recipe
    out_dir: Path
    sources: list[ResolvedSource]
    limit: int = -1

    @property
    def stages(self) -> list[Stage]:
        """The recipe's steps cut at global steps."""
        return split_stages(self.recipe.steps)

    @property
    def layout(self) -> RunLayout:
        return RunLayout(self.out_dir)

    def config_hash(self) -> str:
        """Hash of what decides the output: the recipe and the document limit."""
        import hashlib

        payload = json.dumps({"recipe": self.recipe.config_hash(), "limit": self.limit}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class RunResult:
    """What a call to ``curate`` did."""

    out_dir: Path
    attempt: int
    finished: bool
    """False when the tasks were submitted to a cluster and run later (Slurm)."""
    steps: list[StepCounts] = field(default_factory=list)
    prepared: dict[str, dict] = field(default_factory=dict)
    """What each source's reader prepared before the run (e.g. a terminology's summary), by source name."""


def plan_run(recipe: Recipe, out: str | None = None, limit: int = -1) -> RunPlan:
    """Resolve sources and paths; every problem found here stops the run before any work."""
    out_dir = Path(resolve_path(out or recipe.output or f"runs/{recipe.name}", Path.cwd()))
    sources = [resolve_source(s, recipe.base_dir) for s in recipe.sources]
    names = [s.name for s in sources]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(f"{recipe.path}: two sources are named {name!r} — give each a distinct 'name'")
    for i, src in enumerate(sources):
        root = Path(src.root)
        if "://" not in src.root and not root.is_dir():
            raise ConfigError(
                f"{recipe.path}: sources[{i}].reader.path: folder {root} not found — fix the path "
                "(relative paths are resolved against the recipe's folder)"
            )
        reader = reader_class(src.reader)
        pattern = src.reader.glob or reader.default_glob
        if not get_datafolder(src.root).list_files(recursive=True, glob_pattern=pattern):
            raise ConfigError(
                f"{recipe.path}: sources[{i}].reader: no file matches {pattern!r} under {src.root} — "
                "fix reader.glob or reader.path"
            )
    if recipe.token_counter.kind == "hf":
        recipe.token_counter.build().count("test")
    return RunPlan(recipe=recipe, out_dir=out_dir, sources=sources, limit=limit)


class Injector(PipelineStep):
    """Re-injects failed documents of an earlier attempt just before the step where they failed."""

    type = "inject"

    def __init__(self, label: str, records_file: str):
        self.name = label
        super().__init__()
        self.records_file = records_file

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        import pyarrow.parquet as pq

        if data:
            yield from data
        rows = pq.read_table(self.records_file).to_pylist()
        for i, row in enumerate(rows):
            if i % world_size != rank:
                continue
            self.stat_update("reinjected")
            meta = json.loads(row["metadata"]) if row.get("metadata") else {}
            yield Document(text=row["text"] or "", id=row["id"], metadata=meta)


def build_stage_pipeline(
    plan: RunPlan,
    stage: Stage,
    context: RunContext,
    attempt: int = 0,
    only: dict[str, frozenset] | None = None,
    inject: dict[str, str] | None = None,
) -> list:
    """Input (source readers, or the previous stage's shards), steps and the shard writer of one stage."""
    pipeline: list = []
    if stage.input_stage is None:
        for src in plan.sources:
            keys = None if only is None else only.get(src.name, frozenset())
            pipeline.append(reader_class(src.reader)(src, context, only=keys, limit=plan.limit))
    else:
        pipeline.append(_stage_input(plan, stage, attempt))
    for index, cfg in stage.steps:
        step = STEPS[cfg.step](cfg, context, index)
        if step.is_global:
            configure(step, plan.out_dir, attempt, plan.recipe.base_dir)
        if inject and step.label in inject:
            pipeline.append(Injector(step.label, inject[step.label]))
        pipeline.append(step)
    pipeline.append(ShardWriter(str(plan.layout.shards(stage.name)), prefix=context.attempt_prefix))
    return pipeline


def _stage_input(plan: RunPlan, stage: Stage, attempt: int) -> StageReader:
    index, cfg = stage.steps[0]
    return StageReader(str(plan.layout.shards(stage.input_stage)), f"{label_of(index, cfg)}_input",
                       RunLayout.prefix(attempt))


def build_passes(plan: RunPlan, context: RunContext, attempt: int, only=None, inject=None) -> list[tuple[str, list, int]]:
    """Every pipeline of an attempt, in order: ``(logs name, pipeline, tasks)``."""
    tasks = plan.recipe.executor.tasks
    passes: list[tuple[str, list, int]] = []
    for stage in plan.stages:
        if stage.input_stage is not None and stage.global_step is not None:
            index, cfg = stage.global_step
            for prep in prepare(label_of(index, cfg), cfg, _stage_input(plan, stage, attempt), tasks,
                                plan.out_dir, attempt, plan.recipe.base_dir):
                passes.append((prep.name, prep.pipeline, prep.tasks))
        passes.append((stage.name, build_stage_pipeline(plan, stage, context, attempt, only, inject), tasks))
    return passes


def prepare_sources(plan: RunPlan, context: RunContext) -> dict[str, dict]:
    """Let each source's reader check and cache what its tasks need (``SourceReader.prepare``), before any task."""
    prepared = {}
    for src in plan.sources:
        found = reader_class(src.reader).prepare(src, context)
        if found is not None:
            prepared[src.name] = found
    return prepared


def write_run_json(plan: RunPlan) -> None:
    """Write ``run.json`` (atomically), or check that an existing one describes the same run."""
    layout = plan.layout
    digest = plan.config_hash()
    if layout.run_json.exists():
        previous = json.loads(layout.run_json.read_text())
        if previous.get("config_hash") != digest:
            raise ConfigError(
                f"{layout.root}: this folder holds a run of a different configuration "
                f"(config hash {previous.get('config_hash', '?')[:12]} != {digest[:12]}) — "
                "use another --out, or delete the folder to start over"
            )
        return
    layout.root.mkdir(parents=True, exist_ok=True)
    info = {
        "name": plan.recipe.name,
        "recipe_file": str(plan.recipe.path) if plan.recipe.path else None,
        "config": plan.recipe.model_dump(mode="json", by_alias=True),
        "config_hash": digest,
        "limit": plan.limit,
        "token_counter": plan.recipe.token_counter.describe(),
        "sources": [
            {"name": s.name, "manifest": s.manifest.name, "manifest_path": s.manifest_path,
             "license": s.manifest.license, "route": s.route, "root": s.root}
            for s in plan.sources
        ],
        "steps": [f"{i:02d}_{cfg.step}" for i, cfg in enumerate(plan.recipe.steps, start=1)],
        "stages": [stage.name for stage in plan.stages],
        "executor": plan.recipe.executor.kind,
        "biomedfr_version": __version__,
        "python": platform.python_version(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    tmp = layout.run_json.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(info, indent=2, ensure_ascii=False))
    os.replace(tmp, layout.run_json)


def curate(
    plan: RunPlan, retry_failed: bool = False, progress: bool = False, quiet: bool = True, dry_run: bool = False
) -> RunResult:
    """Run (or resume) a plan; with ``retry_failed``, run a new attempt over ``failed/`` only.

    With ``dry_run``, LLM steps build their requests and count them (and their estimated tokens)
    instead of calling the model; the plan's output folder should then be a scratch folder.
    """
    layout = plan.layout
    prepared = prepare_sources(plan, RunContext(out_dir=str(layout.root)))
    write_run_json(plan)
    if retry_failed:
        attempt, only, inject, moves = _prepare_retry(plan)
    else:
        attempt, only, inject, moves = 0, None, None, []
    context = RunContext(
        out_dir=str(layout.root),
        token_counter_config=plan.recipe.token_counter,
        attempt_prefix=RunLayout.prefix(attempt),
        llm_config=plan.recipe.llm,
        dry_run=dry_run,
    )
    passes = build_passes(plan, context, attempt, only=only, inject=inject)
    kind = plan.recipe.executor.kind
    from curation.run.progress import task_progress

    if kind == "slurm":  # one job array per pass, each depending on the previous one
        previous = None
        for name, pipeline, tasks in passes:
            executor = make_executor(plan.recipe.executor, pipeline, str(_logs(layout, name, attempt)), quiet=quiet,
                                     tasks=tasks, depends=previous)
            previous = executor
        previous.run()
        return RunResult(out_dir=layout.root, attempt=attempt, finished=False, prepared=prepared)
    for name, pipeline, tasks in passes:
        logs = _logs(layout, name, attempt)
        executor = make_executor(plan.recipe.executor, pipeline, str(logs), quiet=quiet, tasks=tasks)
        label = f"{name}" + (f" (retry {attempt})" if attempt else "")
        with task_progress(logs, tasks, label, enabled=progress):
            executor.run()
        incomplete = [r for r in range(tasks) if not (logs / "completions" / f"{r:05d}").exists()]
        if incomplete:
            raise AccountingError(
                f"{layout.root}: tasks {incomplete} of {name} did not complete — see {logs / 'logs'}; "
                "re-run the same command to resume"
            )
    for src, dst in moves:
        if src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(src), str(dst))
    problems = check_accounting(layout.root)
    if problems:
        raise AccountingError(f"{layout.root}: documents are not all accounted for:\n  " + "\n  ".join(problems))
    return RunResult(out_dir=layout.root, attempt=attempt, finished=True, steps=funnel(layout.root),
                     prepared=prepared)


def _logs(layout: RunLayout, name: str, attempt: int) -> Path:
    return layout.root / "logs" / (name if attempt == 0 else f"{name}.retry{attempt}")


def _prepare_retry(plan: RunPlan):
    """Snapshot ``failed/`` for a new attempt (or resume an unfinished one)."""
    import pyarrow.parquet as pq

    layout = plan.layout
    first = plan.stages[0].name
    attempts = layout.attempts(first)
    if not attempts:
        raise ConfigError(f"{layout.root}: no earlier run to retry — run `biomedfr curate` first")
    last = attempts[-1]
    inputs_dir = layout.logs(first, last) / "retry_inputs"
    if last > 0 and not _attempt_complete(plan, last) and inputs_dir.exists():
        attempt = last  # resume an interrupted retry with the same inputs
    else:
        attempt = last + 1
        inputs_dir = layout.logs(first, attempt) / "retry_inputs"
        _snapshot_failed(layout, inputs_dir, attempt)
    snapshot = json.loads((inputs_dir / "snapshot.json").read_text())
    only: dict[str, set] = {}
    inject: dict[str, str] = {}
    moves = []
    for label, files in snapshot["files"].items():
        for name in files:
            moves.append((layout.failed / label / name, layout.retried(attempt) / label / name))
        if label.startswith("00_read_"):
            table = pq.read_table(inputs_dir / f"{label}.parquet", columns=["source", "source_path", "locator"])
            for row in table.to_pylist():
                only.setdefault(row["source"], set()).add((row["source_path"], row["locator"] or ""))
        else:
            inject[label] = str(inputs_dir / f"{label}.parquet")
    return attempt, {k: frozenset(v) for k, v in only.items()}, inject, moves


def _attempt_complete(plan: RunPlan, attempt: int) -> bool:
    completions = plan.layout.logs(STAGE, attempt) / "completions"
    return all((completions / f"{r:05d}").exists() for r in range(plan.recipe.executor.tasks))


def _snapshot_failed(layout: RunLayout, inputs_dir: Path, attempt: int) -> None:
    """Copy the live failed records into one Parquet file per step, and list the files taken over."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from curation.io import record_schema

    files: dict[str, list[str]] = {}
    inputs_dir.mkdir(parents=True, exist_ok=True)
    if layout.failed.is_dir():
        for folder in sorted(p for p in layout.failed.iterdir() if p.is_dir()):
            shards = sorted(folder.glob("*.parquet"))
            if not shards:
                continue
            table = pa.concat_tables([pq.read_table(p, schema=record_schema()) for p in shards])
            pq.write_table(table, inputs_dir / f"{folder.name}.parquet")
            files[folder.name] = [p.name for p in shards]
    if not files:
        raise ConfigError(f"{layout.root}: failed/ is empty — there is nothing to retry")
    tmp = inputs_dir / "snapshot.json.tmp"
    tmp.write_text(json.dumps({"attempt": attempt, "files": files}, indent=2))
    os.replace(tmp, inputs_dir / "snapshot.json")
