"""The evaluation dataset layout: records in a JSONL, JSON (array) or Parquet file, mapped to items.

A record holds a question, its options, its answer and, optionally, a context and an id::

    {"id": "q1", "question": "Quel est l'antidote du paracétamol ?",
     "options": {"A": "N-acétylcystéine", "B": "Naloxone", "C": "Flumazénil"},
     "answer": ["A"], "context": null}

- ``options``: a mapping letter -> text (keys are single letters, case-insensitive: FrenchMedMCQA's
  ``answers: {a: ..., e: ...}``) or a list (letters A, B, C... by position);
- ``answer``: the correct letters, a list (``["A", "C"]``) or a string (``"A C"``, ``"a,c"``); for open
  questions, the reference answer's text;
- ``context`` (optional), ``id`` (optional: the 0-based position otherwise).

``fields`` in the config maps other names (dotted paths into nested records); FrenchMedMCQA
(``../shared/realdata/frenchmedmcqa/{dev,test}.json``) loads with::

    kind: mcq_multi
    fields: {question: question, options: answers, answer: correct_answers}

A bad record stops the run before any model is loaded, with a ``ConfigError`` naming the file and the
item (``dev.json[17] (id 3fa...)``) and what to fix: a missing field, an answer letter not among the
options, two answers in a ``mcq_single`` dataset, a duplicate id...
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curation.errors import ConfigError
from curation.jsonl import read_jsonl_objects
from decoder.evaluation.config import DatasetSpec

__all__ = ["FRENCHMEDMCQA_FIELDS", "MAX_OPTIONS", "EvalDataset", "EvalItem", "load_dataset", "parse_letters"]

FRENCHMEDMCQA_FIELDS = {"question": "question", "options": "answers", "answer": "correct_answers"}
"""Field mapping of FrenchMedMCQA's JSON files (github qanastek/FrenchMedMCQA, ``corpus/``)."""

MAX_OPTIONS = 12
"""Most options an item may have (a multi-answer item's constraint enumerates the 2^k - 1 letter sets)."""

LETTERS = string.ascii_uppercase
_SPLIT = re.compile(r"[\s,;/|]+")
_MISSING = object()


@dataclass(frozen=True, slots=True)
class EvalItem:
    """One evaluation item."""

    id: str
    """Item id (the ``id`` field, or the 0-based position)."""
    question: str
    """The question."""
    options: dict[str, str] = field(default_factory=dict)
    """Letter -> option text, letters upper-case and in order (empty for open questions)."""
    answers: tuple[str, ...] = ()
    """Correct letters, sorted (empty for open questions)."""
    reference: str | None = None
    """Reference answer of an open question."""
    context: str | None = None
    """Context (passage, clinical case), or None."""

    @property
    def letters(self) -> list[str]:
        """The option letters, in order."""
        return list(self.options)


@dataclass(frozen=True, slots=True)
class EvalDataset:
    """A loaded dataset: its spec, the resolved file and its items."""

    spec: DatasetSpec
    path: Path
    items: list[EvalItem]

    @property
    def name(self) -> str:
        """The dataset's name."""
        return self.spec.name

    @property
    def kind(self) -> str:
        """``mcq_single``, ``mcq_multi`` or ``open``."""
        return self.spec.kind


def load_dataset(spec: DatasetSpec) -> EvalDataset:
    """Read and check every record of ``spec``'s file (``ConfigError`` on the first bad one)."""
    path = Path(spec.path).expanduser()
    where = f"dataset {spec.name!r}: {path}"
    if not path.is_file():
        hint = "" if path.is_absolute() else f" (relative paths start from the working directory {Path.cwd()})"
        raise ConfigError(f"{where}: file not found{hint} — set datasets[].path")
    fmt = spec.resolved_format()
    if fmt is None:
        raise ConfigError(f"{where}: unknown format — set `format:` to jsonl, json or parquet")
    items: list[EvalItem] = []
    ids: dict[str, str] = {}
    for ref, position, record in _records(path, fmt):
        item = _item(spec, record, position, f"{path}{ref}")
        if item.id in ids:
            raise ConfigError(f"{path}{ref}: id {item.id!r} already used by {path}{ids[item.id]} — ids must be unique "
                              "(map `fields.id` to a unique field, or to null to number the items)")
        ids[item.id] = ref
        items.append(item)
        if spec.limit is not None and len(items) >= spec.limit:
            break
    if not items:
        raise ConfigError(f"{where}: no items — the file is empty")
    return EvalDataset(spec=spec, path=path, items=items)


def _records(path: Path, fmt: str) -> Iterator[tuple[str, int, Any]]:
    """(``where`` suffix, 0-based position, record) for each record of the file."""
    if fmt == "jsonl":
        for position, (line_no, record) in enumerate(read_jsonl_objects(path)):
            yield f":{line_no}", position, record
    elif fmt == "json":
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
        if not isinstance(data, list):
            raise ConfigError(f"{path}: expected a JSON array of records, got {type(data).__name__} — use a JSON array "
                              "or JSONL (one record per line)")
        for position, record in enumerate(data):
            yield f"[{position}]", position, record
    else:
        import pyarrow.parquet as pq
        from pyarrow import ArrowException

        try:
            rows = pq.read_table(path).to_pylist()
        except (ArrowException, OSError) as exc:
            raise ConfigError(f"{path}: not a readable Parquet file ({exc})") from None
        for position, record in enumerate(rows):
            yield f": row {position}", position, record


def _get(record: Any, dotted: str) -> Any:
    node = record
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _text(value: Any) -> str | None:
    if value is None or value is _MISSING:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else None


def _item(spec: DatasetSpec, record: Any, position: int, where: str) -> EvalItem:
    fields = spec.fields
    if not isinstance(record, dict):
        raise ConfigError(f"{where}: expected a record (a JSON object), got {type(record).__name__}")
    raw_id = _get(record, fields.id) if fields.id else _MISSING
    item_id = _text(raw_id) if raw_id not in (_MISSING, None) else str(position)
    if item_id is None:
        raise ConfigError(f"{where}: field {fields.id!r} must be a string or a number, got {type(raw_id).__name__}")
    where = f"{where} (id {item_id})" if raw_id not in (_MISSING, None) else where
    question = _text(_get(record, fields.question))
    if not question or not question.strip():
        raise ConfigError(f"{where}: no question in field {fields.question!r} — fix the record or map "
                          "`fields.question`")
    context = _text(_get(record, fields.context)) if fields.context else None
    context = context if context and context.strip() else None
    answer = _get(record, fields.answer)
    if spec.kind == "open":
        reference = _text(answer)
        if reference is None or not reference.strip():
            raise ConfigError(f"{where}: no reference answer in field {fields.answer!r} (a text) — fix the record or "
                              "map `fields.answer`")
        return EvalItem(id=item_id, question=question, reference=reference, context=context)
    options = _options(_get(record, fields.options) if fields.options else _MISSING, fields.options, where)
    answers = _answers(answer, fields.answer, options, where)
    if spec.kind == "mcq_single" and len(answers) != 1:
        raise ConfigError(f"{where}: {len(answers)} answers ({' '.join(answers)}) in a mcq_single dataset — use kind "
                          "mcq_multi for questions with several correct answers")
    return EvalItem(id=item_id, question=question, options=options, answers=answers, context=context)


def _options(value: Any, name: str | None, where: str) -> dict[str, str]:
    if value is _MISSING or value is None:
        raise ConfigError(f"{where}: no options in field {name!r} — fix the record or map `fields.options`")
    if isinstance(value, dict):
        options: dict[str, str] = {}
        for key, text in value.items():
            letter = str(key).strip().upper()
            if len(letter) != 1 or letter not in LETTERS:
                raise ConfigError(f"{where}: option key {key!r} is not a single letter — options are a mapping "
                                  "letter -> text or a list")
            if letter in options:
                raise ConfigError(f"{where}: option letter {letter} appears twice")
            options[letter] = _option_text(text, letter, where)
        options = dict(sorted(options.items()))
    elif isinstance(value, (list, tuple)):
        options = {LETTERS[i]: _option_text(text, LETTERS[i], where) for i, text in enumerate(value[:len(LETTERS)])}
    else:
        raise ConfigError(f"{where}: options must be a mapping letter -> text or a list, got {type(value).__name__}")
    if not 2 <= len(options) <= MAX_OPTIONS:
        raise ConfigError(f"{where}: {len(options)} options — an item needs 2 to {MAX_OPTIONS}")
    return options


def _option_text(text: Any, letter: str, where: str) -> str:
    value = _text(text)
    if value is None or not value.strip():
        raise ConfigError(f"{where}: option {letter} is empty or not a text")
    return value


def parse_letters(value: Any) -> list[str] | None:
    """Answer letters from a list (``["a", "C"]``) or a string (``"A C"``, ``"a,c"``), upper-cased; None when
    ``value`` is neither or holds something that is not a single letter."""
    if isinstance(value, str):
        parts = [p for p in _SPLIT.split(value.strip()) if p]
    elif isinstance(value, (list, tuple)):
        parts = [p.strip() if isinstance(p, str) else p for p in value]
    else:
        return None
    letters = []
    for part in parts:
        if not isinstance(part, str) or len(part) != 1 or part.upper() not in LETTERS:
            return None
        letters.append(part.upper())
    return letters


def _answers(value: Any, name: str, options: dict[str, str], where: str) -> tuple[str, ...]:
    if value is _MISSING or value is None:
        raise ConfigError(f"{where}: no answer in field {name!r} — fix the record or map `fields.answer`")
    letters = parse_letters(value)
    if letters is None:
        raise ConfigError(f"{where}: answer {value!r} is not a list of letters or a string like 'A C'")
    if not letters:
        raise ConfigError(f"{where}: empty answer — an MCQ item needs at least one correct letter")
    for letter in letters:
        if letter not in options:
            raise ConfigError(f"{where}: answer letter {letter} is not among the options {', '.join(options)} — "
                              "fix the item or the field mapping")
    return tuple(sorted(set(letters)))
