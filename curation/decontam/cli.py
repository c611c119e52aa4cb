"""``biomedfr decontaminate``: flag or drop the corpus documents that contain evaluation items.

Reads a run's curated shards (``RUN/curated/*.parquet``) or any Parquet shards of biomedfr documents
(a folder of them, or files), builds the n-gram index of the evaluation sets once (or reuses a saved
one) and writes::

    OUT/curated/NNNNN.parquet                one shard per input shard: the kept (flag mode: all,
                                             with ``decontam_matches``) documents, same row schema
    OUT/excluded/01_decontaminate/...        drop mode: excluded documents, reason ``eval_contamination``
    OUT/failed/01_decontaminate/...          documents the step could not process (normally none)
    OUT/index/                               the index (unless --index/`index:` puts it elsewhere)
    OUT/report.json                          counts, and per evaluation set: items, documents matched,
                                             items matched (with their ids), examples

and prints a table of matches per evaluation set. Every input document is accounted for:
``kept + excluded + failed == input`` (checked; an ``AccountingError`` otherwise).

Registered in ``curation/cli.py`` with ``app.command()(decontaminate)``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from curation.errors import AccountingError, ConfigError
from curation.run.layout import document_shards

__all__ = ["corpus_files", "decontaminate", "parse_fields"]

_OUT_PARTS = ("curated", "excluded", "failed", "report.json")


def parse_fields(spec: str) -> dict:
    """``question=question,options=opa|opb|opc,answer=cop`` -> a ``FieldMap`` mapping (``|``: several columns)."""
    from curation.decontam.config import FieldMap

    out: dict = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        if "=" not in part:
            raise ConfigError(f"--fields {spec!r}: {part!r} is not KEY=FIELD — e.g. question=question,options=answers")
        key, value = (s.strip() for s in part.split("=", 1))
        if key not in FieldMap.model_fields:
            raise ConfigError(f"--fields {spec!r}: unknown key {key!r} — valid keys: {', '.join(FieldMap.model_fields)}")
        out[key] = None if not value else (value.split("|") if "|" in value else value)
    return out


def _eval_sets(evals: list[str], fields: list[str]) -> list[dict]:
    """``--eval [NAME=]PATH`` and ``--fields`` -> ``eval_sets`` entries (paths made absolute)."""
    if fields and len(fields) not in (1, len(evals)):
        raise ConfigError(f"--fields given {len(fields)} times for {len(evals)} --eval files — give it once "
                          "(for all files) or once per --eval, in the same order")
    sets, names = [], set()
    for i, spec in enumerate(evals):
        name, _, path = spec.partition("=") if "=" in spec and not os.path.exists(spec) else ("", "", spec)
        path_obj = Path(path).expanduser()
        if not name:
            stem = path_obj.name.removesuffix(".gz")
            name = stem.rsplit(".", 1)[0] if "." in stem else stem
            if name in names:
                name = f"{path_obj.parent.name}-{name}"
        names.add(name)
        entry: dict = {"name": name, "path": str(path_obj.resolve())}
        if fields:
            entry["fields"] = parse_fields(fields[i if len(fields) > 1 else 0])
        sets.append(entry)
    return sets


def corpus_files(paths: list[Path], stage: str = "curated") -> list[Path]:
    """Parquet shards of the corpus: ``RUN/<stage>/*.parquet`` for a run folder, ``*.parquet`` of a folder, or files."""
    unique = document_shards(paths, stage)
    for file in unique:
        import pyarrow.parquet as pq

        names = set(pq.read_schema(file).names)
        if not {"id", "text"} <= names:
            raise ConfigError(f"{file}: not biomedfr document shards (columns {sorted(names)} lack 'id' and 'text')")
    return unique


def _documents(file: Path, counter: list[int]):
    """Documents of one shard, counted in ``counter[0]``."""
    import pyarrow.parquet as pq

    from curation.document import from_row

    for batch in pq.ParquetFile(file).iter_batches(batch_size=1000):
        for row in batch.to_pylist():
            counter[0] += 1
            yield from_row(row)


def decontaminate(
    corpus: Annotated[list[Path], typer.Argument(help="A run folder (reads its curated/ shards), folders of Parquet "
                                                      "shards, or .parquet files of biomedfr documents.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder: curated/ shards, excluded/, report.json, index/.")],
    config: Annotated[Path | None, typer.Option("--config", help="YAML: eval_sets, n, mode, index, "
                                                   "min_item_words, normalization (paths relative to the file).")] = None,
    eval_: Annotated[list[str], typer.Option("--eval", help="Evaluation file [NAME=]PATH (.jsonl, .json, .csv, "
                                             ".parquet); repeatable, added to the config's eval_sets.")] = [],  # noqa: B006
    fields: Annotated[list[str], typer.Option("--fields", help="Field mapping of the --eval files, once for all or "
                                              "once per --eval: 'id=id,question=question,options=answers,"
                                              "answer=correct_answers'; several option columns: options=opa|opb|opc.")] = [],  # noqa: B006
    mode: Annotated[str | None, typer.Option("--mode", help="drop (exclude matches; default) or flag (keep them, "
                                                "write decontam_matches).")] = None,
    n: Annotated[int | None, typer.Option("--n", help="Words per n-gram (default 13).")] = None,
    index: Annotated[Path | None, typer.Option("--index", help="Index folder: reused when it exists, else "
                                                  "built there (default: OUT/index).")] = None,
    stage: Annotated[str, typer.Option("--stage", help="Stage folder read from a run folder.")] = "curated",
) -> None:
    """Flag or drop corpus documents sharing a normalised n-gram with an evaluation item; report per set."""
    from rich.console import Console

    from curation.config import read_yaml, validate
    from curation.decontam.config import DecontamConfig
    from curation.decontam.eval_sets import resolve_eval_path
    from curation.decontam.index import load_or_build
    from curation.decontam.report import MatchTally, matches_table
    from curation.io import ShardWriter
    from curation.run.context import RunContext
    from curation.steps.decontaminate import Decontaminate, DecontaminateConfig

    console = Console()
    data = read_yaml(config) if config else {}
    if data is not None and not isinstance(data, dict):
        raise ConfigError(f"{config}: expected a mapping (eval_sets, n, mode, ...)")
    data = dict(data or {})
    base_dir = config.resolve().parent if config else None
    if eval_:
        data["eval_sets"] = list(data.get("eval_sets") or []) + _eval_sets(eval_, fields)
    elif fields:
        raise ConfigError("--fields maps the --eval files: give --eval too (or put `fields:` in the config's eval_sets)")
    if mode is not None:
        data["mode"] = mode
    if n is not None:
        data["n"] = n
    if index is not None:
        data["index"] = str(index.resolve())
    elif not data.get("index"):
        if not data.get("eval_sets"):
            raise ConfigError("nothing to match against: give --eval FILE (with --fields), --config FILE.yaml with "
                              "eval_sets, or --index FOLDER of a saved index")
        data["index"] = str((out / "index").resolve())
    settings = validate(DecontamConfig, data, str(config) if config else "decontaminate options")

    busy = [p for p in _OUT_PARTS if (out / p).exists()]
    if busy:
        raise ConfigError(f"{out}: already holds a decontamination output ({', '.join(busy)}) — choose another "
                          "--out or delete it (a saved index there is reused with --index)")
    files = corpus_files(corpus, stage)
    decont_index = load_or_build(settings, base_dir)
    index_folder = resolve_eval_path(settings.index, base_dir)

    step_config = DecontaminateConfig.model_validate(settings.model_dump(exclude={"examples"}))
    step = Decontaminate(step_config, RunContext(out_dir=str(out)), 1)
    step.ngram_index = decont_index
    step.tally = tally = MatchTally(decont_index.set_names, settings.examples)
    writer = ShardWriter(str(out / "curated"))
    read, written = [0], 0
    try:
        for rank, file in enumerate(files):
            for doc in step.run(_documents(file, read), rank=rank):
                writer.write(doc, rank)
                written += 1
    finally:
        writer.close()

    stats = step.stats
    counts = {key: int(stats[key].total) if key in stats.stats else 0 for key in ("kept", "excluded", "failed")}
    documents = {"in": read[0], **counts, "matched": tally.documents_matched, "written": written}
    if read[0] != counts["kept"] + counts["excluded"] + counts["failed"] or written != counts["kept"]:
        raise AccountingError(f"decontaminate: {documents} — kept + excluded + failed != input")
    report = {
        "command": "decontaminate",
        "inputs": [str(f) for f in files],
        "out": str(out),
        "mode": settings.mode,
        "n": decont_index.n,
        "min_item_words": decont_index.meta["min_item_words"],
        "normalization": decont_index.meta["normalization"],
        "index": str(index_folder),
        "index_entries": len(decont_index),
        "fingerprint": decont_index.fingerprint,
        "documents": documents,
        "sets": tally.per_set(decont_index.summary()),
    }
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / "report.json.tmp"
    tmp.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.rename(out / "report.json")

    console.print(matches_table(report))
    verb = "excluded" if settings.mode == "drop" else "flagged"
    n_verb = counts["excluded"] if settings.mode == "drop" else documents["matched"]
    console.print(f"[green]Done.[/] {read[0]} documents: {counts['kept']} kept, {n_verb} {verb}, "
                  f"{counts['failed']} failed. Shards: [bold]{out / 'curated'}/[/]  report: {out / 'report.json'}",
                  soft_wrap=True)
