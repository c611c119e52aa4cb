"""Running a recipe in-process: shards, run.json, accounting, re-runs, retries of failed documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import pyarrow.parquet as pq
import pytest

from curation.errors import ConfigError, DocumentError
from curation.io import read_records
from curation.recipe import load_recipe
from curation.run.engine import curate, plan_run
from curation.run.funnel import check_accounting, funnel
from curation.steps.base import StepConfig, Transform
from curation.steps.registry import register
from tests.curation.run.corpus import PARAGRAPH, build_bad, build_good, write_recipe


def _ids(out: Path) -> list[str]:
    return sorted(r["id"] for p in (out / "curated").glob("*.parquet") for r in pq.read_table(p).to_pylist())


def _by_label(steps):
    return {c.label: c for c in steps}


@pytest.fixture
def good_recipe(tmp_path) -> Path:
    build_good(tmp_path / "data")
    return write_recipe(
        tmp_path / "recipe.yaml",
        [
            {"name": "arts", "reader": {"format": "pdf", "path": "data/pdf"}},
            {"name": "recs", "route": "direct", "reader": {"format": "jsonl", "path": "data/jsonl"}},
        ],
    )


def test_run_writes_shards_run_json_and_accounts(good_recipe, tmp_path):
    out = tmp_path / "out"
    result = curate(plan_run(load_recipe(good_recipe), out=str(out)))
    assert result.finished
    ids = _ids(out)
    assert ids == sorted([f"arts/art{i}.pdf" for i in range(3)] + [f"recs/rec-{i}" for i in range(8)])
    rows = {r["id"]: r for p in (out / "curated").glob("*.parquet") for r in pq.read_table(p).to_pylist()}
    rec = rows["recs/rec-0"]
    assert (rec["source"], rec["license"], rec["license_raw"], rec["route"]) == ("recs", "CC-BY-4.0", "CC BY 4.0", "direct")
    art = rows["arts/art0.pdf"]
    assert art["license"] == "Apache-2.0" and art["authors"] == ["A. Martin", "B. Durand"] and len(art["sha256"]) == 64
    assert "l'enzyme de conversion" in art["text"] and art["token_count"] > 10
    excluded = read_records(out / "excluded" / "02_length_filter")
    assert [(r["id"], r["reason"]) for r in excluded] == [("recs/short", "too_few_tokens")]
    info = json.loads((out / "run.json").read_text())
    assert info["token_counter"] == "words" and len(info["config_hash"]) == 64
    assert info["steps"] == ["01_token_count", "02_length_filter"] and info["biomedfr_version"]
    assert check_accounting(out) == []
    by = _by_label(funnel(out))
    assert (by["00_read_recs"].n_in, by["00_read_recs"].out) == (9, 9)
    assert (by["02_length_filter"].n_in, by["02_length_filter"].kept, by["02_length_filter"].excluded) == (
        12, 11, {"too_few_tokens": 1})
    assert not list(out.rglob("*.tmp"))


def test_rerun_skips_completed_tasks_and_refuses_another_config(good_recipe, tmp_path):
    out = tmp_path / "out"
    curate(plan_run(load_recipe(good_recipe), out=str(out)))
    first = {p.name: p.stat().st_mtime_ns for p in (out / "curated").glob("*.parquet")}
    curate(plan_run(load_recipe(good_recipe), out=str(out)))
    assert {p.name: p.stat().st_mtime_ns for p in (out / "curated").glob("*.parquet")} == first
    with pytest.raises(ConfigError, match="different configuration"):
        curate(plan_run(load_recipe(good_recipe, ["steps.1.min_tokens=3"]), out=str(out)))


def test_bad_files_are_recorded_and_the_run_finishes(tmp_path):
    build_bad(tmp_path / "data")
    recipe = write_recipe(
        tmp_path / "recipe.yaml",
        [
            {"name": "pdfs", "reader": {"format": "pdf", "path": "data/pdf"}},
            {"name": "recs", "reader": {"format": "jsonl", "path": "data/jsonl"}},
            {"name": "tei", "reader": {"format": "tei", "path": "data/tei"}},
        ],
    )
    out = tmp_path / "out"
    result = curate(plan_run(load_recipe(recipe), out=str(out)))
    failed = {r["id"]: r for r in read_records(out / "failed")}
    assert {k: v["reason"] for k, v in failed.items()} == {
        "pdfs/zero.pdf": "empty_file",
        "pdfs/truncated.pdf": "pdf_corrupt",
        "pdfs/encrypted.pdf": "pdf_encrypted",
        "pdfs/notpdf.pdf": "not_a_pdf",
        "recs/bad.jsonl#L2": "invalid_utf8",
        "tei/xxe.xml": "xml_external_entity",
    }
    for record in failed.values():
        assert record["message"].startswith(f"{record['source']}:{record['source_path']}")
    assert "decrypt" in failed["pdfs/encrypted.pdf"]["message"]
    assert "TOP-SECRET-CONTENT" not in json.dumps([str(v) for v in failed.values()])
    assert _ids(out) == ["recs/ok"]
    assert check_accounting(out) == [] and result.finished


class FlakyConfig(StepConfig):
    step: Literal["flaky_test"] = "flaky_test"
    """Step name."""
    marker: str = ""
    """While this file exists, documents mentioning 'Cas 3' fail."""


@register
class FlakyStep(Transform):
    """Test double of a step that fails on some documents until a condition is fixed."""

    name = "flaky_test"
    Config = FlakyConfig

    def transform(self, text, doc):
        if "Cas 3." in text and Path(self.config.marker).exists():
            raise DocumentError("flaky_broken", f"{doc.id}: broken until {self.config.marker} is removed")
        return text.upper()


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")
def test_retry_failed_reinjects_step_failures_and_rereads_read_failures(tmp_path):
    build_good(tmp_path / "data")
    bad = tmp_path / "data" / "jsonl" / "z.jsonl"
    bad.write_text('{"id": "late", "text": \n')
    marker = tmp_path / "broken"
    marker.touch()
    recipe_path = write_recipe(
        tmp_path / "recipe.yaml", [{"name": "recs", "route": "direct", "reader": {"format": "jsonl", "path": "data/jsonl"}}]
    )
    recipe = load_recipe(recipe_path)
    recipe.steps.append(FlakyConfig(marker=str(marker)))
    out = tmp_path / "out"
    curate(plan_run(recipe, out=str(out)))
    failed = read_records(out / "failed")
    assert sorted((r["id"], r["reason"]) for r in failed) == [
        ("recs/rec-3", "flaky_broken"), ("recs/z.jsonl#L1", "invalid_json")]
    assert "recs/rec-3" not in _ids(out)

    marker.unlink()
    bad.write_text(json.dumps({"id": "late", "text": "Cas tardif. " + PARAGRAPH}) + "\n")
    result = curate(plan_run(recipe, out=str(out)), retry_failed=True)
    assert result.attempt == 1
    assert read_records(out / "failed") == []
    ids = _ids(out)
    assert "recs/rec-3" in ids and "recs/late" in ids and len(ids) == len(set(ids)) == 9
    rows = {r["id"]: r for p in (out / "curated").glob("*.parquet") for r in pq.read_table(p).to_pylist()}
    assert rows["recs/rec-3"]["text"].startswith("CAS 3.")
    by = _by_label(funnel(out))
    assert (by["03_flaky_test"].n_in, by["03_flaky_test"].kept, by["03_flaky_test"].n_failed) == (9, 9, 0)
    assert (by["00_read_recs"].n_in, by["00_read_recs"].out, by["00_read_recs"].n_failed) == (10, 10, 0)
    assert sorted(p.name for p in (out / "retried" / "retry1").iterdir()) == ["00_read_recs", "03_flaky_test"]
    assert check_accounting(out) == []
    with pytest.raises(ConfigError, match="nothing to retry"):
        curate(plan_run(recipe, out=str(out)), retry_failed=True)


def test_accounting_check_notices_a_lost_document(good_recipe, tmp_path):
    out = tmp_path / "out"
    curate(plan_run(load_recipe(good_recipe), out=str(out)))
    shard = sorted((out / "curated").glob("*.parquet"))[0]
    table = pq.read_table(shard)
    pq.write_table(table.slice(1), shard)
    problems = check_accounting(out)
    assert problems and "holds 10 documents but the last step output 11" in problems[-1]


def test_missing_source_folder_is_a_config_error(tmp_path):
    recipe = write_recipe(tmp_path / "r.yaml", [{"reader": {"format": "pdf", "path": "nowhere"}}])
    with pytest.raises(ConfigError, match=r"sources\[0\]\.reader\.path: folder .*nowhere not found"):
        plan_run(load_recipe(recipe), out=str(tmp_path / "out"))


def test_limit_reads_at_most_n_documents_per_source(good_recipe, tmp_path):
    out = tmp_path / "out"
    curate(plan_run(load_recipe(good_recipe), out=str(out), limit=2))
    ids = _ids(out)
    assert len([i for i in ids if i.startswith("arts/")]) == 2 and len([i for i in ids if i.startswith("recs/")]) == 2
    assert json.loads((out / "run.json").read_text())["limit"] == 2
    assert check_accounting(out) == []


def test_minhash_cuts_the_run_into_stages_and_dedups_across_tasks(tmp_path):
    data = tmp_path / "data" / "jsonl"
    data.mkdir(parents=True)
    base = (f"Cas clinique. {PARAGRAPH} {PARAGRAPH.replace('soixante-dix', 'quatre-vingts')} "
            f"{PARAGRAPH.replace('soixante-dix', 'cinquante')} {PARAGRAPH.replace('soixante-dix', 'quarante')}")
    records = [
        {"id": "a", "text": base},
        {"id": "b", "text": base.replace("deux semaines", "trois semaines", 1)},  # near duplicate of a
        {"id": "c", "text": base},  # exact duplicate of a
        {"id": "d", "text": "Un texte entièrement différent sur la vaccination des nourrissons contre la coqueluche "
                            "et le calendrier des rappels chez l'adulte, avec les recommandations en vigueur."},
    ]
    for i, rec in enumerate(records):  # one file per record: with 2 tasks, duplicates meet across tasks
        (data / f"{i}.jsonl").write_text(json.dumps(rec, ensure_ascii=False) + "\n")
    recipe = write_recipe(tmp_path / "r.yaml", [{"name": "recs", "reader": {"format": "jsonl", "path": "data/jsonl"}}],
                          tasks=2, workers=1,
                          steps=[{"step": "token_count"}, {"step": "minhash_dedup"}, {"step": "length_filter", "min_tokens": 5}])
    out = tmp_path / "out"
    result = curate(plan_run(load_recipe(recipe), out=str(out)))
    assert json.loads((out / "run.json").read_text())["stages"] == ["before_02_minhash_dedup", "curated"]
    assert _ids(out) == ["recs/a", "recs/d"]
    rows = {r["id"]: r for p in (out / "curated").glob("*.parquet") for r in pq.read_table(p).to_pylist()}
    assert (rows["recs/a"]["dup_cluster"], rows["recs/a"]["dup_cluster_size"]) == ("recs/a", 3)
    assert rows["recs/d"]["dup_cluster_size"] == 1
    excluded = {r["id"]: (r["reason"], r["message"]) for r in read_records(out / "excluded")}
    assert excluded == {"recs/b": ("minhash_duplicate", "recs/a"), "recs/c": ("minhash_duplicate", "recs/a")}
    labels = [c.label for c in result.steps]
    assert labels == ["00_read_recs", "01_token_count", "written (stage 1)",
                      "02_minhash_dedup_input", "02_minhash_dedup", "03_length_filter", "written"]
    assert check_accounting(out) == []
    # a second run of the same recipe resumes: nothing is recomputed, the result is the same
    again = curate(plan_run(load_recipe(recipe), out=str(out)))
    assert _ids(out) == ["recs/a", "recs/d"] and again.finished


def test_a_source_without_matching_files_is_a_config_error(tmp_path):
    build_good(tmp_path / "data")
    recipe = write_recipe(tmp_path / "r.yaml", [{"reader": {"format": "pdf", "path": "data/pdf", "glob": "nothing*.pdf"}}])
    with pytest.raises(ConfigError, match=r"sources\[0\]\.reader: no file matches 'nothing\*\.pdf'"):
        plan_run(load_recipe(recipe), out=str(tmp_path / "out"))
