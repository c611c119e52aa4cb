"""Pass 2 of MinHash dedup: candidates from LSH buckets, verified by true Jaccard, clustered by union-find.

Semantics (one batch, no index)
-------------------------------
Two documents are *duplicates* when they share the bucket of at least one band (LSH candidates) and
the exact Jaccard similarity of their shingle sets is ``>= threshold``. Clusters are the connected
components of that duplicate relation (so near-duplicate chains join one cluster). A cluster's id and
representative is its smallest document id (string order); the representative is kept, every other
member is dropped with ``duplicate_of`` = the representative. ``dup_cluster_size`` counts the members.
Documents without words have no shingles and are never duplicates. The result depends only on the
set of documents: not on their order, nor on how they were split into tasks and files.

With a persistent index (incremental)
-------------------------------------
Documents already indexed were decided in earlier runs and written (kept ones cannot be un-kept).
A new batch B is compared with the batch itself and with every indexed document A. Clusters are the
connected components over A ∪ B of the duplicate relation — the same partition as a one-shot run on
A ∪ B, whatever the order of the batches. Decisions for the documents of B:

- a cluster without indexed documents: as in one shot (smallest id kept, the others dropped);
- a cluster with indexed documents: every new document is dropped; its representative (``dup_cluster``,
  ``duplicate_of``) is the smallest *kept* indexed id of the cluster. ``dup_cluster_size`` counts the
  cluster over A ∪ B.

Consequences, tested as properties: no two kept documents (across A and B) are duplicates; every
cluster keeps at least one document; when every id of A sorts before every id of B, the
representative and size of each document of B equal the one-shot values, and the kept documents of
both runs are exactly the one-shot kept set plus the earlier representatives that a new document
*bridged* into one cluster (a document of B similar to two clusters of A that were not duplicates of
each other). Without such bridges the kept sets are equal. When ids of B sort before ids of A, a new
document that one shot would have kept in place of an indexed one is dropped instead.

A document whose id is already in the index is not compared again: it gets the decision recorded for
it (so re-running a batch after it was indexed gives the same table).

Scale: band keys of all documents are held in memory (8 bytes x bands each, plus the id); candidate
buckets are found by sorting keys band by band; shingles are read only for documents of a bucket
with at least two members. Within a bucket a new document is compared with the members of each
other cluster only until one matches, and pairs already compared are never compared again: a bucket
of m exact copies costs m - 1 comparisons, not m^2/2. No list of all pairs is ever built.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from datatrove.io import get_datafolder

from curation.dedup.index import IndexState, MinhashIndex
from curation.dedup.shingles import jaccard
from curation.dedup.storage import (
    DocSet,
    check_fingerprint,
    clusters_schema,
    fingerprint,
    parquet_files,
    read_docset,
    read_fingerprint,
    read_rows,
    signature_schema,
    split_path,
    write_table_atomic,
)
from curation.dedup.unionfind import UnionFind
from curation.errors import ConfigError

if TYPE_CHECKING:
    from curation.steps.minhash_dedup import MinhashConfig


def read_signatures(config: MinhashConfig, signatures_folder: str) -> DocSet:
    """Every signature file of ``signatures_folder``, checked against ``config``, sorted by id."""
    folder = get_datafolder(signatures_folder)
    files = parquet_files(folder)
    if not files:
        raise ConfigError(
            f"{signatures_folder}: no signature file — run the MinHash signature pass first "
            "(every task writes one, even without documents)"
        )
    expected = fingerprint(config)
    for name in files:
        check_fingerprint(
            read_fingerprint(folder, name),
            expected,
            f"{signatures_folder}/{name}",
            "re-run the MinHash signature pass with this config",
        )
    docs = read_docset(folder, files, signature_schema(config), config.bands)
    ids = docs.ids
    if len(ids) > 1:
        same = pc.equal(ids.slice(1), ids.slice(0, len(ids) - 1)).to_numpy(zero_copy_only=False)
        if same.any():
            k = int(np.flatnonzero(same)[0])
            where = sorted({docs.files[int(docs.file_of[k])], docs.files[int(docs.file_of[k + 1])]})
            raise ConfigError(
                f"{signatures_folder}: document id {ids[k].as_py()!r} occurs twice ({', '.join(where)}) — ids must "
                "be unique: give each source a distinct name and each record a distinct id"
            )
    return docs


def candidate_buckets(
    old_bands: np.ndarray, old_ok: np.ndarray, new_bands: np.ndarray, new_ok: np.ndarray
) -> Iterator[np.ndarray]:
    """Buckets with at least two members, one of them new; members as sorted node numbers.

    Nodes ``0..len(old)-1`` are the indexed documents, the next ones the new documents; ``*_ok``
    masks documents that have shingles. Buckets are found band by band by sorting the keys.
    """
    n_old = old_bands.shape[0]
    old_nodes = np.flatnonzero(old_ok)
    new_nodes = np.flatnonzero(new_ok) + n_old
    for j in range(new_bands.shape[1]):
        keys = np.concatenate([old_bands[old_ok, j], new_bands[new_ok, j]])
        nodes = np.concatenate([old_nodes, new_nodes])
        if keys.size < 2:
            continue
        order = np.argsort(keys, kind="stable")
        keys, nodes = keys[order], nodes[order]
        starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
        sizes = np.diff(np.concatenate([starts, [keys.size]]))
        has_new = np.logical_or.reduceat(nodes >= n_old, starts)
        for start, size in zip(starts[(sizes >= 2) & has_new], sizes[(sizes >= 2) & has_new]):
            yield nodes[start : start + size]


@dataclass
class _Cluster:
    """What is known of one union-find component while new documents join it."""

    size: int
    kept_rep: str | None
    """Smallest kept indexed id of the component (None: no indexed document kept)."""
    min_new: str | None
    """Smallest new id of the component."""
    old_reps: set[str] = field(default_factory=set)
    """Representatives of the indexed clusters merged into this component."""

    def absorb(self, other: _Cluster) -> None:
        """Merge ``other`` into this one."""
        self.size += other.size
        self.kept_rep = min((r for r in (self.kept_rep, other.kept_rep) if r is not None), default=None)
        self.min_new = min((r for r in (self.min_new, other.min_new) if r is not None), default=None)
        self.old_reps |= other.old_reps


@dataclass
class Assignment:
    """Decisions for the new documents of a batch (aligned with the batch's sorted new positions)."""

    new_positions: np.ndarray
    """Positions (in the batch ``DocSet``) of the documents not indexed before."""
    cluster: list[str]
    """Representative id of each new document."""
    size: np.ndarray
    """Cluster size of each new document."""
    keep: np.ndarray
    """Whether each new document is kept."""
    merged: list[list[str]]
    """Earlier representatives absorbed by the cluster (on its smallest new document only)."""
    counts: dict[str, int]
    """Work done: ``candidate_buckets``, ``candidate_pairs`` (exact Jaccards computed), ``verified_pairs``."""


class _Clusterer:
    """Union-find over indexed documents (nodes ``0..n_old-1``) and new documents (the next nodes)."""

    def __init__(self, index: IndexState, new_ids: list[str], threshold: float):
        """Start from the indexed clusters; every new document alone."""
        self.index = index
        self.n_old = len(index)
        self.new_ids = new_ids
        self.threshold = threshold
        parent = np.concatenate([index.labels, np.arange(self.n_old, self.n_old + len(new_ids))]).astype(np.int64)
        self.uf = UnionFind(parent)
        self.clusters: dict[int, _Cluster] = {}
        self.shingles: dict[int, np.ndarray] = {}
        self.rejected: set[tuple[int, int]] = set()
        self.counts = {"candidate_buckets": 0, "candidate_pairs": 0, "verified_pairs": 0}

    def cluster_of(self, root: int) -> _Cluster:
        """The component record of a root, created on first use."""
        found = self.clusters.get(root)
        if found is None:
            if root < self.n_old:
                rep = self.index.kept_rep.get(root)
                found = _Cluster(int(self.index.sizes[root]), rep, None, {rep} if rep is not None else set())
            else:
                found = _Cluster(1, None, self.new_ids[root - self.n_old])
            self.clusters[root] = found
        return found

    def union(self, x: int, y: int) -> int:
        """Merge the components of ``x`` and ``y``; returns the new root."""
        root, absorbed = self.uf.union(x, y)
        if root != absorbed:
            merged = self.cluster_of(root)
            merged.absorb(self.cluster_of(absorbed))
            self.clusters.pop(absorbed, None)
        return root

    def duplicates(self, x: int, y: int) -> bool:
        """Whether ``x`` and ``y`` have exact Jaccard ``>= threshold`` (each pair computed at most once)."""
        pair = (x, y) if x < y else (y, x)
        if pair in self.rejected:
            return False
        self.counts["candidate_pairs"] += 1
        if jaccard(self.shingles[x], self.shingles[y]) >= self.threshold:
            self.counts["verified_pairs"] += 1
            return True
        self.rejected.add(pair)
        return False

    def bucket(self, members: np.ndarray) -> None:
        """Process one bucket: each new member joins every other component holding a duplicate of it."""
        self.counts["candidate_buckets"] += 1
        groups: dict[int, list[int]] = {}
        for node in map(int, members):
            root = self.uf.find(node)
            if node >= self.n_old:
                for other in list(groups):
                    if other == root or other not in groups:
                        continue
                    if any(self.duplicates(node, y) for y in groups[other]):
                        joined = groups.pop(other) + groups.pop(root, [])
                        root = self.union(root, other)
                        groups[root] = joined
            groups.setdefault(root, []).append(node)


def assign(batch: DocSet, index: IndexState, new_positions: np.ndarray, threshold: float) -> Assignment:
    """Cluster the new documents of ``batch`` against themselves and the index (module docstring)."""
    new_ids = batch.ids.take(new_positions).to_pylist()
    clusterer = _Clusterer(index, new_ids, threshold)
    new_bands = batch.bands[new_positions]
    new_ok = batch.n_shingles[new_positions] > 0
    buckets = list(candidate_buckets(index.docs.bands, index.docs.n_shingles > 0, new_bands, new_ok))
    if buckets:
        nodes = np.unique(np.concatenate(buckets))
        old = nodes[nodes < clusterer.n_old]
        new = nodes[nodes >= clusterer.n_old]
        clusterer.shingles.update(index.docs.load_shingles(old))
        loaded = batch.load_shingles(new_positions[new - clusterer.n_old])
        for node in new:
            clusterer.shingles[int(node)] = loaded[int(new_positions[node - clusterer.n_old])]
    for members in buckets:
        clusterer.bucket(members)
    n_old = clusterer.n_old
    clusters, merged = [], []
    sizes = np.empty(len(new_ids), dtype=np.int64)
    keep = np.empty(len(new_ids), dtype=bool)
    for k, doc_id in enumerate(new_ids):
        root = clusterer.uf.find(n_old + k)
        info = clusterer.clusters.get(root)
        if info is None:  # never merged with anything: alone in its cluster
            clusters.append(doc_id)
            sizes[k], keep[k] = 1, True
            merged.append([])
            continue
        rep = info.kept_rep if info.kept_rep is not None else info.min_new
        clusters.append(rep)
        sizes[k] = info.size
        keep[k] = rep == doc_id
        merged.append(sorted(info.old_reps - {rep}) if doc_id == info.min_new else [])
    return Assignment(new_positions, clusters, sizes, keep, merged, clusterer.counts)


def new_ids_of(batch: DocSet, result: Assignment) -> list[str]:
    """Ids of the batch's new documents."""
    return batch.ids.take(result.new_positions).to_pylist()


def _index_rows(batch: DocSet, result: Assignment) -> Iterator[pa.Table]:
    """Index rows of the new documents, row group by row group of the batch (signature columns + decisions)."""
    files = batch.file_of[result.new_positions]
    for f in np.unique(files):
        mine = np.flatnonzero(files == f)
        for which, table in read_rows(batch.folder, batch.files[int(f)], batch.row_of[result.new_positions[mine]]):
            yield _with_decisions(table, result, mine[which])


def _with_decisions(table: pa.Table, result: Assignment, picked: np.ndarray) -> pa.Table:
    """Signature rows of new documents (``picked``: their indices in ``result``) with their decision columns."""
    table = table.append_column("cluster", pa.array([result.cluster[i] for i in picked], type=pa.string()))
    table = table.append_column("dup_cluster_size", pa.array(result.size[picked], type=pa.int64()))
    table = table.append_column("keep", pa.array(result.keep[picked], type=pa.bool_()))
    return table.append_column("merged", pa.array([result.merged[i] for i in picked], type=pa.list_(pa.string())))


def build_clusters(config: MinhashConfig, signatures_folder: str, clusters_path: str, index_folder: str | None) -> dict:
    """Pass 2: read every signature file, cluster (against the index if given), write ``clusters_path``.

    The clusters table (``curation.dedup.storage``) is written atomically first, then the batch's new
    documents are appended to the index, so a run killed in between recomputes the same table.
    Returns counts: ``documents``, ``new_documents``, ``already_indexed``, ``indexed_before``,
    ``empty_documents``, ``candidate_buckets``, ``candidate_pairs`` (exact Jaccards computed),
    ``verified_pairs`` (those ``>= threshold``), ``clusters`` (distinct ``dup_cluster`` of the batch),
    ``clusters_with_duplicates`` (those of size >= 2), ``duplicates`` (dropped) and ``kept``.
    """
    batch = read_signatures(config, signatures_folder)
    index = MinhashIndex(index_folder, config) if index_folder else None
    state = index.load() if index else MinhashIndex.empty_state(config)
    positions = state.positions_of(batch.ids)
    new_positions = np.flatnonzero(positions < 0)
    result = assign(batch, state, new_positions, config.threshold)

    n = len(batch)
    cluster = [""] * n
    size = np.zeros(n, dtype=np.int64)
    keep = np.zeros(n, dtype=bool)
    for k, p in enumerate(new_positions):
        cluster[p], size[p], keep[p] = result.cluster[k], result.size[k], result.keep[k]
    for p in np.flatnonzero(positions >= 0):
        cluster[p], size[p], keep[p] = state.recorded(int(positions[p]))
    duplicate_of = [None if kept else rep for rep, kept in zip(cluster, keep)]
    table = pa.Table.from_pydict(
        {"id": batch.ids, "dup_cluster": cluster, "dup_cluster_size": size, "keep": keep, "duplicate_of": duplicate_of},
        schema=clusters_schema(),
    )
    folder, name = split_path(clusters_path)
    write_table_atomic(folder, name, table)
    if index is not None:
        index.write_batch(new_ids_of(batch, result), _index_rows(batch, result))

    distinct = pc.unique(table.column("dup_cluster"))
    multi = pc.unique(pc.filter(table.column("dup_cluster"), pc.greater(table.column("dup_cluster_size"), 1)))
    return {
        "documents": n,
        "new_documents": int(new_positions.size),
        "already_indexed": int(n - new_positions.size),
        "indexed_before": len(state),
        "empty_documents": int((batch.n_shingles == 0).sum()),
        **result.counts,
        "clusters": len(distinct),
        "clusters_with_duplicates": len(multi),
        "duplicates": int((~keep).sum()),
        "kept": int(keep.sum()),
    }
