"""Preparation passes of global steps, as datatrove pipelines the engine runs before the stage they head.

A global step class (``is_global = True``) provides ``prep_passes(label, config, input_reader, tasks,
out_dir, attempt, base_dir) -> list[PrepPass]`` (a classmethod: the pipelines to run over the stage's
input before the stage) and ``configure(out_dir, attempt, base_dir)`` (point the step instance at what
they wrote).

MinHash (``minhash_dedup``): signatures of every document of the previous stage in parallel tasks,
then one task that builds the clusters (and adds the batch to the persistent index), then the
stage itself applies the decision document by document. The index defaults to a folder inside the
run (``<out>/minhash/<NN_step>/index``), so a ``--retry-failed`` attempt is deduplicated against
the first one; set ``index:`` in the recipe to share one index across runs (incremental dedup).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from curation.errors import ConfigError
from curation.run.sources import resolve_path


@dataclass
class PrepPass:
    """One preparation pipeline: its logs name, pipeline and task count."""

    name: str
    pipeline: list
    tasks: int


class ClusterPass(PipelineStep):
    """Runs ``build_clusters`` once (task 0) and records its summary in stats."""

    type = "minhash"

    def __init__(self, config, signatures_folder: str, clusters_path: str, index_folder: str, label: str):
        self.name = label
        super().__init__()
        self.config = config
        self.signatures_folder = signatures_folder
        self.clusters_path = clusters_path
        self.index_folder = index_folder

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        from curation.steps.minhash_dedup import build_clusters

        if data:
            yield from data
        if rank != 0:
            return
        summary = build_clusters(self.config, self.signatures_folder, self.clusters_path, self.index_folder)
        for key, value in summary.items():
            if isinstance(value, (int, float)):
                self.stat_update(key, value=value)


def minhash_paths(out_dir: Path, label: str, attempt: int, config, base_dir: Path) -> dict[str, str]:
    """Where a MinHash step keeps its signatures, clusters and index for one attempt."""
    work = out_dir / "minhash" / label / f"attempt{attempt}"
    index = resolve_path(config.index, base_dir) if config.index else str(out_dir / "minhash" / label / "index")
    return {"signatures": str(work), "clusters": str(work / "clusters.parquet"), "index": index}


def minhash_prep_passes(label: str, config, input_reader, tasks: int, out_dir: Path, attempt: int,
                        base_dir: Path) -> list[PrepPass]:
    """MinHash: signatures in ``tasks`` parallel tasks, then the clusters in one task."""
    from curation.steps.minhash_dedup import MinhashSignatures

    paths = minhash_paths(out_dir, label, attempt, config, base_dir)
    return [
        PrepPass(f"{label}.signatures", [input_reader, MinhashSignatures(config, paths["signatures"], label)], tasks),
        PrepPass(f"{label}.clusters",
                 [ClusterPass(config, str(Path(paths["signatures"]) / "signatures"), paths["clusters"],
                              paths["index"], label)], 1),
    ]


def prepare(label: str, config, input_reader, tasks: int, out_dir: Path, attempt: int, base_dir: Path) -> list[PrepPass]:
    """The preparation passes of a global step: its class's ``prep_passes``."""
    from curation.steps.registry import STEPS

    cls = STEPS[config.step]
    if not hasattr(cls, "prep_passes"):
        raise ConfigError(f"step {label}: global step {config.step!r} defines no preparation passes (prep_passes)")
    return cls.prep_passes(label, config, input_reader, tasks, out_dir, attempt, base_dir)


def configure(step, out_dir: Path, attempt: int, base_dir: Path) -> None:
    """Point a global step at what its preparation wrote (its ``configure`` method)."""
    step.configure(out_dir, attempt, base_dir)
