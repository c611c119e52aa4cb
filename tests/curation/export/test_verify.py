"""``verify_export``: a fresh export passes; damage of every kind is reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curation.export.exporter import export
from curation.export.policy import load_policy
from curation.export.verify import verify_export
from tests.curation.export.corpus import build_run


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("verify")
    run = build_run(base / "run")
    return export(run, load_policy("research"), base / "export").out_dir


@pytest.fixture
def out(pristine: Path, tmp_path: Path) -> Path:
    """A fresh copy of the export, free to damage."""
    return Path(shutil.copytree(pristine, tmp_path / "export"))


def test_a_fresh_export_verifies(pristine: Path) -> None:
    assert verify_export(pristine) == []


def test_a_flipped_byte_is_detected(out: Path) -> None:
    shard = out / "data" / "00000.parquet"
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0x01
    shard.write_bytes(bytes(data))
    problems = verify_export(out)
    assert any(p.startswith("data/00000.parquet: shard modified") for p in problems), problems


def test_a_rewritten_row_is_detected(out: Path) -> None:
    shard = out / "data" / "00001.parquet"
    table = pq.read_table(shard)
    rows = table.to_pylist()
    rows[0]["license"] = "LicenseRef-unknown-leaked"
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), shard)
    problems = verify_export(out)
    assert any("shard modified" in p for p in problems)
    assert any("not admitted by the policy 'research'" in p and "license_unknown" in p for p in problems), problems
    assert any("counts of source" in p for p in problems)


def test_a_missing_shard_and_a_stray_shard_are_detected(out: Path) -> None:
    (out / "data" / "00001.parquet").rename(out / "data" / "extra.parquet")
    problems = verify_export(out)
    assert "data/00001.parquet: shard missing" in problems
    assert "data/extra.parquet: shard not listed in manifest.json" in problems


def test_damaged_records_attribution_and_card_are_detected(out: Path) -> None:
    (out / "excluded" / "00000.parquet").unlink()
    attribution = out / "ATTRIBUTION.md"
    text = attribution.read_text(encoding="utf-8").replace("## e3c", "## e3c-renamed")
    attribution.write_text(text.replace("(`articles/a1.pdf`)", ""), encoding="utf-8")
    card = out / "README.md"
    card.write_text(card.read_text(encoding="utf-8").replace("language:", "language: [fr\nbroken:", 1),
                    encoding="utf-8")
    problems = verify_export(out)
    assert "excluded/00000.parquet: excluded records missing" in problems
    assert "ATTRIBUTION.md: source 'e3c' is in the shards but has no section" in problems
    assert any("CC BY works are not listed: articles: articles/a1.pdf" in p for p in problems), problems
    assert any(p.startswith("README.md: the front matter is not valid YAML") for p in problems), problems


def test_a_card_without_a_license_present_is_detected(out: Path) -> None:
    card = out / "README.md"
    card.write_text(card.read_text(encoding="utf-8").replace("- cc-by-nc-4.0\n", ""), encoding="utf-8")
    problems = verify_export(out)
    assert problems == [("README.md: front matter license ['cc-by-4.0', 'cc-by-nd-4.0', 'cc-by-sa-4.0', 'etalab-2.0'] "
                        "misses ['cc-by-nc-4.0']")]


def test_an_edited_policy_or_counts_in_the_manifest_are_detected(out: Path) -> None:
    path = out / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["policy"]["content"]["non_commercial"] = "exclude"
    manifest["documents"]["kept"] += 1
    path.write_text(json.dumps(manifest), encoding="utf-8")
    problems = verify_export(out)
    assert "manifest.json: the recorded policy does not match its sha256 (policy edited?)" in problems
    assert any("nc_not_admitted" in p for p in problems)
    assert any(p.startswith("manifest.json: documents.kept is") for p in problems)


def test_an_unfinished_export_is_reported(tmp_path: Path) -> None:
    assert verify_export(tmp_path) == [(f"{tmp_path / 'manifest.json'}: missing — not a finished export "
                                       "(run `biomedfr export` again)")]


def test_a_truncated_shard_is_reported_unreadable(out: Path) -> None:
    shard = out / "data" / "00000.parquet"
    shard.write_bytes(shard.read_bytes()[:100])
    problems = verify_export(out)
    assert "data/00000.parquet: shard modified (sha256 differs from manifest.json)" in problems
    assert any(p.startswith("data/00000.parquet: unreadable Parquet") for p in problems), problems
