"""Helpers of the merge tests: read checkpoints and summaries back, write a merge as a mergekit YAML."""

from __future__ import annotations

import json
from pathlib import Path


def load_state(folder: Path) -> dict:
    """Every tensor of a safetensors checkpoint folder (one file or shards)."""
    from safetensors.torch import load_file

    state = {}
    for file in sorted(Path(folder).glob("*.safetensors")):
        state.update(load_file(str(file)))
    return state


def mergekit_config(config: dict, name: str | None = None) -> dict:
    """The mergekit YAML of one of our merge configs (``method`` -> ``merge_method``, float32)."""
    out = {"merge_method": config["method"], "models": config["models"], "dtype": "float32"}
    if name:
        out["name"] = name
    if config.get("base_model"):
        out["base_model"] = config["base_model"]
    parameters = {k: v for k, v in config.get("parameters", {}).items() if k != "rescale_norm"}
    if parameters:
        out["parameters"] = parameters
    return out


def read_summary(folder: Path) -> dict:
    """``merge.json`` of a merge output."""
    return json.loads((Path(folder) / "merge.json").read_text(encoding="utf-8"))
