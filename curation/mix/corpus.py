"""Reading finished runs for mixing: a few metadata columns of every document, never the text.

``read_corpus(runs, token_field, fields)`` reads ``<run>/curated/*.parquet`` of each run (the shards of
every attempt) and returns a ``Corpus``: parallel arrays sorted by document id, so that everything
computed from it is independent of shard layout and input order. A declared metadata key is read from
its column; any other key from the ``extra`` JSON column. Ids must be unique across the runs.

``draw(seed, doc_id, salt)`` is the per-document random number every mixing decision uses: the first 8
bytes of ``sha256("<seed>\\0<id>")`` (``sha256("<seed>\\0<salt>\\0<id>")`` with a salt) over 2**64, in
[0, 1). It depends on the seed and the id only (the convention of ``llm_annotate``'s sampling).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from curation.document import METADATA_COLUMNS
from curation.errors import ConfigError
from curation.run.layout import run_identity, run_shards

__all__ = ["Corpus", "draw", "draws", "read_corpus", "run_info"]

SHOW = 3
"""How many offending ids an error message quotes."""


def draw(seed: int, doc_id: str, salt: str = "") -> float:
    """The document's draw in [0, 1) for ``seed`` (and ``salt``, to decorrelate independent decisions)."""
    key = f"{seed}\0{salt}\0{doc_id}" if salt else f"{seed}\0{doc_id}"
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") / 2**64


def draws(seed: int, ids, salt: str = "") -> np.ndarray:
    """``draw`` of every id, as a float64 array."""
    return np.fromiter((draw(seed, i, salt) for i in ids), dtype=np.float64, count=len(ids))


@dataclass
class Corpus:
    """A few metadata values of every document of some runs, as arrays sorted by id."""

    ids: np.ndarray
    """Document ids (object array of str), sorted and unique."""
    runs: np.ndarray
    """Run folder of each document (object array of str, absolute paths)."""
    sources: np.ndarray
    """``source`` of each document (object array of str)."""
    tokens: np.ndarray
    """Tokens of one copy (int64)."""
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    """The other requested metadata values by requested name (object arrays; None when absent)."""

    def __len__(self) -> int:
        return len(self.ids)


def run_info(run: str | Path) -> dict[str, Any]:
    """Identity of a run for the mix's report: path, config hash and name from its ``run.json``."""
    return run_identity(run)


def _column(table, key: str, extra: list[dict] | None) -> tuple[list[Any], list[dict] | None]:
    """Values of metadata ``key``: its column when declared (and present), else from ``extra``."""
    if key in METADATA_COLUMNS and key in table.column_names:
        return table.column(key).to_pylist(), extra
    if extra is None:
        raw = table.column("extra").to_pylist() if "extra" in table.column_names else [None] * table.num_rows
        extra = [json.loads(r) if r else {} for r in raw]
    return [e.get(key) for e in extra], extra


def read_corpus(runs: list[str | Path], token_field: str = "token_count",
                fields: dict[str, str] | None = None) -> Corpus:
    """Read ``id``, ``source``, ``token_field`` and ``fields`` (name -> metadata key) of every document."""
    import pyarrow.parquet as pq

    fields = dict(fields or {})
    ids: list[str] = []
    run_of: list[str] = []
    sources: list[str] = []
    tokens: list[Any] = []
    columns: dict[str, list[Any]] = {name: [] for name in fields}
    seen_runs: set[str] = set()
    for run in runs:
        root = Path(run).resolve()
        if str(root) in seen_runs:
            raise ConfigError(f"{run}: listed twice in runs — list each run once")
        seen_runs.add(str(root))
        missing_tokens: list[str] = []
        for shard in run_shards(root):
            names = set(pq.read_schema(shard).names)
            keys = {token_field, *fields.values()}
            wanted = ({"id", "source", *keys} | ({"extra"} if keys - set(METADATA_COLUMNS) else set())) & names
            table = pq.read_table(shard, columns=sorted(wanted))
            extra = None
            shard_ids = table.column("id").to_pylist()
            shard_sources = table.column("source").to_pylist() if "source" in names else [None] * len(shard_ids)
            shard_tokens, extra = _column(table, token_field, extra)
            for name, key in fields.items():
                values, extra = _column(table, key, extra)
                columns[name].extend(values)
            for doc_id, src, tok in zip(shard_ids, shard_sources, shard_tokens):
                if src is None:
                    raise ConfigError(f"{root}: document {doc_id!r} ({shard.name}) has no `source` — not a biomedfr shard?")
                if tok is None:
                    missing_tokens.append(doc_id)
            ids.extend(shard_ids)
            run_of.extend([str(root)] * len(shard_ids))
            sources.extend(shard_sources)
            tokens.extend(shard_tokens)
        if missing_tokens:
            raise ConfigError(
                f"{root}: {len(missing_tokens)} document(s) have no {token_field!r} metadata "
                f"(e.g. {', '.join(map(repr, missing_tokens[:SHOW]))}) — add the `token_count` step to the run's "
                f"recipe (`- step: token_count`) and re-run it, or set token_field to the key holding token counts"
            )
    token_array = np.asarray(tokens, dtype=np.int64) if tokens else np.zeros(0, dtype=np.int64)
    negative = np.flatnonzero(token_array < 0)
    if len(negative):
        bad = [ids[i] for i in negative[:SHOW]]
        raise ConfigError(f"{run_of[negative[0]]}: negative {token_field!r} on {', '.join(map(repr, bad))} — fix the run")
    order = np.argsort(np.asarray(ids, dtype=object), kind="stable")
    id_array = np.asarray(ids, dtype=object)[order]
    run_array = np.asarray(run_of, dtype=object)[order]
    if len(id_array) > 1:
        same = np.flatnonzero(id_array[1:] == id_array[:-1])
        if len(same):
            i = same[0]
            a, b = run_array[i], run_array[i + 1]
            where = f"twice in {a}" if a == b else f"in {a} and in {b}"
            raise ConfigError(
                f"document id {id_array[i]!r} appears {where} ({len(same)} duplicated id(s) in all) — "
                "each document must come from one run, once: drop the run that repeats it"
            )
    return Corpus(
        ids=id_array,
        runs=run_array,
        sources=np.asarray(sources, dtype=object)[order],
        tokens=token_array[order],
        columns={name: _object_array(values)[order] for name, values in columns.items()},
    )


def _object_array(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out
