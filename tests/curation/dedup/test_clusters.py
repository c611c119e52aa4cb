"""build_clusters: exact and near copies merged, dosage variants and unrelated texts not; order and tasks irrelevant."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.dedup.shingles import jaccard, text_shingles
from curation.errors import ConfigError
from curation.steps.minhash_dedup import MinhashConfig, build_clusters
from tests.curation.dedup.strategies import WORDS, components, duplicate_edges, families, run_clusters, write_signatures


def words(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(WORDS) for _ in range(n)]


def test_exact_near_dosage_and_unrelated_documents(tmp_path):
    base = words(66, 1)
    near = list(base)
    near[33] = "changé"  # one word in 66: Jaccard (62 - 5) / (62 + 5) = 0.85
    leaflet = "Posologie : prendre {} mg de ramipril chaque matin au cours du repas avec un grand verre d'eau."
    docs = [
        ("src/b-copy", " ".join(base)),
        ("src/a-orig", " ".join(base)),
        ("src/c-near", " ".join(near)),
        ("src/d-5mg", leaflet.format(5)),
        ("src/e-50mg", leaflet.format(50)),
        ("src/f-other", " ".join(words(50, 2))),
        ("src/g-empty", " … "),
    ]
    j_near = jaccard(text_shingles(docs[1][1], 5), text_shingles(docs[2][1], 5))
    j_dose = jaccard(text_shingles(docs[3][1], 5), text_shingles(docs[4][1], 5))
    assert 0.84 <= j_near <= 0.86 and j_dose < 0.8

    table, summary = run_clusters(tmp_path, docs)

    cluster = {"dup_cluster": "src/a-orig", "dup_cluster_size": 3}
    assert table["src/a-orig"] == {"id": "src/a-orig", **cluster, "keep": True, "duplicate_of": None}
    assert table["src/b-copy"] == {"id": "src/b-copy", **cluster, "keep": False, "duplicate_of": "src/a-orig"}
    assert table["src/c-near"] == {"id": "src/c-near", **cluster, "keep": False, "duplicate_of": "src/a-orig"}
    for alone in ("src/d-5mg", "src/e-50mg", "src/f-other", "src/g-empty"):
        assert table[alone] == {
            "id": alone,
            "dup_cluster": alone,
            "dup_cluster_size": 1,
            "keep": True,
            "duplicate_of": None,
        }
    assert summary["documents"] == 7 and summary["duplicates"] == 2 and summary["kept"] == 5
    assert summary["clusters"] == 5 and summary["clusters_with_duplicates"] == 1
    assert summary["empty_documents"] == 1 and summary["verified_pairs"] == 2
    assert list(pq.read_table(tmp_path / "clusters.parquet").column("id").to_pylist()) == sorted(table)
    assert not list(tmp_path.rglob("*.tmp"))


def test_near_duplicate_chains_form_one_cluster(tmp_path):
    base = words(60, 3)
    middle, far = list(base), list(base)
    middle[20] = "un"
    far[20], far[45] = "un", "deux"
    assert jaccard(text_shingles(" ".join(base), 5), text_shingles(" ".join(far), 5)) < 0.8
    docs = [("src/3", " ".join(far)), ("src/1", " ".join(base)), ("src/2", " ".join(middle))]
    table, _ = run_clusters(tmp_path, docs)
    assert {r["dup_cluster"] for r in table.values()} == {"src/1"}
    assert [r["keep"] for _, r in sorted(table.items())] == [True, False, False]
    assert table["src/3"]["dup_cluster_size"] == 3


def test_a_big_bucket_of_copies_costs_linear_comparisons(tmp_path):
    text = " ".join(words(40, 4))
    docs = [(f"src/{i:03d}", text) for i in range(120)]
    table, summary = run_clusters(tmp_path, docs, parts=3)
    assert summary["candidate_pairs"] == 119 and summary["duplicates"] == 119
    assert table["src/000"]["keep"] and table["src/000"]["dup_cluster_size"] == 120


@settings(max_examples=25, deadline=None)
@given(docs=families(), seed=st.integers(0, 1000), parts=st.integers(1, 4))
def test_clusters_do_not_depend_on_order_or_task_split(docs, seed, parts):
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        reference, _ = run_clusters(Path(a), sorted(docs))
        shuffled = list(docs)
        random.Random(seed).shuffle(shuffled)
        table, _ = run_clusters(Path(b), shuffled, parts=parts)
        assert table == reference
        assert (Path(a) / "clusters.parquet").read_bytes() == (Path(b) / "clusters.parquet").read_bytes()
    # and the clusters are the components of the duplicate relation, represented by their smallest id
    comps = components([i for i, _ in docs], duplicate_edges(docs))
    for doc_id, row in table.items():
        assert row["dup_cluster"] == min(comps[doc_id])
        assert row["dup_cluster_size"] == len(comps[doc_id])
        assert row["keep"] == (doc_id == min(comps[doc_id]))
        assert row["duplicate_of"] == (None if row["keep"] else min(comps[doc_id]))


def test_duplicate_ids_are_refused(tmp_path):
    signatures = write_signatures(tmp_path, [("src/1", "un deux trois"), ("src/1", "quatre cinq six")], parts=2)
    with pytest.raises(ConfigError, match="'src/1' occurs twice"):
        build_clusters(MinhashConfig(), str(signatures), str(tmp_path / "c.parquet"), None)


def test_signatures_from_other_parameters_are_refused(tmp_path):
    signatures = write_signatures(tmp_path, [("src/1", "un deux trois")], config=MinhashConfig(ngram=3))
    with pytest.raises(ConfigError, match="ngram: 3 there, 5 in the config"):
        build_clusters(MinhashConfig(), str(signatures), str(tmp_path / "c.parquet"), None)


def test_no_documents_gives_an_empty_table_but_no_signatures_is_an_error(tmp_path):
    table, summary = run_clusters(tmp_path, [], parts=2)
    assert table == {} and summary["documents"] == 0 and summary["clusters"] == 0
    with pytest.raises(ConfigError, match="no signature file"):
        build_clusters(MinhashConfig(), str(tmp_path / "nowhere"), str(tmp_path / "c.parquet"), None)
