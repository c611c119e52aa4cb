"""``upsample``: whole articles are repeated by their share of good passages (paper §3.4 and Table 7).

Instead of a hard quality filter, each extraction-route article gets a ratio: among its passages that
reach this step (those the ``select`` step kept, with every score the rule reads), the share meeting
the rule (``edu >= 7 AND cont >= 7`` by default, scores read from ``fields``, the student classifier's
by default). The ratio picks a bucket of the table (``curation.steps.upsample_table``, Table 7 by
default); the bucket's coefficient ``c`` becomes an integer number of copies drawn once per article
(``floor(c)``, plus one with probability ``frac(c)``, from a hash of the seed and the article id), so
that all passages of an article are repeated the same number of times and, over many articles, a
bucket is repeated ``c`` times on average. An article is its passages' ``root_id`` (a document without
one is its own article).

Each passage kept gets ``repetitions`` (the integer ``pack`` materialises), ``upsample_ratio`` and
``upsample_coefficient``. Upsampling is the only writer of ``repetitions`` before mixing; if a
passage already carries ``repetitions`` (it was upsampled by an earlier step or source), the two are
multiplied (stat ``repetitions_multiplied``). The passages of an article in an excluded bucket are
excluded: ``no_good_passage`` (detail ``0/N passages meet edu>=7 AND cont>=7``) when none meets the rule,
``upsample_bucket_excluded`` for any other bucket a recipe marks ``exclude``. A passage lacking a score
the rule reads fails with ``missing_score`` (the scoring step must run before); it is not counted in
its article's ratio. Direct-route documents (EMEA, E3C, textbooks) pass through untouched:
``repetitions`` stays absent, i.e. 1.

An article's passages may be spread over tasks, so this is a global step. The engine runs, before the
stage it heads:

1. ``UpsampleCounts`` over the stage input, in every task: per article, the passages reaching the step
   and those meeting the rule -> ``<out>/upsample/<NN_label>/attempt<k>/counts/<rank:05d>.parquet``;
2. ``ArticlesPass``, one task: sums the counts of this attempt and of the earlier attempts (a
   ``--retry-failed`` attempt only reads the documents it retries), decides every article and writes
   ``articles.parquet`` and ``summary.json`` next to the counts (``curation.steps.upsample_table``);
3. the step itself, which reads the article table in ``setup`` and applies it passage by passage.

A retry that adds passages to an article already written by an earlier attempt recomputes its ratio
for the new passages only: the earlier ones keep the repetitions they were written with.

Stats of the step: ``upsampled`` (passages given repetitions), ``copies`` (sum of their repetitions),
``bucket.<interval>.passages`` (e.g. ``bucket.(0,0.25].passages``). Stats of the merge pass
(``logs/<NN_label>.articles``) and ``summary.json``: ``articles``, ``passages``, ``copies``,
``bucket.<interval>`` (articles per bucket), ``bucket.<interval>.passages``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from datatrove.data import Document, DocumentsPipeline
from datatrove.io import get_datafolder
from datatrove.pipeline.base import PipelineStep
from pydantic import Field, field_validator

from curation.errors import AccountingError, ConfigError, DocumentError
from curation.scores import QualityRule, ScoreFields
from curation.steps.base import CurationStep, Excluded, StepConfig
from curation.steps.registry import register
from curation.steps.upsample_table import (
    ARTICLE_COLUMNS,
    Bucket,
    article_table,
    check_buckets,
    counts_schema,
    decide_article,
    summarize,
    table_7,
)

__all__ = ["ArticlesPass", "UpsampleConfig", "UpsampleCounts", "UpsampleStep", "article_of", "build_articles",
           "missing_score", "upsample_paths"]


class UpsampleConfig(StepConfig):
    """Config of ``upsample``."""

    step: Literal["upsample"] = "upsample"
    """Step name."""
    fields: ScoreFields = Field(default_factory=ScoreFields)
    """Metadata keys of the scores the rule reads (default: the student classifier's ``student.*``)."""
    rule: QualityRule = Field(default_factory=QualityRule)
    """What a good passage is (default ``edu >= 7 AND cont >= 7``)."""
    buckets: list[Bucket] = Field(default_factory=table_7)
    """Coefficient of each interval of article ratios (default: the paper's Table 7); see
    ``curation.steps.upsample_table`` for the format."""
    seed: int = 0
    """Seed of the per-article draws of the fractional part of the coefficients."""

    @field_validator("buckets")
    @classmethod
    def _table(cls, buckets: list[Bucket]) -> list[Bucket]:
        return check_buckets(buckets)


def article_of(doc: Document) -> str:
    """The article a passage comes from: its ``root_id``, or its own id when it has none."""
    return doc.metadata.get("root_id") or doc.id


def missing_score(metadata: Mapping[str, Any], config: UpsampleConfig) -> str | None:
    """The first metadata key the rule reads that ``metadata`` lacks, or None."""
    for name in config.rule.thresholds():
        key = getattr(config.fields, name)
        if metadata.get(key) is None:
            return key
    return None


def upsample_paths(out_dir: str | Path, label: str, attempt: int) -> dict[str, Any]:
    """Where an ``upsample`` step keeps its counts, article table and summary for one attempt."""
    root = Path(out_dir) / "upsample" / label
    work = root / f"attempt{attempt}"
    return {
        "counts": str(work / "counts"),
        "earlier_counts": [str(root / f"attempt{k}" / "counts") for k in range(attempt)],
        "articles": str(work / "articles.parquet"),
        "summary": str(work / "summary.json"),
    }


# --- pass 1: counts per task ------------------------------------------------------------------------

class UpsampleCounts(PipelineStep):
    """Pass 1: per article, passages reaching the step and passages meeting the rule; writes one part per task.

    Stats: ``in``, ``counted``, ``other_route`` (not upsampled), ``missing_score`` (will fail at the step).
    """

    type = "upsample"

    def __init__(self, config: UpsampleConfig, counts_folder: str, label: str, default_routes: frozenset[str]):
        self.name = label
        super().__init__()
        self.config = config
        self.counts_folder = counts_folder
        self.routes = frozenset(config.routes) if config.routes is not None else default_routes

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Consume the task's documents, write ``counts/<rank:05d>.parquet`` (empty for no document), yield nothing."""
        import pyarrow as pa

        from curation.dedup.storage import write_table_atomic

        counts: dict[str, list[int]] = {}
        for doc in data or ():
            self.stat_update("in")
            if doc.metadata.get("route", "extraction") not in self.routes:
                self.stat_update("other_route")
                continue
            if missing_score(doc.metadata, self.config) is not None:
                self.stat_update("missing_score")
                continue
            self.stat_update("counted")
            entry = counts.setdefault(article_of(doc), [0, 0])
            entry[0] += 1
            entry[1] += self.config.rule.meets(doc.metadata, self.config.fields)
        articles = sorted(counts)
        table = pa.Table.from_pydict(
            {"article": articles, "n": [counts[a][0] for a in articles], "n_good": [counts[a][1] for a in articles]},
            schema=counts_schema(),
        )
        folder = get_datafolder(self.counts_folder)
        folder.makedirs("", exist_ok=True)
        write_table_atomic(folder, f"{rank:05d}.parquet", table)
        yield from ()


# --- pass 2: the article table ------------------------------------------------------------------------

def build_articles(config: UpsampleConfig, counts_folders: list[str], articles_path: str,
                   summary_path: str | None = None, tasks: int | None = None) -> dict[str, Any]:
    """Sum the count parts of ``counts_folders``, decide every article, write the article table; return the summary.

    ``tasks``: the number of parts the last folder must hold (one per task of the counting pass); a
    missing part is an ``AccountingError`` (a counting task did not finish).
    """
    import pyarrow as pa

    from curation.dedup.storage import parquet_files, read_table, split_path, write_json_atomic, write_table_atomic

    tables = []
    for i, path in enumerate(counts_folders):
        folder = get_datafolder(path)
        files = parquet_files(folder)
        if tasks is not None and i == len(counts_folders) - 1:
            missing = [f"{r:05d}.parquet" for r in range(tasks) if f"{r:05d}.parquet" not in files]
            if missing:
                raise AccountingError(f"upsample: counts {missing} missing in {path} — the counting pass did not "
                                      "finish; re-run the same command to resume")
        tables.extend(read_table(folder, name).cast(counts_schema()) for name in files)
    if tables:
        merged = pa.concat_tables(tables).group_by("article").aggregate([("n", "sum"), ("n_good", "sum")])
        merged = merged.sort_by("article")
        rows = zip(merged.column("article").to_pylist(), merged.column("n_sum").to_pylist(),
                   merged.column("n_good_sum").to_pylist())
    else:
        rows = iter(())
    cache: dict[tuple[int, int], Bucket] = {}
    decisions = []
    for article, n, n_good in rows:
        decisions.append(decide_article(config.buckets, config.seed, article, n_good, n, cache))
    folder, name = split_path(articles_path)
    folder.makedirs("", exist_ok=True)
    write_table_atomic(folder, name, article_table(decisions))
    summary = summarize(config.buckets, decisions)
    summary["rule"] = config.rule.describe()
    summary["seed"] = config.seed
    if summary_path:
        sfolder, sname = split_path(summary_path)
        write_json_atomic(sfolder, sname, summary)
    return summary


class ArticlesPass(PipelineStep):
    """Pass 2: runs ``build_articles`` once (task 0) and records its summary in stats."""

    type = "upsample"

    def __init__(self, config: UpsampleConfig, counts_folders: list[str], articles_path: str, summary_path: str,
                 tasks: int, label: str):
        self.name = label
        super().__init__()
        self.config = config
        self.counts_folders = counts_folders
        self.articles_path = articles_path
        self.summary_path = summary_path
        self.tasks = tasks

    def run(self, data: DocumentsPipeline = None, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data:
            yield from data
        if rank != 0:
            return
        summary = build_articles(self.config, self.counts_folders, self.articles_path, self.summary_path, self.tasks)
        for key in ("articles", "passages", "copies"):
            self.stat_update(key, value=summary[key])
        for label, row in summary["buckets"].items():
            self.stat_update(f"bucket.{label}", value=row["articles"])
            self.stat_update(f"bucket.{label}.passages", value=row["passages"])


# --- pass 3: the step ----------------------------------------------------------------------------------

@register
class UpsampleStep(CurationStep):
    """Writes ``repetitions``, ``upsample_ratio``, ``upsample_coefficient`` on each passage from its article's bucket;
    excludes the passages of excluded buckets (``no_good_passage``). Extraction route only by default."""

    name = "upsample"
    Config = UpsampleConfig
    reasons = frozenset({"no_good_passage", "upsample_bucket_excluded"})
    default_routes = frozenset({"extraction"})
    is_global = True

    articles_path: str | None = None
    """The article table written by ``build_articles``; set by ``configure`` (the engine) or by hand."""

    @classmethod
    def prep_passes(cls, label, config, input_reader, tasks, out_dir, attempt, base_dir):
        """Counts in ``tasks`` parallel tasks, then the article table in one task."""
        from curation.run.global_steps import PrepPass

        paths = upsample_paths(out_dir, label, attempt)
        return [
            PrepPass(f"{label}.counts",
                     [input_reader, UpsampleCounts(config, paths["counts"], label, cls.default_routes)], tasks),
            PrepPass(f"{label}.articles",
                     [ArticlesPass(config, [*paths["earlier_counts"], paths["counts"]], paths["articles"],
                                   paths["summary"], tasks, label)], 1),
        ]

    def configure(self, out_dir, attempt: int, base_dir) -> None:
        """Read the article table the preparation of this attempt wrote."""
        self.articles_path = upsample_paths(out_dir, self.label, attempt)["articles"]

    def setup(self) -> None:
        """Load the article table: article -> (n, n_good, bucket, coefficient, repetitions)."""
        from curation.dedup.storage import read_table, split_path

        if not self.articles_path:
            raise ConfigError(
                f"step {self.label}: articles_path is not set — run the upsample counting and article passes "
                "first (the engine does), then set the step's articles_path to the table they wrote"
            )
        folder, name = split_path(self.articles_path)
        if not folder.exists(name):
            raise ConfigError(f"step {self.label}: article table {self.articles_path} not found — run build_articles "
                              "first")
        table = read_table(folder, name, list(ARTICLE_COLUMNS))
        columns = [table.column(c).to_pylist() for c in ("n", "n_good", "bucket", "coefficient", "repetitions")]
        self._table = dict(zip(table.column("article").to_pylist(), zip(*columns)))

    def process(self, doc: Document) -> list[Document] | Excluded:
        """Repeat the passage as its article's bucket says, or exclude it with its article."""
        key = missing_score(doc.metadata, self.config)
        if key is not None:
            raise DocumentError(
                "missing_score",
                f"{doc.id}: no {key!r} in metadata — the step that writes the scores (student_score, or the one "
                f"named by this step's `fields`) must run before {self.label}",
            )
        article = article_of(doc)
        found = self._table.get(article)
        if found is None:
            raise DocumentError(
                "upsample_not_counted",
                f"{doc.id}: article {article!r} is not in the upsample table {self.articles_path} — the counting "
                "pass did not see it (it must run over exactly the documents this step receives)",
            )
        n, n_good, bucket, coefficient, repetitions = found
        self.stat_update(f"bucket.{bucket}.passages")
        if coefficient is None:
            detail = f"{n_good}/{n} passages meet {self.config.rule.describe()}"
            if n_good == 0:
                return Excluded("no_good_passage", detail)
            return Excluded("upsample_bucket_excluded", f"{detail} (bucket {bucket} is excluded)")
        prior = doc.metadata.get("repetitions")
        if prior is not None:
            self.stat_update("repetitions_multiplied")
            repetitions *= int(prior)
        doc.metadata["repetitions"] = repetitions
        doc.metadata["upsample_ratio"] = n_good / n
        doc.metadata["upsample_coefficient"] = coefficient
        self.stat_update("upsampled")
        self.stat_update("copies", value=repetitions)
        return [doc]
