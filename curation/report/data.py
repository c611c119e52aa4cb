"""What the report shows, loaded from a run folder: run info, funnel, example records, distributions.

Loading is apart from rendering: everything here returns plain data. Shards and record files are
read column by column (pyarrow, in batches), and distributions are accumulated into fixed-bin
histograms, so memory stays flat whatever the size of the run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from curation.run.funnel import StepCounts, check_accounting, funnel
from curation.run.layout import RunLayout, read_run_json
from curation.steps.fidelity import BUCKETS as FIDELITY_BUCKETS

KEPT = "kept"
"""Group of the documents in the output shards."""
EXCLUDED = "excluded"
"""Group of the documents in ``excluded/`` (any step)."""
BATCH_ROWS = 4096
"""Rows read at a time from a shard or a record file."""


# --- run information ------------------------------------------------------------------------------

@dataclass
class RunData:
    """Everything the report needs about one run."""

    info: dict
    """``run.json`` as written by ``biomedfr curate``."""
    steps: list[StepCounts]
    """The funnel, in pipeline order."""
    problems: list[str]
    """Accounting problems (empty: every document is accounted for)."""
    examples: dict[str, dict[tuple[str, str], list[Example]]]
    """``excluded`` and ``failed``: (step label, reason) -> a few records."""
    distributions: list[Distribution]
    """One per metric of ``METRICS``."""


def load_run_info(layout: RunLayout) -> dict:
    """``run.json`` of a run folder; a folder without it is not a run."""
    return read_run_json(layout.root)


def load_run(run_dir: Path, examples_per_reason: int = 3, example_chars: int = 300) -> RunData:
    """Load everything the report shows about the run in ``run_dir``."""
    layout = RunLayout(run_dir)
    info = load_run_info(layout)
    steps = funnel(run_dir)
    return RunData(
        info=info,
        steps=steps,
        problems=check_accounting(run_dir) if steps else [],
        examples={
            kind: load_examples(layout.root / kind, steps, kind, examples_per_reason, example_chars)
            for kind in ("excluded", "failed")
        },
        distributions=load_distributions(layout),
    )


# --- example records ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Example:
    """One excluded or failed document, shortened for display."""

    id: str
    source: str
    detail: str
    """The exclusion detail or the error message (shortened)."""
    text: str
    """The first characters of the text."""
    truncated: bool
    """Whether ``text`` was cut."""


def _shorten(value: str | None, chars: int) -> tuple[str, bool]:
    """At most ``chars`` characters of a value, and whether it was cut."""
    value = value or ""
    return (value[:chars], True) if len(value) > chars else (value, False)


def load_examples(
    folder: Path, steps: list[StepCounts], kind: str, per_reason: int, chars: int
) -> dict[tuple[str, str], list[Example]]:
    """Up to ``per_reason`` records per (step, reason) of ``excluded/`` or ``failed/``, in file order."""
    found: dict[tuple[str, str], list[Example]] = {}
    for step in steps:
        reasons = step.excluded if kind == "excluded" else step.failed
        wanted = {reason for reason, n in reasons.items() if n > 0}
        if wanted:
            found.update(_step_examples(folder / step.label, step.label, wanted, per_reason, chars))
    return found


def _step_examples(
    folder: Path, label: str, wanted: set[str], per_reason: int, chars: int
) -> dict[tuple[str, str], list[Example]]:
    """Examples of one step's folder, reading record files until every wanted reason is full."""
    import pyarrow.parquet as pq

    found: dict[tuple[str, str], list[Example]] = {(label, r): [] for r in sorted(wanted)}
    for path in sorted(folder.glob("*.parquet")):
        columns = ["id", "reason", "message", "source", "text"]
        for batch in pq.ParquetFile(path).iter_batches(columns=columns, batch_size=BATCH_ROWS):
            for row in batch.to_pylist():
                bucket = found.get((label, row["reason"]))
                if bucket is not None and len(bucket) < per_reason:
                    bucket.append(_example(row, chars))
            if all(len(v) >= per_reason for v in found.values()):
                return found
    return found


def _example(row: dict, chars: int) -> Example:
    """An ``Example`` from a record row."""
    text, cut = _shorten(row.get("text"), chars)
    detail, _ = _shorten(row.get("message"), chars)
    return Example(id=row.get("id") or "", source=row.get("source") or "", detail=detail, text=text, truncated=cut)


# --- distributions --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Metric:
    """A per-document value the report plots, and how to bin it."""

    key: str
    """Metadata key (column of the shards, key of a record's metadata); ``words`` is counted from the text."""
    title: str
    """Plot and section title."""
    xlabel: str
    """Axis label."""
    edges: tuple[float, ...]
    """Bin edges (values outside are counted in the first or last bin)."""
    log: bool = False
    """Logarithmic x axis."""
    labels: tuple[str, ...] | None = None
    """Bin labels for a bar chart instead of a histogram (one per bin)."""
    thresholds: tuple[float, ...] = ()
    """Also count values at or above each threshold (exactly, not from bins)."""
    threshold_format: str = "≥ {:.0%}"
    """How a threshold is written in the table header."""
    empty_note: str = "no value in this run"
    """What the report says when no document has the value."""
    decimals: int = 0
    """Decimals shown for the values (means and medians get at least one)."""


def _log_edges(low: float, high: float, n: int) -> tuple[float, ...]:
    """``n`` bins evenly spaced on a log scale from ``low`` to ``high``."""
    return tuple(float(x) for x in np.geomspace(low, high, n + 1))


def _linear_edges(n: int) -> tuple[float, ...]:
    """``n`` equal bins over [0, 1]."""
    return tuple(float(x) for x in np.linspace(0.0, 1.0, n + 1))


METRICS: tuple[Metric, ...] = (
    Metric("words", "Length (words)", "words per document (whitespace-separated)", _log_edges(1, 1e6, 60), log=True),
    Metric(
        "fidelity", "Fidelity", "share of the passage's characters found in its source segment", _linear_edges(50),
        thresholds=tuple(threshold for _, threshold in FIDELITY_BUCKETS), decimals=3,
        empty_note="no fidelity value: the run has no fidelity step (yet)",
    ),
    Metric(
        "language_score", "Language score", "confidence of the language identification", _linear_edges(50),
        decimals=3, empty_note="no language score: the run has no language identification step (yet)",
    ),
    Metric(
        "dup_cluster_size", "Duplicate cluster sizes", "documents in the near-duplicate cluster",
        (1, 2, 3, 4, 5, 6, 11, 21, 51, 101, 1001, float("inf")),
        labels=("1", "2", "3", "4", "5", "6–10", "11–20", "21–50", "51–100", "101–1000", "> 1000"),
        empty_note="no duplicate cluster size: the run has no MinHash deduplication step (yet)",
    ),
    Metric(
        "token_count", "Token counts", "tokens per document (the run's token counter)", _log_edges(1, 1e7, 70),
        log=True, empty_note="no token count: the run has no token_count step",
    ),
)
"""The distributions the report shows, in order."""


@dataclass
class Tally:
    """Binned counts and exact summary values of one metric for one (group, source)."""

    counts: np.ndarray
    n: int = 0
    total: float = 0.0
    low: float = float("inf")
    high: float = float("-inf")
    at_least: list[int] = field(default_factory=list)
    """Values at or above each of the metric's thresholds."""

    @property
    def mean(self) -> float:
        """Mean of the values (NaN when there is none)."""
        return self.total / self.n if self.n else float("nan")


@dataclass
class Distribution:
    """One metric over a run: a ``Tally`` per (group, source), group ``kept`` or ``excluded``."""

    metric: Metric
    tallies: dict[tuple[str, str], Tally] = field(default_factory=dict)

    def add(self, group: str, source: str, values: np.ndarray) -> None:
        """Count finite values for a group and a source."""
        values = values[np.isfinite(values)]
        if values.size == 0:
            return
        edges = np.asarray(self.metric.edges)
        tally = self.tallies.get((group, source))
        if tally is None:
            tally = Tally(counts=np.zeros(len(edges) - 1, dtype=np.int64), at_least=[0] * len(self.metric.thresholds))
            self.tallies[(group, source)] = tally
        index = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)
        tally.counts += np.bincount(index, minlength=len(edges) - 1)
        tally.n += int(values.size)
        tally.total += float(values.sum())
        tally.low = min(tally.low, float(values.min()))
        tally.high = max(tally.high, float(values.max()))
        for i, threshold in enumerate(self.metric.thresholds):
            tally.at_least[i] += int((values >= threshold).sum())

    def sources(self, group: str) -> list[str]:
        """Sources with values in a group, sorted."""
        return sorted(s for g, s in self.tallies if g == group)

    def combined(self, group: str) -> Tally | None:
        """All sources of a group together (None when the group has no value)."""
        parts = [t for (g, _), t in self.tallies.items() if g == group]
        if not parts:
            return None
        return Tally(
            counts=sum((t.counts for t in parts), np.zeros_like(parts[0].counts)),
            n=sum(t.n for t in parts), total=sum(t.total for t in parts),
            low=min(t.low for t in parts), high=max(t.high for t in parts),
            at_least=[sum(t.at_least[i] for t in parts) for i in range(len(self.metric.thresholds))],
        )

    @property
    def empty(self) -> bool:
        """Whether no document has the value."""
        return not self.tallies


def median_bin(tally: Tally) -> int:
    """Index of the bin that holds the median (-1 when there is no value)."""
    if tally.n == 0:
        return -1
    return int(np.searchsorted(np.cumsum(tally.counts), tally.n / 2))


def approx_median(tally: Tally, edges: tuple[float, ...]) -> float:
    """The median estimated from the bins (linear inside the bin), clamped to the observed range."""
    i = median_bin(tally)
    if i < 0:
        return float("nan")
    cumulative = np.cumsum(tally.counts)
    before = cumulative[i - 1] if i else 0
    low = tally.low if i == 0 else max(edges[i], tally.low)
    high = tally.high if i == len(tally.counts) - 1 else min(edges[i + 1], tally.high)
    high = max(high, low)
    share = (tally.n / 2 - before) / tally.counts[i] if tally.counts[i] else 0.0
    return float(low + (high - low) * share)


def load_distributions(layout: RunLayout, metrics: tuple[Metric, ...] = METRICS) -> list[Distribution]:
    """Every metric over the output shards (``kept``) and the excluded records (``excluded``)."""
    dists = [Distribution(m) for m in metrics]
    for path in sorted(layout.shards().glob("*.parquet")):
        _add_shard(path, dists)
    for path in sorted(layout.excluded.glob("*/*.parquet")):
        _add_records(path, dists)
    return dists


def _word_counts(texts) -> np.ndarray:
    """Whitespace-separated words of each text (vectorised; a null text has 0 words)."""
    import pyarrow.compute as pc

    lengths = pc.list_value_length(pc.utf8_split_whitespace(pc.fill_null(texts, "")))
    return lengths.to_numpy(zero_copy_only=False).astype(float)


def _as_floats(column) -> np.ndarray:
    """A numeric column as floats, nulls as NaN (a column of another type: all NaN)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (pa.types.is_integer(column.type) or pa.types.is_floating(column.type)):
        return np.full(len(column), np.nan)
    return pc.cast(column, pa.float64()).fill_null(float("nan")).to_numpy(zero_copy_only=False)


def _add_by_source(dist: Distribution, group: str, sources: list, values: np.ndarray) -> None:
    """Add values to a distribution, split by the source of each row."""
    names = np.asarray([s or "(unknown)" for s in sources], dtype=object)
    for source in sorted(set(names)):
        dist.add(group, source, values[names == source])


def _add_shard(path: Path, dists: list[Distribution]) -> None:
    """Add the kept documents of one output shard (only the columns it has)."""
    import pyarrow.parquet as pq

    shard = pq.ParquetFile(path)
    present = set(shard.schema_arrow.names)
    keys = {d.metric.key for d in dists}
    columns = [c for c in ["source", "text", *sorted(keys - {"words"})] if c in present]
    for batch in shard.iter_batches(columns=columns, batch_size=BATCH_ROWS):
        sources = batch.column("source").to_pylist() if "source" in present else [None] * batch.num_rows
        for dist in dists:
            key = dist.metric.key
            if key == "words" and "text" in present:
                _add_by_source(dist, KEPT, sources, _word_counts(batch.column("text")))
            elif key in present and key != "words":
                _add_by_source(dist, KEPT, sources, _as_floats(batch.column(key)))


def _number(value) -> float:
    """A metadata value as a float; NaN when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return float("nan")
    return float(value)


def _add_records(path: Path, dists: list[Distribution]) -> None:
    """Add the excluded documents of one record file (values from their metadata JSON)."""
    import pyarrow.parquet as pq

    for batch in pq.ParquetFile(path).iter_batches(columns=["source", "text", "metadata"], batch_size=BATCH_ROWS):
        sources = batch.column("source").to_pylist()
        metadata = [_decode(m) for m in batch.column("metadata").to_pylist()]
        for dist in dists:
            key = dist.metric.key
            if key == "words":
                values = _word_counts(batch.column("text"))
            else:
                values = np.asarray([_number(m.get(key)) for m in metadata], dtype=float)
            _add_by_source(dist, EXCLUDED, sources, values)


def _decode(raw: str | None) -> dict:
    """A record's metadata JSON as a dict (empty when absent or unreadable)."""
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}
