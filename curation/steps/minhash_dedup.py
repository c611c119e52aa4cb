"""MinHash near-duplicate removal across the corpus (issue "Passage steps", item 7): config and the three passes.

The run engine calls, in order:

1. ``MinhashSignatures(config, output_folder, label)`` — a datatrove step run over every task's
   documents; writes ``<output_folder>/signatures/<rank:05d>.parquet`` and yields nothing.
2. ``build_clusters(config, signatures_folder, clusters_path, index_folder)`` — once, in one process:
   LSH candidates, true-Jaccard verification, union-find clusters (against the persistent index when
   ``index_folder`` is given); writes the clusters table and returns counts.
3. ``MinhashDedup`` — the recipe step (``step: minhash_dedup``): the engine sets ``clusters_path`` on it
   after construction; it writes ``dup_cluster`` and ``dup_cluster_size`` and drops the duplicates.

Semantics of clusters, representatives and incremental runs: ``curation.dedup.clusters``.
"""

from __future__ import annotations

from typing import Literal

from datatrove.data import Document
from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from curation.dedup.clusters import build_clusters
from curation.dedup.minhash import Permutation
from curation.dedup.signatures import MinhashSignatures
from curation.dedup.storage import read_table, split_path
from curation.errors import ConfigError, DocumentError
from curation.steps.base import CurationStep, Excluded, StepConfig
from curation.steps.registry import register

__all__ = ["MinhashConfig", "MinhashDedup", "MinhashSignatures", "build_clusters"]


class MinhashConfig(StepConfig):
    """Config of ``minhash_dedup``.

    Banding: a pair of documents with Jaccard ``J`` becomes an LSH candidate with probability
    ``P(J) = 1 - (1 - J^rows)^bands``. The default 21 bands x 6 rows (126 of the 128 permutations) gives

    ======  ======  ======  ======  ======  ======  ======  ======
    J       0.3     0.5     0.6     0.7     0.75    0.8     0.85    0.9
    P(J)    0.0152  0.2816  0.6334  0.9278  0.9837  0.9983  0.9999  1.0000
    ======  ======  ======  ======  ======  ======  ======  ======

    so at least 99.8 % of the pairs with Jaccard >= 0.8 are compared (target 98 %), while only 28 %
    of the pairs at J = 0.5 cost an exact Jaccard. Alternatives with 128 permutations: 16 x 8 gives
    P(0.8) = 0.947 and 18 x 7 gives 0.9855 (too few); 25 x 5 gives 1.0000 at 0.8 but 0.548 at
    0.5 and 32 x 4 gives 0.873 at 0.5 (many more pairs to verify for nothing). Candidates are always
    verified with the true Jaccard of the shingle sets (``threshold``), so banding only trades recall
    against work, never precision.
    """

    step: Literal["minhash_dedup"] = "minhash_dedup"
    """Step name."""
    ngram: int = Field(default=5, ge=1)
    """Words per shingle (after normalisation); a text with fewer words is one shingle of all its words."""
    num_perm: int = Field(default=128, ge=1)
    """Permutations per MinHash signature (the first ``bands * rows`` are used by LSH)."""
    bands: int = Field(default=21, ge=1)
    """LSH bands: two documents are candidates when all ``rows`` positions of one band agree."""
    rows: int = Field(default=6, ge=1)
    """Signature positions per band."""
    threshold: float = Field(default=0.8, gt=0.0, le=1.0)
    """Exact Jaccard of the shingle sets at or above which two candidates are duplicates."""
    seed: int = 1
    """Seed of the permutations and band hashes; signatures and indexes only match for the same seed."""
    permutation: Permutation = "affine32"
    """Permutation family: ``affine32`` (fast, datasketch 2.x default construction) or ``mersenne61``
    (``(a*x + b) mod 2^61-1``, exact, about 10x slower); see ``curation.dedup.minhash``."""
    index: str | None = None
    """Folder of a persistent index shared across runs (relative: to the output folder's parent);
    null: deduplicate this run alone."""

    @model_validator(mode="after")
    def _bands_fit(self) -> MinhashConfig:
        """LSH uses the first ``bands * rows`` permutations: there must be that many."""
        if self.bands * self.rows > self.num_perm:
            raise PydanticCustomError(
                "bands_exceed_permutations",
                "bands x rows = {used} needs more than num_perm = {num_perm} permutations — "
                "lower bands or rows, or raise num_perm",
                {"used": self.bands * self.rows, "num_perm": self.num_perm},
            )
        return self


@register
class MinhashDedup(CurationStep):
    """Pass 3: tags ``dup_cluster`` and ``dup_cluster_size``; drops all but each cluster's representative."""

    name = "minhash_dedup"
    Config = MinhashConfig
    reasons = frozenset({"minhash_duplicate"})
    is_global = True

    clusters_path: str | None = None

    @classmethod
    def prep_passes(cls, label, config, input_reader, tasks, out_dir, attempt, base_dir):
        """Signatures in parallel tasks, then clusters in one task (``curation.run.global_steps``)."""
        from curation.run.global_steps import minhash_prep_passes

        return minhash_prep_passes(label, config, input_reader, tasks, out_dir, attempt, base_dir)

    def configure(self, out_dir, attempt: int, base_dir) -> None:
        """Read the clusters table the preparation of this attempt wrote."""
        from curation.run.global_steps import minhash_paths

        self.clusters_path = minhash_paths(out_dir, self.label, attempt, self.config, base_dir)["clusters"]
    """The clusters table written by ``build_clusters``; set by the run engine after construction."""

    def setup(self) -> None:
        """Load the clusters table: id -> (representative, size, kept)."""
        if not self.clusters_path:
            raise ConfigError(
                f"step {self.label}: clusters_path is not set — run the MinHash signature pass and "
                "build_clusters first, then set the step's clusters_path to the table they wrote"
            )
        folder, name = split_path(self.clusters_path)
        if not folder.exists(name):
            raise ConfigError(
                f"step {self.label}: clusters table {self.clusters_path} not found — run build_clusters first"
            )
        table = read_table(folder, name, ["id", "dup_cluster", "dup_cluster_size", "keep"])
        self._table = {
            doc_id: (rep, size, keep)
            for doc_id, rep, size, keep in zip(
                table.column("id").to_pylist(),
                table.column("dup_cluster").to_pylist(),
                table.column("dup_cluster_size").to_pylist(),
                table.column("keep").to_pylist(),
            )
        }

    def process(self, doc: Document) -> list[Document] | Excluded:
        """Tag the document with its cluster; exclude it when it is not its cluster's representative."""
        found = self._table.get(doc.id)
        if found is None:
            raise DocumentError(
                "minhash_not_indexed",
                f"{doc.id}: not in the MinHash clusters table {self.clusters_path} — the signature pass did not see "
                "this document (it must run over exactly the documents this step receives)",
            )
        rep, size, keep = found
        doc.metadata["dup_cluster"] = rep
        doc.metadata["dup_cluster_size"] = int(size)
        if not keep:
            return Excluded("minhash_duplicate", detail=rep)
        return [doc]
