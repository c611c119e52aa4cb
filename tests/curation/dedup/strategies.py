"""Documents for the dedup tests: families of near-copies over a vocabulary where unrelated texts share nothing.

Also the helpers that run the passes on such documents (signatures split into tasks, clusters, index).
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import strategies as st

from curation.dedup.minhash import MinHasher, band_keys
from curation.dedup.shingles import jaccard, text_shingles
from curation.document import Document
from curation.steps.minhash_dedup import MinhashConfig, MinhashSignatures, build_clusters

SYLLABLES = ["ca", "di", "lo", "mé", "nu", "pa", "ré", "si", "to", "vé", "xa", "zo", "ben", "cor", "fil", "gra"]
WORDS = sorted({a + b + c for a, b, c in itertools.product(SYLLABLES, SYLLABLES, ["", "s", "e", "al"])})
"""1 024 French-looking words: two random texts of a few dozen words share no 5-gram."""

CONFIG = MinhashConfig()


@st.composite
def families(
    draw, max_families: int = 4, max_variants: int = 3, max_edits: int = 3, bases_last: bool = False
) -> list[tuple[str, str]]:
    """``(id, text)`` pairs: a few base texts with near-copies; unique ids.

    A family is either a base with variants of a few substituted words anywhere, or a *star*: a long
    base (85-100 words) with variants that each change one word in the middle — each variant is a
    duplicate of the base (Jaccard ~0.89) but two variants are not duplicates of each other (~0.79),
    so the base chains them into one cluster, and bridges them when it comes in a later batch.
    ``bases_last``: base ids sort after every variant id (``src/z...`` vs ``src/a...``).
    """
    texts, is_base = [], []
    # words at random: the lists hypothesis draws first repeat one word, which makes degenerate texts
    rng = random.Random(draw(st.integers(0, 2**32)))
    for _ in range(draw(st.integers(1, max_families))):
        star = draw(st.booleans())
        size = draw(st.integers(85, 100) if star else st.integers(6, 100))
        base = [rng.choice(WORDS) for _ in range(size)]
        texts.append(base)
        is_base.append(True)
        for _ in range(draw(st.integers(2 if star else 0, max_variants))):
            edited = list(base)
            edits = 1 if star else draw(st.integers(0, max_edits))
            for _ in range(edits):
                edited[rng.randint(10, size - 11) if star else rng.randrange(size)] = rng.choice(WORDS)
            texts.append(edited)
            is_base.append(False)
    natives = draw(st.lists(st.integers(0, 10**6), min_size=len(texts), max_size=len(texts), unique=True))
    prefixes = [("z" if base else "a") if bases_last else "" for base in is_base]
    return [(f"src/{p}{n:07d}", " ".join(words)) for p, n, words in zip(prefixes, natives, texts)]


def document(doc_id: str, text: str) -> Document:
    """A document with the minimal metadata of the contract."""
    return Document(text=text, id=doc_id, metadata={"source": "src", "license": "CC-BY-4.0", "route": "direct"})


def write_signatures(out: Path, docs: list[tuple[str, str]], parts: int = 1, config: MinhashConfig = CONFIG) -> Path:
    """Run pass 1 as ``parts`` tasks (round-robin split); returns the signatures folder."""
    for rank in range(parts):
        step = MinhashSignatures(config, str(out), f"sig_{rank}")
        assert list(step.run(iter(document(i, t) for i, t in docs[rank::parts]), rank=rank, world_size=parts)) == []
    return out / "signatures"


def run_clusters(
    out: Path, docs: list[tuple[str, str]], parts: int = 1, index: Path | None = None, config: MinhashConfig = CONFIG
) -> tuple[dict[str, dict], dict]:
    """Passes 1 and 2 on ``docs``: the clusters table as ``{id: row}`` and the summary."""
    signatures = write_signatures(out, docs, parts, config)
    summary = build_clusters(config, str(signatures), str(out / "clusters.parquet"), str(index) if index else None)
    rows = pq.read_table(out / "clusters.parquet").to_pylist()
    return {r["id"]: r for r in rows}, summary


def duplicate_edges(docs: list[tuple[str, str]], config: MinhashConfig = CONFIG) -> set[tuple[str, str]]:
    """The duplicate relation by its definition: LSH candidates (a shared band key) with Jaccard >= threshold."""
    shingles = [text_shingles(t, config.ngram) for _, t in docs]
    hasher = MinHasher(config.num_perm, config.seed, config.permutation)
    keys = band_keys(hasher.signatures(shingles), config.bands, config.rows, config.seed)
    edges = set()
    for a, b in itertools.combinations(range(len(docs)), 2):
        candidates = shingles[a].size and shingles[b].size and (keys[a] == keys[b]).any()
        if candidates and jaccard(shingles[a], shingles[b]) >= config.threshold:
            edges.add(tuple(sorted((docs[a][0], docs[b][0]))))
    return edges


def components(ids: list[str], edges: set[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Each id's connected component under ``edges``."""
    comp = {i: {i} for i in ids}
    for a, b in edges:
        if comp[a] is not comp[b]:
            merged = comp[a] | comp[b]
            for x in merged:
                comp[x] = merged
    return {i: frozenset(c) for i, c in comp.items()}
