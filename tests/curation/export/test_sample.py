"""The export on the real sample run (``biomedfr curate`` on the packaged sample corpus)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from curation.export.card import front_matter
from curation.export.exporter import export
from curation.export.policy import load_policy
from curation.export.verify import verify_export
from curation.io import read_records

OPEN = {"Apache-2.0", "CC-BY-4.0", "CC-BY-SA-4.0", "etalab-2.0"}
ADMITTED = {"open": OPEN, "commercial": OPEN - {"CC-BY-SA-4.0"}, "research": OPEN | {"CC-BY-NC-4.0"}}
"""Licenses of the sample corpus each shipped policy admits (every sample document is a derived passage)."""
NEVER = {"CC-BY-NC-ND-4.0": "nd_derived", "LicenseRef-unknown-usage-interne-chu-uniquement": "license_unknown"}


@pytest.fixture(scope="module")
def sample_exports(sample_run: Path, tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("sample-exports")
    return {name: export(sample_run, load_policy(name), base / name) for name in ADMITTED}


def test_the_sample_run_exports_under_every_policy(sample_run: Path, sample_exports: dict) -> None:
    rows = []
    for path in sorted((sample_run / "curated").glob("*.parquet")):
        rows += pq.read_table(path, columns=["id", "license", "parent_id"]).to_pylist()
    licenses = Counter(r["license"] for r in rows)
    assert set(licenses) <= OPEN | {"CC-BY-NC-4.0"} | set(NEVER), licenses  # the table above covers the sample
    assert all(r["parent_id"] for r in rows)  # passages: derived documents
    kept_ids = {}
    for name, result in sample_exports.items():
        expected = sum(n for lic, n in licenses.items() if lic in ADMITTED[name])
        docs = result.manifest["documents"]
        assert (docs["input"], docs["kept"], docs["excluded"]) == (len(rows), expected, len(rows) - expected), name
        assert set(result.manifest["per_license"]) == ADMITTED[name] & set(licenses)
        reasons = {r["id"]: r["reason"] for r in read_records(result.out_dir / "excluded")}
        for row in rows:
            if row["license"] in NEVER:
                assert reasons[row["id"]] == NEVER[row["license"]]
        assert verify_export(result.out_dir) == []
        meta = front_matter((result.out_dir / "README.md").read_text(encoding="utf-8"))
        assert set(meta["license"]) == {lic.lower() for lic in result.manifest["per_license"]}
        attribution = (result.out_dir / "ATTRIBUTION.md").read_text(encoding="utf-8")
        for source in result.manifest["per_source"]:
            assert f"\n## {source}\n" in attribution
        kept_ids[name] = {i for s in result.manifest["shards"]
                          for i in pq.read_table(result.out_dir / s["path"], columns=["id"]).column("id").to_pylist()}
    assert kept_ids["commercial"] <= kept_ids["open"] <= kept_ids["research"]
    assert kept_ids["commercial"] < kept_ids["research"]
