"""Reading evaluation sets: records from JSONL, JSON, CSV or Parquet, mapped to items and word sequences.

Each item gives the texts that are indexed (``EvalItem.sequences``):

1. the question followed by its options (``include_options``; the question alone otherwise) and, with
   ``option_labels``, the same with each option preceded by its label — the mapping's key (``a`` ..
   ``e`` for FrenchMedMCQA) or its letter by position — as quiz pages print them (``A. …``, ``(b) …``;
   the label's punctuation is gone after normalisation);
2. with ``include_answer`` and an ``answer`` field, the question followed by the answer's text — option
   keys (``e``), 0-based indexes and option column names are replaced by the options they name;
3. the ``text`` field when mapped.

This is datatrove's query/gold scheme (``NGramsDecontIndexer``: n-grams of the gold answer, of the
query, and across the two) read from local files instead of lighteval tasks: a multiple-choice item's
"gold" is one of its options, so the question + options sequence already covers the query, the gold
and the n-grams that straddle them; the question + answer sequence adds the pair as a flashcard would
print it. A problem with an evaluation file (missing, unreadable, a mapped field found in no record)
is a ``ConfigError``: it stops the command before any document is read.

FrenchMedMCQA (``../shared/realdata/frenchmedmcqa/{dev,test}.json``, JSON arrays) maps as::

    fields: {id: id, question: question, options: answers, answer: correct_answers}

(``answers`` is a mapping ``{a: ..., e: ...}`` and ``correct_answers`` a list of its keys).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyarrow import ArrowException

from curation.decontam.config import EvalSetConfig
from curation.errors import ConfigError

__all__ = ["FRENCHMEDMCQA_FIELDS", "EvalItem", "items_of", "read_records", "resolve_eval_path"]

FRENCHMEDMCQA_FIELDS = {"id": "id", "question": "question", "options": "answers", "answer": "correct_answers"}
"""Field mapping of FrenchMedMCQA's JSON files (github qanastek/FrenchMedMCQA, ``corpus/``)."""

_MISSING = object()


@dataclass(frozen=True, slots=True)
class EvalItem:
    """One evaluation item: its id and the raw texts to index."""

    id: str
    """Item id (the ``id`` field, or the 0-based row number)."""
    sequences: tuple[str, ...]
    """Texts indexed for this item, before normalisation."""


def resolve_eval_path(path: str, base_dir: Path | None) -> Path:
    """``path`` itself when absolute (or no base), else relative to ``base_dir``."""
    p = Path(path).expanduser()
    return p if p.is_absolute() or base_dir is None else base_dir / p


def _open_text(path: Path):
    if path.name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def read_records(config: EvalSetConfig, base_dir: Path | None = None) -> Iterator[dict]:
    """The records of an evaluation file, in file order."""
    path = resolve_eval_path(config.path, base_dir)
    where = f"eval set {config.name!r}: {path}"
    fmt = config.resolved_format()
    if not fmt:
        raise ConfigError(f"{where}: unknown format — set `format:` to one of jsonl, json, csv, parquet")
    if not path.is_file():
        raise ConfigError(f"{where}: file not found — fix the path (relative paths: to the config file's folder)")
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            for batch in pq.ParquetFile(path).iter_batches(batch_size=1000):
                yield from batch.to_pylist()
        elif fmt == "csv":
            with _open_text(path) as f:
                yield from csv.DictReader(f)
        elif fmt == "jsonl":
            with _open_text(path) as f:
                for line_no, line in enumerate(f, start=1):
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise ConfigError(f"{where}:{line_no}: invalid JSON ({exc.msg}) — fix or remove the line") from None
                    if not isinstance(record, dict):
                        raise ConfigError(f"{where}:{line_no}: expected a JSON object per line")
                    yield record
        else:  # json: an array of records
            with _open_text(path) as f:
                try:
                    data = json.load(f)
                except json.JSONDecodeError as exc:
                    raise ConfigError(f"{where}:{exc.lineno}: invalid JSON ({exc.msg})") from None
            if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
                raise ConfigError(f"{where}: expected a JSON array of objects (one per item) — "
                                  "use format: jsonl for one object per line")
            yield from data
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: cannot read the file ({exc})") from None
    except ConfigError:
        raise
    except (csv.Error, ValueError, ArrowException) as exc:  # the file is not what its format says
        raise ConfigError(f"{where}: cannot read it as {fmt} ({type(exc).__name__}: {exc})") from None


def _get(record: Any, path: str) -> Any:
    """The value at a dotted path, or ``_MISSING``."""
    if isinstance(record, dict) and path in record:
        return record[path]
    node = record
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


def _text(value: Any) -> str:
    if value is None or value is _MISSING:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return " ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return " ".join(_text(v) for v in value.values())
    return str(value)


def _letter(position: int) -> str:
    return chr(97 + position) if position < 26 else str(position + 1)


def _options(record: dict, spec: str | list[str] | None) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """``(label, text)`` of each option in order, and the lookup from option keys (mapping keys, column names)
    to text. Labels: the mapping's keys, else letters by position."""
    if spec is None:
        return [], {}
    if isinstance(spec, list):
        pairs, keys = [], {}
        for column in spec:
            value = _get(record, column)
            if value is _MISSING or value is None or value == "":
                continue
            pairs.append((_letter(len(pairs)), _text(value)))
            keys[column.lower()] = pairs[-1][1]
        return pairs, keys
    value = _get(record, spec)
    if isinstance(value, dict):
        pairs = [(str(k), _text(v)) for k, v in value.items() if v is not None and v != ""]
        return pairs, {k.lower(): t for k, t in pairs}
    if isinstance(value, (list, tuple)):
        texts = [_text(v) for v in value if v is not None and v != ""]
        return [(_letter(i), t) for i, t in enumerate(texts)], {}
    text = _text(value)
    return ([("a", text)] if text else []), {}


def _answer_texts(value: Any, options: list[str], keys: dict[str, str]) -> list[str]:
    """The answer's texts: keys, indexes and column names resolved to their options."""
    if value is None or value is _MISSING:
        return []
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    out = []
    for v in values:
        if isinstance(v, bool):
            continue
        if isinstance(v, int):
            out.append(options[v] if 0 <= v < len(options) else str(v))
            continue
        text = _text(v).strip()
        if not text:
            continue
        key = text.lower()
        if key in keys:
            out.append(keys[key])
        elif len(key) == 1 and "a" <= key <= "z" and ord(key) - 97 < len(options):
            out.append(options[ord(key) - 97])  # a letter over a list of options (or of option columns)
        elif key.isdigit() and int(key) < len(options):
            out.append(options[int(key)])  # a 0-based index written as text (CSV)
        else:
            out.append(text)
    return out


def items_of(config: EvalSetConfig, base_dir: Path | None = None, seen: dict | None = None) -> Iterator[EvalItem]:
    """The items of an evaluation set. ``seen`` (optional) counts, per mapped field, the records having it."""
    fields = config.fields
    counts = seen if seen is not None else {}
    mapped = {k: v for k, v in fields.model_dump().items() if v is not None}
    for key in mapped:
        counts.setdefault(key, 0)
    for row, record in enumerate(read_records(config, base_dir)):
        for key, spec in mapped.items():
            specs = spec if isinstance(spec, list) else [spec]
            if any(_get(record, s) is not _MISSING for s in specs):
                counts[key] += 1
        raw_id = _get(record, fields.id) if fields.id else _MISSING
        item_id = str(row) if raw_id is _MISSING or raw_id is None or raw_id == "" else str(raw_id)
        sequences = []
        question = _text(_get(record, fields.question)) if fields.question else ""
        labelled, keys = _options(record, fields.options) if config.include_options or config.include_answer else ([], {})
        options = [text for _, text in labelled]
        if fields.question:
            main = [question, *options] if config.include_options else [question]
            sequences.append(" ".join(main))
            if config.include_options and config.option_labels and labelled:
                sequences.append(" ".join([question, *(f"{label} {text}" for label, text in labelled)]))
            if config.include_answer and fields.answer:
                answers = _answer_texts(_get(record, fields.answer), options, keys)
                if answers:
                    sequences.append(" ".join([question, *answers]))
        if fields.text:
            sequences.append(_text(_get(record, fields.text)))
        yield EvalItem(id=item_id, sequences=tuple(s for s in sequences if s.strip()))
