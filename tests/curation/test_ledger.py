"""Walk the sample's planted-problem ledger: each problem is handled by its step, with its reason.

The sample run (`biomedfr curate` with no argument, shared with test_sample.py) is the evidence:
failures in failed/, exclusions in excluded/ (reason, and the document they come from through
``root_id``), fixes in the passages' ``fixes``, licenses and PII in the output columns.
"""

from __future__ import annotations

import fnmatch
import json
from collections import defaultdict
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from curation.io import read_records
from curation.sample import SAMPLE_LEDGER

SOURCE_OF_FOLDER = {"pdf": "sample-pdf", "scans": "sample-scans", "tei": "sample-tei", "jsonl": "sample-jsonl"}


def root_id(document: str) -> str:
    """The id the pipeline gives a ledger document (``jsonl/x.jsonl#rec`` -> ``sample-jsonl/rec``)."""
    folder, _, rest = document.partition("/")
    path, _, record = rest.partition("#")
    return f"{SOURCE_OF_FOLDER[folder]}/{record or path}"


@pytest.fixture(scope="module")
def evidence(sample_run: Path) -> dict:
    """What the sample run did, indexed by root document id."""
    outputs: dict[str, list[dict]] = defaultdict(list)
    for path in sorted((sample_run / "curated").glob("*.parquet")):
        for row in pq.read_table(path).to_pylist():
            outputs[row["root_id"] or row["id"]].append(row)
    excluded: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    excluded_fixes: dict[str, list[list[str]]] = defaultdict(list)
    for rec in read_records(sample_run / "excluded"):
        meta = rec["metadata"]
        step = rec["step"].split("_", 1)[1]
        excluded[meta.get("root_id") or rec["id"]].append((step, rec["reason"], rec["message"]))
        excluded_fixes[meta.get("root_id") or rec["id"]].append(meta.get("fixes") or [])
    failed = {(rec["source"], rec["source_path"]): rec["reason"] for rec in read_records(sample_run / "failed")}
    return {"outputs": outputs, "excluded": excluded, "excluded_fixes": excluded_fixes, "failed": failed}


def ledger(step: str) -> list[dict]:
    return [e for e in yaml.safe_load(SAMPLE_LEDGER.read_text(encoding="utf-8")) if e["step"] == step]


def _ids(entries):
    return [f"{e['document']}:{e['reason']}" for e in entries]


@pytest.mark.slow
@pytest.mark.parametrize("entry", ledger("read"), ids=_ids(ledger("read")))
def test_read_failures(evidence, entry):
    folder, _, rest = entry["document"].partition("/")
    assert evidence["failed"].get((SOURCE_OF_FOLDER[folder], rest.partition("#")[0])) == entry["reason"]


@pytest.mark.slow
@pytest.mark.parametrize("entry", ledger("license"), ids=_ids(ledger("license")))
def test_licenses(evidence, entry):
    rows = evidence["outputs"][root_id(entry["document"])]
    assert rows, f"{entry['document']} has no output to check its license on"
    if entry["reason"] == "license_unknown":
        assert all(r["license"].startswith("LicenseRef-unknown") for r in rows)
    else:
        assert all(r["license_raw"] and r["license"] != r["license_raw"] for r in rows)


@pytest.mark.slow
@pytest.mark.parametrize("entry", ledger("heuristic_extract"), ids=_ids(ledger("heuristic_extract")))
def test_heuristic_extraction(evidence, entry):
    doc = root_id(entry["document"])
    if entry["reason"] == "no_passage_extracted":
        assert ("heuristic_extract", "no_passage_extracted") in [(s, r) for s, r, _ in evidence["excluded"][doc]]
        return
    fixes = {fix for row in evidence["outputs"][doc] for fix in (row["fixes"] or [])}
    fixes |= {fix for fixes_of_excluded in evidence["excluded_fixes"][doc] for fix in fixes_of_excluded}
    assert entry["reason"] in fixes, f"{doc}: fixes found {sorted(fixes)}"


@pytest.mark.slow
@pytest.mark.parametrize(
    "entry",
    [e for step in ("passage_filter", "window_dedup", "language_filter", "fineweb2_quality") for e in ledger(step)],
    ids=lambda e: f"{e['document']}:{e['step']}:{e['reason']}",
)
def test_exclusions(evidence, entry):
    doc = root_id(entry["document"])
    pattern = entry["reason"] or "*"
    got = [(s, r) for s, r, _ in evidence["excluded"][doc]]
    assert any(s == entry["step"] and fnmatch.fnmatch(r, pattern) for s, r in got), f"{doc}: excluded {got}"


@pytest.mark.slow
@pytest.mark.parametrize("entry", ledger("minhash_dedup"), ids=_ids(ledger("minhash_dedup")))
def test_near_duplicates_across_documents(evidence, entry):
    doc = root_id(entry["document"])
    excluded = [m for s, r, m in evidence["excluded"][doc] if s == "minhash_dedup" and r == "minhash_duplicate"]
    representative = [r for r in evidence["outputs"][doc] if (r["dup_cluster_size"] or 1) > 1]
    assert excluded or representative, f"{doc}: no MinHash cluster found"


@pytest.mark.slow
@pytest.mark.parametrize("entry", ledger("pii"), ids=_ids(ledger("pii")))
def test_pii_is_tagged(evidence, entry):
    rows = evidence["outputs"][root_id(entry["document"])]
    kinds = {k for r in rows for k in (r["pii_types"] or [])}
    assert entry["reason"].removeprefix("pii_") in kinds, kinds


def test_llm_only_problems_are_documented():
    entries = ledger("llm_extract")
    assert entries and all(e["problem"] for e in entries)
    steps = {e["step"] for e in yaml.safe_load(SAMPLE_LEDGER.read_text(encoding="utf-8"))}
    assert steps <= {"read", "license", "heuristic_extract", "passage_filter", "window_dedup", "language_filter",
                     "fineweb2_quality", "minhash_dedup", "pii", "llm_extract"}, steps
    json.dumps(entries)
