"""Evaluation tasks read from local JSONL or Parquet files.

Layout: one folder per task with ``train``, ``validation`` and ``test`` files, each ``<split>.jsonl`` (one
JSON object per line) or ``<split>.parquet``. Records hold, by kind (field names mappable in the task's
``fields``):

- ``single_label``: ``text`` and ``label`` (a string or an integer);
- ``multi_label``: ``text`` and ``labels`` (a list of strings or integers, possibly empty);
- ``ner``: ``tokens`` (a list of words) and ``tags`` (one IOB2 tag per word: ``O``, ``B-X``, ``I-X``).

The label set is the task's ``labels`` when given, else every label of train; a label of validation or
test outside it is a ``ConfigError`` naming the file, the line and the label. Every other problem (a
missing file or field, a wrong type, a tag that is not IOB2) is a ``ConfigError`` saying where and how to
fix it. Nothing here imports torch.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curation.errors import ConfigError
from curation.jsonl import read_jsonl_objects
from encoder.evaluation.config import METRICS, TaskConfig

__all__ = ["SPLITS", "Example", "TaskData", "load_task", "read_records", "split_file"]

SPLITS = ("train", "validation", "test")
EXTENSIONS = (".jsonl", ".parquet")
_TAG = re.compile(r"^(O|[BI]-\S.*)$")


@dataclass(frozen=True, slots=True)
class Example:
    """One record: the text (or the words) and its target."""

    line: int
    """Line (JSONL) or row (Parquet) of the record in its file, from 1."""
    text: str = ""
    """Document text (classification)."""
    tokens: tuple[str, ...] = ()
    """Words (NER)."""
    label: str = ""
    """Label (single_label)."""
    labels: tuple[str, ...] = ()
    """Labels (multi_label) or one IOB2 tag per word (NER)."""


@dataclass
class TaskData:
    """A task's three splits, ready to be tokenized."""

    name: str
    kind: str
    labels: list[str]
    """Label set, in the order of the model's outputs."""
    splits: dict[str, list[Example]]
    files: dict[str, Path]
    config: TaskConfig
    fingerprint: str = ""
    """sha256 of the three files' contents: a changed file re-runs the seeds that used it."""
    sizes: dict[str, int] = field(default_factory=dict)

    @property
    def metric(self) -> str:
        """Name of the task's metric."""
        return METRICS[self.kind]


def split_file(folder: Path, stem: str, where: str) -> Path:
    """``<folder>/<stem>.jsonl`` or ``.parquet`` — exactly one of them must exist."""
    found = [folder / f"{stem}{ext}" for ext in EXTENSIONS if (folder / f"{stem}{ext}").is_file()]
    if not found:
        present = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        hint = f" (the folder holds: {', '.join(present[:12])})" if present else ""
        raise ConfigError(f"{where}: no {stem}.jsonl or {stem}.parquet in {folder}{hint} — convert the split to "
                          "one of them, or name the file in the task's splits (e.g. splits: {validation: dev})")
    if len(found) > 1:
        raise ConfigError(f"{where}: both {found[0].name} and {found[1].name} in {folder} — keep one of them")
    return found[0]


def read_records(path: Path) -> Iterator[tuple[int, dict]]:
    """``(line, record)`` of a JSONL file (blank lines skipped) or ``(row, record)`` of a Parquet file."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            rows = pq.read_table(path).to_pylist()
        except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for a corrupt file
            raise ConfigError(f"{path}: cannot read this Parquet file ({exc}) — rewrite it with pyarrow or pandas") from None
        yield from enumerate(rows, start=1)
        return
    yield from read_jsonl_objects(path)


def _where(path: Path, line: int) -> str:
    return f"{path}:{line}" if path.suffix == ".jsonl" else f"{path} row {line}"


def _get(record: dict, key: str, option: str, path: Path, line: int) -> Any:
    if key not in record:
        present = ", ".join(sorted(map(str, record))[:12]) or "none"
        raise ConfigError(f"{_where(path, line)}: no field {key!r} (fields: {present}) — set {option} to the field "
                          "that holds it")
    return record[key]


def _scalar_label(value: Any, what: str, path: Path, line: int) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or (isinstance(value, str) and not value.strip()):
        raise ConfigError(f"{_where(path, line)}: {what} {value!r} is not a label — give a non-empty string or an "
                          "integer")
    return str(value)


def _example(record: dict, config: TaskConfig, name: str, path: Path, line: int) -> Example:
    f, prefix = config.fields, f"tasks.{name}.fields"
    if config.kind == "ner":
        tokens = _get(record, f.tokens, f"{prefix}.tokens", path, line)
        tags = _get(record, f.tags, f"{prefix}.tags", path, line)
        if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
            raise ConfigError(f"{_where(path, line)}: {f.tokens!r} must be a list of strings (the words)")
        if not tokens:
            raise ConfigError(f"{_where(path, line)}: {f.tokens!r} is empty — drop this record")
        if not isinstance(tags, list) or len(tags) != len(tokens):
            got = len(tags) if isinstance(tags, list) else type(tags).__name__
            raise ConfigError(f"{_where(path, line)}: {f.tags!r} must be a list with one tag per word "
                              f"({len(tokens)} words, got {got})")
        previous = "O"
        for k, tag in enumerate(tags):
            if not isinstance(tag, str) or not _TAG.match(tag):
                raise ConfigError(f"{_where(path, line)}: tag {tag!r} (word {k + 1}) is not IOB2 — use O, B-TYPE "
                                  "or I-TYPE")
            if tag.startswith("I-") and previous[2:] != tag[2:]:
                raise ConfigError(f"{_where(path, line)}: tag {tag!r} (word {k + 1}) follows {previous!r} — in "
                                  f"IOB2 an entity starts with B-{tag[2:]} (convert IOB1 or BIOES tags to IOB2)")
            previous = tag
        return Example(line=line, tokens=tuple(tokens), labels=tuple(tags))
    text = _get(record, f.text, f"{prefix}.text", path, line)
    if not isinstance(text, str):
        raise ConfigError(f"{_where(path, line)}: {f.text!r} must be a string, got {type(text).__name__}")
    if config.kind == "single_label":
        value = _get(record, f.label, f"{prefix}.label", path, line)
        return Example(line=line, text=text, label=_scalar_label(value, f"{f.label!r}", path, line))
    values = _get(record, f.labels, f"{prefix}.labels", path, line)
    if not isinstance(values, (list, tuple)):
        raise ConfigError(f"{_where(path, line)}: {f.labels!r} must be a list of labels (possibly empty), got "
                          f"{type(values).__name__} — for one label per document use kind: single_label")
    labels = sorted({_scalar_label(v, f"a label in {f.labels!r}", path, line) for v in values})
    return Example(line=line, text=text, labels=tuple(labels))


def _targets(example: Example, kind: str) -> tuple[str, ...]:
    return (example.label,) if kind == "single_label" else example.labels


def _sort_labels(labels: set[str], kind: str) -> list[str]:
    if kind == "ner":  # O first, then entity types, B- before I-
        return sorted(labels, key=lambda t: (t != "O", t[2:], t[:1]))
    if all(re.fullmatch(r"-?\d+", label) for label in labels):
        return sorted(labels, key=int)
    return sorted(labels)


def load_task(name: str, config: TaskConfig, root: str | Path = "") -> TaskData:
    """Read and check the three splits of a task; the label set comes from train (or ``config.labels``)."""
    where = f"tasks.{name}"
    if not config.path:
        raise ConfigError(f"{where}.path is empty — set it to the task folder (--set {where}.path=...)")
    folder = Path(config.path)
    if not folder.is_absolute():
        folder = Path(root) / folder
    if not folder.is_dir():
        raise ConfigError(f"{where}: task folder {folder} does not exist — convert the data into it (see the "
                          "README, 'Fine-tuning evaluation') or fix data_root / the task's path")
    files = {split: split_file(folder, getattr(config.splits, split), where) for split in SPLITS}
    splits = {split: [_example(rec, config, name, path, line) for line, rec in read_records(path)]
              for split, path in files.items()}
    for split, examples in splits.items():
        if not examples:
            raise ConfigError(f"{files[split]}: no record — the {split} split of task {name!r} is empty")
    seen = {t for ex in splits["train"] for t in _targets(ex, config.kind)}
    if config.labels:
        declared = set(config.labels)
        if len(declared) != len(config.labels):
            raise ConfigError(f"{where}.labels repeats a label — list each label once")
        if config.kind == "ner" and "O" not in declared:
            raise ConfigError(f"{where}.labels: NER tags must include 'O'")
        allowed, origin = declared, f"{where}.labels"
    else:
        allowed, origin = seen, f"train ({files['train']})"
    for split in SPLITS:
        for ex in splits[split]:
            for target in _targets(ex, config.kind):
                if target not in allowed:
                    what = "tag" if config.kind == "ner" else "label"
                    raise ConfigError(
                        f"{_where(files[split], ex.line)}: {what} {target!r} is not in the label set of {origin} — "
                        f"the label set is taken from train: drop or relabel this record, or list every {what} in "
                        f"{where}.labels")
    labels = list(config.labels) if config.labels else _sort_labels(seen, config.kind)
    if config.kind == "single_label" and len(labels) < 2:
        raise ConfigError(f"{files['train']}: a single-label task needs at least 2 labels, train has {labels} — "
                          f"check the label field ({where}.fields.label)")
    if config.kind == "ner" and not any(t != "O" for t in labels):
        raise ConfigError(f"{files['train']}: no entity tag in train (only 'O') — check the tags field")
    digest = hashlib.sha256()
    for split in SPLITS:
        digest.update(files[split].read_bytes())
    return TaskData(name=name, kind=config.kind, labels=labels, splits=splits, files=files, config=config,
                    fingerprint=digest.hexdigest(), sizes={s: len(v) for s, v in splits.items()})
