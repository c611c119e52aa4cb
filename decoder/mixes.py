"""``biomedfr decoder mix``: instruction mixes by provenance at constant volume (MedInjection-FR, section 3).

The seven configurations of the paper from three sources (native, translated, synthetic): one source
(NAT, TRAD, SYN), two (NAT-TRAD, NAT-SYN, TRAD-SYN) and all three (ALL), each of exactly ``total``
examples (paper: 33 493). Inside a combination the sources share the volume equally: ``total // k``
each, the remainder ``total % k`` dealt one example each to the first sources in the order NAT, TRAD,
SYN. Sampling is without replacement and nested: each source is permuted once (seeded by ``seed`` and
the source), and a combination takes the first ``n`` rows of that permutation, so the native rows of
NAT-TRAD are among those of NAT — the configurations differ by provenance, not by luck of the draw.

Writes ``<out>/<NAME>.jsonl`` per combination (rows as read, with their ``provenance``; shuffled with the
seed) and ``<out>/manifest.json``: seed, total, the counts per provenance of each combination, and the
sha256 and row count of every input and output file.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, model_validator

from curation.config import StrictModel, load_model
from curation.errors import ConfigError
from curation.jsonl import read_jsonl_objects
from decoder.config import PROVENANCES

__all__ = ["COMBINATIONS", "MixConfig", "MixResult", "load_mix_config", "mix", "mix_table", "shares"]

SHORT = {"native": "NAT", "translated": "TRAD", "synthetic": "SYN"}
"""Short names of the provenances in the paper."""
ORDER = ("native", "translated", "synthetic")
"""Order in which a combination's sources are listed and the remainder is dealt."""
COMBINATIONS: dict[str, tuple[str, ...]] = {
    "NAT": ("native",), "TRAD": ("translated",), "SYN": ("synthetic",),
    "NAT-TRAD": ("native", "translated"), "NAT-SYN": ("native", "synthetic"),
    "TRAD-SYN": ("translated", "synthetic"), "ALL": ("native", "translated", "synthetic"),
}
"""The seven configurations of MedInjection-FR and their sources."""

Combination = Literal["NAT", "TRAD", "SYN", "NAT-TRAD", "NAT-SYN", "TRAD-SYN", "ALL"]


class MixConfig(StrictModel):
    """Sources by provenance, the constant volume and the configurations to write."""

    sources: dict[Literal["native", "synthetic", "translated"], list[str]] = Field(default_factory=dict)
    """JSONL files of each provenance (``native: [a.jsonl, ...]``); a row's own provenance field, when
    present, must agree."""
    total: int = Field(33493, ge=1)
    """Examples in every configuration (MedInjection-FR: 33 493)."""
    combinations: list[Combination] = Field(default_factory=lambda: list(COMBINATIONS))
    """Configurations written (default: the paper's seven)."""
    seed: int = 42
    """Seed of the draws and of the order of the rows in each output."""
    provenance_field: str = "provenance"
    """Field of the provenance in the rows (written into every output row)."""
    out: str = "mixes/medinjection-fr"
    """Output folder."""

    @model_validator(mode="after")
    def _check(self):
        if len(set(self.combinations)) != len(self.combinations):
            raise ValueError(f"combinations: each at most once, got {self.combinations}")
        return self


def load_mix_config(path: str | Path, overrides: list[str] | None = None) -> MixConfig:
    """Read a mix YAML with ``--set`` overrides; every provenance a combination needs must have files."""
    config = load_model(MixConfig, path, overrides)
    needed = sorted({p for c in config.combinations for p in COMBINATIONS[c]}, key=ORDER.index)
    missing = [p for p in needed if not config.sources.get(p)]
    if missing:
        users = ", ".join(c for c in config.combinations if missing[0] in COMBINATIONS[c])
        raise ConfigError(f"{path}: sources.{missing[0]} is empty but {users} need it — give its JSONL files "
                          f"(--set sources.{missing[0]}=[FILE.jsonl])")
    return config


def shares(total: int, combination: str) -> dict[str, int]:
    """Examples per source of ``combination``: ``total // k`` each, the remainder to the first sources."""
    sources = COMBINATIONS[combination]
    base, extra = divmod(total, len(sources))
    return {p: base + (1 if i < extra else 0) for i, p in enumerate(sources)}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_source(provenance: str, files: list[str], field: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Rows of one provenance as JSON lines (provenance set), and what was read from each file."""
    lines, inputs = [], []
    for name in files:
        path = Path(name)
        if not path.is_file():
            raise ConfigError(f"sources.{provenance}: {path} not found — check the path")
        count = 0
        for number, row in read_jsonl_objects(path):
            own = row.get(field)
            if own is not None and own != provenance:
                raise ConfigError(f"{path}:{number}: {field} is {own!r} but the file is listed under "
                                  f"sources.{provenance} — list it under sources.{own} or fix the row")
            row[field] = provenance
            lines.append(json.dumps(row, ensure_ascii=False))
            count += 1
        inputs.append({"path": str(path), "provenance": provenance, "rows": count, "sha256": _sha256(path)})
    return lines, inputs


@dataclass
class MixResult:
    """What ``mix`` wrote."""

    out: Path
    """The output folder."""
    manifest: dict[str, Any]
    """``manifest.json``."""


def mix(config: MixConfig) -> MixResult:
    """Write the configurations of ``config`` and their manifest (see the module docstring)."""
    out = Path(config.out)
    needed = sorted({p for c in config.combinations for p in COMBINATIONS[c]}, key=ORDER.index)
    rows: dict[str, list[str]] = {}
    inputs: list[dict[str, Any]] = []
    for provenance in needed:
        rows[provenance], read = _read_source(provenance, config.sources.get(provenance, []), config.provenance_field)
        inputs.extend(read)
    wanted = {p: max(shares(config.total, c).get(p, 0) for c in config.combinations) for p in needed}
    for provenance in needed:
        if wanted[provenance] > len(rows[provenance]):
            available = len(rows[provenance])
            users = [c for c in config.combinations if shares(config.total, c).get(provenance, 0) > available]
            raise ConfigError(f"sources.{provenance}: {len(rows[provenance]):,} rows available but "
                              f"{wanted[provenance]:,} needed ({', '.join(users)} at total {config.total:,}) — "
                              "lower total, add rows, or drop those combinations")
    order = {p: np.random.default_rng([config.seed, PROVENANCES.index(p)]).permutation(len(rows[p])) for p in needed}
    out.mkdir(parents=True, exist_ok=True)
    outputs = {}
    for k, name in enumerate(config.combinations):
        counts = shares(config.total, name)
        picked = [rows[p][i] for p, n in counts.items() for i in order[p][:n].tolist()]
        shuffle = np.random.default_rng([config.seed, 1000 + list(COMBINATIONS).index(name)]).permutation(len(picked))
        path = out / f"{name}.jsonl"
        tmp = path.with_suffix(".jsonl.tmp")
        tmp.write_text("".join(picked[i] + "\n" for i in shuffle.tolist()), encoding="utf-8")
        os.replace(tmp, path)
        outputs[name] = {"file": path.name, "rows": len(picked), "by_provenance": counts, "sha256": _sha256(path)}
    manifest = {"format": "biomedfr.decoder.mix/1", "seed": config.seed, "total": config.total,
                "provenance_field": config.provenance_field, "sampling": "nested, without replacement",
                "available": {p: len(rows[p]) for p in needed}, "inputs": inputs, "combinations": outputs}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return MixResult(out, manifest)


def mix_table(manifest: dict[str, Any]):
    """A rich table: rows per provenance of each configuration."""
    from rich.table import Table

    table = Table(title=f"Provenance mixes ({manifest['total']:,} examples each, seed {manifest['seed']})")
    table.add_column("configuration")
    for provenance in ORDER:
        table.add_column(f"{SHORT[provenance]} ({provenance})", justify="right")
    table.add_column("rows", justify="right")
    table.add_column("file")
    for name, info in manifest["combinations"].items():
        table.add_row(name, *(f"{info['by_provenance'].get(p, 0):,}" for p in ORDER), f"{info['rows']:,}", info["file"])
    return table
