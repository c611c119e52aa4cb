"""Shared test setup: offline hub, quiet datatrove, the repository root."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> Path:
    """`biomedfr curate` with no recipe, as `make demo` runs it (once per test session)."""
    out = tmp_path_factory.mktemp("sample") / "out"
    proc = subprocess.run([sys.executable, "-m", "curation", "curate", "--out", str(out), "--no-progress"],
                          capture_output=True, text=True, timeout=900, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"Output shards: {out / 'curated'}" in proc.stdout.replace("\n", "")
    return out
