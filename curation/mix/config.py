"""Configs of ``biomedfr mix`` and ``biomedfr ablations`` (pydantic, YAML, ``--set`` overrides).

``MixConfig`` defaults to the biomed-fr-v2 mix of the ModernCamemBERT-bio paper (Table 2): 10 B tokens,
curated articles (hal + istex + finewiki-bio) 70 %, ontology textbooks (cim10/ccam/atc-books) 20 %,
EMEA 6 %, E3C 4 %, shares measured after quality upsampling. ``AblationConfig`` defaults to the paper's
Table 1 corpora. Relative ``runs`` in a YAML file are relative to that file; given on the command line
(``--run``, ``--set runs=[...]``), relative to the working directory.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from curation.config import StrictModel, apply_overrides, read_yaml, validate
from curation.errors import ConfigError
from curation.scores import SIGNALS, QualityRule, ScoreFields

__all__ = [
    "ABLATION_FAMILIES",
    "TABLE2_GROUPS",
    "AblationConfig",
    "ClusterRange",
    "ClusterReweight",
    "MixConfig",
    "MixGroup",
    "ThresholdVariant",
    "config_hash",
    "load_ablation_config",
    "load_mix_config",
]

SHARE_TOLERANCE = 1e-6
"""How far from 1 the sum of the group shares may be (rounding in hand-written YAML)."""

Signal = Literal["edu", "cont", "writ", "term"]


class MixGroup(StrictModel):
    """A row of the mix: sources whose documents share one target share of the budget."""

    name: str = "group"
    """Name of the group (``articles``), written in the manifest's ``group`` column."""
    sources: list[str] = Field(default_factory=list)
    """Source names (the ``source`` metadata of the documents: the recipe's source name, by default the manifest's)."""
    share: float = Field(default=0.0, ge=0, le=1)
    """Share of ``budget_tokens`` the group's documents fill after upsampling (0–1)."""


TABLE2_GROUPS: tuple[MixGroup, ...] = (
    MixGroup(name="articles", sources=["hal", "istex", "finewiki-bio"], share=0.70),
    MixGroup(name="ontology_books", sources=["cim10-books", "ccam-books", "atc-books"], share=0.20),
    MixGroup(name="emea", sources=["emea"], share=0.06),
    MixGroup(name="e3c", sources=["e3c"], share=0.04),
)
"""The biomed-fr-v2 mix (paper, Table 2)."""


class ClusterRange(StrictModel):
    """Documents whose MinHash cluster size is in ``[min_size, max_size]`` get ``weight``."""

    min_size: int = Field(default=1, ge=1)
    """Smallest cluster size of the range (inclusive)."""
    max_size: int | None = Field(default=None, ge=1)
    """Largest cluster size of the range (inclusive); None: no upper bound."""
    weight: float = Field(default=1.0, ge=0)
    """Multiplies the document's repetitions before the group is scaled to its target (0: left out)."""

    @model_validator(mode="after")
    def _ordered(self) -> ClusterRange:
        if self.max_size is not None and self.max_size < self.min_size:
            raise PydanticCustomError("range_order", "max_size {max} is below min_size {min}",
                                      {"max": self.max_size, "min": self.min_size})
        return self

    def contains(self, size: int) -> bool:
        """Whether ``size`` is in the range."""
        return size >= self.min_size and (self.max_size is None or size <= self.max_size)


class ClusterReweight(StrictModel):
    """FineWeb-2-style rehydration: weight documents by the size of their near-duplicate cluster.

    MinHash dedup keeps one document per cluster and records the cluster's size. Documents duplicated a
    few times tend to be better than unique ones and than massively copied boilerplate, so a table of
    size ranges -> weights puts some of the removed copies back. A weight multiplies the document's
    repetitions *before* its group is scaled to its target: it moves tokens between documents of a
    group, never between groups, so the shares hold. Sizes in no range get ``default_weight``.
    """

    field: str = "dup_cluster_size"
    """Metadata key holding the cluster size (written by ``minhash_dedup``)."""
    missing_size: int = Field(default=1, ge=1)
    """Cluster size assumed for a document without the field (no near-duplicate found, or no MinHash)."""
    default_weight: float = Field(default=1.0, ge=0)
    """Weight of cluster sizes that no range covers."""
    ranges: list[ClusterRange] = Field(default_factory=list)
    """Size ranges and their weights; they must not overlap."""

    @model_validator(mode="after")
    def _disjoint(self) -> ClusterReweight:
        spans = sorted(self.ranges, key=lambda r: r.min_size)
        for a, b in itertools.pairwise(spans):
            if a.max_size is None or a.max_size >= b.min_size:
                raise PydanticCustomError(
                    "range_overlap", "cluster size ranges [{a}] and [{b}] overlap — make them disjoint",
                    {"a": _describe_range(a), "b": _describe_range(b)})
        return self

    def weight(self, size: int | None) -> float:
        """The weight of a document whose cluster size is ``size`` (None: ``missing_size``)."""
        size = self.missing_size if size is None else size
        for r in self.ranges:
            if r.contains(size):
                return r.weight
        return self.default_weight


def _describe_range(r: ClusterRange) -> str:
    return f"{r.min_size}-{r.max_size}" if r.max_size is not None else f"{r.min_size}+"


class MixConfig(StrictModel):
    """``biomedfr mix``: source groups, their shares of a token budget, and the draw."""

    runs: list[str] = Field(default_factory=list)
    """Run folders (outputs of ``biomedfr curate``/``books``) whose ``curated/`` shards are mixed."""
    budget_tokens: int = Field(default=10_000_000_000, gt=0)
    """Tokens of the mix, counting every repetition (the paper: 10 B)."""
    groups: list[MixGroup] = Field(default_factory=lambda: [g.model_copy() for g in TABLE2_GROUPS])
    """Groups of sources and their shares (default: the paper's Table 2); shares sum to 1."""
    seed: int = 0
    """Seed of the per-document draws (stochastic rounding of repetitions)."""
    rounding: Literal["calibrated", "independent"] = "calibrated"
    """``calibrated``: one threshold shift per group lands it within a document of its target; ``independent``: plain."""
    max_repetitions: float = Field(default=4, gt=0)
    """Warn when a group needs more passes than this over its (upsampled) data to reach its target."""
    token_field: str = "token_count"
    """Metadata key holding a document's token count (one copy)."""
    cluster_reweight: ClusterReweight | None = None
    """Rehydration by MinHash cluster size (FineWeb-2 style); None: off."""
    sources_missing: Literal["error", "warn"] = "error"
    """A source named in ``groups`` with no document in the runs: stop (``error``) or report it (``warn``)."""

    @field_validator("groups")
    @classmethod
    def _groups_valid(cls, groups: list[MixGroup]) -> list[MixGroup]:
        if not groups:
            raise PydanticCustomError("no_groups", "at least one group is needed")
        names = [g.name for g in groups]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise PydanticCustomError("duplicate_group", "group names must be unique: {dup} repeated",
                                      {"dup": ", ".join(dup)})
        seen: dict[str, str] = {}
        for g in groups:
            if not g.sources:
                raise PydanticCustomError("empty_group", "group {name} lists no sources", {"name": repr(g.name)})
            for s in g.sources:
                if s in seen:
                    raise PydanticCustomError(
                        "source_in_two_groups", "source {s} is in groups {a} and {b} — keep it in one",
                        {"s": repr(s), "a": repr(seen[s]), "b": repr(g.name)})
                seen[s] = g.name
        total = math.fsum(g.share for g in groups)
        if abs(total - 1) > SHARE_TOLERANCE:
            shares = ", ".join(f"{g.name}={g.share:g}" for g in groups)
            raise PydanticCustomError("shares_sum", "group shares sum to {total} ({shares}), not 1 — fix them",
                                      {"total": f"{total:.6g}", "shares": shares})
        return groups


ABLATION_FAMILIES = ("full", "balanced", "minus", "random_control", "thresholds")
"""Corpus families ``biomedfr ablations`` can write (``minus`` is one corpus per content type)."""

AblationFamily = Literal["full", "balanced", "minus", "random_control", "thresholds"]


class ThresholdVariant(StrictModel):
    """A quality-threshold corpus of Table 1b: documents meeting every minimum in ``min``."""

    min: dict[Signal, float] = Field(default_factory=dict)
    """Minimum score per signal (``{edu: 7, cont: 7}``); a missing score never meets it."""
    name: str | None = None
    """Folder name of the corpus; default from the rule: ``edu_cont_ge_7``, ``writ_ge_7``, ``edu_ge_7_cont_ge_8``."""

    @field_validator("min")
    @classmethod
    def _min_valid(cls, value: dict[str, float]) -> dict[str, float]:
        if not value:
            raise PydanticCustomError("empty_rule", "give at least one minimum, e.g. min: {edu: 7, cont: 7}")
        for signal, threshold in value.items():
            if not 0 <= threshold <= 10:
                raise PydanticCustomError("threshold_range", "{signal}: {t} is outside 0–10",
                                          {"signal": signal, "t": threshold})
        return value

    def rule(self) -> QualityRule:
        """The variant as a ``QualityRule`` (signals it does not name have no threshold)."""
        return QualityRule(**{s: self.min.get(s) for s in SIGNALS})

    def variant_name(self) -> str:
        """``name``, or one derived from the rule (signals in the paper's order)."""
        if self.name:
            return self.name
        ordered = [(s, self.min[s]) for s in SIGNALS if s in self.min]
        values = {v for _, v in ordered}
        if len(values) == 1:
            return "_".join(s for s, _ in ordered) + f"_ge_{_fmt(ordered[0][1])}"
        return "_".join(f"{s}_ge_{_fmt(v)}" for s, v in ordered)


def _fmt(value: float) -> str:
    return f"{value:g}".replace(".", "p")


def _paper_thresholds() -> list[ThresholdVariant]:
    joint = [ThresholdVariant(min={"edu": k, "cont": k}) for k in (6, 7, 8)]
    alone = [ThresholdVariant(min={s: 7}) for s in SIGNALS]
    return joint + alone


class AblationConfig(StrictModel):
    """``biomedfr ablations``: the corpora of the paper's Table 1, each written as a mix manifest."""

    seed: int = 0
    """Seed of the balanced subsample, the random control and (with ``budget_tokens``) the rounding."""
    variants: list[AblationFamily] = Field(default_factory=lambda: list(ABLATION_FAMILIES))
    """Families of corpora to write: ``full``, ``balanced``, ``minus`` (one per type), ``random_control``, ``thresholds``."""
    fields: ScoreFields = Field(default_factory=ScoreFields)
    """Metadata keys of the four scores and of the content type (default: the student classifier's)."""
    content_types: list[str] | None = None
    """Content types the type-balanced corpora use; None: every type present in the runs."""
    thresholds: list[ThresholdVariant] = Field(default_factory=_paper_thresholds)
    """Threshold corpora on the full corpus (default: edu AND cont >= 6/7/8, then each signal >= 7 alone)."""
    token_field: str = "token_count"
    """Metadata key holding a document's token count."""
    budget_tokens: int | None = Field(default=None, gt=0)
    """Scale every corpus to this many tokens by repetition (the paper trains each on 10 B); None: each document once."""

    @model_validator(mode="after")
    def _names_unique(self) -> AblationConfig:
        names = [t.variant_name() for t in self.thresholds]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise PydanticCustomError("duplicate_variant", "threshold variants share a name: {dup} — set `name`",
                                      {"dup": ", ".join(dup)})
        return self


# --- loading --------------------------------------------------------------------------------------


def _absolute_runs(data: dict, base: Path) -> None:
    runs = data.get("runs")
    if isinstance(runs, list):
        data["runs"] = [str((base / r).resolve()) if isinstance(r, str) else r for r in runs]


def load_mix_config(path: str | Path | None = None, overrides: list[str] | None = None,
                    runs: list[str | Path] | None = None) -> MixConfig:
    """Read a mix config (or the defaults), apply ``--set`` overrides, add ``runs``; paths made absolute."""
    where = str(path) if path else "mix config"
    data = _read_mapping(path, where)
    if path:
        _absolute_runs(data, Path(path).resolve().parent)
    data = {**MixConfig().model_dump(mode="json"), **data}  # so --set groups.3.share=... finds the default list
    if overrides:
        apply_overrides(data, list(overrides))
    _absolute_runs(data, Path.cwd())
    if runs:
        data["runs"] = list(data.get("runs") or []) + [str(Path(r).resolve()) for r in runs]
    config = validate(MixConfig, data, where)
    if not config.runs:
        raise ConfigError(f"{where}: no runs to mix — give --run RUN_DIR (repeatable) or list them under `runs`")
    return config


def load_ablation_config(path: str | Path | None = None, overrides: list[str] | None = None) -> AblationConfig:
    """Read an ablation config (or the defaults) and apply ``--set`` overrides."""
    where = str(path) if path else "ablation config"
    data = {**AblationConfig().model_dump(mode="json"), **_read_mapping(path, where)}
    if overrides:
        apply_overrides(data, list(overrides))
    return validate(AblationConfig, data, where)


def _read_mapping(path: str | Path | None, where: str) -> dict:
    data = read_yaml(path) if path else {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping of keys to values, got {type(data).__name__}")
    return data


def config_hash(config: StrictModel, **extra) -> str:
    """sha256 of the canonical JSON of the config (and of ``extra``, e.g. the runs of an ablation)."""
    payload = {"config": config.model_dump(mode="json"), **extra}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
