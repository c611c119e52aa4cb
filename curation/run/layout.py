"""Where a run keeps what (one place, so every command agrees).

::

    <out>/run.json                     resolved config, its hash, package version, sources
    <out>/curated/NNNNN.parquet        output shards (one per task; retries add retryN-NNNNN.parquet)
    <out>/excluded/<NN_step>/...       excluded documents with their reason
    <out>/failed/<NN_step>/...         failed documents with the error (what --retry-failed re-runs)
    <out>/retried/retryN/<NN_step>/    failed records that retry N took over
    <out>/logs/<stage>[.retryN]/       datatrove's per-task stats/, completions/, logs/, executor.json
"""

from __future__ import annotations

import re
from pathlib import Path

STAGE = "curated"
"""Name of the stage the per-document pipeline writes."""


class RunLayout:
    """Paths of one run's output folder."""

    def __init__(self, out_dir: str | Path):
        self.root = Path(out_dir)

    @property
    def run_json(self) -> Path:
        return self.root / "run.json"

    def shards(self, stage: str = STAGE) -> Path:
        return self.root / stage

    @property
    def excluded(self) -> Path:
        return self.root / "excluded"

    @property
    def failed(self) -> Path:
        return self.root / "failed"

    def retried(self, attempt: int) -> Path:
        return self.root / "retried" / f"retry{attempt}"

    def logs(self, stage: str = STAGE, attempt: int = 0) -> Path:
        return self.root / "logs" / (stage if attempt == 0 else f"{stage}.retry{attempt}")

    def attempts(self, stage: str = STAGE) -> list[int]:
        """Attempt numbers that exist for a stage (0 = the first run)."""
        found = []
        logs = self.root / "logs"
        if not logs.is_dir():
            return found
        pattern = re.compile(rf"^{re.escape(stage)}(?:\.retry(\d+))?$")
        for child in logs.iterdir():
            m = pattern.match(child.name)
            if m and child.is_dir():
                found.append(int(m.group(1) or 0))
        return sorted(found)

    @staticmethod
    def prefix(attempt: int) -> str:
        """Shard file prefix of an attempt."""
        return "" if attempt == 0 else f"retry{attempt}-"
