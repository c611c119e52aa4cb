"""The persistent index: incremental runs against earlier ones, with the semantics of curation.dedup.clusters."""

from __future__ import annotations

import random
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from curation.dedup.index import MinhashIndex
from curation.dedup.shingles import jaccard, text_shingles
from curation.errors import ConfigError
from curation.steps.minhash_dedup import MinhashConfig
from tests.curation.dedup.strategies import CONFIG, WORDS, duplicate_edges, families, run_clusters


def partition_of_index(index: Path) -> set[frozenset[str]]:
    """The clusters the index holds now, as sets of ids."""
    state = MinhashIndex(str(index), CONFIG).load()
    groups = defaultdict(set)
    for position, label in enumerate(state.labels):
        groups[int(label)].add(state.docs.ids[position].as_py())
    return {frozenset(g) for g in groups.values()}


def partition_of_table(table: dict[str, dict]) -> set[frozenset[str]]:
    """The clusters of a one-shot table, as sets of ids."""
    groups = defaultdict(set)
    for doc_id, row in table.items():
        groups[row["dup_cluster"]].add(doc_id)
    return {frozenset(g) for g in groups.values()}


def incremental(root: Path, batches: list[list[tuple[str, str]]]) -> tuple[list[dict[str, dict]], Path]:
    """Deduplicate ``batches`` one after the other against one index; returns each batch's table."""
    index = root / "index"
    tables = []
    for k, batch in enumerate(batches):
        table, _ = run_clusters(root / f"run{k}", batch, parts=2, index=index)
        tables.append(table)
    return tables, index


@settings(max_examples=20, deadline=None)
@given(docs=st.one_of(families(), families(bases_last=True)), data=st.data())
def test_incremental_with_earlier_ids_first_equals_one_shot(docs, data):
    docs = sorted(docs)
    variants = sum(1 for doc_id, _ in docs if doc_id.startswith("src/a"))  # bases_last: variants in A, bases in B
    k = data.draw(st.one_of(st.just(variants), st.integers(0, len(docs))), label="cut")
    batch_a, batch_b = docs[:k], docs[k:]  # every id of A sorts before every id of B
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        one_shot, _ = run_clusters(root / "oneshot", docs)
        (table_a, table_b), index = incremental(root, [batch_a, batch_b])

        assert partition_of_index(index) == partition_of_table(one_shot)
        for doc_id, row in table_b.items():
            assert row == one_shot[doc_id]  # representative, size, decision: as in one shot

        kept_one = {i for i, r in one_shot.items() if r["keep"]}
        kept_a = {i for i, r in table_a.items() if r["keep"]}
        kept_inc = kept_a | {i for i, r in table_b.items() if r["keep"]}
        assert kept_inc == kept_one | kept_a
        bridged = any(len(cluster & kept_a) > 1 for cluster in partition_of_table(one_shot))
        event(f"bridged: {bridged}")
        if not bridged:
            assert kept_inc == kept_one


@settings(max_examples=15, deadline=None)
@given(docs=families(), seed=st.integers(0, 10**6))
def test_incremental_in_any_order_keeps_no_two_duplicates(docs, seed):
    rng = random.Random(seed)
    batches: list[list[tuple[str, str]]] = [[], [], []]
    for doc in docs:
        batches[rng.randrange(3)].append(doc)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        one_shot, _ = run_clusters(root / "oneshot", docs)
        tables, index = incremental(root, batches)

        assert partition_of_index(index) == partition_of_table(one_shot)
        rows = {i: r for table in tables for i, r in table.items()}
        kept = {i for i, r in rows.items() if r["keep"]}
        assert not any(a in kept and b in kept for a, b in duplicate_edges(docs))
        for cluster in partition_of_table(one_shot):
            assert cluster & kept  # every cluster keeps at least one document
        for doc_id, row in tables[-1].items():
            assert row["dup_cluster_size"] == one_shot[doc_id]["dup_cluster_size"]
            assert rows[row["dup_cluster"]]["keep"]  # the representative is a kept document


def random_words(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(WORDS) for _ in range(n)]


def edited(words: list[str], *positions: int) -> str:
    out = list(words)
    for p in positions:
        out[p] = f"édité{p}"
    return " ".join(out)


def test_a_new_document_bridging_two_earlier_clusters(tmp_path):
    base = random_words(90, 9)
    a1, a2, b, c = edited(base, 20), edited(base, 60), " ".join(base), edited(base, 60, 85)
    sh = {name: text_shingles(text, 5) for name, text in {"a1": a1, "a2": a2, "b": b, "c": c}.items()}
    assert jaccard(sh["a1"], sh["a2"]) < 0.8 <= min(jaccard(sh["b"], sh["a1"]), jaccard(sh["b"], sh["a2"]))
    assert jaccard(sh["c"], sh["a2"]) >= 0.8 > max(jaccard(sh["c"], sh["b"]), jaccard(sh["c"], sh["a1"]))

    (t1, t2, t3), _ = incremental(tmp_path, [[("s/a1", a1), ("s/a2", a2)], [("s/b", b)], [("s/c", c)]])
    assert t1["s/a1"]["keep"] and t1["s/a2"]["keep"]  # not duplicates of each other: both written
    dropped = {"dup_cluster": "s/a1", "keep": False, "duplicate_of": "s/a1"}
    assert t2["s/b"] == {"id": "s/b", "dup_cluster_size": 3, **dropped}
    # c only resembles a2, whose cluster b merged into a1's: the recorded link gives the whole cluster
    assert t3["s/c"] == {"id": "s/c", "dup_cluster_size": 4, **dropped}
    one_shot, _ = run_clusters(tmp_path / "oneshot", [("s/a1", a1), ("s/a2", a2), ("s/b", b), ("s/c", c)])
    assert [i for i, r in sorted(one_shot.items()) if r["keep"]] == ["s/a1"]  # one shot keeps a1 only


def test_an_earlier_representative_stays_even_when_a_new_id_sorts_first(tmp_path):
    text = " ".join(random_words(30, 3))
    (old, new), _ = incremental(tmp_path, [[("s/2-old", text)], [("s/1-new", text), ("s/3-other", "autre texte")]])
    assert old["s/2-old"]["keep"]
    assert new["s/1-new"] == {
        "id": "s/1-new",
        "dup_cluster": "s/2-old",
        "dup_cluster_size": 2,
        "keep": False,
        "duplicate_of": "s/2-old",
    }
    assert new["s/3-other"]["keep"]


def test_rerunning_an_indexed_batch_gives_the_same_table_and_adds_nothing(tmp_path):
    text = " ".join(random_words(30, 4))
    docs = [("s/1", text), ("s/2", text), ("s/3", "un texte différent")]
    index = tmp_path / "index"
    first, summary1 = run_clusters(tmp_path / "r1", docs, index=index)
    files = sorted((index / "batches").iterdir())
    again, summary2 = run_clusters(tmp_path / "r2", docs, parts=3, index=index)
    assert again == first and sorted((index / "batches").iterdir()) == files
    assert summary1["new_documents"] == 3 and summary2["already_indexed"] == 3 and summary2["new_documents"] == 0
    # a batch mixing indexed and new documents: the indexed ones keep their decision
    mixed, summary3 = run_clusters(tmp_path / "r3", [*docs[1:], ("s/0", text)], index=index)
    assert mixed["s/2"] == first["s/2"] and mixed["s/0"]["duplicate_of"] == "s/1"
    assert summary3["already_indexed"] == 2 and len(list((index / "batches").iterdir())) == 2
    assert not list(index.rglob("*.tmp"))


def test_an_index_of_other_parameters_is_refused(tmp_path):
    run_clusters(tmp_path / "r1", [("s/1", "un deux trois quatre cinq six")], index=tmp_path / "index")
    with pytest.raises(ConfigError, match="threshold: 0.8 there, 0.9 in the config"):
        MinhashIndex(str(tmp_path / "index"), MinhashConfig(threshold=0.9))
    (tmp_path / "index" / "manifest.json").unlink()
    with pytest.raises(ConfigError, match="no manifest.json"):
        MinhashIndex(str(tmp_path / "index"), CONFIG)
