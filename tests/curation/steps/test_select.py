"""The select step: content types and minimum tokens, declared reasons and details, missing scores, config."""

from __future__ import annotations

import pytest

import curation.steps.select as select_module
from curation.config import validate
from curation.document import Document
from curation.errors import ConfigError
from curation.io import read_records
from curation.recipe import load_recipe
from curation.run.context import RunContext
from curation.scores import LLM_FIELDS
from curation.steps.base import iter_outputs
from curation.steps.llm_annotate import CONTENT_TYPES
from curation.steps.registry import STEPS
from curation.steps.select import SelectConfig, SelectFilter
from tests.curation.run.corpus import write_recipe

WORDS = "Le patient présente une hypertension artérielle traitée par un inhibiteur de l'enzyme de conversion ."


def passage(pid: str, content_type: str | None = "medical_knowledge", tokens: int | None = 80, route="extraction",
            field: str = "student.content_type") -> Document:
    meta = {"source": "hal", "license": "CC-BY-4.0", "route": route, "root_id": "hal/a1", "student.edu": 8.0,
            "student.cont": 7.5}
    if content_type is not None:
        meta[field] = content_type
    if tokens is not None:
        meta["token_count"] = tokens
    return Document(text=WORDS, id=pid, metadata=meta)


def make(tmp_path, **config) -> SelectFilter:
    return SelectFilter(SelectConfig(**config), RunContext(out_dir=str(tmp_path)), 8)


def test_registered_with_declared_reasons_and_paper_defaults():
    assert STEPS["select"] is SelectFilter
    assert SelectFilter.reasons == frozenset({"content_type_dropped", "too_few_tokens"})
    assert SelectFilter.default_routes == frozenset({"extraction"})
    config = SelectConfig()
    assert config.drop_content_types == ["drug_information", "other"] and config.min_tokens == 50
    assert config.fields.content_type == "student.content_type"
    for name, field in SelectConfig.model_fields.items():
        assert field.description, f"SelectConfig.{name} has no docstring"
    assert "EMEA" in select_module.__doc__  # why the direct route is not selected


def test_reasons_and_details(tmp_path):
    step = make(tmp_path)
    docs = [
        passage("hal/a1#p0"),
        passage("hal/a1#p1", "drug_information"),
        passage("hal/a1#p2", "other"),
        passage("hal/a1#p3", tokens=49),
        passage("hal/a1#p4", tokens=50),
        passage("hal/a1#p5", "patient_case"),
    ]
    before = [dict(d.metadata) for d in docs]
    kept = iter_outputs(step, docs)
    assert [d.id for d in kept] == ["hal/a1#p0", "hal/a1#p4", "hal/a1#p5"]
    assert [d.metadata for d in kept] == [before[0], before[4], before[5]]  # a filter never changes a document
    excluded = {r["id"]: (r["reason"], r["message"]) for r in read_records(tmp_path / "excluded" / "08_select")}
    assert excluded == {
        "hal/a1#p1": ("content_type_dropped", "drug_information"),
        "hal/a1#p2": ("content_type_dropped", "other"),
        "hal/a1#p3": ("too_few_tokens", "49 < 50"),
    }
    stats = step.stats
    assert stats["in"].total == 6 and stats["kept"].total == 3
    assert stats["excluded.content_type_dropped"].total == 2 and stats["excluded.too_few_tokens"].total == 1


def test_tokens_fall_back_to_the_run_counter(tmp_path):
    step = make(tmp_path, min_tokens=17)
    assert RunContext(out_dir=str(tmp_path)).token_counter.count(WORDS) == 17
    kept = iter_outputs(step, [passage("a", tokens=None)])
    assert [d.id for d in kept] == ["a"]
    step = make(tmp_path, min_tokens=18)
    assert iter_outputs(step, [passage("b", tokens=None)]) == []
    assert read_records(tmp_path / "excluded" / "08_select")[0]["message"] == "17 < 18"


def test_missing_content_type_fails_with_its_reason_never_kept(tmp_path):
    step = make(tmp_path)
    docs = [passage("hal/a1#p0", None), passage("hal/a1#p1", "medical_knowledge", field="content_type"),
            passage("hal/a1#p2", "drug_info"), passage("hal/a1#p3")]
    kept = iter_outputs(step, docs)
    assert [d.id for d in kept] == ["hal/a1#p3"]
    failed = {r["id"]: r for r in read_records(tmp_path / "failed" / "08_select")}
    assert {i: r["reason"] for i, r in failed.items()} == {
        "hal/a1#p0": "missing_score", "hal/a1#p1": "missing_score", "hal/a1#p2": "unknown_content_type"}
    message = failed["hal/a1#p0"]["message"]
    assert "'student.content_type'" in message and "student_score" in message and "before 08_select" in message
    stats = step.stats
    assert stats["failed.missing_score"].total == 2
    assert stats["in"].total == stats["kept"].total + stats["excluded"].total + stats["failed"].total


def test_fields_name_where_the_content_type_is(tmp_path):
    step = make(tmp_path, fields=LLM_FIELDS.model_dump())
    docs = [passage("a", "drug_information", field="content_type"), passage("b", "research_findings", field="content_type")]
    assert [d.id for d in iter_outputs(step, docs)] == ["b"]


def test_direct_route_is_not_selected(tmp_path):
    step = make(tmp_path)
    emea = passage("emea/1", "drug_information", tokens=3, route="direct")
    emea.metadata.pop("student.content_type")
    assert iter_outputs(step, [emea]) == [emea]
    assert step.stats["passed_through"].total == 1
    step = make(tmp_path, routes=["extraction", "direct"])
    assert iter_outputs(step, [passage("emea/2", "drug_information", route="direct")]) == []


def test_content_type_typo_is_a_config_error(tmp_path):
    recipe = write_recipe(tmp_path / "r.yaml", [{"reader": {"format": "jsonl", "path": "data"}}],
                          steps=[{"step": "token_count"}, {"step": "select", "drop_content_types": ["drug_info"]}])
    with pytest.raises(ConfigError) as err:
        load_recipe(recipe)
    assert str(err.value) == (f"{recipe}: steps[1].drop_content_types: unknown content type 'drug_info' — "
                              "did you mean 'drug_information'? (got ['drug_info'])")
    with pytest.raises(ConfigError, match=r"unknown content type 'xyz' — one of research_findings, "):
        validate(SelectConfig, {"drop_content_types": ["xyz"]}, "recipe.yaml: steps[4]")
    with pytest.raises(ConfigError, match=r"min_token: unknown field — did you mean 'min_tokens'\?"):
        validate(SelectConfig, {"min_token": 3}, "recipe.yaml: steps[4]")
    with pytest.raises(ConfigError, match=r"fields\.content: unknown field"):
        validate(SelectConfig, {"fields": {"content": "x"}}, "recipe.yaml: steps[4]")
    every = validate(SelectConfig, {"drop_content_types": list(CONTENT_TYPES)}, "recipe.yaml")
    assert every.drop_content_types == list(CONTENT_TYPES)
