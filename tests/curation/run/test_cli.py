"""The command line as a user runs it: subprocesses, exit codes, one-line errors, kill and resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from curation.run.funnel import check_accounting
from tests.curation.run.corpus import build_big, build_good, write_recipe

BIN = [sys.executable, "-m", "curation"]


def run_cli(*args, cwd=None, timeout=300, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([*BIN, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=env, **kw)


def rows(out: Path) -> dict[str, str]:
    found = {}
    for p in sorted((out / "curated").glob("*.parquet")):
        for r in pq.read_table(p, columns=["id", "text"]).to_pylist():
            assert r["id"] not in found, f"duplicate {r['id']}"
            found[r["id"]] = r["text"]
    return found


def test_config_error_is_one_line_with_nonzero_exit(tmp_path):
    recipe = tmp_path / "r.yaml"
    recipe.write_text(yaml.safe_dump({"sources": [{"manifest": "sample-corpus",
                                                   "reader": {"format": "jsonl", "path": "."}}],
                                      "steps": [{"step": "length_filter", "min_tokns": 3}]}))
    proc = run_cli("curate", recipe, "--out", tmp_path / "out")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and "steps[0].min_tokns: unknown field — did you mean 'min_tokens'?" in lines[0]
    proc = run_cli("curate", tmp_path / "missing.yaml")
    assert proc.returncode == 2 and "file not found" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("stats", tmp_path)
    assert proc.returncode == 2 and "no run.json" in proc.stderr


def test_sources_lists_the_manifests():
    proc = run_cli("sources")
    assert proc.returncode == 0, proc.stderr
    for name in ("hal", "e3c", "cim10-books", "sample-corpus"):
        assert name in proc.stdout
    assert "CC-BY-NC-ND-3.0-IGO" in proc.stdout


def test_one_task_and_four_tasks_give_the_same_documents(tmp_path):
    build_good(tmp_path / "data", n_pdf=5, n_records=30)
    for tasks in (1, 4):
        write_recipe(tmp_path / f"r{tasks}.yaml", [
            {"name": "arts", "reader": {"format": "pdf", "path": "data/pdf"}},
            {"name": "recs", "reader": {"format": "jsonl", "path": "data/jsonl"}},
        ], tasks=tasks, workers=2)
        proc = run_cli("curate", tmp_path / f"r{tasks}.yaml", "--out", tmp_path / f"out{tasks}", "--no-progress")
        assert proc.returncode == 0, proc.stderr
    assert rows(tmp_path / "out1") == rows(tmp_path / "out4")
    assert len(list((tmp_path / "out4" / "curated").glob("*.parquet"))) >= 2
    stats = run_cli("stats", tmp_path / "out4")
    assert stats.returncode == 0 and "Every document is accounted for" in stats.stdout
    # per-task stats merge to the same funnel whatever the number of tasks
    from curation.run.funnel import funnel

    def counts(out):
        return [(c.label, c.n_in, c.kept, c.out, dict(c.excluded), dict(c.failed)) for c in funnel(out)]

    assert counts(tmp_path / "out1") == counts(tmp_path / "out4")


@pytest.mark.slow
def test_sigkill_mid_run_then_resume_equals_uninterrupted_run(tmp_path):
    build_big(tmp_path / "data")
    recipe = write_recipe(tmp_path / "r.yaml", [{"name": "big", "reader": {"format": "jsonl", "path": "data/jsonl"}}],
                          tasks=8, workers=2)
    reference = tmp_path / "reference"
    assert run_cli("curate", recipe, "--out", reference, "--no-progress").returncode == 0

    out = tmp_path / "killed"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([*BIN, "curate", str(recipe), "--out", str(out), "--no-progress"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    completions = out / "logs" / "curated" / "completions"
    deadline = time.time() + 120
    while time.time() < deadline:  # kill once some tasks are done and others are writing
        if completions.is_dir() and len(list(completions.iterdir())) >= 2 and list(out.rglob("*.parquet.tmp")):
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = len(list(completions.iterdir()))
    assert 0 < done < 8, f"the kill came too late or too early ({done} tasks done)"
    assert list(out.rglob("*.parquet.tmp")), "the kill should leave unfinished shards behind"
    for shard in (out / "curated").glob("*.parquet"):
        pq.read_table(shard)  # finished shards are whole

    resumed = run_cli("curate", recipe, "--out", out, "--no-progress")
    assert resumed.returncode == 0, resumed.stderr
    assert rows(out) == rows(reference)
    assert not list(out.rglob("*.tmp"))
    assert check_accounting(out) == []


def test_scans_fail_without_tesseract_then_retry_failed_reads_them(tmp_path):
    from curation.io import read_records
    from curation.sample import SAMPLE_CORPUS

    scans = tmp_path / "scans"
    scans.mkdir()
    for name in ("scan-pediatrie-fievre.pdf", "scan-onco-douleur.pdf"):
        (scans / name).write_bytes((SAMPLE_CORPUS / "scans" / name).read_bytes())
    recipe = write_recipe(tmp_path / "r.yaml", [{"name": "scans", "reader": {"format": "pdf", "path": "scans"}}])
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "TESSDATA_PREFIX"}
    no_tesseract = {**env, "PATH": str(tmp_path / "empty-bin")}  # as on a machine without tesseract
    proc = subprocess.run([*BIN, "curate", str(recipe), "--out", str(out), "--no-progress"], env=no_tesseract,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    failed = read_records(out / "failed")
    assert sorted((r["id"], r["reason"]) for r in failed) == [
        ("scans/scan-onco-douleur.pdf", "ocr_unavailable"), ("scans/scan-pediatrie-fievre.pdf", "ocr_unavailable")]
    assert all("apt-get install tesseract-ocr" in r["message"] and "--retry-failed" in r["message"] for r in failed)
    assert rows(out) == {}

    proc = subprocess.run([*BIN, "curate", str(recipe), "--out", str(out), "--retry-failed", "--no-progress"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert read_records(out / "failed") == []
    texts = rows(out)
    assert set(texts) == {"scans/scan-onco-douleur.pdf", "scans/scan-pediatrie-fievre.pdf"}
    assert all(len(t.split()) > 100 for t in texts.values())
    assert check_accounting(out) == []
