"""Pass 1 of ``pack``: tokenize every part (curated shard) in parallel datatrove tasks.

Task ``rank`` of ``world_size`` takes parts ``rank, rank + world_size, ...`` (datatrove's file
sharding) and, for each part not already complete, writes ``work/parts/<part>.ds`` and ``.ds.index``
with datatrove's ``TokenizedFile`` (so parts are ordinary datatrove token files), then
``<part>.docs.parquet`` (id, repetitions) and finally ``<part>.done.json``. A part with a
``done.json`` is skipped on re-run; a part without one is rewritten from the start. Completion is
tracked per part, not per task, so a re-run with another task count resumes too.

Each document's tokens are encoded in batches (``DocumentEncoder``: the tokenizer's own ids, each
distinct word encoded once), followed by the separator; documents with no token, and documents with 0 repetitions (or, for a mix, not chosen by
it), are not written. Repetitions stay a count here: pass 2 materialises the copies.

We do not use datatrove's ``DocumentTokenizer`` itself: it shards by task (not by input file, so it
cannot resume per shard), shuffles inside each task's file (the order must not depend on the task
count), adds EOS through the post-processor by token *text*, and keeps no document ids (needed for the
split by document and the order by id).
"""

from __future__ import annotations

from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.logging import logger

from curation.errors import ConfigError, require
from curation.pack.encoder import DocumentEncoder
from curation.pack.index import write_json
from curation.pack.plan import PackPlan
from curation.pack.source import Part, mix_selection

__all__ = ["PackTokenizer", "encode_documents", "part_done", "read_part_docs"]


def part_done(plan: PackPlan, part: Part) -> Path:
    """The completion marker of a part."""
    return plan.layout.parts / f"{part.name}.done.json"


def read_part_docs(plan: PackPlan, part: Part) -> tuple[list[str], np.ndarray]:
    """Ids and repetitions of the documents written in a complete part, in part order."""
    import pyarrow.parquet as pq

    table = pq.read_table(plan.layout.parts / f"{part.name}.docs.parquet")
    return table.column("id").to_pylist(), table.column("repetitions").to_numpy().astype(np.int64)


def encode_documents(encoder: DocumentEncoder, texts: list[str], separator_id: int,
                     dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """Tokens of ``texts`` concatenated, each followed by ``separator_id``, and each text's length
    (separator included). Texts with no token get length 0 and contribute nothing (not even a separator)."""
    ids = encoder.encode(texts)
    n = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    total = int(n.sum())
    kept = n > 0
    flat = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=total)
    out = np.full(total + int(kept.sum()), separator_id, dtype=dtype)
    # position of each token: its index in ``flat`` plus one separator per earlier non-empty document
    seps_before = np.cumsum(kept) - kept
    out[np.arange(total) + np.repeat(seps_before, n)] = flat
    return out, np.where(kept, n + 1, 0)


def _repetitions(values: list[Any], ids: list[str], part: Part) -> list[int]:
    out = []
    for value, doc_id in zip(values, ids):
        reps = 1 if value is None else value
        if not isinstance(reps, (int, np.integer)) or isinstance(reps, bool) or reps < 0:
            raise ConfigError(f"{part.path}: document {doc_id!r} has repetitions {value!r} — expected an integer >= 0")
        out.append(int(reps))
    return out


class PackTokenizer(PipelineStep):
    """Tokenizes this task's parts (skipping complete ones) into datatrove token files."""

    name = "🔢 Pack: tokenize"
    type = "🔢 - TOKENIZER"

    def __init__(self, plan: PackPlan):
        super().__init__()
        self.plan = plan

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> None:
        plan = self.plan
        todo = [p for p in plan.source.parts[rank::world_size] if not part_done(plan, p).is_file()]
        self.stat_update("parts_skipped", value=len(plan.source.parts[rank::world_size]) - len(todo))
        if not todo:
            return
        tokenizers = require("tokenizers", "train", "biomedfr pack (HF fast tokenizers)")
        backend = tokenizers.Tokenizer.from_file(plan.tokenizer_file)
        backend.no_truncation()
        backend.no_padding()
        encoder = DocumentEncoder(backend, plan.add_special_tokens)
        selection = mix_selection(plan.source.manifest, {p.run for p in todo}) if plan.source.kind == "mix" else None
        for part in todo:
            with self.track_time(unit="part"):
                self.tokenize_part(encoder, part, None if selection is None else selection[part.run])
            self.stat_update("parts_tokenized")
        for way, count in encoder.stats.items():
            self.stat_update(f"encoded_{way}", value=count)
        if not encoder.enabled:
            logger.info(f"pack: documents encoded by the tokenizer directly ({encoder.reason})")

    def tokenize_part(self, encoder: DocumentEncoder, part: Part, chosen: dict[str, int] | None) -> None:
        """Tokenize one curated shard; ``chosen``: a mix's repetitions by id (None: the documents' own)."""
        import pyarrow as pa
        import pyarrow.parquet as pq
        from datatrove.pipeline.tokens.tokenizer import TokenizedFile

        plan = self.plan
        dtype = plan.np_dtype
        folder = plan.layout.parts
        folder.mkdir(parents=True, exist_ok=True)
        shard = pq.ParquetFile(part.path)
        names = set(shard.schema_arrow.names)
        if not {"id", "text"} <= names:
            raise ConfigError(f"{part.path}: not a curated shard (no id/text columns)")
        columns = ["id", "text"] + (["repetitions"] if chosen is None and "repetitions" in names else [])
        out = TokenizedFile(str(folder), f"{part.name}.ds", save_index=True, token_size=dtype.itemsize,
                            save_final_metadata=False)
        encoder.start_part()
        kept_ids: list[str] = []
        kept_reps: list[int] = []
        counts = {"documents": 0, "empty": 0, "unselected": 0}
        for batch in shard.iter_batches(batch_size=plan.batch_size, columns=columns):
            ids = batch.column("id").to_pylist()
            texts = batch.column("text").to_pylist()
            if chosen is not None:
                reps = [chosen.get(i, 0) for i in ids]
            elif "repetitions" in columns:
                reps = batch.column("repetitions").to_pylist()
            else:
                reps = [1] * len(ids)
            reps = _repetitions(reps, ids, part)
            counts["documents"] += len(ids)
            wanted = [k for k, r in enumerate(reps) if r > 0]
            counts["unselected"] += len(ids) - len(wanted)
            if not wanted:
                continue
            tokens, lengths = encode_documents(encoder, [texts[k] or "" for k in wanted], plan.separator_id, dtype)
            nonempty = lengths > 0
            counts["empty"] += int((~nonempty).sum())
            lengths = lengths[nonempty]
            out.write_bytes(tokens.tobytes(), doc_ends=np.cumsum(lengths).tolist())
            kept_ids.extend(ids[k] for k, keep in zip(wanted, nonempty) if keep)
            kept_reps.extend(reps[k] for k, keep in zip(wanted, nonempty) if keep)
            self.stat_update("documents", value=int(nonempty.sum()))
            self.stat_update("tokens", value=int(tokens.size))
        out.close()
        docs = pa.table({"id": pa.array(kept_ids, pa.string()), "repetitions": pa.array(kept_reps, pa.int32())})
        docs_path = folder / f"{part.name}.docs.parquet"
        pq.write_table(docs, docs_path.with_name(docs_path.name + ".tmp"), compression="zstd")
        docs_path.with_name(docs_path.name + ".tmp").replace(docs_path)
        write_json(part_done(plan, part), {
            "part": part.name,
            "shard": part.path,
            "tokenize_hash": plan.tokenize_hash(),
            "written": len(kept_ids),
            "tokens": out.write_idx,
            **counts,
        })
