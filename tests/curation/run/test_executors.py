"""Cluster executors: Ray really runs the tasks on a local Ray instance; Slurm writes a correct job script."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from curation.recipe import load_recipe
from curation.run.engine import curate, plan_run
from curation.run.funnel import check_accounting
from tests.curation.run.corpus import build_good, write_recipe


def _recipe(tmp_path: Path, executor: dict) -> Path:
    build_good(tmp_path / "data", n_pdf=2, n_records=6)
    path = write_recipe(tmp_path / "r.yaml", [
        {"name": "arts", "reader": {"format": "pdf", "path": "data/pdf"}},
        {"name": "recs", "reader": {"format": "jsonl", "path": "data/jsonl"}},
    ])
    data = yaml.safe_load(path.read_text())
    data["executor"] = executor
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.slow
def test_ray_executor_runs_the_tasks_on_a_local_ray_instance(tmp_path):
    import ray
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        recipe = _recipe(tmp_path, {"kind": "ray", "tasks": 3, "workers": 2})
        out = tmp_path / "out"
        result = curate(plan_run(load_recipe(recipe), out=str(out)))
        events = [e for e in ray.timeline() if isinstance(e, dict) and e.get("name") == "run_for_rank"]
    finally:
        ray.shutdown()
    assert result.finished and check_accounting(out) == []
    assert len(events) >= 3, "Ray's timeline shows the tasks it ran"
    assert sorted(p.name for p in (out / "logs" / "curated" / "completions").iterdir()) == ["00000", "00001", "00002"]
    ids = {r["id"] for p in (out / "curated").glob("*.parquet") for r in pq.read_table(p).to_pylist()}
    assert ids == {"arts/art0.pdf", "arts/art1.pdf", *(f"recs/rec-{i}" for i in range(6))}


def test_slurm_executor_writes_and_submits_a_job_array(tmp_path):
    recipe = _recipe(tmp_path, {
        "kind": "slurm", "tasks": 4, "workers": 2, "partition": "cpu-long", "time": "02:00:00",
        "cpus_per_task": 2, "mem_per_cpu_gb": 3, "venv_path": "/opt/venvs/biomedfr/bin/activate",
        "sbatch_args": {"account": "proj123"},
    })
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    calls = tmp_path / "sbatch_calls.txt"
    sbatch = fake_bin / "sbatch"
    sbatch.write_text(f'#!/bin/sh\necho "$@" >> {calls}\ncat "$(eval echo \\${{$#}})" >> {calls}.scripts\n'
                      'echo "Submitted batch job 4242"\n')
    sbatch.chmod(sbatch.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PATH": f"{fake_bin}:{os.environ['PATH']}", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-m", "curation", "curate", str(recipe), "--out", str(tmp_path / "out"),
                           "--no-progress"], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Submitted" in proc.stdout
    logs = tmp_path / "out" / "logs" / "curated"
    script = (logs / "launch_script.slurm").read_text()
    for directive in ("#SBATCH --partition=cpu-long", "#SBATCH --time=02:00:00", "#SBATCH --cpus-per-task=2",
                      "#SBATCH --mem-per-cpu=3G", "#SBATCH --array=0-3%2", "#SBATCH --account=proj123",
                      "#SBATCH --job-name=biomedfr"):
        assert directive in script, directive
    assert "source /opt/venvs/biomedfr/bin/activate" in script
    assert f"launch_pickled_pipeline {logs / 'executor.pik'}" in script
    assert (logs / "executor.pik").stat().st_size > 0
    submitted = calls.read_text().splitlines()
    assert len(submitted) == 2 and "RUN_OFFSET=0" in submitted[0]  # the job array, then the stats merge
    scripts = (tmp_path / "sbatch_calls.txt.scripts").read_text()
    assert "#SBATCH --dependency=afterok:4242" in scripts and "merge_stats" in scripts
    assert (tmp_path / "out" / "run.json").exists()
