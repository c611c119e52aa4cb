"""``biomedfr ablations``: the corpora of the paper's Table 1 from finished runs, each as a mix manifest.

Every corpus counts one copy of each document (the ``repetitions`` of quality upsampling are ignored:
the ablations measure content, before upsampling is decided). Content types and scores come from
``AblationConfig.fields`` (default: the student classifier's ``student.*``).

- ``full``: every document (the reference of the threshold ablations, "sans filtre").
- ``balanced``: every content type cut to the tokens of the smallest type, ``per_type_tokens``. Within
  a type, documents are taken in the order of their draw ``sha256("<seed>\\0balanced\\0<id>")`` while
  the running total stays within ``per_type_tokens``: each type ends within one document's size of it
  (the smallest type is kept whole). Documents without a content type are reported and left out.
- ``minus_<type>``: the balanced corpus without that type, one per type.
- ``random_control``: the balanced corpus without documents taken in the order of their draw
  ``sha256("<seed>\\0random_control\\0<id>")`` while their total stays within ``per_type_tokens``: it
  removes as many tokens as one type, regardless of type, so it is the size of the ``minus_<type>``
  corpora (within one document).
- thresholds (``edu_cont_ge_6``, ``edu_cont_ge_7``, ``edu_cont_ge_8``, ``edu_ge_7``, ``cont_ge_7``,
  ``writ_ge_7``, ``term_ge_7`` by default): the documents of the full corpus meeting every minimum
  (a missing score never does).

With ``budget_tokens``, every corpus is then repeated to that size: each document gets
``budget / corpus tokens`` copies, rounded with ``sha256("<seed>\\0<id>")`` and calibrated as in ``mix``
(``round_to_target``), so every corpus lands within one document of the budget.
The manifest's ``group`` column holds the content type (``untyped`` without one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from curation.errors import ConfigError
from curation.mix.config import AblationConfig, config_hash
from curation.mix.corpus import Corpus, draws, read_corpus, run_info
from curation.mix.manifest import FORMAT, ManifestRow, summarize
from curation.mix.mixer import round_to_target
from curation.scores import SIGNALS

__all__ = ["UNTYPED", "AblationCorpus", "AblationResult", "build_ablations", "take_within"]

UNTYPED = "untyped"
"""``group`` of documents without a content type in the threshold corpora."""


@dataclass
class AblationCorpus:
    """One corpus of the ablation study."""

    name: str
    """Folder name: ``balanced``, ``minus_drug_information``, ``edu_cont_ge_7``..."""
    family: str
    """``full``, ``balanced``, ``minus``, ``random_control`` or ``thresholds``."""
    description: str
    """One line saying what the corpus is."""
    rows: list[ManifestRow]
    """Its documents and repetitions."""
    report: dict[str, Any] = field(default_factory=dict)
    """What its ``mix.json`` holds."""

    @property
    def tokens(self) -> int:
        """Tokens with repetitions."""
        return sum(r.tokens * r.repetitions for r in self.rows)

    @property
    def unique_tokens(self) -> int:
        """Tokens of one copy of each document."""
        return sum(r.tokens for r in self.rows)


@dataclass
class AblationResult:
    """Every corpus and the summary written to ``ablations.json``."""

    corpora: list[AblationCorpus]
    summary: dict[str, Any]
    config_hash: str
    warnings: list[str] = field(default_factory=list)


def _type_order(types: set[str]) -> list[str]:
    from curation.steps.llm_annotate import CONTENT_TYPES

    known = [t for t in CONTENT_TYPES if t in types]
    return known + sorted(types - set(known))


def take_within(idx: np.ndarray, tokens: np.ndarray, order_keys: np.ndarray, budget: int) -> np.ndarray:
    """The documents ``idx`` taken in ``order_keys`` order while their running total stays <= ``budget``."""
    order = idx[np.lexsort((idx, order_keys[idx]))]
    running = np.cumsum(tokens[order])
    stop = int(np.searchsorted(running, budget, side="right"))
    return np.sort(order[:stop])


def build_ablations(config: AblationConfig, runs: list[str]) -> AblationResult:
    """Read the runs and build every corpus the config asks for (see the module docstring)."""
    if not runs:
        raise ConfigError("ablations: no runs — give one or more run folders: biomedfr ablations RUN... --out DIR")
    runs = [str(r) for r in runs]
    f = config.fields
    fields = {"content_type": f.content_type, **{s: getattr(f, s) for s in SIGNALS}}
    corpus = read_corpus(runs, config.token_field, fields)
    warnings: list[str] = []
    digest = config_hash(config, runs=runs)
    n = len(corpus)
    ctype = corpus.columns["content_type"]
    typed = np.fromiter((t is not None for t in ctype), dtype=bool, count=n)
    untyped = np.flatnonzero(~typed)
    if len(untyped):
        warnings.append(f"{len(untyped):,} document(s) ({int(corpus.tokens[untyped].sum()):,} tokens) have no "
                        f"content type in {f.content_type!r}: left out of the type-balanced corpora")

    present = {t for t in ctype if t is not None}
    types = list(config.content_types) if config.content_types is not None else _type_order(present)
    by_type = {t: np.flatnonzero(np.fromiter((c == t for c in ctype), dtype=bool, count=n)) for t in types}
    type_tokens = {t: int(corpus.tokens[idx].sum()) for t, idx in by_type.items()}
    if config.content_types is not None:
        ignored = sorted(present - set(types))
        if ignored:
            warnings.append(f"content types not in content_types, left out of the balanced corpora: {', '.join(ignored)}")

    corpora: list[AblationCorpus] = []
    everything = np.arange(n)
    wanted = set(config.variants)
    if "full" in wanted:
        corpora.append(AblationCorpus("full", "full", "every document (reference of the thresholds)",
                                      _rows(corpus, everything)))

    types_report: list[dict[str, Any]] = []
    per_type = None
    if wanted & {"balanced", "minus", "random_control"}:
        if not types:
            raise ConfigError(f"ablations: no document has a content type in {f.content_type!r} — annotate or "
                              "classify the runs first, or set fields.content_type")
        empty = [t for t in types if type_tokens[t] == 0]
        if empty:
            raise ConfigError(f"ablations: content type(s) {', '.join(empty)} have no tokens, so a balanced corpus "
                              "would be empty — remove them from content_types")
        per_type = min(type_tokens.values())
        keys = draws(config.seed, corpus.ids, salt="balanced")
        balanced_of = {t: take_within(idx, corpus.tokens, keys, per_type) for t, idx in by_type.items()}
        balanced = np.sort(np.concatenate(list(balanced_of.values())))
        for t in types:
            types_report.append({
                "type": t,
                "documents": len(by_type[t]),
                "tokens": type_tokens[t],
                "balanced_documents": len(balanced_of[t]),
                "balanced_tokens": int(corpus.tokens[balanced_of[t]].sum()),
            })
        if "balanced" in wanted:
            corpora.append(AblationCorpus(
                "balanced", "balanced", f"{len(types)} types cut to {per_type:,} tokens each",
                _rows(corpus, balanced)))
        if "minus" in wanted:
            for t in types:
                keep = np.setdiff1d(balanced, balanced_of[t], assume_unique=True)
                corpora.append(AblationCorpus(f"minus_{t}", "minus", f"balanced without {t}",
                                              _rows(corpus, keep)))
        if "random_control" in wanted:
            removed = take_within(balanced, corpus.tokens, draws(config.seed, corpus.ids, salt="random_control"),
                                  per_type)
            keep = np.setdiff1d(balanced, removed, assume_unique=True)
            corpora.append(AblationCorpus(
                "random_control", "random_control",
                f"balanced without {len(removed):,} random docs ({int(corpus.tokens[removed].sum()):,} tokens)",
                _rows(corpus, keep)))

    if "thresholds" in wanted:
        scores = {s: _floats(corpus.columns[s]) for s in SIGNALS}
        for variant in config.thresholds:
            rule = variant.rule()
            meets = np.ones(n, dtype=bool)
            for s, minimum in rule.thresholds().items():  # QualityRule.meets, vectorised: NaN (missing) fails
                meets &= scores[s] >= minimum
            corpora.append(AblationCorpus(variant.variant_name(), "thresholds",
                                          f"{rule.describe()} ({_fields_of(f, variant)})",
                                          _rows(corpus, np.flatnonzero(meets))))

    total_unique = int(corpus.tokens.sum())
    if config.budget_tokens is not None:
        u = draws(config.seed, corpus.ids)
        draw_of = dict(zip(corpus.ids, u))
        for c in corpora:
            c.rows = _scale(c.rows, config.budget_tokens, draw_of)
    for c in corpora:
        if not c.rows:
            warnings.append(f"corpus {c.name!r} is empty")
    runs_info = [run_info(r) for r in runs]
    for c in corpora:
        c.report = {
            "format": FORMAT,
            "kind": "ablation",
            "variant": c.name,
            "family": c.family,
            "description": c.description,
            "config": config.model_dump(mode="json"),
            "config_hash": digest,
            "runs": runs_info,
            "totals": {"documents_kept": len(c.rows), "unique_tokens": c.unique_tokens, "achieved_tokens": c.tokens,
                       "budget_tokens": config.budget_tokens},
            "groups": _named(summarize(c.rows, "group")),
            "sources": _named(summarize(c.rows, "source")),
        }
    summary = {
        "format": FORMAT,
        "kind": "ablations",
        "config": config.model_dump(mode="json"),
        "config_hash": digest,
        "runs": runs_info,
        "corpus": {"documents": n, "tokens": total_unique,
                   "untyped": {"documents": len(untyped), "tokens": int(corpus.tokens[untyped].sum())}},
        "per_type_tokens": per_type,
        "types": types_report,
        "variants": [
            {"name": c.name, "family": c.family, "description": c.description, "documents": len(c.rows),
             "unique_tokens": c.unique_tokens, "tokens": c.tokens,
             "share_of_full": c.unique_tokens / total_unique if total_unique else 0.0}
            for c in corpora
        ],
        "warnings": warnings,
    }
    return AblationResult(corpora=corpora, summary=summary, config_hash=digest, warnings=warnings)


def _fields_of(fields, variant) -> str:
    return ", ".join(getattr(fields, s) for s in SIGNALS if s in variant.min)


def _floats(values: np.ndarray) -> np.ndarray:
    return np.fromiter((np.nan if v is None else float(v) for v in values), dtype=np.float64, count=len(values))


def _named(stats: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"name": k, **v} for k, v in stats.items()]


def _rows(corpus: Corpus, idx: np.ndarray) -> list[ManifestRow]:
    ctype = corpus.columns["content_type"]
    return [ManifestRow(run=corpus.runs[i], id=corpus.ids[i], source=corpus.sources[i],
                        group=ctype[i] if ctype[i] is not None else UNTYPED, tokens=int(corpus.tokens[i]),
                        repetitions=1)
            for i in idx]


def _scale(rows: list[ManifestRow], budget: int, draw_of: dict[str, float]) -> list[ManifestRow]:
    total = sum(r.tokens for r in rows)
    if not total:
        return rows
    u = np.fromiter((draw_of[r.id] for r in rows), dtype=np.float64, count=len(rows))
    tokens = np.fromiter((r.tokens for r in rows), dtype=np.int64, count=len(rows))
    reps = round_to_target(np.full(len(rows), budget / total), u, tokens, budget)
    return [ManifestRow(r.run, r.id, r.source, r.group, r.tokens, int(k)) for r, k in zip(rows, reps) if k > 0]
