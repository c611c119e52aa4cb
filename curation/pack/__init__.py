"""``biomedfr pack``: tokenize a run or a mix, pack it into fixed-length sequences for the recipes.

Two datatrove passes (see ``engine``): ``tokenize`` (N tasks, one part per curated shard, resumable
per part; ``encoder`` gives the tokenizer's exact ids, encoding each distinct word once) writes
datatrove token files; ``merge`` (one task) splits train/validation by document, writes each document
``repetitions`` times in a seeded order, cuts the stream into ``seq_len``-token sequences with
per-sequence document boundaries (``cu_seqlens``), and writes ``index.json``. The on-disk format is
documented in ``curation.pack.index``; ``curation.pack.reader.PackedDataset`` reads it.
"""
from curation.pack.index import FORMAT, read_index

__all__ = ["FORMAT", "read_index"]
