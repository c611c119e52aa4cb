"""Evaluation-set decontamination (``biomedfr decontaminate`` and the ``decontaminate`` step).

A corpus document is contaminated when it shares a normalised word n-gram (default 13 words) with an
evaluation item; an item sequence shorter than n words is matched whole, as a contiguous word sequence.

- ``config``: the evaluation sets (file, format, field mapping), ``n``, ``mode``, normalisation.
- ``eval_sets``: reading JSONL/JSON/CSV/Parquet evaluation files into items and their word sequences.
- ``ngrams``: normalised words and the 64-bit hashes of their windows (vectorised rolling hash).
- ``index``: the sorted hash array with the item of each hash; build, save, load, match.
- ``report``: matches per evaluation set (documents, items, examples) as JSON and a rich table.
- ``cli``: the ``decontaminate`` command function.

The recipe step lives in ``curation.steps.decontaminate``.
"""

from curation.decontam.config import DecontamConfig, DecontamSettings, EvalSetConfig, FieldMap, Normalization
from curation.decontam.index import DecontamIndex, Match, build_index, load_index, load_or_build

__all__ = [
    "DecontamConfig",
    "DecontamIndex",
    "DecontamSettings",
    "EvalSetConfig",
    "FieldMap",
    "Match",
    "Normalization",
    "build_index",
    "load_index",
    "load_or_build",
]
