"""Configs reject unknown keys naming the file, the path and the closest key; overrides; docstrings."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from curation.config import StrictModel, apply_overrides
from curation.errors import ConfigError
from curation.recipe import Recipe, load_recipe

MINIMAL = {
    "name": "t",
    "sources": [{"manifest": "sample-corpus", "reader": {"format": "jsonl", "path": "data"}}],
    "steps": [{"step": "token_count"}, {"step": "length_filter", "min_tokens": 3}],
}


def _write(tmp_path: Path, data) -> Path:
    path = tmp_path / "recipe.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def test_minimal_recipe_loads_with_defaults(tmp_path):
    recipe = load_recipe(_write(tmp_path, MINIMAL))
    assert recipe.executor.kind == "local" and recipe.executor.tasks == 1
    assert recipe.token_counter.kind == "words"
    assert [s.step for s in recipe.steps] == ["token_count", "length_filter"]
    assert recipe.base_dir == tmp_path


def test_misspelled_step_key_names_file_path_and_closest_key(tmp_path):
    data = {**MINIMAL, "steps": [{"step": "token_count"}, {"step": "length_filter", "min_token": 3}]}
    path = _write(tmp_path, data)
    with pytest.raises(ConfigError) as err:
        load_recipe(path)
    assert str(err.value) == f"{path}: steps[1].min_token: unknown field — did you mean 'min_tokens'?"


def test_misspelled_nested_and_top_level_keys(tmp_path):
    data = {**MINIMAL, "executor": {"kind": "local", "taks": 2}}
    with pytest.raises(ConfigError, match=r"executor\.taks: unknown field — did you mean 'tasks'\?"):
        load_recipe(_write(tmp_path, data))
    data = {**MINIMAL, "sourcse": []}
    with pytest.raises(ConfigError, match=r"sourcse: unknown field — did you mean 'sources'\?"):
        load_recipe(_write(tmp_path, data))
    data = {**MINIMAL, "sources": [{"manifest": "x", "reader": {"format": "pdf", "path": "p", "ocr": {"dip": 3}}}]}
    with pytest.raises(ConfigError, match=r"sources\[0\]\.reader\.ocr\.dip: unknown field — did you mean 'dpi'\?"):
        load_recipe(_write(tmp_path, data))


def test_unknown_step_and_bad_values(tmp_path):
    with pytest.raises(ConfigError, match=r"steps\[0\]: unknown kind 'dedupe'"):
        load_recipe(_write(tmp_path, {**MINIMAL, "steps": [{"step": "dedupe"}]}))
    with pytest.raises(ConfigError, match=r"executor\.tasks: .*greater than or equal to 1"):
        load_recipe(_write(tmp_path, {**MINIMAL, "executor": {"tasks": 0}}))
    with pytest.raises(ConfigError, match=r"sources: required field missing"):
        load_recipe(_write(tmp_path, {"name": "x"}))


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nsources:\n  - manifest: [unclosed\n")
    with pytest.raises(ConfigError, match=rf"{path}:\d+: invalid YAML"):
        load_recipe(path)


def test_overrides(tmp_path):
    recipe = load_recipe(_write(tmp_path, MINIMAL), ["executor.tasks=4", "steps.1.min_tokens=12", "name=other"])
    assert recipe.executor.tasks == 4 and recipe.steps[1].min_tokens == 12 and recipe.name == "other"
    with pytest.raises(ConfigError, match="not a valid index"):
        apply_overrides({"steps": []}, ["steps.3.x=1"])
    with pytest.raises(ConfigError, match="expected KEY=VALUE"):
        apply_overrides({}, ["executor.tasks"])
    with pytest.raises(ConfigError, match="did you mean 'min_tokens'"):
        load_recipe(_write(tmp_path, MINIMAL), ["steps.1.min_tokns=3"])


def _models(root: type[BaseModel], seen: set) -> None:
    if root in seen:
        return
    seen.add(root)
    for field in root.model_fields.values():
        stack = [field.annotation]
        while stack:
            tp = stack.pop()
            stack.extend(typing.get_args(tp))
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                _models(tp, seen)


def test_every_config_field_is_strict_and_documented():
    seen: set = set()
    _models(Recipe, seen)
    assert len(seen) > 8
    for model in seen:
        assert issubclass(model, StrictModel), model
        assert model.model_config.get("extra") == "forbid", model
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no docstring"
