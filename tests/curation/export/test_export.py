"""``export`` on runs and mixes built in the tests: policies, exclusions, accounting, files, resume, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from curation.document import arrow_schema, from_row
from curation.errors import ConfigError, LicenseError
from curation.export.card import front_matter
from curation.export.exporter import export
from curation.export.policy import load_policy
from curation.io import read_records
from curation.mix.manifest import ManifestRow, write_manifest
from tests.curation.export.corpus import (
    ARTICLES_MANIFEST,
    CC_BY_WORKS,
    EXPECTED,
    build_run,
    doc,
    read_ids,
    source_entry,
    write_run,
)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    return build_run(tmp_path_factory.mktemp("export") / "run")


@pytest.fixture(scope="module")
def exports(run: Path, tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("exports")
    return {name: export(run, load_policy(name), base / name) for name in EXPECTED}


def kept_docs(out: Path) -> dict[str, dict]:
    docs = {}
    for path in sorted((out / "data").glob("*.parquet")):
        for row in pq.read_table(path).to_pylist():
            d = from_row(row)
            docs[d.id] = d.metadata
    return docs


@pytest.mark.parametrize("policy", sorted(EXPECTED))
def test_each_policy_keeps_and_excludes_as_expected(exports: dict, policy: str) -> None:
    result = exports[policy]
    assert result.kept == EXPECTED[policy]["kept"]
    assert result.excluded == dict(sorted(EXPECTED[policy]["excluded"].items()))


def test_commercial_exports_no_cc_by_nc_nd_ontology_textbook(exports: dict) -> None:
    out = exports["commercial"].out_dir
    kept = kept_docs(out)
    assert not [i for i, m in kept.items() if m["source"] == "cim10-books" or "ND" in m["license"]]
    records = {r["id"]: r for r in read_records(out / "excluded")}
    books = {i: r for i, r in records.items() if r["source"] == "cim10-books"}
    assert len(books) == 3 and {r["reason"] for r in books.values()} == {"nd_derived"}
    assert all(r["step"] == "export" and "derived (textbook)" in r["message"] for r in books.values())


def test_no_policy_exports_nd_for_derived_documents(exports: dict) -> None:
    for result in exports.values():
        for doc_id, m in kept_docs(result.out_dir).items():
            derived = m.get("walk_codes") or m.get("parent_id") or m.get("route") == "extraction"
            assert not ("ND" in m["license"] and derived), doc_id
        reasons = {r["id"]: r["reason"] for r in read_records(result.out_dir / "excluded")}
        assert reasons["e3c/case-4#s0#p0"] == "nd_derived"
        assert reasons["cim10-books/walk-0"] == "nd_derived"


def test_open_and_research_differ_by_nc_and_verbatim_nd(exports: dict) -> None:
    open_ids, research_ids = set(kept_docs(exports["open"].out_dir)), set(kept_docs(exports["research"].out_dir))
    assert open_ids < research_ids
    assert research_ids - open_ids == {"e3c/case-1", "e3c/case-2", "e3c/case-3"}
    commercial_ids = set(kept_docs(exports["commercial"].out_dir))
    assert open_ids - commercial_ids == {"finewiki-bio/Hypertension", "finewiki-bio/Asthme"}


def test_unknown_or_missing_licenses_are_excluded_as_license_unknown(exports: dict) -> None:
    for result in exports.values():
        reasons = {r["id"]: r["reason"] for r in read_records(result.out_dir / "excluded")}
        assert reasons["articles/a3.pdf#s0#p0"] == "license_unknown"
        assert reasons["articles/a4.pdf#s0#p0"] == "license_unknown"


def test_kept_plus_excluded_is_the_input(run: Path, exports: dict) -> None:
    input_ids = read_ids(run / "curated")
    for result in exports.values():
        kept, excluded = read_ids(result.out_dir / "data"), read_ids(result.out_dir / "excluded")
        assert sorted(kept + excluded) == sorted(input_ids)
        docs = result.manifest["documents"]
        assert (docs["input"], docs["kept"], docs["excluded"]) == (len(input_ids), len(kept), len(excluded))


def test_one_output_shard_per_input_shard_with_the_curated_schema_and_metadata(run: Path, exports: dict) -> None:
    out = exports["open"].out_dir
    assert [p.name for p in sorted((out / "data").glob("*.parquet"))] == ["00000.parquet", "00001.parquet"]
    assert [p.name for p in sorted((out / "excluded").glob("*.parquet"))] == ["00000.parquet", "00001.parquet"]
    assert pq.read_schema(out / "data" / "00000.parquet").remove_metadata().equals(arrow_schema())
    before = {r["id"]: r for r in pq.read_table(run / "curated" / "00000.parquet").to_pylist()}
    for row in pq.read_table(out / "data" / "00000.parquet").to_pylist():
        assert row == before[row["id"]]  # documents leave unchanged (the license they inherited included)


def test_manifest_counts_policy_and_shards(exports: dict) -> None:
    manifest = exports["open"].manifest
    on_disk = json.loads((exports["open"].out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == manifest
    assert manifest["policy"]["name"] == "open" and manifest["policy"]["content"]["share_alike"] == "allow"
    assert manifest["input"]["kind"] == "run" and manifest["input"]["config_hash"] == "c0ffee" * 10 + "abcd"
    assert manifest["per_source"]["articles"]["licenses"] == {
        "CC-BY-4.0": {"documents": 4, "tokens": 40, "tokens_with_repetitions": 40}}
    assert manifest["per_license"]["etalab-2.0"]["documents"] == 2
    assert manifest["per_source"]["finewiki-bio"]["tokens"] == 10  # one article has no token_count
    assert manifest["tokens"]["documents_without_token_count"] == 1
    assert manifest["excluded"]["by_source"]["e3c"] == {"nc_not_admitted": 2, "nd_derived": 1, "nd_not_admitted": 1}
    assert all(len(s["sha256"]) == 64 and s["rows"] >= 0 for s in manifest["shards"])
    assert sum(s["rows"] for s in manifest["shards"]) == manifest["documents"]["kept"]


def test_attribution_lists_every_source_present_and_every_cc_by_work(exports: dict) -> None:
    out = exports["open"].out_dir
    text = (out / "ATTRIBUTION.md").read_text(encoding="utf-8")
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["articles", "ccam-books", "finewiki-bio"]  # sources present, sorted
    assert ARTICLES_MANIFEST["attribution"] in text
    assert "Wikipedia contributors, French Wikipedia" in text and "Caisse nationale de l'Assurance Maladie" in text
    for work in CC_BY_WORKS:
        assert f"(`{work}`)" in text
    assert "- Claire Duval, Julien Ferrand. *Hypertension et rein*. https://doi.org/10.1/a1. CC-BY-4.0. " \
           "(`articles/a1.pdf`)" in text
    assert "*Asthme de l'enfant*. https://example.org/a2." in text
    assert text.count("(`articles/a1.pdf`)") == 1  # one line per work, not per passage
    assert "cim10-books" not in headings and "e3c" not in headings
    research = (exports["research"].out_dir / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "(`e3c/case-3`)" in research and "- A. Martin. *Cas 1*." in research


def test_the_card_front_matter_is_yaml_and_lists_the_licenses(exports: dict) -> None:
    for name, result in exports.items():
        text = (result.out_dir / "README.md").read_text(encoding="utf-8")
        meta = front_matter(text)
        licenses = {lic.lower() for lic in result.manifest["per_license"]}
        assert set(meta["license"]) == licenses
        assert meta["language"] == ["fr"] and meta["size_categories"] == ["n<1K"]
        assert meta["configs"][0]["data_files"][0]["path"] == "data/*.parquet"
        assert name in meta["pretty_name"] and "task_categories" in meta
        for source in result.manifest["per_source"]:
            assert f"| `{source}` |" in text
        assert "`01_segment` → `02_heuristic_extract` → `03_token_count`" in text
    assert set(front_matter((exports["open"].out_dir / "README.md").read_text())["license"]) == {
        "cc-by-4.0", "cc-by-sa-4.0", "etalab-2.0"}


def test_outputs_are_deterministic(run: Path, exports: dict, tmp_path: Path) -> None:
    export(run, load_policy("open"), tmp_path / "again")
    first = exports["open"].out_dir
    for rel in ("README.md", "ATTRIBUTION.md", "manifest.json", "data/00000.parquet", "excluded/00001.parquet"):
        assert (tmp_path / "again" / rel).read_bytes() == (first / rel).read_bytes(), rel


def test_a_rerun_skips_completed_shards_and_redoes_a_damaged_one(run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = export(run, load_policy("open"), out)
    assert (first.written, first.skipped) == (["00000", "00001"], [])
    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "data").glob("*.parquet")}
    second = export(run, load_policy("open"), out)
    assert (second.written, second.skipped) == ([], ["00000", "00001"])
    assert {p.name: p.stat().st_mtime_ns for p in (out / "data").glob("*.parquet")} == stamps
    assert second.manifest == first.manifest
    (out / "data" / "00001.parquet").unlink()  # a shard lost, or killed before its summary
    third = export(run, load_policy("open"), out)
    assert (third.written, third.skipped) == (["00001"], ["00000"])
    assert third.manifest == first.manifest


def test_a_killed_shard_leaves_no_manifest_and_is_redone(run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export(run, load_policy("open"), out)
    (out / "done" / "00000.json").unlink()  # killed after writing the shard, before its summary
    (out / "data" / "00000.parquet.tmp").write_bytes(b"half a shard")
    result = export(run, load_policy("open"), out)
    assert result.written == ["00000"] and result.kept == EXPECTED["open"]["kept"]


def test_another_policy_or_input_in_the_same_folder_is_a_config_error(run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export(run, load_policy("open"), out)
    with pytest.raises(ConfigError, match="another policy"):
        export(run, load_policy("open", ["share_alike=exclude"]), out)
    other = write_run(tmp_path / "other", [[doc("articles/x", "articles", "CC0-1.0")]],
                      json.loads((run / "run.json").read_text())["sources"], config_hash="f" * 64)
    with pytest.raises(ConfigError, match="another input"):
        export(other, load_policy("open"), out)


def test_a_source_whose_manifest_has_no_license_is_a_license_error(tmp_path: Path) -> None:
    manifest = tmp_path / "nolicense.yaml"
    manifest.write_text(yaml.safe_dump({**ARTICLES_MANIFEST, "name": "nolicense", "license": ""}), encoding="utf-8")
    entry = source_entry("nolicense", manifest)
    run = write_run(tmp_path / "run", [[doc("nolicense/1", "nolicense", "CC-BY-4.0")]], [{**entry, "license": "x"}])
    with pytest.raises(LicenseError) as err:
        export(run, load_policy("open"), tmp_path / "out")
    assert "'nolicense'" in str(err.value) and str(manifest) in str(err.value)
    assert not (tmp_path / "out").exists()  # stopped at start
    run2 = write_run(tmp_path / "run2", [[doc("nolicense/1", "nolicense", "CC-BY-4.0")]], [{**entry, "license": ""}])
    with pytest.raises(LicenseError, match="'nolicense'"):
        export(run2, load_policy("open"), tmp_path / "out2")


def test_documents_of_an_undeclared_source_use_its_packaged_manifest_or_are_excluded(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", [[doc("finewiki-bio/A", "finewiki-bio", "CC-BY-SA-4.0"),
                                        doc("mystery/A", "mystery", "CC-BY-4.0")]], sources=[])
    result = export(run, load_policy("open"), tmp_path / "out")
    assert result.kept == 1 and result.excluded == {"source_without_manifest": 1}
    assert result.manifest["sources"]["finewiki-bio"]["manifest"] == "finewiki-bio"


def test_not_a_run_nor_a_mix_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="neither a run folder"):
        export(tmp_path, load_policy("open"), tmp_path / "out")
    (tmp_path / "run.json").write_text(json.dumps({"name": "empty", "sources": []}))
    with pytest.raises(ConfigError, match="has the run finished"):
        export(tmp_path, load_policy("open"), tmp_path / "out")


# --- mixes ------------------------------------------------------------------------------------------


def test_a_mix_exports_its_documents_once_with_their_repetitions(run: Path, tmp_path: Path) -> None:
    listed = {"articles/a1.pdf#s0#p0": 3, "ccam-books/walk-1": 2, "cim10-books/walk-2": 1, "e3c/case-1": 1,
              "articles/gone": 4}
    rows = [ManifestRow(run=str(run), id=i, source=i.split("/")[0], group="g" if i < "c" else "h", tokens=10,
                        repetitions=n) for i, n in listed.items()]
    mix = write_manifest(tmp_path / "mix", rows, {"config": {}, "config_hash": "m" * 64}, "m" * 64)
    result = export(mix, load_policy("open"), tmp_path / "out")
    kept = kept_docs(result.out_dir)
    assert {i: m["repetitions"] for i, m in kept.items()} == {"articles/a1.pdf#s0#p0": 3, "ccam-books/walk-1": 2}
    assert result.excluded == {"mix_document_missing": 1, "nc_not_admitted": 1, "nd_derived": 1}
    docs = result.manifest["documents"]
    assert (docs["input"], docs["kept"], docs["excluded"]) == (5, 2, 3)
    assert [s["name"] for s in result.manifest["shards"]] == ["run00-00000", "run00-00001"]
    assert result.manifest["tokens"]["kept_with_repetitions"] == 10 * 3 + 10 * 2
    assert result.manifest["per_group"]["g"]["tokens_with_repetitions"] == 30
    assert result.manifest["input"]["kind"] == "mix" and result.manifest["input"]["config_hash"] == "m" * 64
    missing = [r for r in read_records(result.out_dir / "excluded") if r["reason"] == "mix_document_missing"]
    assert [r["id"] for r in missing] == ["articles/gone"]
    card = (result.out_dir / "README.md").read_text(encoding="utf-8")
    assert "tokens with the mix's repetitions | 50 |" in card
    again = export(mix, load_policy("open"), tmp_path / "out")
    assert again.skipped == ["run00-00000", "run00-00001"] and again.manifest == result.manifest
