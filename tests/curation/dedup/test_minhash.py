"""MinHash signatures: exact against Python integers, batch == single, stable values, unbiased estimates."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.dedup import minhash
from curation.dedup.minhash import MERSENNE_61, MinHasher, band_keys, lsh_probability, mod_mersenne61
from curation.dedup.unionfind import UnionFind, component_labels

U64 = st.integers(0, 2**64 - 1)
SETS = st.lists(st.lists(U64, max_size=30), min_size=1, max_size=8)


def reference(hasher: MinHasher, values: list[int]) -> list[int]:
    """Signature with Python integers (no overflow possible), straight from the definitions."""
    a, b = hasher.parameters
    out = []
    for ai, bi in zip(map(int, a), map(int, b)):
        if not values:
            out.append(int(hasher.empty_value))
        elif hasher.permutation == "affine32":
            out.append(min((ai * (x >> 32) + bi) % 2**32 for x in values))
        else:
            out.append(min((ai * (x % MERSENNE_61) + bi) % MERSENNE_61 for x in values))
    return out


@pytest.mark.parametrize("permutation", ["affine32", "mersenne61"])
@settings(max_examples=25, deadline=None)
@given(sets=SETS)
def test_signatures_equal_the_integer_definition(permutation, sets):
    hasher = MinHasher(16, 3, permutation)
    arrays = [np.array(s, dtype=np.uint64) for s in sets]
    signatures = hasher.signatures(arrays)
    assert signatures.shape == (len(sets), 16)
    for values, row in zip(sets, signatures):
        assert row.tolist() == reference(hasher, values)


def test_mersenne_arithmetic_at_the_edges():
    p = MERSENNE_61
    xs = np.array([0, 1, p - 1, p, p + 1, 2**61, 2**62 + 5, 2**64 - 1], dtype=np.uint64)
    assert mod_mersenne61(xs).tolist() == [int(x) % p for x in xs]
    for a in (1, 2, 2**32 - 1, 2**32, 2**60 + 12345, p - 1):
        for b in (0, 1, p - 1):
            a_col = np.array([[a]], dtype=np.uint64)
            x = mod_mersenne61(xs)
            got = minhash._mersenne_affine(
                a_col >> np.uint64(32),
                a_col & np.uint64(0xFFFFFFFF),
                np.array([[b]], dtype=np.uint64),
                (x >> np.uint64(32))[None, :],
                (x & np.uint64(0xFFFFFFFF))[None, :],
            )
            assert got[0].tolist() == [(a * (int(v) % p) + b) % p for v in xs]


@pytest.mark.parametrize("permutation", ["affine32", "mersenne61"])
def test_blocks_and_batches_do_not_change_signatures(monkeypatch, permutation):
    rng = np.random.default_rng(0)
    sets = [rng.integers(0, 2**63, size=int(rng.integers(0, 40)), dtype=np.uint64) for _ in range(60)]
    hasher = MinHasher(32, 1, permutation)
    whole = hasher.signatures(sets)
    monkeypatch.setattr(minhash, "CHUNK", 7)  # documents straddle block boundaries
    assert np.array_equal(hasher.signatures(sets), whole)
    singles = np.stack([hasher.signature(s) for s in sets])
    assert np.array_equal(singles, whole)
    assert all((whole[i] == hasher.empty_value).all() for i, s in enumerate(sets) if s.size == 0)


def test_signature_values_are_fixed_for_a_seed():
    x = np.array([1163380580930826464, 42, 2**64 - 1, 0], dtype=np.uint64)
    affine = MinHasher(128, 1, "affine32")
    assert affine.signature(x)[:4].tolist() == [1240189366, 458708369, 355792334, 1096026559]
    assert band_keys(affine.signatures([x]), 21, 6, 1)[0, :2].tolist() == [8137256624687062185, 995028159032353016]
    mersenne = MinHasher(128, 1, "mersenne61")
    assert mersenne.signature(x)[:2].tolist() == [448403604667878578, 1187176877491763925]
    assert MinHasher(128, 2).signature(x)[:4].tolist() != affine.signature(x)[:4].tolist()


def test_signatures_are_the_same_in_another_process():
    code = (
        "import numpy as np; from curation.dedup.minhash import MinHasher;"
        "print(MinHasher(128, 1).signature(np.array([7, 11, 2**63], dtype=np.uint64)).sum())"
    )
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    here = MinHasher(128, 1).signature(np.array([7, 11, 2**63], dtype=np.uint64)).sum()
    assert other == str(here)


@pytest.mark.parametrize("permutation", ["affine32", "mersenne61"])
def test_estimates_are_unbiased_with_binomial_spread(permutation):
    rng = np.random.default_rng(5)
    hasher = MinHasher(128, 1, permutation)
    for target in (0.5, 0.8):
        estimates = []
        for _ in range(150):
            shared, own = int(200 * target), int(200 * (1 - target) / 2)
            pool = rng.integers(0, 2**64 - 1, size=shared + 2 * own, dtype=np.uint64)
            a = pool[: shared + own]
            b = np.concatenate([pool[:shared], pool[shared + own :]])
            true = shared / (shared + 2 * own)
            sig = hasher.signatures([a, b])
            estimates.append((sig[0] == sig[1]).mean() - true)
        errors = np.array(estimates)
        assert abs(errors.mean()) < 0.012
        assert errors.std() < 1.25 * np.sqrt(target * (1 - target) / 128)


def test_band_keys_agree_exactly_when_the_band_agrees():
    sig = np.array([[1, 2, 3, 4], [1, 2, 9, 4], [1, 2, 3, 4]], dtype=np.uint32)
    keys = band_keys(sig, 2, 2, 1)
    assert keys[0, 0] == keys[1, 0] == keys[2, 0]
    assert keys[0, 1] != keys[1, 1] and keys[0, 1] == keys[2, 1]
    assert keys[0, 0] != keys[0, 1]


def test_lsh_probability_s_curve():
    assert lsh_probability(0.8, 16, 8) == pytest.approx(0.947, abs=1e-3)
    assert lsh_probability(0.8, 21, 6) >= 0.998
    assert lsh_probability(0.3, 21, 6) < 0.02


@st.composite
def graphs(draw) -> tuple[int, list[tuple[int, int]]]:
    n = draw(st.integers(1, 40))
    node = st.integers(0, n - 1)
    return n, draw(st.lists(st.tuples(node, node), max_size=60))


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_vectorised_components_equal_union_find(graph):
    n, edges = graph
    uf = UnionFind.singletons(n)
    for a, b in edges:
        uf.union(a, b)
    u = np.array([a for a, _ in edges], dtype=np.int64)
    v = np.array([b for _, b in edges], dtype=np.int64)
    assert component_labels(n, u, v).tolist() == [uf.find(i) for i in range(n)]
    assert all(uf.find(i) <= i for i in range(n))
