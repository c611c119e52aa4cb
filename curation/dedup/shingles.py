"""Word shingles of a normalised text, hashed to uint64, and the exact Jaccard of two shingle sets.

A shingle is ``n`` consecutive words of ``normalize_text(text)`` joined by single spaces; its hash is
``xxh3_64`` of the shingle's UTF-8 bytes (seed 0), a function fixed by its specification, so the same
text gives the same hashes in every process, on every platform and in every later run. A document
keeps each shingle hash once (a sorted array of unique values). A text of fewer than ``n`` words has
one shingle, all of its words; a text without words has none, and is never anyone's duplicate.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from xxhash import xxh3_64_intdigest

from curation.dedup.normalize import normalize_text

SHINGLE_HASH = "xxh3_64"
"""Name of the shingle hash, recorded in signature files and in the persistent index."""

EMPTY = np.zeros(0, dtype=np.uint64)


def shingles_of(normalized: str, ngram: int) -> list[bytes]:
    """The word ``ngram``-grams of an already normalised text as UTF-8 bytes, in text order (repeats included)."""
    words = normalized.encode("utf-8").split(b" ") if normalized else []
    if len(words) < ngram:
        return [b" ".join(words)] if words else []
    return list(map(b" ".join, zip(*(words[i:] for i in range(ngram)))))


def shingle_bytes(text: str, ngram: int) -> list[bytes]:
    """The distinct shingles of a raw text as UTF-8 byte strings, sorted (what a reference MinHash is fed)."""
    return sorted(set(shingles_of(normalize_text(text), ngram)))


def sorted_unique(hashes: np.ndarray) -> np.ndarray:
    """The distinct values of a uint64 array, sorted (``np.unique`` without its per-call overhead)."""
    hashes = np.sort(hashes)
    if hashes.size > 1:
        first = np.empty(hashes.size, dtype=bool)
        first[0] = True
        np.not_equal(hashes[1:], hashes[:-1], out=first[1:])
        if not first.all():
            hashes = hashes[first]
    return hashes


def hash_shingles(shingles: Iterable[bytes]) -> np.ndarray:
    """Sorted unique uint64 hashes of shingle byte strings."""
    return sorted_unique(np.fromiter(map(xxh3_64_intdigest, shingles), dtype=np.uint64))


def text_shingles(text: str, ngram: int) -> np.ndarray:
    """Sorted unique uint64 shingle hashes of a raw text (normalised first)."""
    return hash_shingles(shingles_of(normalize_text(text), ngram))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted unique shingle arrays; 0.0 when either is empty."""
    if a.size == 0 or b.size == 0:
        return 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)
