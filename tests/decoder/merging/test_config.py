"""Merge configs: every shipped YAML validates; wrong configs say what, where and how to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.errors import ConfigError
from decoder.merging.config import MergeConfig, config_from_dict, load_merge_config, parse_size
from decoder.merging.params import layer_count, layer_position, resolve

RECIPES = Path(__file__).resolve().parents[3] / "recipes" / "decoder"
MERGE_YAMLS = sorted(RECIPES.glob("merge-*.yaml")) + [RECIPES / "tiny-merge.yaml"]


def test_there_are_merge_recipes():
    assert len(MERGE_YAMLS) >= 5
    assert {load_merge_config(p).method for p in MERGE_YAMLS} >= {"linear", "slerp", "ties", "dare_ties"}


@pytest.mark.parametrize("path", MERGE_YAMLS, ids=lambda p: p.name)
def test_merge_recipe_validates(path):
    config = load_merge_config(path)
    assert config.models and config.out
    assert all(len(i.path) > 0 for i in config.inputs())


def test_tiny_merge_takes_its_paths_from_set():
    config = load_merge_config(RECIPES / "tiny-merge.yaml",
                               ["base_model=/x/base", "models.0.model=/x/tuned", "out=/x/merged"])
    assert (config.base_model, config.models[0].model, config.out) == ("/x/base", "/x/tuned", "/x/merged")
    assert config.shard_size == 256_000


def test_every_field_has_a_default_and_a_docstring():
    from decoder.merging.config import ConditionalValue, InputModel, MergeParameters, ModelParameters

    for model in (MergeConfig, MergeParameters, ModelParameters, InputModel, ConditionalValue):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name}"
            assert not field.is_required(), f"{model.__name__}.{name}"


BASE = {"base_model": "/m/base", "models": [{"model": "/m/a"}]}


@pytest.mark.parametrize("data, message", [
    ({**BASE, "method": "soup"}, "method: Input should be 'linear', 'slerp', 'task_arithmetic', 'ties'"),
    ({"method": "ties", "models": [{"model": "/m/a"}]}, "base_model: ties needs a base model"),
    ({"method": "slerp", "models": [{"model": "/m/a"}]}, "base_model: slerp needs a base model"),
    ({"method": "ties", "base_model": "/m/base", "models": [{"model": "/m/base"}]}, "only the base model is listed"),
    ({"method": "ties", **BASE, "parameters": {"density": 0}}, "parameters.density = 0.0 is out of range (0.0, 1.0]"),
    ({"method": "ties", "base_model": "/m/base", "models": [{"model": "/m/a", "parameters": {"density": 1.5}}]},
     "models[0].parameters.density = 1.5 is out of range"),
    ({"method": "dare_linear", **BASE, "parameters": {"density": [0.5, {"filter": "mlp", "value": 2}]}},
     "Input should be a valid"),
    ({"method": "dare_linear", **BASE, "parameters": {"density": [{"filter": "mlp", "value": [0.5, 1.2]}]}},
     "parameters.density = 1.2 is out of range"),
    ({"method": "linear", "models": [{"model": "/m/a", "parameters": {"weight": -1}}]},
     "models[0].parameters.weight = -1.0 is out of range [0.0, inf] — linear averages with non-negative weights"),
    ({"method": "linear", "models": [{"model": "/m/a", "parameters": {"weight": 0}}]}, "every weight is 0"),
    ({"method": "linear", "base_model": "/m/base", "models": [{"model": "/m/a"}]},
     "also list the base under models with a weight"),
    ({"method": "slerp", "base_model": "/m/base", "models": [{"model": "/m/a"}, {"model": "/m/b"}]},
     "exactly one other model, got 2"),
    ({"method": "slerp", **BASE, "parameters": {"t": 1.5}}, "parameters.t = 1.5 is out of range [0.0, 1.0]"),
    ({"method": "slerp", **BASE, "parameters": {"density": 0.5}}, "parameters: density not used by slerp"),
    ({"method": "slerp", "base_model": "/m/base", "models": [{"model": "/m/a", "parameters": {"weight": 0.3}}]},
     "models[0].parameters.weight: not used by slerp — remove it (slerp reads parameters.t)"),
    ({"method": "task_arithmetic", **BASE, "parameters": {"lambda": float("inf")}}, "parameters.lambda = inf"),
    ({"method": "ties", **BASE, "parameters": {"densty": 0.5}}, "parameters.densty: unknown field — did you mean"),
    ({"method": "ties", **BASE, "files_from": "/m/other"}, "files_from: /m/other is not one of the merged models"),
    ({"method": "ties", "models": []}, "models: empty"),
    ({"method": "ties", **BASE, "shard_size": "lots"}, "not a size: 'lots'"),
])
def test_bad_configs_are_config_errors(data, message):
    with pytest.raises(ConfigError) as info:
        config_from_dict(data, "merge.yaml")
    assert str(info.value).startswith("merge.yaml: ")
    assert message in str(info.value)


def test_negative_weights_subtract_a_task():
    config = config_from_dict({"method": "task_arithmetic", **BASE,
                               "models": [{"model": "/m/a", "parameters": {"weight": -0.5}}]})
    assert config.models[0].parameters.weight == -0.5


def test_sizes():
    assert parse_size(123) == 123
    assert parse_size("500MB") == 500_000_000
    assert parse_size("5GB") == 5_000_000_000
    assert parse_size("2GiB") == 2 * 2**30
    assert parse_size("1.5 kb") == 1500


def test_settings_resolve_like_mergekit():
    assert resolve(0.3, "model.layers.0.mlp.up_proj.weight", 0.0) == 0.3
    # a gradient: interpolated between the two nearest points at the layer's position
    assert resolve([0.0, 1.0], "x", 0.25) == 0.25
    assert resolve([0.0, 0.5, 0.3, 0.7, 1.0], "x", 0.5) == 0.3
    assert resolve([0.0, 0.5, 0.3, 0.7, 1.0], "x", 0.375) == pytest.approx(0.4)
    filtered = MergeConfig.model_validate({"parameters": {"t": [{"filter": "self_attn", "value": 0.1},
                                                                {"filter": "mlp", "value": [1.0, 0.0]}]}}).parameters.t
    assert resolve(filtered, "model.layers.1.self_attn.q_proj.weight", 1.0) == 0.1
    assert resolve(filtered, "model.layers.1.mlp.up_proj.weight", 1.0) == 0.0
    assert resolve(filtered, "model.norm.weight", 0.0) is None  # no match: the next level decides


def test_layer_positions():
    names = [f"model.layers.{i}.mlp.up_proj.weight" for i in range(5)] + ["model.embed_tokens.weight"]
    assert layer_count(names) == 5
    assert [layer_position(n, 5) for n in names] == [0.0, 0.25, 0.5, 0.75, 1.0, 0.0]
    assert layer_position("model.layers.0.mlp.up_proj.weight", 1) == 1.0
