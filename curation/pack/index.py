"""``index.json``: the description of a finished pack, what readers check before they read a token.

Written last (atomically), so a folder with ``index.json`` holds a complete pack. Layout (``FORMAT``
``biomedfr.pack/1``)::

    {
      "format": "biomedfr.pack/1",
      "settings_hash": "<sha256 of the settings below + source + tokenizer>",
      "seq_len": 8192,                  tokens per sequence
      "dtype": "uint16",                 token dtype (little-endian): uint16 if vocab_size <= 65535 else uint32
      "sequences_per_shard": 4096,       every shard but the last of a split holds exactly this many
      "seed": 0,
      "validation": 0.005,               share of documents held out (unique documents, before repetitions)
      "tokenizer": {"name_or_path", "vocab_size", "vocab_sha256", "tokenizer_json_sha256",
                    "eos_token", "eos_id", "separator_id", "pad_id", "add_special_tokens"},
      "source": {"kind": "run"|"mix", "path", "config_hash", ["name"] | ["manifest_sha256", "runs": [...]]},
      "input": {"documents", "empty", "unselected"},   documents read / skipped (no tokens) / repetitions 0 or not in the mix
      "splits": {
        "train"|"validation": {
          "documents": unique documents, "copies": documents written (repetitions applied),
          "tokens": real tokens (separators included), "padding": pad tokens (last sequence only),
          "sequences": N, "documents_sha256": sha256 of documents.parquet,
          "shards": [{"name": "00000", "sequences", "tokens", "padding",
                      "sha256": {"00000.ds": ..., "00000.ds.index": ..., "00000.cu_seqlens.npy": ...,
                                 "00000.cu_offsets.npy": ...}}]
        }
      }
    }

Shard files of ``<out>/<split>/``, for shard ``NNNNN`` holding ``n`` sequences of ``L = seq_len`` tokens:

- ``NNNNN.ds``: ``n * L`` tokens, raw little-endian ``dtype``, no header (datatrove's .ds layout):
  ``np.memmap(path, dtype, mode="r").reshape(n, L)``.
- ``NNNNN.ds.index``: uint64 little-endian, the end (exclusive, in tokens from the start of the
  shard) of every document copy that ends in this shard (datatrove's .ds.index layout; a copy cut by
  the end of the shard ends in the next one).
- ``NNNNN.cu_seqlens.npy`` (int32) and ``NNNNN.cu_offsets.npy`` (int64, ``n + 1`` values): sequence
  ``i``'s boundaries are ``cu_seqlens[cu_offsets[i]:cu_offsets[i + 1]]`` = ``[0, e1, ..., length_i]``,
  the cumulative lengths of the document pieces it holds (flash-attention's ``cu_seqlens``).
  ``length_i`` is ``L`` except for the last sequence of a split, whose tail ``[length_i, L)`` is
  padding (``pad_id``). A document cut by a sequence end is a piece of both sequences.

Every document copy is its tokens followed by ``separator_id``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from curation.errors import ConfigError

__all__ = ["FORMAT", "read_index", "write_json"]

FORMAT = "biomedfr.pack/1"
"""Format id of ``index.json``; bumped on an incompatible change."""


def write_json(path: str | Path, payload: dict[str, Any]) -> None:
    """Write ``payload`` as indented JSON under a temporary name, then rename it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_index(folder: str | Path) -> dict[str, Any]:
    """``index.json`` of a pack folder; a folder without it is not a (finished) pack."""
    path = Path(folder) / "index.json"
    if not path.is_file():
        raise ConfigError(f"{folder}: no index.json — not a finished `biomedfr pack` output")
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid JSON ({exc}) — re-run `biomedfr pack`") from None
    if index.get("format") != FORMAT:
        raise ConfigError(f"{path}: format {index.get('format')!r}, this biomedfr reads {FORMAT!r}")
    return index
