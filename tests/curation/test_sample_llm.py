"""The LLM path end to end with the packaged local model: `sample-llm.yaml` twice into two fresh folders.

The second run is served from the disk cache: zero model calls, identical output. Every model output is
schema-valid JSON or a recorded failure, never a crash (the accounting check proves nothing is lost).
To keep CI short both sources read the born-digital article (the second one's requests are cache hits).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from curation.run.funnel import check_accounting, funnel

RECIPE = Path(__file__).resolve().parents[2] / "recipes" / "curation" / "sample-llm.yaml"
# the scan source reads the same article (same text: its requests are cache hits within the run)
OVERRIDES = ["--set", "sources.1.reader.path=../../curation/sample/corpus/pdf", "--set", "sources.1.reader.glob=cardio-hta.pdf",
             "--set", "llm.max_new_tokens=256"]


def _run(out: Path, cache: Path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "BIOMEDFR_CACHE": str(cache)}
    proc = subprocess.run([sys.executable, "-m", "curation", "curate", str(RECIPE), "--out", str(out), "--no-progress",
                           *OVERRIDES], capture_output=True, text=True, timeout=1500, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def _llm(out: Path) -> dict[str, dict[str, int]]:
    return {c.label: {k: int(v.total) for k, v in c.extra.items() if k.startswith("llm.")}
            for c in funnel(out) if "llm_" in c.label}


def _rows(out: Path) -> list[tuple]:
    rows = [r for p in sorted((out / "curated").glob("*.parquet")) for r in pq.read_table(p).to_pylist()]
    return sorted((r["id"], r["text"], r["quality.edu"], r["content_type"]) for r in rows)


@pytest.mark.slow
def test_sample_llm_twice_second_run_makes_no_model_call(tmp_path):
    cache = tmp_path / "cache"
    _run(tmp_path / "first", cache)
    _run(tmp_path / "second", cache)
    first, second = _llm(tmp_path / "first"), _llm(tmp_path / "second")
    extract = first["02_llm_extract"]
    assert extract["llm.calls"] >= 1
    valid_rate = extract.get("llm.valid", 0) / max(1, extract.get("llm.valid", 0) + extract.get("llm.invalid", 0))
    print(f"valid-JSON rate of llm_extract with SmolLM2-135M: {valid_rate:.2f} ({extract})")
    assert all(stats.get("llm.calls", 0) == 0 for stats in second.values()), second
    assert _rows(tmp_path / "first") == _rows(tmp_path / "second")
    assert check_accounting(tmp_path / "first") == [] and check_accounting(tmp_path / "second") == []


def test_dry_run_counts_requests_without_loading_any_model(tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "BIOMEDFR_CACHE": str(tmp_path / "cache")}
    code = (
        "import sys; from curation.cli import main; sys.argv = ['biomedfr', 'curate', sys.argv[1], '--dry-run'];\n"
        "try:\n    main()\nfinally:\n    print('TORCH_LOADED' if 'transformers' in sys.modules else 'NO_MODEL_LOADED')"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(RECIPE)], capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    out = proc.stdout
    assert "LLM requests (dry run)" in out and "02_llm_extract" in out and "NO_MODEL_LOADED" in out
    row = next(line for line in out.splitlines() if "02_llm_extract" in line)
    requests, cached = [int(x) for x in row.replace("│", " ").split()[1:3]]
    assert requests == 7 and cached == 0  # 7 segments of ~400 tokens in the two documents
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*.json"))
