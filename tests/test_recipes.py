"""Every YAML shipped under recipes/ validates and resolves (manifests found, paths exist)."""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.recipe import load_recipe
from curation.run.engine import plan_run

RECIPES = sorted((Path(__file__).resolve().parents[1] / "recipes" / "curation").glob("*.yaml"))


def test_there_are_recipes():
    assert RECIPES


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.name)
def test_recipe_validates_and_resolves(path, tmp_path):
    recipe = load_recipe(path)
    plan = plan_run(recipe, out=str(tmp_path / "out"))
    assert plan.sources and all(s.manifest.license for s in plan.sources)
