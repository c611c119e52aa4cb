"""The decontamination index: 64-bit hashes of every evaluation item's n-grams, and who they came from.

Built once from the evaluation sets, saved, then loaded (memory-mapped) by every task that scans the
corpus. Each entry is one (hash, item, length) triple, sorted by hash:

- ``length == n``: an ``n``-word window of one of the item's sequences (``eval_sets.EvalItem``);
- ``length < n``: a whole sequence shorter than ``n`` words (and at least ``min_item_words``), matched
  only as that exact contiguous word sequence. A document matches such an item when some run of
  ``length`` consecutive words of the document hashes to it: sharing a few of its words is not enough.

A document is scanned by hashing its windows of length ``n`` and of every short length present in
the index (``ngrams.windows_of_lengths``: one prefix sum, a few vectorised operations per length) and
looking them all up with one ``numpy.searchsorted``; only hits go through Python.

Layout of an index folder (what ``save`` writes and ``load`` reads)::

    hashes.npy     uint64, sorted            the n-gram / whole-sequence hashes
    items.npy      uint32                    the item each entry comes from (row of the items table)
    lengths.npy    uint8                     words hashed: n, or the whole sequence's length
    prefilter.npy  uint8, 2^b bits           bit ``h >> (64 - b)`` set for every hash ``h`` (``build_prefilter``)
    index.json     format, hash scheme, n, normalisation, fingerprint, per set: file digest, counts,
                   and the item ids (the items table: set by set, in file order)

About 17 to 21 bytes per entry (13, plus the prefilter's 4 to 8) and the ids: 10 000 FrenchMedMCQA-sized
items (~40 words with their options, the labelled variant, question + answer) make about 600 000 entries,
11 MB. ``index.json`` is written last; the folder is written under a temporary
name and renamed, so a task never loads half an index, and concurrent builders keep the first one.

Compared with datatrove's ``NGramsDecontIndexer``/``NGramsDecontFilter`` (lighteval tasks; one
``.index.hashes`` file of bare hashes per task; spaCy word tokenizer; one Python join and hash per
n-gram of every document; a Python dict of every hash at load): evaluation sets are read from local
files with a field mapping, each hash keeps the items it came from (for the report), items shorter
than ``n`` are matched whole instead of never, and the index is a sorted array memory-mapped by every
task. The text normalisation is the same in effect (``ngrams`` explains the small differences).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from curation.decontam.config import DecontamSettings, EvalSetConfig, Normalization
from curation.decontam.eval_sets import items_of, read_records, resolve_eval_path
from curation.decontam.ngrams import (
    HASH_SCHEME,
    normalization_tag,
    normalizer,
    window_hashes,
    windows_of_lengths,
    word_hashes,
)
from curation.errors import ConfigError

__all__ = ["INDEX_FORMAT", "SIDECAR", "DecontamIndex", "Match", "build_index", "load_index", "load_or_build"]

INDEX_FORMAT = 1
SIDECAR = "index.json"
_ARRAYS = {"hashes": np.uint64, "items": np.uint32, "lengths": np.uint8}


@dataclass(frozen=True, slots=True)
class Match:
    """One evaluation item found in a document: its longest match (the earliest among equals)."""

    set: str
    """Evaluation set name."""
    item: str
    """Item id."""
    start: int
    """Position (in normalised words) of the first matched window in the document."""
    length: int
    """Words matched: ``n``, or the length of a whole short item sequence."""
    ngram: str
    """The matched normalised words."""

    @property
    def ref(self) -> str:
        """``set:item``, as written in ``decontam_matches``."""
        return f"{self.set}:{self.item}"


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(settings: DecontamSettings, base_dir: Path | None) -> str:
    """Digest of everything that decides the index's content (eval files by content, not by path)."""
    sets = []
    for s in settings.eval_sets:
        path = resolve_eval_path(s.path, base_dir)
        if not path.is_file():
            raise ConfigError(f"eval set {s.name!r}: {path}: file not found — fix the path "
                              "(relative paths: to the config file's folder)")
        sets.append({"name": s.name, "format": s.resolved_format(), "fields": s.fields.model_dump(),
                     "include_options": s.include_options, "option_labels": s.option_labels,
                     "include_answer": s.include_answer,
                     "sha256": _file_sha256(path)})
    payload = {"format": INDEX_FORMAT, "hash": HASH_SCHEME, "n": settings.n, "min_item_words": settings.min_item_words,
               "normalization": normalization_tag(settings.normalization), "sets": sets}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class DecontamIndex:
    """Sorted n-gram hashes of the evaluation items, with the item and length of each; see the module."""

    def __init__(self, hashes: np.ndarray, items: np.ndarray, lengths: np.ndarray, meta: dict,
                 prefilter: np.ndarray | None = None):
        self.hashes, self.items, self.lengths = hashes, items, lengths
        bits = int(meta.get("prefilter_bits") or prefilter_bits(hashes.size))
        meta["prefilter_bits"] = bits
        self._shift = np.uint64(64 - bits)
        self.prefilter = prefilter if prefilter is not None else build_prefilter(hashes, bits)
        """One bit per value of a hash's top ``prefilter_bits`` bits, set when some entry has it."""
        self.meta = meta
        """The sidecar: ``n``, ``normalization``, ``fingerprint``, ``sets`` (summaries and item ids)."""
        self.n: int = meta["n"]
        self.normalization = Normalization.model_validate(meta["normalization"])
        self._words = normalizer(self.normalization)
        self.set_names: list[str] = [s["name"] for s in meta["sets"]]
        self._offsets = np.array([s["offset"] for s in meta["sets"]], dtype=np.int64)
        self._ids: list[str] = [i for s in meta["sets"] for i in s["ids"]]
        short = sorted({int(v) for v in meta.get("short_lengths", [])})
        self.lookup_lengths: list[int] = [self.n, *[v for v in short if v < self.n]]
        """Window lengths a document is cut into: ``n`` and each length of a whole short sequence."""

    def __len__(self) -> int:
        return int(self.hashes.size)

    @property
    def fingerprint(self) -> str:
        """Digest of the sets, n and normalisation the index was built from."""
        return self.meta["fingerprint"]

    def item(self, row: int) -> tuple[str, str]:
        """``(set name, item id)`` of a row of the items table."""
        k = int(np.searchsorted(self._offsets, row, side="right")) - 1
        return self.set_names[k], self._ids[row]

    def summary(self) -> list[dict]:
        """Per evaluation set: name, path, counts (without the item ids)."""
        return [{k: v for k, v in s.items() if k not in ("ids", "offset")} for s in self.meta["sets"]]

    # --- matching --------------------------------------------------------------------------------
    def matches(self, text: str) -> list[Match]:
        """Every item sharing an n-gram (or a whole short sequence) with ``text``, once, in document order."""
        size = self.hashes.size
        if not size or not text:
            return []
        words = self._words(text)
        lengths = [v for v in self.lookup_lengths if v <= len(words)]
        if not lengths:
            return []
        windows = windows_of_lengths(word_hashes(words), lengths)
        queries = windows[0] if len(windows) == 1 else np.concatenate(windows)
        top = queries >> self._shift
        maybe = np.flatnonzero((self.prefilter[top >> np.uint64(3)] >> (top & np.uint64(7))) & np.uint64(1))
        if not maybe.size:
            return []
        pos = np.searchsorted(self.hashes, queries[maybe])
        np.minimum(pos, size - 1, out=pos)
        hit = self.hashes[pos] == queries[maybe]
        if not hit.any():
            return []
        starts = np.cumsum([0] + [w.size for w in windows])
        found: dict[int, Match] = {}
        for q, j in zip(maybe[hit].tolist(), pos[hit].tolist()):
            k = int(np.searchsorted(starts, q, side="right")) - 1
            length, start = lengths[k], q - int(starts[k])
            value = queries[q]
            while j < size and self.hashes[j] == value:
                row = int(self.items[j])
                if int(self.lengths[j]) == length and (row not in found or length > found[row].length):
                    name, item_id = self.item(row)
                    ngram = b" ".join(words[start : start + length]).decode("utf-8", "replace")
                    found[row] = Match(name, item_id, start, length, ngram)
                j += 1
        return sorted(found.values(), key=lambda m: (m.start, m.set, m.item))

    # --- persistence -----------------------------------------------------------------------------
    def save(self, folder: str | Path) -> Path:
        """Write the index to ``folder`` (atomically); an index already there is kept (see the module)."""
        folder = Path(folder)
        if (folder / SIDECAR).is_file():
            return folder
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise ConfigError(f"{folder}: exists and is not a decontamination index (no {SIDECAR}) — "
                              "choose an empty or new folder for the index")
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = folder.parent / f".{folder.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        tmp.mkdir()
        try:
            for name, dtype in _ARRAYS.items():
                np.save(tmp / f"{name}.npy", np.ascontiguousarray(getattr(self, name), dtype=dtype))
            np.save(tmp / "prefilter.npy", np.ascontiguousarray(self.prefilter, dtype=np.uint8))
            (tmp / SIDECAR).write_text(json.dumps(self.meta, ensure_ascii=False, indent=1), encoding="utf-8")
            try:
                os.rename(tmp, folder)
            except OSError:
                if not (folder / SIDECAR).is_file():  # not a concurrent builder's index: a real problem
                    raise
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        return folder

    def check(self, settings: DecontamSettings, base_dir: Path | None, where: str) -> None:
        """Refuse an index built from other evaluation sets, ``n`` or normalisation than ``settings`` say."""
        if settings.eval_sets:
            if fingerprint(settings, base_dir) != self.fingerprint:
                raise ConfigError(
                    f"{where}: this index was built from other evaluation sets or settings "
                    f"(sets {', '.join(self.set_names)}, n={self.n}) than the config gives — delete the folder to "
                    "rebuild it, or point `index` to another folder"
                )
            return
        given = settings.model_fields_set
        for key, mine, theirs in (
            ("n", settings.n, self.n),
            ("min_item_words", settings.min_item_words, self.meta["min_item_words"]),
            ("normalization", normalization_tag(settings.normalization), normalization_tag(self.normalization)),
        ):
            if key in given and mine != theirs:
                raise ConfigError(f"{where}: the index was built with {key}={theirs!r}, the config says {mine!r} — "
                                  f"drop `{key}` from the config or rebuild the index")


def load_index(folder: str | Path, mmap: bool = True) -> DecontamIndex:
    """Load a saved index; the arrays are memory-mapped (shared by the tasks of a machine) unless ``mmap`` is False."""
    folder = Path(folder)
    sidecar = folder / SIDECAR
    if not sidecar.is_file():
        raise ConfigError(f"{folder}: no decontamination index here ({SIDECAR} missing) — build one with "
                          "`biomedfr decontaminate --eval FILE ... --index FOLDER` or give `eval_sets`")
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    if meta.get("format") != INDEX_FORMAT or meta.get("hash") != HASH_SCHEME:
        raise ConfigError(f"{folder}: index format {meta.get('format')!r} / hash {meta.get('hash')!r} is not "
                          f"{INDEX_FORMAT} / {HASH_SCHEME!r} — rebuild it with this version")
    arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r" if mmap else None) for name in _ARRAYS}
    if not arrays["hashes"].size == arrays["items"].size == arrays["lengths"].size:
        raise ConfigError(f"{folder}: the index arrays have different lengths — rebuild it")
    prefilter = np.load(folder / "prefilter.npy", mmap_mode="r" if mmap else None)
    if prefilter.size != _prefilter_size(int(meta["prefilter_bits"])):
        raise ConfigError(f"{folder}: prefilter.npy does not match index.json — rebuild the index")
    return DecontamIndex(arrays["hashes"], arrays["items"], arrays["lengths"], meta, prefilter)


def prefilter_bits(entries: int) -> int:
    """Top hash bits the prefilter is indexed by: 32 to 64 bit slots per entry (at most ~3 % false positives)."""
    return min(36, max(10, int(entries).bit_length() + 5))


def _prefilter_size(bits: int) -> int:
    return (1 << bits) >> 3


def build_prefilter(hashes: np.ndarray, bits: int) -> np.ndarray:
    """The prefilter of ``hashes``: bit ``h >> (64 - bits)`` set for every entry ``h``.

    A document's windows are first looked up here (one vectorised gather): only the few that pass are
    binary-searched in ``hashes``, whose random accesses miss the CPU cache (a plain ``searchsorted`` of
    every window costs several times more on a 10 000-item index).
    """
    top = np.unique(np.asarray(hashes, dtype=np.uint64) >> np.uint64(64 - bits))
    prefilter = np.zeros(_prefilter_size(bits), dtype=np.uint8)
    np.bitwise_or.at(prefilter, (top >> np.uint64(3)).astype(np.intp),
                     np.left_shift(1, (top & np.uint64(7)).astype(np.uint8)).astype(np.uint8))
    return prefilter


def _check_mapping(config: EvalSetConfig, base_dir: Path | None, records: int, seen: dict[str, int]) -> None:
    """A mapped field found in no record is a mapping mistake: say which keys the records have."""
    missing = [k for k, count in seen.items() if count == 0 and k != "id"]
    if records and missing:
        first = next(iter(read_records(config, base_dir)))
        raise ConfigError(
            f"eval set {config.name!r}: field(s) {', '.join(f'{k}={getattr(config.fields, k)!r}' for k in missing)} "
            f"found in none of its {records} records — fix `fields:` (the first record has keys: "
            f"{', '.join(sorted(first))})"
        )


def build_index(settings: DecontamSettings, base_dir: Path | None = None) -> DecontamIndex:
    """Index every item of ``settings.eval_sets`` (relative paths: to ``base_dir``)."""
    n, min_words = settings.n, settings.min_item_words
    words_of = normalizer(settings.normalization)
    chunks_h: list[np.ndarray] = []
    chunks_i: list[np.ndarray] = []
    chunks_l: list[np.ndarray] = []
    sets_meta = []
    row = 0
    for config in settings.eval_sets:
        ids: list[str] = []
        seen: dict[str, int] = {}
        counts = {"records": 0, "indexed_items": 0, "whole_items": 0, "skipped_items": 0, "entries": 0}
        offset = row
        for item in items_of(config, base_dir, seen):
            counts["records"] += 1
            grams: list[np.ndarray] = []
            whole: dict[int, int] = {}
            for sequence in item.sequences:
                words = words_of(sequence)
                if len(words) >= n:
                    grams.append(window_hashes(word_hashes(words), n))
                elif len(words) >= min_words:
                    whole[int(window_hashes(word_hashes(words), len(words))[0])] = len(words)
            if not grams and not whole:
                counts["skipped_items"] += 1
                continue
            hashes = np.unique(np.concatenate(grams)) if grams else np.zeros(0, np.uint64)
            short = np.fromiter(whole, dtype=np.uint64, count=len(whole))
            chunks_h += [hashes, short]
            chunks_l += [np.full(hashes.size, n, np.uint8), np.fromiter(whole.values(), np.uint8, len(whole))]
            chunks_i.append(np.full(hashes.size + short.size, row, np.uint32))
            counts["indexed_items"] += 1
            counts["whole_items"] += bool(whole)
            counts["entries"] += hashes.size + short.size
            ids.append(item.id)
            row += 1
        _check_mapping(config, base_dir, counts["records"], seen)
        counts["duplicate_ids"] = len(ids) - len(set(ids))
        sets_meta.append({"name": config.name, "path": config.path, "format": config.resolved_format(), **counts,
                          "offset": offset, "ids": ids})
    hashes = np.concatenate(chunks_h) if chunks_h else np.zeros(0, np.uint64)
    items = np.concatenate(chunks_i) if chunks_i else np.zeros(0, np.uint32)
    lengths = np.concatenate(chunks_l) if chunks_l else np.zeros(0, np.uint8)
    order = np.lexsort((lengths, items, hashes))
    hashes, items, lengths = hashes[order], items[order], lengths[order]
    meta = {
        "format": INDEX_FORMAT, "hash": HASH_SCHEME, "n": n, "min_item_words": min_words,
        "normalization": settings.normalization.model_dump(), "normalization_tag": normalization_tag(settings.normalization),
        "fingerprint": fingerprint(settings, base_dir), "entries": int(hashes.size),
        "short_lengths": sorted({int(v) for v in np.unique(lengths) if v < n}), "sets": sets_meta,
    }
    return DecontamIndex(hashes, items, lengths, meta)


def load_or_build(settings: DecontamSettings, base_dir: Path | None = None) -> DecontamIndex:
    """The index ``settings`` describe: loaded from ``index`` when saved there, else built (and saved there)."""
    if settings.index:
        folder = resolve_eval_path(settings.index, base_dir)
        if (folder / SIDECAR).is_file():
            index = load_index(folder)
            index.check(settings, base_dir, str(folder))
            return index
        if not settings.eval_sets:
            raise ConfigError(f"index {folder}: no saved index there and no `eval_sets` to build it from — "
                              "fix the path or add eval_sets")
        build_index(settings, base_dir).save(folder)
        index = load_index(folder)
        index.check(settings, base_dir, str(folder))  # a concurrent builder with other settings got there first
        return index
    return build_index(settings, base_dir)
