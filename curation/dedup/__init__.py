"""Near-duplicate detection across the corpus: MinHash signatures, LSH, exact verification, clusters.

- ``normalize``: text normalisation (NFKC, lowercase, no punctuation, digits kept; idempotent).
- ``shingles``: word n-gram shingles hashed to uint64, exact Jaccard.
- ``minhash``: vectorised signatures for a batch of documents, band keys, the LSH S-curve.
- ``unionfind``: deterministic connected components.
- ``storage``: signature files, the clusters table, atomic writes.
- ``signatures``: pass 1, the datatrove step writing signature files.
- ``clusters``: pass 2, ``build_clusters`` (semantics of clusters and incremental runs documented there).
- ``index``: the persistent index shared across runs.

The recipe step (pass 3) and its config live in ``curation.steps.minhash_dedup``.
"""

from curation.dedup.clusters import build_clusters
from curation.dedup.index import MinhashIndex
from curation.dedup.minhash import MinHasher, band_keys, lsh_probability
from curation.dedup.normalize import normalize_text
from curation.dedup.shingles import hash_shingles, jaccard, shingle_bytes, text_shingles
from curation.dedup.signatures import MinhashSignatures

__all__ = [
    "MinHasher",
    "MinhashIndex",
    "MinhashSignatures",
    "band_keys",
    "build_clusters",
    "hash_shingles",
    "jaccard",
    "lsh_probability",
    "normalize_text",
    "shingle_bytes",
    "text_shingles",
]
