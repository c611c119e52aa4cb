"""MinHash signatures: our vectorised batches against datasketch, and LSH recall on labelled pairs.

Throughput: per-document signatures with 128 permutations ON THE SAME SHINGLES — the distinct word
5-gram byte strings of each normalised document (``curation.dedup.shingles.shingle_bytes``), built
once beforehand. The baseline is ``datasketch.MinHash(num_perm=128).update_batch(shingles)`` per
document (datasketch 2.x, its default ``affine32`` scheme and SHA-1 input hash); it is also timed with
the permutations generated once and shared (``permutations=..., scheme="affine32"``), which removes
its constructor cost. Ours hashes the same byte strings (``xxh3_64``, the shingle hash of the pass)
and computes the signatures of 512 documents at a time (``MinHasher.signatures``), as the signature
pass does; like datasketch it does not sort the hashes (the pass sorts them only to store them for
the exact Jaccard). Best of 3 runs each.

LSH recall: pairs made by perturbing real French passages (word substitutions, deletions,
insertions, changed numbers), labelled by their exact Jaccard; among the pairs with Jaccard >= 0.8,
the share that become LSH candidates (share a band bucket) with the default 21 bands x 6 rows, before
any verification. Target >= 0.98.

Base texts: ``../shared/realdata/e3c-fr-layer1/*.json`` (81 French clinical case reports) when
present, otherwise the sample corpus's JSONL texts; the JSON line says which.

    .venv/bin/python bench/minhash.py [N_DOCS]

prints ONE JSON line: {"bench": "minhash", "docs": N, "datasketch_docs_per_s": ..., "ours_docs_per_s":
..., "ratio": ..., "lsh_recall_at_0.8": ..., "labelled_pairs": ..., ...}.
"""

from __future__ import annotations

import glob
import json
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
E3C = REPO.parent / "shared" / "realdata" / "e3c-fr-layer1"
SAMPLE_JSONL = REPO / "curation" / "sample" / "corpus" / "jsonl"
BATCH = 512


def base_texts() -> tuple[list[str], str]:
    """The real French texts to start from, and a label saying where they come from."""
    files = sorted(glob.glob(str(E3C / "*.json")))
    if files:
        texts = [json.loads(Path(f).read_text(encoding="utf-8"))["text"] for f in files]
        return texts, f"e3c-fr-layer1 ({len(texts)} texts, {E3C})"
    texts = []
    for path in sorted(SAMPLE_JSONL.glob("*.jsonl")):
        for line in path.read_bytes().splitlines():
            try:
                record = json.loads(line.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                continue
            if isinstance(record.get("text"), str):
                texts.append(record["text"])
    return texts, f"sample corpus JSONL ({len(texts)} texts, {SAMPLE_JSONL}); e3c-fr-layer1 not found at {E3C}"


def passages(texts: list[str], rng: random.Random) -> list[str]:
    """Cut texts into passages of 60-250 words (the passage filter keeps 30-600)."""
    out = []
    for text in texts:
        words = text.split()
        i = 0
        while len(words) - i >= 60:
            n = rng.randint(60, 250)
            out.append(" ".join(words[i : i + n]))
            i += n
    return out


def perturb(text: str, edits: int, vocabulary: list[str], rng: random.Random) -> str:
    """Apply ``edits`` random word edits: substitute, delete, insert, or change a number."""
    words = text.split()
    for _ in range(edits):
        if len(words) < 2:
            break
        k = rng.randrange(len(words))
        action = rng.random()
        if action < 0.45:
            words[k] = rng.choice(vocabulary)
        elif action < 0.7:
            del words[k]
        elif action < 0.9:
            words.insert(k, rng.choice(vocabulary))
        else:
            words[k] = str(rng.randint(1, 500))
    return " ".join(words)


def best_rate(fn, n: int, repeats: int = 3) -> float:
    """Best documents per second over ``repeats`` runs of ``fn`` (which processes ``n`` documents)."""
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = max(best, n / (time.perf_counter() - start))
    return best


def throughput(shingles: list[list[bytes]]) -> dict:
    """Docs/s of datasketch (fresh and shared permutations) and of ours (both permutation families)."""
    import numpy as np
    from datasketch import MinHash
    from xxhash import xxh3_64_intdigest

    from curation.dedup.minhash import MinHasher

    def datasketch_fresh():
        """The baseline as usually written: a new MinHash per document."""
        for sh in shingles:
            MinHash(num_perm=128).update_batch(sh)

    shared = MinHash(num_perm=128).permutations

    def datasketch_shared():
        """The baseline with its permutations generated once."""
        for sh in shingles:
            MinHash(num_perm=128, permutations=shared, scheme="affine32").update_batch(sh)

    def ours(permutation: str):
        """Ours, with one permutation family, 512 documents per batch."""

        def run():
            """One timed pass over all documents."""
            hasher = MinHasher(128, 1, permutation)
            for i in range(0, len(shingles), BATCH):
                batch = shingles[i : i + BATCH]
                hasher.signatures([np.fromiter(map(xxh3_64_intdigest, sh), np.uint64, len(sh)) for sh in batch])

        return run

    n = len(shingles)
    ours("affine32")()  # warm-up (imports, caches)
    return {
        "datasketch": best_rate(datasketch_fresh, n),
        "datasketch_shared": best_rate(datasketch_shared, n),
        "ours": best_rate(ours("affine32"), n),
        "ours_mersenne61": best_rate(ours("mersenne61"), n),
    }


def lsh_recall(base: list[str], rng: random.Random, target_pairs: int) -> dict:
    """Candidate recall of the default banding on perturbed pairs labelled by exact Jaccard."""
    import numpy as np

    from curation.dedup.minhash import MinHasher, band_keys, lsh_probability
    from curation.dedup.shingles import jaccard, text_shingles
    from curation.steps.minhash_dedup import MinhashConfig

    config = MinhashConfig()
    hasher = MinHasher(config.num_perm, config.seed, config.permutation)
    vocabulary = sorted({w for text in base for w in text.split()})
    left, right, labels = [], [], []
    attempts = 0
    while len(labels) < target_pairs and attempts < target_pairs * 20:
        attempts += 1
        text = rng.choice(base)
        n_words = len(text.split())
        edits = rng.randint(1, max(1, n_words // 25))
        a, b = text_shingles(text, config.ngram), text_shingles(perturb(text, edits, vocabulary, rng), config.ngram)
        j = jaccard(a, b)
        if j >= config.threshold:
            left.append(a)
            right.append(b)
            labels.append(j)
    keys_a = band_keys(hasher.signatures(left), config.bands, config.rows, config.seed)
    keys_b = band_keys(hasher.signatures(right), config.bands, config.rows, config.seed)
    candidate = (keys_a == keys_b).any(axis=1)
    labels = np.array(labels)
    low = labels < 0.85
    return {
        "recall": float(candidate.mean()),
        "pairs": int(labels.size),
        "recall_0.80_0.85": float(candidate[low].mean()) if low.any() else None,
        "pairs_0.80_0.85": int(low.sum()),
        "theory_at_0.8": lsh_probability(0.8, config.bands, config.rows),
        "bands": config.bands,
        "rows": config.rows,
    }


def main() -> None:
    """Build the documents, time both implementations, measure the recall, print the JSON line."""
    from curation.dedup.shingles import shingle_bytes

    n_docs = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rng = random.Random(7)
    texts, origin = base_texts()
    base = passages(texts, rng)
    vocabulary = sorted({w for text in base for w in text.split()})
    docs = [base[i] if i < len(base) else perturb(base[i % len(base)], 3, vocabulary, rng) for i in range(n_docs)]
    shingles = [shingle_bytes(text, 5) for text in docs]
    rates = throughput(shingles)
    recall = lsh_recall(base, rng, target_pairs=3000)
    print(
        json.dumps(
            {
                "bench": "minhash",
                "docs": n_docs,
                "datasketch_docs_per_s": round(rates["datasketch"], 1),
                "ours_docs_per_s": round(rates["ours"], 1),
                "ratio": round(rates["ours"] / rates["datasketch"], 2),
                "lsh_recall_at_0.8": round(recall["recall"], 4),
                "labelled_pairs": recall["pairs"],
                "lsh_recall_0.80_0.85": round(recall["recall_0.80_0.85"], 4) if recall["pairs_0.80_0.85"] else None,
                "labelled_pairs_0.80_0.85": recall["pairs_0.80_0.85"],
                "lsh_theory_at_0.8": round(recall["theory_at_0.8"], 4),
                "bands": recall["bands"],
                "rows": recall["rows"],
                "datasketch_shared_permutations_docs_per_s": round(rates["datasketch_shared"], 1),
                "ratio_vs_shared_permutations": round(rates["ours"] / rates["datasketch_shared"], 2),
                "ours_mersenne61_docs_per_s": round(rates["ours_mersenne61"], 1),
                "mean_shingles_per_doc": round(sum(map(len, shingles)) / len(shingles), 1),
                "base_texts": origin,
                "base_passages": len(base),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
