"""Mix and ablation configs: defaults are the paper's, shares are checked, the shipped YAML files validate."""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.config import StrictModel, validate
from curation.errors import ConfigError
from curation.mix.config import (
    AblationConfig,
    ClusterReweight,
    MixConfig,
    ThresholdVariant,
    load_ablation_config,
    load_mix_config,
)

RECIPES = Path(__file__).resolve().parents[3] / "recipes" / "mix"


def test_default_mix_is_table_2():
    cfg = MixConfig()
    assert cfg.budget_tokens == 10_000_000_000
    assert [(g.name, g.sources, g.share) for g in cfg.groups] == [
        ("articles", ["hal", "istex", "finewiki-bio"], 0.70),
        ("ontology_books", ["cim10-books", "ccam-books", "atc-books"], 0.20),
        ("emea", ["emea"], 0.06),
        ("e3c", ["e3c"], 0.04),
    ]
    assert cfg.max_repetitions == 4 and cfg.token_field == "token_count" and cfg.cluster_reweight is None
    assert cfg.sources_missing == "error"


def test_shares_not_summing_to_one_is_a_config_error():
    data = {"groups": [{"name": "a", "sources": ["hal"], "share": 0.7}, {"name": "b", "sources": ["emea"], "share": 0.2}]}
    with pytest.raises(ConfigError, match=r"mix.yaml: groups: .*sum to 0\.9 .*not 1"):
        validate(MixConfig, data, "mix.yaml")
    with pytest.raises(ConfigError, match="sum to 1.02"):
        load_mix_config(None, ["groups.0.share=0.72"], runs=["somewhere"])


@pytest.mark.parametrize(("groups", "message"), [
    ([{"name": "a", "sources": ["hal"], "share": 0.5}, {"name": "a", "sources": ["emea"], "share": 0.5}],
     "group names must be unique: a"),
    ([{"name": "a", "sources": ["hal"], "share": 0.5}, {"name": "b", "sources": ["hal"], "share": 0.5}],
     "source 'hal' is in groups 'a' and 'b'"),
    ([{"name": "a", "sources": [], "share": 1}], "group 'a' lists no sources"),
    ([{"name": "a", "sources": ["hal"], "share": 1.5}], "less than or equal to 1"),
])
def test_bad_groups_are_config_errors(groups, message):
    with pytest.raises(ConfigError, match=message):
        validate(MixConfig, {"groups": groups}, "mix.yaml")


def test_unknown_key_says_where_and_suggests():
    with pytest.raises(ConfigError, match=r"mix.yaml: budget_token: unknown field — did you mean 'budget_tokens'\?"):
        validate(MixConfig, {"budget_token": 5}, "mix.yaml")


def test_every_field_has_a_default_and_a_docstring():
    from curation.mix import config as module

    models = [c for c in vars(module).values() if isinstance(c, type) and issubclass(c, StrictModel)
              and c is not StrictModel]
    assert len(models) >= 6
    for model in models:
        model()  # every field has a default
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no docstring"


def test_shipped_mix_recipes_validate_and_resolve_runs_relative_to_the_file():
    cfg = load_mix_config(RECIPES / "biomed-fr-v2.yaml")
    assert [(g.name, g.share) for g in cfg.groups] == [(g.name, g.share) for g in MixConfig().groups]
    assert cfg.budget_tokens == 10_000_000_000
    assert cfg.runs == ["/shared/biomedfr/runs/biomed-fr-v2-select"]
    sample = load_mix_config(RECIPES / "sample.yaml")
    assert sample.runs == [str((RECIPES / "../../runs/sample").resolve())]
    assert all(Path(r).is_absolute() for r in sample.runs)


def test_command_line_runs_are_relative_to_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = load_mix_config(RECIPES / "biomed-fr-v2.yaml", ["runs=[mine]"], runs=["other"])
    assert cfg.runs == [str(tmp_path / "mine"), str(tmp_path / "other")]
    with pytest.raises(ConfigError, match="no runs to mix — give --run"):
        load_mix_config(None, [])


def test_shipped_ablation_recipe_is_the_default():
    assert load_ablation_config(RECIPES / "ablations-table1.yaml") == AblationConfig()


def test_default_thresholds_are_table_1b():
    names = [t.variant_name() for t in AblationConfig().thresholds]
    assert names == ["edu_cont_ge_6", "edu_cont_ge_7", "edu_cont_ge_8", "edu_ge_7", "cont_ge_7", "writ_ge_7",
                     "term_ge_7"]
    assert ThresholdVariant(min={"cont": 8, "edu": 7}).variant_name() == "edu_ge_7_cont_ge_8"
    rule = ThresholdVariant(min={"writ": 7}).rule()
    assert rule.thresholds() == {"writ": 7}  # not QualityRule's default edu/cont thresholds
    with pytest.raises(ConfigError, match="give at least one minimum"):
        validate(AblationConfig, {"thresholds": [{"min": {}}]}, "a.yaml")
    with pytest.raises(ConfigError, match="share a name: edu_ge_7"):
        validate(AblationConfig, {"thresholds": [{"min": {"edu": 7}}, {"min": {"edu": 7}}]}, "a.yaml")
    with pytest.raises(ConfigError, match=r"thresholds\[0\]\.min\.qual"):
        validate(AblationConfig, {"thresholds": [{"min": {"qual": 7}}]}, "a.yaml")


def test_cluster_ranges_must_not_overlap():
    ok = ClusterReweight(ranges=[{"min_size": 2, "max_size": 4, "weight": 2}, {"min_size": 5, "weight": 3}])
    assert [ok.weight(s) for s in (None, 1, 2, 4, 5, 10_000)] == [1, 1, 2, 2, 3, 3]
    with pytest.raises(ConfigError, match=r"ranges \[2-5\] and \[5\+\] overlap"):
        validate(MixConfig, {"cluster_reweight": {"ranges": [{"min_size": 2, "max_size": 5}, {"min_size": 5}]}}, "m")
    with pytest.raises(ConfigError, match="max_size 2 is below min_size 3"):
        validate(MixConfig, {"cluster_reweight": {"ranges": [{"min_size": 3, "max_size": 2}]}}, "m")
