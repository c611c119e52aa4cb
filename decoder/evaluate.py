"""``evaluate(config)``: every model on every dataset, then each model against its base (MedMistral section 3).

1. Datasets and prompts are read and checked first (a bad item stops the run before any model loads).
2. Each model is loaded once and runs every dataset: single-answer MCQ by argmax over the letters' logits,
   multi-answer MCQ by generation constrained to letter sets, open questions by greedy generation.
3. Open answers get BERTScore F1 (one local encoder for all) and, with a judge, LLM-as-judge scores
   (through ``curation.llm``, after the evaluated models are released).
4. Per dataset, the paired percentile bootstrap with shared indices compares each model with its base on
   each metric; Bonferroni over the table's comparisons; win/tie/loss per model.
5. ``<out>/results.json`` (config, prompts, scores, comparisons, win/tie/loss, energy), ``tables.txt``,
   ``predictions/<model>/<dataset>.jsonl``, ``win_tie_loss.png`` and ``deltas.png``.
"""

from __future__ import annotations

import gc
import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from curation.errors import ConfigError
from curation.training.energy import EnergyMeter, energy_table
from decoder.evaluation.config import DEFAULT_PROMPTS, EvalConfig, check_config
from decoder.evaluation.datasets import load_dataset
from decoder.evaluation.prompts import load_prompt
from decoder.evaluation.stats import Comparison, compare, win_tie_loss

__all__ = ["EvalResult", "evaluate"]


@dataclass
class EvalResult:
    """What ``evaluate`` returns: the summary written to ``results.json``, the comparisons, the files, the tables."""

    summary: dict
    comparisons: list[Comparison]
    paths: dict[str, Path]
    tables: list

    @property
    def out(self) -> Path:
        """The output folder."""
        return self.paths["results"].parent


@contextmanager
def _progress(enabled: bool, console=None):
    """A rich progress bar factory (a no-op when disabled)."""
    if not enabled:
        yield lambda label, total: (lambda n: None)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console or Console(stderr=True), transient=False) as bar:
        def task(label: str, total: int):
            handle = bar.add_task(label, total=total)
            return lambda n: bar.advance(handle, n)

        yield task


def evaluate(config: EvalConfig, judge_client=None, console=None) -> EvalResult:
    """Run the evaluation ``config`` describes; ``judge_client`` (an ``LLMClient``) replaces the one built from
    ``config.judge.llm`` (tests, or a client shared with other work)."""
    from decoder.evaluation.lm import load_model, resolve_device
    from decoder.evaluation.mcq import answer_multi, answer_single, exact_match, hamming_score
    from decoder.evaluation.open_qa import BertScore, generate_answers, judge_answers
    from decoder.evaluation.report import comparisons_table, scores_table, win_tie_loss_table, write_report

    check_config(config)
    if not config.models:
        raise ConfigError("eval config: models: none — name at least one model folder")
    if not config.datasets:
        raise ConfigError("eval config: datasets: none — give at least one dataset")
    datasets = [load_dataset(spec) for spec in config.datasets]
    prompts = {d.name: load_prompt(d.spec.prompt or DEFAULT_PROMPTS[d.kind]) for d in datasets}
    judge_prompt = load_prompt(config.judge.prompt) if config.judge else None
    metrics = {d.name: config.metrics_of(d.spec) for d in datasets}
    out = Path(config.out).expanduser()
    device = resolve_device(config.generation.device)
    meter = EnergyMeter(config.energy, devices=1, device_type=device.split(":")[0]).start()
    per_item: dict[tuple[str, str, str], np.ndarray] = {}
    records: dict[tuple[str, str], list[dict]] = {}
    answers: dict[tuple[str, str], list[str]] = {}
    batch = config.generation.batch_size

    with _progress(config.progress, console) as task:
        for name, spec in config.models.items():
            lm = load_model(name, spec, config.generation)
            for ds in datasets:
                prompt, items = prompts[ds.name], ds.items
                advance = task(f"{name} · {ds.name}", len(items))
                if ds.kind == "open":
                    generated = generate_answers(lm, items, prompt, config.generation.max_new_tokens, batch, ds.name,
                                                 advance)
                    answers[(name, ds.name)] = [g[0] for g in generated]
                    records[(name, ds.name)] = [{"id": it.id, "answer": g[0], "reference": it.reference}
                                                for it, g in zip(items, generated)]
                    meter.add_tokens(sum(g[1] + g[2] for g in generated))
                    continue
                run = answer_single if ds.kind == "mcq_single" else answer_multi
                predictions = run(lm, items, prompt, batch, ds.name, advance)
                meter.add_tokens(sum(p.prompt_tokens + p.new_tokens for p in predictions))
                em = np.asarray([exact_match(p.letters, it.answers) for p, it in zip(predictions, items)])
                per_item[(name, ds.name, "exact_match" if ds.kind == "mcq_single" else "emr")] = em
                if ds.kind == "mcq_multi":
                    per_item[(name, ds.name, "hamming")] = np.asarray(
                        [hamming_score(p.letters, it.answers) for p, it in zip(predictions, items)])
                records[(name, ds.name)] = [
                    {"id": it.id, "predicted": list(p.letters), "gold": list(it.answers), "text": p.text,
                     "exact_match": bool(e), **({"hamming": hamming_score(p.letters, it.answers)}
                                                if ds.kind == "mcq_multi" else {}),
                     **({"logits": p.logits} if p.logits else {})}
                    for p, it, e in zip(predictions, items, em)]
            del lm
            _release(device)

        open_sets = [ds for ds in datasets if ds.kind == "open"]
        if any("bertscore_f1" in metrics[ds.name] for ds in open_sets):
            scorer = BertScore(config.bertscore, device=device)
            for ds in open_sets:
                if "bertscore_f1" not in metrics[ds.name]:
                    continue
                references = [it.reference for it in ds.items]
                for name in config.models:
                    f1 = scorer.f1(answers[(name, ds.name)], references)
                    per_item[(name, ds.name, "bertscore_f1")] = f1
                    for record, value in zip(records[(name, ds.name)], f1):
                        record["bertscore_f1"] = float(value)
            del scorer
            _release(device)
        judge_failed: dict[str, dict[str, int]] = {}
        judge_stats = None
        if any("judge" in metrics[ds.name] for ds in open_sets):
            client = judge_client
            if client is None:
                from curation.llm import build_client

                client = build_client(config.judge.llm)
            for ds in open_sets:
                if "judge" not in metrics[ds.name]:
                    continue
                for name in config.models:
                    outcome = judge_answers(client, judge_prompt, ds.items, answers[(name, ds.name)],
                                            f"{name}/{ds.name}")
                    per_item[(name, ds.name, "judge")] = outcome.scores
                    if outcome.failed:
                        judge_failed[f"{name}/{ds.name}"] = outcome.failed
                    for record, raw in zip(records[(name, ds.name)], outcome.raw):
                        record["judge_score"] = raw
            judge_stats = client.stats.to_dict()
            if judge_client is None:
                client.close()
    meter.pause()

    boot = config.bootstrap
    pairs = config.pairs()
    rows = (compare(per_item, pairs, metrics, boot.resamples, boot.seed, boot.batch, boot.alpha, boot.bonferroni)
            if pairs else [])
    primary = {name: names[0] for name, names in metrics.items()}
    wtl = win_tie_loss(rows, primary)
    scores = {ds.name: {metric: {name: float(np.mean(per_item[(name, ds.name, metric)])) for name in config.models}
                        for metric in metrics[ds.name]} for ds in datasets}
    energy = meter.report()
    summary = {
        "name": config.name,
        "config": config.model_dump(mode="json"),
        "config_hash": config.config_hash(),
        "baseline": config.baseline_name,
        "pairs": [{"model": m, "base": b} for m, b in pairs],
        "datasets": {ds.name: {"kind": ds.kind, "path": str(ds.path), "items": len(ds.items),
                               "metrics": list(metrics[ds.name]),
                               "prompt": {"version": prompts[ds.name].version, "sha256": prompts[ds.name].sha256}}
                     for ds in datasets},
        "judge": ({"model": config.judge.llm.model_id, "prompt": {"version": judge_prompt.version,
                                                                    "sha256": judge_prompt.sha256},
                   "failed": judge_failed, "stats": judge_stats} if judge_stats is not None else None),
        "scores": scores,
        "bootstrap": {"resamples": boot.resamples, "seed": boot.seed, "batch": boot.batch, "alpha": boot.alpha,
                      "comparisons": config.comparisons() if boot.bonferroni else 1,
                      "alpha_corrected": boot.alpha / max(config.comparisons() if boot.bonferroni else 1, 1)},
        "comparisons": [row.to_json() for row in rows],
        "win_tie_loss": wtl,
        "energy": energy.to_json(),
    }
    models = list(config.models)
    tables = [scores_table(scores, models, title=f"Scores ({config.name}; MCQ in %)")]
    if rows:
        tables += [comparisons_table(rows, boot.alpha, summary["bootstrap"]["comparisons"], boot.resamples),
                   win_tie_loss_table(wtl)]
    tables.append(energy_table(energy, title="Energy of the evaluation"))
    paths = write_report(out, summary, rows, tables)
    for (name, dataset), rows_of in records.items():
        folder = out / "predictions" / name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{dataset}.jsonl"
        with open(path, "w", encoding="utf-8") as f:
            for record in rows_of:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
    paths["predictions"] = out / "predictions"
    return EvalResult(summary=summary, comparisons=rows, paths=paths, tables=tables)


def _release(device: str) -> None:
    """Free a released model's memory before the next one loads."""
    gc.collect()
    if device.startswith("cuda"):
        import torch

        torch.cuda.empty_cache()

