"""The embedded sample: the ledger is well formed, and the sample recipe runs as `make demo` runs it."""

from __future__ import annotations

import pytest
import yaml

from curation.io import read_records
from curation.run.funnel import check_accounting
from curation.sample import SAMPLE_CORPUS, SAMPLE_LEDGER

STEPS = {
    "read", "license", "heuristic_extract", "passage_filter", "window_dedup", "language_filter", "fineweb2_quality",
    "minhash_dedup", "pii", "llm_extract",
}


def ledger() -> list[dict]:
    return yaml.safe_load(SAMPLE_LEDGER.read_text(encoding="utf-8"))


def test_ledger_entries_name_existing_documents_and_known_steps():
    entries = ledger()
    assert len(entries) >= 40
    forms = {e["document"].split("/")[0] for e in entries}
    assert {"pdf", "scans", "tei", "jsonl"} <= forms
    for e in entries:
        path = SAMPLE_CORPUS / e["document"].split("#")[0]
        assert path.is_file(), e
        assert e["step"] in STEPS, e
        assert e["problem"].strip(), e


def test_each_input_form_has_ten_to_twenty_documents():
    counts = {
        "pdf": len(list((SAMPLE_CORPUS / "pdf").glob("*.pdf"))) + len(list((SAMPLE_CORPUS / "scans").glob("*.pdf"))),
        "tei": len(list((SAMPLE_CORPUS / "tei").glob("*.xml"))),
        "jsonl": sum(1 for p in (SAMPLE_CORPUS / "jsonl").glob("*.jsonl") for line in p.read_bytes().splitlines()
                     if line.strip()),
    }
    for form, n in counts.items():
        assert 10 <= n <= 25, (form, n)
    assert 4 <= len(list((SAMPLE_CORPUS / "scans").glob("*.pdf")))


@pytest.mark.slow
def test_sample_run_accounts_for_everything_and_loads_with_datasets(sample_run):
    import datasets
    assert check_accounting(sample_run) == []
    ds = datasets.load_dataset("parquet", data_files=str(sample_run / "curated" / "*.parquet"), split="train")
    sources = set(ds["source"])
    assert sources == {"sample-pdf", "sample-scans", "sample-tei", "sample-jsonl"}
    assert all(ds["license"]) and all(ds["sha256"])
    scans = ds.filter(lambda r: r["source"] == "sample-scans")
    assert len(scans) >= 4 and all(r["ocr_pages"] for r in scans)
    assert all(r["ocr_engine"] == "tesseract:fra" for r in scans)
    assert len(ds["id"]) == len(set(ds["id"]))


@pytest.mark.slow
def test_ledger_read_failures_are_in_failed_with_their_reason(sample_run):
    failed = read_records(sample_run / "failed")
    got = {(f"{r['source'].removeprefix('sample-')}/{r['source_path']}", r["reason"]) for r in failed}
    expected = {(e["document"].split("#")[0], e["reason"]) for e in ledger() if e["step"] == "read"}
    assert expected and expected <= got, expected - got
    for r in failed:
        assert r["message"] and r["source_path"]
