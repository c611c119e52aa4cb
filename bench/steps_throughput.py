"""Documents per second per core of every step of the sample recipe (one task, one worker).

Runs the sample recipe (or the recipe given as argument) in-process with one task, then reads the
per-step time datatrove recorded (time inside each step's own processing, downstream excluded) and
prints ONE JSON line: {"bench": "steps_throughput", "steps": {"NN_name": {"docs": n, "seconds": s,
"docs_per_s_per_core": r}}, ...}. There is no baseline to compare with: these are the figures the
issue asks to report.

    .venv/bin/python bench/steps_throughput.py [RECIPE.yaml]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from curation.recipe import load_recipe
    from curation.run.engine import curate, plan_run
    from curation.sample import SAMPLE_RECIPE

    path = sys.argv[1] if len(sys.argv) > 1 else SAMPLE_RECIPE
    recipe = load_recipe(path, ["executor.tasks=1", "executor.workers=1"])
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        result = curate(plan_run(recipe, out=os.path.join(tmp, "out")))
        wall = time.perf_counter() - start
    steps = {}
    for c in result.steps:
        if c.kind in {"read", "step"} and c.n_in:
            steps[c.label] = {
                "docs": c.n_in,
                "seconds": round(c.seconds, 4),
                "docs_per_s_per_core": round(c.n_in / c.seconds, 1) if c.seconds > 0 else None,
            }
    print(json.dumps({"bench": "steps_throughput", "recipe": str(path), "wall_seconds": round(wall, 2),
                      "steps": steps}))


if __name__ == "__main__":
    main()
