"""Normalised words and the 64-bit hashes of their contiguous word sequences (n-grams).

Normalisation (``Normalization``): by default ``curation.text.normalize.normalize_for_match`` (NFKD,
lowercase, diacritics removed, every non-alphanumeric character -> space, digits kept), the same rule
as the fidelity check; with ``strip_accents: false``, ``curation.dedup.normalize.normalize_text``
(NFKC, lowercase, punctuation/symbols -> space, diacritics kept). ``numbers: zero`` first replaces
every number (``12``, ``0,5``, ``3.14``) by ``0`` (datatrove's ``norm_numbers`` pattern). Words are the
whitespace-separated tokens of the normalised text. This is datatrove's ``simplify_text`` in effect
(lowercase, punctuation to spaces, diacritics removed) followed by a whitespace split instead of its
spaCy word tokenizer: once punctuation is a space, French words split the same way
(``l'adrénaline`` -> ``l adrenaline``) and the split is ~40x faster (spaCy: 6 ms for 300 words).

Hashing: each word is hashed once (``xxh3_64`` of its UTF-8 bytes, seed 0 — a function fixed by its
specification, so indexes stay valid across processes and releases); the hash of a word sequence
``w_0 .. w_{L-1}`` is the polynomial ``sum_j h(w_j) * P^(L-1-j) mod 2^64`` with a fixed odd ``P``. Its
value does not depend on where the sequence sits in a text, and every sequence of a document, of any
length ``L``, is computed with three vectorised operations from prefix sums::

    S[j] = sum_{k<j} h(w_k) * Q^k      (Q = P^-1 mod 2^64, which exists because P is odd)
    H(i, L) = P^(i+L-1) * (S[i+L] - S[i])

so cutting a 300-word document into 13-grams (and into the shorter lengths of whole short items) costs
a few numpy calls instead of one Python string join and hash per n-gram (datatrove's way). Two distinct
sequences of the same length collide with probability about 2^-64 (the difference of their hashes is a
sum of independent 64-bit word-hash differences times invertible powers of P).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
from xxhash import xxh3_64_intdigest

from curation.decontam.config import Normalization

__all__ = [
    "HASH_SCHEME",
    "normalization_tag",
    "normalizer",
    "sequence_hash",
    "window_hashes",
    "windows_of_lengths",
    "word_hashes",
]

HASH_SCHEME = "xxh3_64-words/poly-2^64/1"
"""Recorded in the index: hashes from another scheme never mix."""

_P = 0x9E3779B97F4A7C15  # odd (golden-ratio constant): invertible mod 2^64
_Q = pow(_P, -1, 1 << 64)
_MASK = (1 << 64) - 1
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


class _Powers:
    """``P^k`` and ``Q^k`` mod 2^64 as uint64 arrays, grown on demand (shared by every call)."""

    def __init__(self) -> None:
        self.p = np.ones(1, dtype=np.uint64)
        self.q = np.ones(1, dtype=np.uint64)

    def upto(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Arrays holding at least ``size`` powers each."""
        if size > self.p.size:
            new = max(size, 2 * self.p.size, 1024)
            p, q = [1] * new, [1] * new
            for k in range(1, new):
                p[k] = (p[k - 1] * _P) & _MASK
                q[k] = (q[k - 1] * _Q) & _MASK
            self.p, self.q = np.array(p, dtype=np.uint64), np.array(q, dtype=np.uint64)
        return self.p, self.q


_POWERS = _Powers()


def normalization_tag(config: Normalization) -> str:
    """A short stable description of a normalisation, recorded in the index."""
    return f"{'noaccents' if config.strip_accents else 'accents'}-lower-nopunct-ws-numbers_{config.numbers}/1"


def normalizer(config: Normalization) -> Callable[[str], list[bytes]]:
    """The function text -> normalised words (UTF-8 bytes, what is hashed) for ``config``."""
    if config.strip_accents:
        from curation.text.normalize import normalize_for_match

        def words_of(text: str) -> list[bytes]:
            return normalize_for_match(text).encode("utf-8").split()
    else:
        from curation.dedup.normalize import normalize_text

        def words_of(text: str) -> list[bytes]:
            return normalize_text(text).encode("utf-8").split()

    if config.numbers == "zero":
        def normalize(text: str) -> list[bytes]:
            return words_of(_NUMBER.sub("0", text))

        return normalize
    return words_of


def word_hashes(words: list[bytes]) -> np.ndarray:
    """``xxh3_64`` of each word's UTF-8 bytes (uint64 array)."""
    return np.fromiter(map(xxh3_64_intdigest, words), dtype=np.uint64, count=len(words))


def _prefix(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``S`` (length m + 1) and the powers of P covering it."""
    m = hashes.size
    p, q = _POWERS.upto(m + 1)
    prefix = np.zeros(m + 1, dtype=np.uint64)
    np.cumsum(hashes * q[:m], out=prefix[1:])  # uint64 arithmetic wraps mod 2^64
    return prefix, p


def window_hashes(hashes: np.ndarray, length: int) -> np.ndarray:
    """Hash of every contiguous run of ``length`` words (``m - length + 1`` values; none if shorter)."""
    m = hashes.size
    if length < 1 or m < length:
        return np.zeros(0, dtype=np.uint64)
    prefix, p = _prefix(hashes)
    return p[length - 1 : m] * (prefix[length:] - prefix[: m - length + 1])


def windows_of_lengths(hashes: np.ndarray, lengths: list[int]) -> list[np.ndarray]:
    """``window_hashes`` for several lengths, sharing one prefix sum."""
    m = hashes.size
    out = []
    prefix = p = None
    for length in lengths:
        if length < 1 or m < length:
            out.append(np.zeros(0, dtype=np.uint64))
            continue
        if prefix is None:
            prefix, p = _prefix(hashes)
        out.append(p[length - 1 : m] * (prefix[length:] - prefix[: m - length + 1]))
    return out


def sequence_hash(words: list[bytes]) -> int:
    """Hash of one whole word sequence (equal to its ``window_hashes`` value at any position)."""
    value = 0
    for word in words:
        value = (value * _P + xxh3_64_intdigest(word)) & _MASK
    return value
