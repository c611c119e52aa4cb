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

import json
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


def read_run_json(root: str | Path) -> dict:
    """``run.json`` of a run folder; ``ConfigError`` when the folder is not a run or the file is damaged."""
    from curation.errors import ConfigError

    layout = RunLayout(root)
    if not layout.run_json.is_file():
        raise ConfigError(f"{layout.root}: no run.json — not the output folder of `biomedfr curate` or `biomedfr books`")
    try:
        info = json.loads(layout.run_json.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{layout.run_json}: not valid JSON ({exc}) — re-run the command that wrote it") from None
    if not isinstance(info, dict):
        raise ConfigError(f"{layout.run_json}: expected a JSON object — re-run the command that wrote it")
    return info


def run_identity(root: str | Path) -> dict:
    """What identifies a run in reports and indexes: its path, name and config hash (from ``run.json``)."""
    info = read_run_json(root)
    return {"path": str(RunLayout(root).root), "name": info.get("name"), "config_hash": info.get("config_hash")}


def run_shards(root: str | Path, stage: str = STAGE) -> list[Path]:
    """The output shards of a finished run's stage, sorted; ``ConfigError`` for a non-run or an empty stage."""
    from curation.errors import ConfigError

    read_run_json(root)
    folder = RunLayout(root).shards(stage)
    shards = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    if not shards:
        raise ConfigError(f"{root}: no shards in {folder}/ — has the run finished? (`biomedfr stats {root}`)")
    return shards


def document_shards(paths, stage: str = STAGE, unique: bool = True) -> list[Path]:
    """Parquet shards named on a command line: a run folder's ``<stage>/*.parquet``, a folder's ``*.parquet``, or
    ``.parquet`` files, in the order given; each file once with ``unique``, else as often as it is named."""
    from curation.errors import ConfigError

    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_file() and path.suffix == ".parquet":
            files.append(path)
        elif path.is_dir():
            folder = path / stage if (path / stage).is_dir() else path
            found = sorted(folder.glob("*.parquet"))
            if not found:
                raise ConfigError(f"{path}: no Parquet shards in {folder} — give a run folder (with {stage}/), "
                                  "a folder of shards, or .parquet files")
            files += found
        else:
            raise ConfigError(f"{path}: not found (no such file or folder), or not a .parquet file — give Parquet "
                              "shards, a folder of them, or a run's output folder")
    resolved = [p.resolve() for p in files]
    return list(dict.fromkeys(resolved)) if unique else resolved
