"""The encoder recipe's fine-tuning evaluation: every model x every task x every seed, then mean ± std.

::

    from encoder.evaluate import evaluate
    from encoder.evaluation.config import load_eval_config

    summary = evaluate(load_eval_config("recipes/encoder/eval-paper.yaml", ["data_root=/data/eval"],
                                        models={"clm-detour": "runs/encoder/clm/final"}))
    summary["models"]["clm-detour"]["overall"]["mean"]

Every task is read and checked before any training (a bad file stops the run with its line). Each
(model, task, seed) is fine-tuned by ``encoder.evaluation.finetune`` and its result written to
``<out>/scores/<model>/<task>/seed-<seed>.json``; a re-run reuses those whose model files, task files and
configuration are unchanged (``resume``). At the end ``<out>/results.json`` holds every seed's scores,
the aggregates, the configuration, the model paths and the energy, and ``<out>/results.png`` the bar plot.
Under ``torchrun``/``accelerate launch`` every process runs this function and the main one writes.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from curation.errors import ConfigError, require
from encoder.evaluation.config import EvalConfig, load_eval_config, task_finetune

__all__ = ["FORMAT", "evaluate", "output_dir"]

FORMAT = "biomedfr.encoder-eval/1"
"""``format`` of ``results.json``."""


def output_dir(config: EvalConfig) -> Path:
    """``config.out`` or ``runs/encoder-eval/<name>``."""
    return Path(config.out or f"runs/encoder-eval/{config.name}")


def _write_json(path: Path, data: dict) -> Path:
    """Write ``data`` to ``path`` through a temporary name (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def _read_seed(path: Path, fingerprint: str) -> dict | None:
    """A seed's stored result when it was computed from the same inputs, else None."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stored.get("fingerprint") != fingerprint or "result" not in stored:
        return None
    return {**stored["result"], "resumed": True}


def _progress(enabled: bool):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    disable=not enabled, transient=False)


def evaluate(config: EvalConfig | str | Path, *, progress: bool = True, callbacks: Sequence = ()) -> dict:
    """Run the evaluation described by ``config`` (an ``EvalConfig`` or a YAML path); return the summary
    written to ``<out>/results.json``.

    Summary keys: ``format``, ``name``, ``out``, ``seeds``, ``reference``, ``config``, ``tasks`` (per task:
    kind, metric, labels, sizes, files, source, license), ``models`` (per model: path, model_type,
    warnings, ``tasks`` → {metric, max_length, truncated, mean, std, n, seeds: [per-seed results]},
    ``overall`` → {mean, std, n, per_seed}, ``energy``), ``energy`` (the whole run) and ``files``.
    ``callbacks``: extra ``transformers.TrainerCallback`` instances passed to every fine-tuning.
    """
    from curation import __version__
    from curation.training.hf import quiet_transformers
    from encoder.evaluation.features import encode_task
    from encoder.evaluation.finetune import context_length, finetune, prepare_model, seed_fingerprint
    from encoder.evaluation.report import write_plot
    from encoder.evaluation.results import aggregate, energy_of
    from encoder.evaluation.tasks import SPLITS, load_task

    if not isinstance(config, EvalConfig):
        config = load_eval_config(config)
    if not config.models:
        raise ConfigError(f"evaluation {config.name!r}: no model — give --model NAME=PATH (a local checkpoint) or "
                          "list models in the config")
    if not config.tasks:
        raise ConfigError(f"evaluation {config.name!r}: no task — list tasks in the config (see "
                          "recipes/encoder/eval-paper.yaml)")
    torch = require("torch", "train", "the encoder fine-tuning evaluation")
    accelerate = require("accelerate", "train", "the encoder fine-tuning evaluation")
    if config.threads:
        torch.set_num_threads(config.threads)
    main = accelerate.PartialState().is_main_process
    out = output_dir(config)
    tasks = {name: load_task(name, task, config.data_root) for name, task in config.tasks.items()}
    finetunes = {name: task_finetune(config, name) for name in tasks}
    prepared = {name: prepare_model(name, entry) for name, entry in config.models.items()}
    summary: dict = {
        "format": FORMAT, "name": config.name, "out": str(out), "biomedfr_version": __version__,
        "seeds": list(config.seeds), "reference": config.reference_model, "config": config.model_dump(mode="json"),
        "tasks": {name: {"kind": t.kind, "metric": t.metric, "labels": t.labels, "sizes": t.sizes,
                         "files": {s: str(p) for s, p in t.files.items()}, "fingerprint": t.fingerprint,
                         "threshold": t.config.threshold if t.kind == "multi_label" else None,
                         "source": t.config.source, "license": t.config.license} for name, t in tasks.items()},
        "models": {},
    }
    total = len(prepared) * len(tasks) * len(config.seeds)
    with _progress(progress and main) as bar:
        job = bar.add_task("fine-tuning", total=total)
        for model_name, model in prepared.items():
            entry = {"path": str(model.path), "model_type": model.model_type, "fingerprint": model.fingerprint,
                     "warnings": list(model.warnings), "tasks": {}}
            for task_name, task in tasks.items():
                requested = task.config.max_length or config.max_length
                with quiet_transformers():
                    encoded = encode_task(task, model.tokenizer, context_length(model, requested))
                runs = []
                for seed in config.seeds:
                    label = f"{model_name} · {task_name} · seed {seed}"
                    bar.update(job, description=label)
                    fingerprint = seed_fingerprint(model, encoded, finetunes[task_name], seed)
                    path = out / "scores" / model_name / task_name / f"seed-{seed}.json"
                    result = _read_seed(path, fingerprint) if config.resume else None
                    if result is None:
                        epochs = finetunes[task_name].epochs

                        def on_epoch(epoch: int, score: float, label: str = label, epochs: int = epochs) -> None:
                            bar.update(job, description=f"{label} · epoch {epoch}/{epochs} · validation "
                                                        f"{100 * score:.1f}")

                        result, _ = finetune(model, encoded, finetunes[task_name], seed,
                                             out / "checkpoints" / model_name / task_name / f"seed-{seed}",
                                             device=config.device, energy=config.energy, on_epoch=on_epoch,
                                             callbacks=callbacks)
                        result["resumed"] = False
                        if main:
                            _write_json(path, {"fingerprint": fingerprint, "result": result})
                    runs.append(result)
                    bar.advance(job)
                entry["tasks"][task_name] = {"metric": task.metric, "max_length": encoded.max_length,
                                             "truncated": encoded.truncation(),
                                             "tokens": {s: encoded.splits[s].tokens for s in SPLITS}, "seeds": runs}
            scores = {t: {r["seed"]: r["score"] for r in info["seeds"]} for t, info in entry["tasks"].items()}
            aggregated = aggregate(scores)
            for task_name, stats in aggregated["tasks"].items():
                entry["tasks"][task_name].update(stats)
            entry["overall"] = aggregated["overall"]
            entry["energy"] = energy_of([r["energy"] for t in entry["tasks"].values() for r in t["seeds"]],
                                        config.energy)
            summary["models"][model_name] = entry
    summary["energy"] = energy_of([r["energy"] for m in summary["models"].values() for t in m["tasks"].values()
                                   for r in t["seeds"]], config.energy)
    files = {"results": str(out / "results.json"), "plot": str(out / "results.png")}
    summary["files"] = files
    if main:
        shutil.rmtree(out / "checkpoints", ignore_errors=True)  # each seed removed its own: only empty folders
        write_plot(summary, files["plot"])
        _write_json(Path(files["results"]), summary)
    return summary
