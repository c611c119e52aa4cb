"""Stages: a recipe's steps cut at global steps (steps that must see the whole corpus, like MinHash).

Per-document steps stream through one datatrove pipeline per task. A global step needs every
document before it can decide (MinHash clusters span tasks), so the run is cut before it:

    stage 1: read sources -> steps before G -> <out>/before_<NN_G>/ shards
    G's preparation passes (e.g. MinHash signatures in parallel tasks, then clusters in one task)
    stage 2: read <out>/before_<NN_G>/ -> G -> the following steps -> <out>/curated/ shards

The last stage always writes ``curated/``. Each stage has its own logs folder (stats, completions),
so a killed run resumes at the stage and task where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.readers.base import BaseDiskReader

from curation.document import from_row
from curation.run.layout import STAGE
from curation.steps.registry import STEPS


@dataclass(frozen=True)
class Stage:
    """One pass of per-document steps between two global barriers."""

    name: str
    """Output folder of the stage (``curated`` for the last one)."""
    steps: list = field(default_factory=list)
    """``(index, config)`` of the steps the stage runs, the global step first when there is one."""
    input_stage: str | None = None
    """Stage whose shards this stage reads; None: the first stage reads the sources."""

    @property
    def global_step(self):
        """``(index, config)`` of the global step heading this stage, or None."""
        if self.steps and STEPS[self.steps[0][1].step].is_global and self.input_stage is not None:
            return self.steps[0]
        return None


def label_of(index: int, config) -> str:
    """The label of a step: ``NN_name``."""
    return f"{index:02d}_{config.step}"


def split_stages(step_configs: list) -> list[Stage]:
    """Cut the recipe's steps into stages before each global step."""
    stages: list[Stage] = []
    current: list = []
    input_stage = None
    for index, cfg in enumerate(step_configs, start=1):
        if STEPS[cfg.step].is_global and (current or input_stage is None):
            name = f"before_{label_of(index, cfg)}"
            stages.append(Stage(name=name, steps=current, input_stage=input_stage))
            input_stage, current = name, []
        current.append((index, cfg))
    stages.append(Stage(name=STAGE, steps=current, input_stage=input_stage))
    return stages


class StageReader(BaseDiskReader):
    """Reads the shards an earlier stage wrote (one attempt's files), as documents."""

    type = "stage"

    def __init__(self, folder: str, label: str, attempt_prefix: str = ""):
        self.name = label
        self.label = label
        self.prefix = attempt_prefix
        super().__init__(folder, glob_pattern=f"{attempt_prefix}*.parquet" if attempt_prefix else "[0-9]*.parquet",
                         recursive=False, add_file_path=False)

    def read_file(self, filepath: str) -> DocumentsPipeline:
        import pyarrow.parquet as pq

        with self.data_folder.open(filepath, "rb") as f:
            parquet = pq.ParquetFile(f)
            for batch in parquet.iter_batches(batch_size=1000):
                for row in batch.to_pylist():
                    self.stat_update("in", "kept", "out")
                    yield from_row(row)

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data:
            yield from data
        if not self.data_folder.exists(""):
            return
        shard = self.data_folder.get_shard(rank, world_size, recursive=False, glob_pattern=self.glob_pattern)
        for path in shard or []:
            yield from self.read_file(path)


def documents_of(stage_folder: str) -> list[Document]:
    """Every document of a stage folder (tests and tools)."""
    reader = StageReader(stage_folder, "read")
    return list(reader.run())
