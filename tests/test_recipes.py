"""Every YAML shipped under recipes/ validates; those whose inputs exist here also resolve and plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.manifest import load_manifest
from curation.recipe import load_recipe
from curation.run.engine import plan_run

ROOT = Path(__file__).resolve().parents[1] / "recipes"
RECIPES = sorted((ROOT / "curation").glob("*.yaml")) + sorted((ROOT / "ontology_books").glob("*.yaml"))


def test_there_are_recipes():
    assert len(RECIPES) >= 6


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.name)
def test_recipe_validates(path):
    recipe = load_recipe(path)
    assert recipe.sources and recipe.steps
    for source in recipe.sources:  # every manifest a recipe names ships with the package
        assert load_manifest(source.manifest, [recipe.base_dir]).license


def test_sample_recipe_resolves_and_plans(tmp_path):
    recipe = load_recipe(Path(__file__).resolve().parents[1] / "recipes" / "curation" / "sample.yaml")
    plan = plan_run(recipe, out=str(tmp_path / "out"))
    assert plan.sources and all(s.manifest.license for s in plan.sources)
    assert [s.name for s in plan.stages] == ["before_12_minhash_dedup", "curated"]


@pytest.mark.parametrize("name", ["fixtures-smollm2.yaml", "fixtures-tables.yaml"])
def test_books_recipes_on_the_fixtures_plan(name, tmp_path):
    from ontology_books.recipe import check_books_recipe

    recipe = check_books_recipe(load_recipe(ROOT / "ontology_books" / name))
    plan = plan_run(recipe, out=str(tmp_path / "out"))
    assert [s.manifest.name for s in plan.sources] == ["cim10-books", "ccam-books", "atc-books"]


MIX_CONFIGS = sorted((ROOT / "mix").glob("*.yaml"))


@pytest.mark.parametrize("path", MIX_CONFIGS, ids=lambda p: p.name)
def test_mix_configs_validate(path):
    from curation.mix.config import load_ablation_config, load_mix_config

    loader = load_ablation_config if path.name.startswith("ablations") else load_mix_config
    assert loader(path, [])
