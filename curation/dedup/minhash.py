"""MinHash signatures, vectorised over every permutation and a whole batch of documents at once.

A signature holds, for each of ``num_perm`` hash permutations ``h_i``, the minimum of ``h_i`` over a
document's shingle hashes; two documents agree on one position with probability equal to the Jaccard
similarity of their shingle sets. Two permutation families are implemented, both exact (no silent
overflow: every product either fits in 64 bits or wraps by definition) and both seeded from ``xxh3_64``
of fixed strings, so a ``(seed, family)`` pair gives the same permutations in every process, on every
platform and with every numpy version (no random generator stream is involved):

``affine32`` (default)
    ``h_i(x) = (a_i * x + b_i) mod 2^32`` with ``a_i`` odd, applied to the high 32 bits of the
    shingle's ``xxh3_64`` hash. An odd ``a_i`` makes ``h_i`` a bijection of the 32-bit words, so the
    permutation introduces no collisions; the modulus is the wrap-around of numpy's ``uint32``
    arithmetic, exact by definition. This is the construction datasketch 2.x uses by default
    (``scheme="affine32"``; its MurmurHash finaliser pre-mix is not needed here because the inputs
    are already ``xxh3`` outputs). It is 2-universal, not provably min-wise independent: its accuracy
    is checked empirically (Jaccard estimates unbiased, LSH recall on labelled pairs — see
    ``bench/minhash.py`` and the tests). Signatures are ``uint32``; 9-13x the throughput of
    ``datasketch.MinHash(num_perm=128).update_batch`` per document (``bench/minhash.py``).
``mersenne61``
    The textbook universal family ``h_i(x) = (a_i * x + b_i) mod p`` with the Mersenne prime
    ``p = 2^61 - 1``, ``a_i`` in ``[1, p)``, ``b_i`` in ``[0, p)`` and ``x`` the 64-bit shingle hash
    reduced mod ``p``. The 122-bit product is never formed: ``a`` and ``x`` are split into 32-bit limbs
    and the partial products are folded with ``2^61 = 1 (mod p)`` (see ``_mersenne_affine``), exactly
    (property-tested against Python integers). Signatures are ``uint64``; about 10x slower than
    ``affine32`` (some 20 vectorised passes per value instead of 2), about datasketch's speed.

``band_keys`` hashes each band of ``rows`` signature positions into one uint64 bucket key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from xxhash import xxh3_64_intdigest

from curation.errors import ConfigError

Permutation = Literal["affine32", "mersenne61"]

MERSENNE_61 = (1 << 61) - 1
"""The Mersenne prime 2^61 - 1 of the ``mersenne61`` family."""

_P = np.uint64(MERSENNE_61)
_MASK29 = np.uint64((1 << 29) - 1)
_MASK32 = np.uint64(0xFFFFFFFF)
_U3 = np.uint64(3)
_U29 = np.uint64(29)
_U32 = np.uint64(32)
_U33 = np.uint64(33)
_U61 = np.uint64(61)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_FMIX1 = np.uint64(0xFF51AFD7ED558CCD)
_FMIX2 = np.uint64(0xC4CEB9FE1A85EC53)

CHUNK = 8192
"""Shingles per vectorised block: ``num_perm x CHUNK`` values (4 MiB for 128 uint32), one reused buffer."""


def lsh_probability(jaccard: float, bands: int, rows: int) -> float:
    """Probability that two documents with this Jaccard similarity share at least one band bucket."""
    return 1.0 - (1.0 - jaccard**rows) ** bands


def _seeded(*parts: object) -> int:
    """A 64-bit integer fixed by its parts: ``xxh3_64`` of their ``/``-joined text."""
    return xxh3_64_intdigest("/".join(str(p) for p in parts).encode("utf-8"))


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser (a bijection with full avalanche), in place on a uint64 array."""
    h ^= h >> _U33
    h *= _FMIX1
    h ^= h >> _U33
    h *= _FMIX2
    h ^= h >> _U33
    return h


def mod_mersenne61(x: np.ndarray) -> np.ndarray:
    """``x mod (2^61 - 1)`` for a uint64 array, exactly."""
    t = (x & _P) + (x >> _U61)
    return np.minimum(t, t - _P)  # t < 2p: when t >= p, t - p is the smaller; otherwise it wraps above t


def _mersenne_affine(a_hi, a_lo, b, x_hi, x_lo) -> np.ndarray:
    """``(a * x + b) mod (2^61 - 1)`` with ``a = a_hi * 2^32 + a_lo`` and ``x = x_hi * 2^32 + x_lo``.

    ``a, x < 2^61`` (so ``a_hi, x_hi < 2^29``) and ``b < 2^61``. With ``2^61 = 1 (mod p)``:
    ``a*x = a_hi*x_hi*2^64 + mid*2^32 + a_lo*x_lo`` where ``2^64 = 8``, and ``mid*2^32`` with
    ``mid = m1*2^29 + m0`` is ``m1 + m0*2^32``. Every term is below ``2^61`` (``a_lo*x_lo`` is folded
    first), so their sum stays below ``2^64``; one fold and one conditional subtraction finish it.
    Broadcasts: parameters as ``(num_perm, 1)`` columns, shingles as ``(1, n)`` rows. Works in place
    on three ``(num_perm, n)`` arrays.
    """
    mid = np.multiply(a_hi, x_lo)
    tmp = np.multiply(a_lo, x_hi)
    mid += tmp  # < 2^62
    s = np.multiply(a_hi, x_hi, out=tmp)
    s <<= _U3  # a_hi*x_hi*8 < 2^61
    s += b
    lo = np.multiply(a_lo, x_lo)  # < 2^64, exact
    s += lo >> _U61
    lo &= _P
    s += lo
    s += mid >> _U29
    mid &= _MASK29
    mid <<= _U32
    s += mid
    np.bitwise_and(s, _P, out=lo)  # fold: s = (s & p) + (s >> 61)
    s >>= _U61
    s += lo
    np.subtract(s, _P, out=lo)  # s < 2p: when s >= p, s - p is the smaller; otherwise it wraps above s
    return np.minimum(s, lo, out=s)


class MinHasher:
    """Computes MinHash signatures for batches of shingle sets with one family of permutations."""

    def __init__(self, num_perm: int = 128, seed: int = 1, permutation: Permutation = "affine32"):
        """Derive the ``num_perm`` permutations of ``permutation`` from ``seed``."""
        self.num_perm = num_perm
        self.seed = seed
        self.permutation = permutation
        a = [_seeded("biomedfr-minhash", permutation, seed, i, "a") for i in range(num_perm)]
        b = [_seeded("biomedfr-minhash", permutation, seed, i, "b") for i in range(num_perm)]
        if permutation == "affine32":
            self.dtype = np.dtype(np.uint32)
            self._a = np.array([(v & 0xFFFFFFFF) | 1 for v in a], dtype=np.uint32)[:, None]
            self._b = np.array([v & 0xFFFFFFFF for v in b], dtype=np.uint32)[:, None]
        elif permutation == "mersenne61":
            self.dtype = np.dtype(np.uint64)
            a_full = np.array([1 + v % (MERSENNE_61 - 1) for v in a], dtype=np.uint64)
            self._a_hi = (a_full >> _U32)[:, None]
            self._a_lo = (a_full & _MASK32)[:, None]
            self._b = np.array([v % MERSENNE_61 for v in b], dtype=np.uint64)[:, None]
        else:
            raise ConfigError(f"minhash permutation {permutation!r}: expected 'affine32' or 'mersenne61'")
        self.empty_value = np.iinfo(self.dtype).max
        """Signature value of every position for a document without shingles."""

    @property
    def parameters(self) -> tuple[np.ndarray, np.ndarray]:
        """The permutations' ``(a, b)`` as flat arrays (``a`` recombined from its limbs for ``mersenne61``)."""
        if self.permutation == "affine32":
            return self._a[:, 0].copy(), self._b[:, 0].copy()
        return ((self._a_hi << _U32) | self._a_lo)[:, 0], self._b[:, 0].copy()

    def _prepare(self, shingles: np.ndarray) -> tuple[np.ndarray, ...]:
        """Per-shingle operands of the permutation: the high 32 bits, or the limbs of ``x mod p``."""
        if self.permutation == "affine32":
            return ((shingles >> _U32).astype(np.uint32),)
        x = mod_mersenne61(shingles)
        return x >> _U32, x & _MASK32

    def _permute(self, operands: tuple[np.ndarray, ...], lo: int, hi: int, buffer: np.ndarray) -> np.ndarray:
        """All permutations of the shingles ``[lo, hi)``: an array ``(num_perm, hi - lo)`` (in ``buffer``)."""
        if self.permutation == "affine32":
            values = buffer[:, : hi - lo]
            np.multiply(self._a, operands[0][None, lo:hi], out=values)
            values += self._b
            return values
        return _mersenne_affine(self._a_hi, self._a_lo, self._b, operands[0][None, lo:hi], operands[1][None, lo:hi])

    def signatures(self, shingle_sets: Sequence[np.ndarray]) -> np.ndarray:
        """Signatures of many documents: an array ``(len(shingle_sets), num_perm)`` of ``self.dtype``.

        Each item is a uint64 array of shingle hashes (repeats allowed). All permutations of all
        shingles of the batch are computed in blocks of ``CHUNK`` shingles and reduced per document
        with ``np.minimum.reduceat``. A document without shingles gets ``empty_value`` everywhere.
        """
        out = np.full((len(shingle_sets), self.num_perm), self.empty_value, dtype=self.dtype)
        lengths = np.fromiter((s.size for s in shingle_sets), dtype=np.int64, count=len(shingle_sets))
        rows = np.flatnonzero(lengths)
        if rows.size == 0:
            return out
        x = np.concatenate([shingle_sets[i] for i in rows]).astype(np.uint64, copy=False)
        starts = np.zeros(rows.size, dtype=np.int64)
        np.cumsum(lengths[rows][:-1], out=starts[1:])
        operands = self._prepare(x)
        total = x.size
        buffer = np.empty((self.num_perm, min(total, CHUNK)), dtype=self.dtype)
        for lo in range(0, total, CHUNK):
            hi = min(total, lo + CHUNK)
            first = int(np.searchsorted(starts, lo, side="right")) - 1
            last = int(np.searchsorted(starts, hi, side="left"))
            local = np.maximum(starts[first:last], lo) - lo
            mins = np.minimum.reduceat(self._permute(operands, lo, hi, buffer), local, axis=1)
            target = out[rows[first:last]]
            out[rows[first:last]] = np.minimum(target, mins.T)
        return out

    def signature(self, shingles: np.ndarray) -> np.ndarray:
        """The signature of one document (a row of ``signatures``)."""
        return self.signatures([shingles])[0]


def band_keys(signatures: np.ndarray, bands: int, rows: int, seed: int = 1) -> np.ndarray:
    """Bucket keys ``(n, bands)`` uint64: band ``j`` hashes signature positions ``[j*rows, (j+1)*rows)``.

    Two documents share the key of band ``j`` exactly when they agree on those ``rows`` positions
    (up to a 2^-64 chance of a key collision). Keys of different bands never meet: buckets are per band.
    """
    n = signatures.shape[0]
    keys = np.empty((n, bands), dtype=np.uint64)
    for j in range(bands):
        h = np.full(n, _seeded("biomedfr-band", seed, j), dtype=np.uint64)
        for r in range(rows):
            h ^= signatures[:, j * rows + r].astype(np.uint64)
            h *= _GOLDEN
            h ^= h >> _U32
        keys[:, j] = fmix64(h)
    return keys
