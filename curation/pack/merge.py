"""Pass 2 of ``pack`` (one task): split by document, materialise repetitions, shuffle, pack, index.

1. Read every part's documents (id, repetitions, span in the part's token file).
2. Split: documents are ranked by ``xxh3_64("<seed>\\0validation\\0<id>")`` and the first
   ``round(validation * documents)`` (at least 1 when ``validation > 0`` and there are 2 documents or
   more) go to validation. The split is by document: all copies of a document are on one side.
3. Copies: a train document is written ``repetitions`` times; a validation document once (repetitions
   are a training-time weight; evaluating on copies would only reweight the loss).
4. Order: copies are sorted by ``xxh3_64("<seed>\\0order\\0<id>\\0<copy>")`` — a seeded shuffle that
   depends on the seed and ids only (not on the task count or the shard layout), which also spreads
   the copies of a document over the split.
5. The ordered copies are streamed into ``SplitWriter`` (fixed-length sequences, shards, boundaries);
   ``<split>/documents.parquet`` lists them in order (id, run, copy, tokens, start in the split's stream).
6. ``index.json`` is written last.

datatrove's ``DocumentTokenizerMerger`` shuffles with a ``numpy`` generator over files listed in
directory order and reads one document at a time; ours needs the split by document, the repetitions
and the per-sequence boundaries, so it reuses only datatrove's file formats and ``load_doc_ends``.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from xxhash import xxh3_64_intdigest

from curation.errors import ConfigError
from curation.pack.index import FORMAT, write_json
from curation.pack.plan import SPLITS, PackPlan
from curation.pack.source import mix_selection
from curation.pack.tokenize import part_done, read_part_docs
from curation.pack.writer import SplitWriter, sha256_file

__all__ = ["Corpus", "PackMerger", "PartTokens", "order_keys", "split_validation"]

CHUNK = 4096
"""Document copies gathered per write."""
SHOW = 3
"""How many offending ids an error message quotes."""
MAX_OPEN = 256
"""Part token files kept memory-mapped at once."""


@dataclass
class Corpus:
    """Every tokenized document, in part order."""

    ids: list[str]
    """Document ids."""
    runs: list[str]
    """Run folder of each document."""
    repetitions: np.ndarray
    """Copies of each document (>= 1)."""
    part: np.ndarray
    """Index of the document's part."""
    start: np.ndarray
    """Start of the document in its part's token file (tokens)."""
    length: np.ndarray
    """Tokens of the document, separator included."""


def split_validation(ids: list[str], seed: int, fraction: float) -> np.ndarray:
    """Boolean mask of the documents held out for validation (see the module docstring)."""
    n = len(ids)
    if fraction <= 0 or n < 2:
        return np.zeros(n, dtype=bool)
    n_val = min(max(1, round(fraction * n)), n - 1)
    keys = np.fromiter((xxh3_64_intdigest(f"{seed}\0validation\0{i}".encode()) for i in ids), dtype=np.uint64, count=n)
    mask = np.zeros(n, dtype=bool)
    mask[np.argsort(keys, kind="stable")[:n_val]] = True
    return mask


def order_keys(ids: list[str], copies: np.ndarray, seed: int) -> np.ndarray:
    """The sort key of each document copy (``ids[k]``'s copy number ``copies[k]``)."""
    return np.fromiter((xxh3_64_intdigest(f"{seed}\0order\0{i}\0{c}".encode()) for i, c in zip(ids, copies.tolist())),
                       dtype=np.uint64, count=len(ids))


class PartTokens:
    """The parts' token files, memory-mapped on demand. Each open map holds a file descriptor, so at most
    ``MAX_OPEN`` stay open (least recently used closed first); copies are gathered part by part."""

    def __init__(self, paths: list, dtype: np.dtype):
        self.paths = paths
        self.dtype = dtype
        self._open: OrderedDict[int, np.ndarray] = OrderedDict()

    def __getitem__(self, k: int) -> np.ndarray:
        tokens = self._open.get(k)
        if tokens is not None:
            self._open.move_to_end(k)
            return tokens
        path = self.paths[k]
        if path.stat().st_size == 0:
            tokens = np.zeros(0, dtype=self.dtype)
        else:  # a plain ndarray view of the map: slicing it skips np.memmap's per-slice bookkeeping
            tokens = np.memmap(path, dtype=self.dtype, mode="r").view(np.ndarray)
        self._open[k] = tokens
        if len(self._open) > MAX_OPEN:
            self._open.popitem(last=False)
        return tokens


class PackMerger(PipelineStep):
    """Packs the tokenized parts into the splits' shards and writes ``index.json`` (world size 1)."""

    name = "🗃 Pack: split, shuffle, pack"
    type = "🔢 - TOKENIZER"

    def __init__(self, plan: PackPlan):
        super().__init__()
        self.plan = plan

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> None:
        if world_size != 1:
            raise ConfigError(f"pack: the packing pass runs as one task, got {world_size}")
        plan = self.plan
        if plan.layout.index.is_file():
            return
        corpus, inputs = self.read_corpus()
        held_out = split_validation(corpus.ids, plan.seed, plan.validation)
        parts = PartTokens([plan.layout.parts / f"{p.name}.ds" for p in plan.source.parts], plan.np_dtype)
        splits = {}
        for split in SPLITS:
            docs = np.flatnonzero(held_out if split == "validation" else ~held_out)
            splits[split] = self.write_split(split, corpus, docs, parts, once=(split == "validation"))
        index = {
            "format": FORMAT,
            "settings_hash": plan.settings_hash(),
            "seq_len": plan.seq_len,
            "dtype": plan.np_dtype.name,
            "sequences_per_shard": plan.sequences_per_shard,
            "seed": plan.seed,
            "validation": plan.validation,
            "tokenizer": {
                **plan.tokenizer.to_json(),
                "separator_id": plan.separator_id,
                "pad_id": plan.pad_id,
                "add_special_tokens": plan.add_special_tokens,
            },
            "source": plan.source.identity,
            "input": inputs,
            "splits": splits,
        }
        write_json(plan.layout.index, index)

    def read_corpus(self) -> tuple[Corpus, dict[str, int]]:
        """Every complete part's documents; a missing part, or a mix document found in no shard, is an error."""
        from datatrove.pipeline.tokens.merger import load_doc_ends

        plan = self.plan
        missing = [p.name for p in plan.source.parts if not part_done(plan, p).is_file()]
        if missing:
            raise ConfigError(
                f"{plan.out}: {len(missing)} part(s) not tokenized ({', '.join(missing[:SHOW])}) — "
                "the tokenization tasks did not all finish; re-run `biomedfr pack` to resume"
            )
        ids: list[str] = []
        runs: list[str] = []
        reps, part_of, starts, lengths = [], [], [], []
        inputs = {"documents": 0, "empty": 0, "unselected": 0}
        for k, part in enumerate(plan.source.parts):
            done = json.loads(part_done(plan, part).read_text(encoding="utf-8"))
            for key in inputs:
                inputs[key] += int(done.get(key, 0))
            part_ids, part_reps = read_part_docs(plan, part)
            with open(plan.layout.parts / f"{part.name}.ds.index", "rb") as f:
                ends = load_doc_ends(f).astype(np.int64)
            if ends.size != len(part_ids):
                raise ConfigError(f"{plan.layout.parts}/{part.name}: index and documents disagree — delete "
                                  f"{part_done(plan, part)} and re-run `biomedfr pack`")
            ids.extend(part_ids)
            runs.extend([part.run] * len(part_ids))
            reps.append(part_reps)
            part_of.append(np.full(len(part_ids), k, dtype=np.int32))
            starts.append(np.concatenate([[0], ends[:-1]]).astype(np.int64) if ends.size else ends)
            lengths.append(np.diff(ends, prepend=0))
        corpus = Corpus(
            ids=ids, runs=runs,
            repetitions=np.concatenate(reps) if reps else np.zeros(0, np.int64),
            part=np.concatenate(part_of) if part_of else np.zeros(0, np.int32),
            start=np.concatenate(starts) if starts else np.zeros(0, np.int64),
            length=np.concatenate(lengths) if lengths else np.zeros(0, np.int64),
        )
        if plan.source.kind == "mix":
            self._check_mix(corpus, inputs)
        if not corpus.ids:
            raise ConfigError(f"{plan.source.path}: no document with tokens to pack")
        return corpus, inputs

    def _check_mix(self, corpus: Corpus, inputs: dict[str, int]) -> None:
        """Every document the mix chose was found, once, with text (or counted as empty)."""
        chosen = mix_selection(self.plan.source.manifest, set(self.plan.source.runs))
        expected = sum(1 for run in chosen.values() for reps in run.values() if reps and reps > 0)
        found = len(corpus.ids) + inputs["empty"]
        if found != expected:
            seen = set(zip(corpus.runs, corpus.ids))
            lost = [i for run, sel in chosen.items() for i, r in sel.items() if r and (run, i) not in seen]
            raise ConfigError(
                f"{self.plan.source.manifest}: {expected} documents chosen, {found} found in the runs' curated "
                f"shards (e.g. not found: {lost[:SHOW]}) — the runs changed since the mix; re-run `biomedfr mix`"
            )

    def write_split(self, split: str, corpus: Corpus, docs: np.ndarray, parts: PartTokens,
                    once: bool) -> dict[str, Any]:
        """Write the copies of ``docs`` in their seeded order; return the split's ``index.json`` entry."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        plan = self.plan
        reps = np.ones(docs.size, dtype=np.int64) if once else corpus.repetitions[docs]
        copy_doc = np.repeat(docs, reps)
        copy_no = np.arange(copy_doc.size) - np.repeat(np.cumsum(reps) - reps, reps)
        keys = order_keys([corpus.ids[d] for d in copy_doc.tolist()], copy_no, plan.seed)
        order = np.argsort(keys, kind="stable")
        copy_doc, copy_no = copy_doc[order], copy_no[order]
        entry: dict[str, Any] = {"documents": int(docs.size), "copies": int(copy_doc.size)}
        if copy_doc.size == 0:
            return {**entry, "tokens": 0, "padding": 0, "sequences": 0, "documents_sha256": None, "shards": []}
        folder = plan.layout.split(split)
        writer = SplitWriter(folder, plan.seq_len, plan.sequences_per_shard, plan.np_dtype, plan.pad_id)
        lengths = corpus.length[copy_doc]
        stream_start = np.cumsum(lengths) - lengths
        schema = pa.schema([("id", pa.string()), ("run", pa.string()), ("copy", pa.int32()),
                            ("tokens", pa.int64()), ("start", pa.int64())])
        docs_path = folder / "documents.parquet"
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / "documents.parquet.tmp"
        with pq.ParquetWriter(tmp, schema, compression="zstd") as table_writer:
            for lo in range(0, copy_doc.size, CHUNK):
                chunk = copy_doc[lo:lo + CHUNK].tolist()
                part_of = corpus.part[chunk]
                pieces: list[np.ndarray] = [None] * len(chunk)  # type: ignore[list-item]
                for pos in np.argsort(part_of, kind="stable").tolist():  # part by part: few files open
                    d = chunk[pos]
                    pieces[pos] = parts[part_of[pos]][corpus.start[d]:corpus.start[d] + corpus.length[d]]
                writer.add(np.concatenate(pieces), lengths[lo:lo + CHUNK])
                table_writer.write_table(pa.table({
                    "id": [corpus.ids[d] for d in chunk],
                    "run": [corpus.runs[d] for d in chunk],
                    "copy": copy_no[lo:lo + CHUNK].astype(np.int32),
                    "tokens": lengths[lo:lo + CHUNK],
                    "start": stream_start[lo:lo + CHUNK],
                }, schema=schema))
        tmp.replace(docs_path)
        totals = writer.finish()
        return {**entry, "tokens": totals["tokens"], "padding": totals["padding"], "sequences": totals["sequences"],
                "documents_sha256": sha256_file(docs_path), "shards": totals["shards"]}
