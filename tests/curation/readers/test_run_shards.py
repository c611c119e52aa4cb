"""``reader: {format: run}``: an earlier run's shards read back unchanged, filtered by source."""

from __future__ import annotations

import yaml

from curation.recipe import load_recipe
from curation.run.engine import curate, plan_run
from curation.run.funnel import check_accounting
from curation.run.stages import documents_of


def second_pass(tmp_path, run_dir, sources_filter):
    recipe = {
        "name": "second-pass",
        "sources": [{"manifest": "sample-corpus", "name": "again",
                     "reader": {"format": "run", "path": str(run_dir), "sources": sources_filter}}],
        "steps": [{"step": "token_count"}],
    }
    path = tmp_path / "second.yaml"
    path.write_text(yaml.safe_dump(recipe))
    plan = plan_run(load_recipe(path), out=str(tmp_path / "out"))
    curate(plan)
    assert check_accounting(tmp_path / "out") == []
    return documents_of(str(tmp_path / "out" / "curated"))


def test_a_run_is_read_back_with_its_ids_and_metadata(tmp_path, sample_run):
    first = {d.id: d for d in documents_of(str(sample_run / "curated"))}
    again = {d.id: d for d in second_pass(tmp_path, sample_run, [])}
    assert set(again) == set(first) and first
    for doc_id, doc in again.items():
        original = first[doc_id]
        assert doc.text == original.text
        for key in ("source", "license", "route", "root_id", "parent_id"):
            assert doc.metadata.get(key) == original.metadata.get(key), key


def test_sources_filter_keeps_only_the_listed_sources(tmp_path, sample_run):
    first = documents_of(str(sample_run / "curated"))
    wanted = sorted({d.metadata["source"] for d in first})[0]
    again = second_pass(tmp_path, sample_run, [wanted])
    assert again and {d.metadata["source"] for d in again} == {wanted}
    assert len(again) == sum(d.metadata["source"] == wanted for d in first)
