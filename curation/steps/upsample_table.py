"""The upsampling table (paper Table 7), the per-article draw, and the article table of the ``upsample`` step.

Buckets, in YAML (the default is Table 7 of the ModernCamemBERT-bio paper)::

    buckets:                                    # share of an article's passages meeting the rule
      - {ratio: "[0, 0]", coefficient: exclude} # 0 %: the article is excluded
      - {ratio: "(0, 0.25]", coefficient: 4.3}
      - {ratio: "(0.25, 0.5]", coefficient: 8.5}
      - {ratio: "(0.5, 0.75]", coefficient: 12.8}
      - {ratio: "(0.75, 1)", coefficient: 21.3}
      - {ratio: "[1, 1]", coefficient: 34.1}    # every passage meets the rule

``ratio`` is an interval in the usual notation: ``[``/``]`` a closed bound, ``(``/``)`` an open one; bounds
are decimals or fractions (``1/3``) between 0 and 1, compared exactly with the article's ratio
``n_good / n`` (no floating-point edge: 1/4 is in ``(0, 0.25]``, never in ``(0.25, 0.5]``). A bare number
(``ratio: 0``) is the point ``[0, 0]``. ``coefficient`` is a number >= 1 or ``exclude``. The buckets are
listed in increasing order, contiguous, each boundary point in exactly one of its two neighbours, and
together they cover ``[0, 1]``: a table with a gap or an overlap is a ``ConfigError``.

The draw: a coefficient ``c`` becomes ``floor(c)`` repetitions, plus one with probability ``frac(c)``
(4.3 gives 4 or 5, 5 with probability 0.3: 4.3 on average). The uniform number is drawn once per
article, ``u = sha256("upsample\\0<seed>\\0<article id>")`` (first 8 bytes over 2**64): it depends on the
seed and the article id only, never on input order, task count or Python's ``hash``; every passage of
the article gets the same repetitions.

Files (written by the preparation passes of ``upsample``, each atomically)::

    <work>/counts/<rank:05d>.parquet   per task: article, n, n_good (passages reaching the step)
    <work>/articles.parquet            the article table, sorted by article (``ARTICLE_COLUMNS``)
    <work>/summary.json                per bucket: articles, passages, copies, coefficient, mean repetitions
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import pyarrow as pa
from pydantic import Field, PrivateAttr, field_validator, model_validator
from pydantic_core import PydanticCustomError

from curation.config import StrictModel

__all__ = [
    "ARTICLE_COLUMNS",
    "TABLE_7",
    "ArticleDecision",
    "Bucket",
    "article_draw",
    "article_schema",
    "bucket_index",
    "check_buckets",
    "counts_schema",
    "decide_article",
    "draw_repetitions",
]

_INTERVAL = re.compile(r"^\s*([\[(])\s*([^,\s]+)\s*,\s*([^\])\s]+)\s*([\])])\s*$")


def _bound(token: str) -> Fraction:
    try:
        value = Fraction(token)
    except (ValueError, ZeroDivisionError):
        raise PydanticCustomError("bucket_bound", "bound {token} is not a number", {"token": repr(token)}) from None
    if not 0 <= value <= 1:
        raise PydanticCustomError("bucket_bound", "bound {token} is outside [0, 1]", {"token": token})
    return value


class Bucket(StrictModel):
    """One row of the upsampling table: an interval of article ratios and its coefficient."""

    ratio: str
    """Interval of article ratios with explicit bounds: ``(0, 0.25]``, ``[1, 1]``; a bare number is a point."""
    coefficient: float | Literal["exclude"] = Field(union_mode="left_to_right")
    """Average repetitions of the articles in the interval (a number >= 1), or ``exclude``."""

    _lo: Fraction = PrivateAttr()
    _hi: Fraction = PrivateAttr()
    _lo_closed: bool = PrivateAttr()
    _hi_closed: bool = PrivateAttr()
    _lo_text: str = PrivateAttr()
    _label: str = PrivateAttr()

    @field_validator("ratio", mode="before")
    @classmethod
    def _point_or_interval(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return f"[{value}, {value}]"
        if isinstance(value, list):
            raise PydanticCustomError(
                "bucket_interval", "YAML read the interval as a list — quote it: ratio: \"[0, 0.25]\"", {}
            )
        return value

    @field_validator("coefficient", mode="before")
    @classmethod
    def _number_or_exclude(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip() != "exclude":
            try:
                return float(value)
            except ValueError:
                raise PydanticCustomError("bucket_coefficient", "coefficient {value} is neither a number nor 'exclude'",
                                          {"value": repr(value)}) from None
        return value.strip() if isinstance(value, str) else value

    @field_validator("coefficient")
    @classmethod
    def _at_least_one(cls, value: float | str) -> float | str:
        if value != "exclude" and not (isinstance(value, float) and math.isfinite(value) and value >= 1):
            raise PydanticCustomError(
                "bucket_coefficient",
                "coefficient {value} is below 1 — a coefficient is the average number of copies of an article "
                "(>= 1); write 'exclude' to drop the articles of this interval",
                {"value": value},
            )
        return value

    @model_validator(mode="after")
    def _parse(self) -> Bucket:
        match = _INTERVAL.match(self.ratio)
        if match is None:
            raise PydanticCustomError(
                "bucket_interval",
                "ratio {ratio} is not an interval — write it with explicit bounds, e.g. \"(0, 0.25]\" "
                "('(' or ')' open, '[' or ']' closed) or a point \"[1, 1]\"",
                {"ratio": repr(self.ratio)},
            )
        left, lo, hi, right = match.groups()
        self._lo, self._hi = _bound(lo), _bound(hi)
        self._lo_closed, self._hi_closed = left == "[", right == "]"
        if self._lo > self._hi or (self._lo == self._hi and not (self._lo_closed and self._hi_closed)):
            raise PydanticCustomError(
                "bucket_interval", "ratio {ratio} is an empty interval — a point is written \"[x, x]\"",
                {"ratio": repr(self.ratio)},
            )
        self._lo_text = lo
        self._label = f"{left}{lo},{hi}{right}"
        return self

    @property
    def label(self) -> str:
        """The interval without spaces, as used in stats: ``(0,0.25]``."""
        return self._label

    @property
    def excluded(self) -> bool:
        """Whether the articles of this bucket are excluded."""
        return self.coefficient == "exclude"

    def contains(self, ratio: Fraction) -> bool:
        """Whether the exact ratio lies in the interval."""
        above = ratio >= self._lo if self._lo_closed else ratio > self._lo
        below = ratio <= self._hi if self._hi_closed else ratio < self._hi
        return above and below


TABLE_7: tuple[tuple[str, float | str], ...] = (
    ("[0, 0]", "exclude"),
    ("(0, 0.25]", 4.3),
    ("(0.25, 0.5]", 8.5),
    ("(0.5, 0.75]", 12.8),
    ("(0.75, 1)", 21.3),
    ("[1, 1]", 34.1),
)
"""Table 7 of the paper: article ratio interval -> coefficient (the paper's 1–25 %, 26–50 %... rows)."""


def table_7() -> list[Bucket]:
    """The default buckets (Table 7), as config models."""
    return [Bucket(ratio=ratio, coefficient=coefficient) for ratio, coefficient in TABLE_7]


def check_buckets(buckets: list[Bucket]) -> list[Bucket]:
    """Raise a pydantic custom error unless the buckets are ordered, contiguous and cover [0, 1] exactly once."""

    def fail(message: str, **ctx: Any) -> PydanticCustomError:
        return PydanticCustomError("bucket_table", message + " — list the buckets in increasing order, "
                                   "contiguous, covering [0, 1] once (see curation.steps.upsample_table)", ctx)

    if not buckets:
        raise fail("no bucket")
    first, last = buckets[0], buckets[-1]
    if first._lo != 0 or not first._lo_closed:
        raise fail("the first bucket {ratio} does not start at a closed 0", ratio=repr(first.ratio))
    if last._hi != 1 or not last._hi_closed:
        raise fail("the last bucket {ratio} does not end at a closed 1", ratio=repr(last.ratio))
    for i in range(1, len(buckets)):
        prev, cur = buckets[i - 1], buckets[i]
        names = {"i": i, "j": i - 1, "cur": repr(cur.ratio), "prev": repr(prev.ratio), "x": cur._lo_text}
        if prev._hi != cur._lo:
            raise fail("buckets[{i}] {cur} does not start where buckets[{j}] {prev} ends", **names)
        if prev._hi_closed and cur._lo_closed:
            raise fail("buckets[{j}] {prev} and buckets[{i}] {cur} both contain {x}", **names)
        if not prev._hi_closed and not cur._lo_closed:
            raise fail("no bucket contains {x} (buckets[{j}] {prev} and buckets[{i}] {cur} both leave it out)", **names)
    return buckets


def bucket_index(buckets: list[Bucket], n_good: int, n: int) -> int:
    """Index of the bucket of an article with ``n_good`` of ``n`` passages meeting the rule (``n >= 1``)."""
    ratio = Fraction(n_good, n)
    for i, bucket in enumerate(buckets):
        if bucket.contains(ratio):
            return i
    raise AssertionError(f"ratio {ratio} in no bucket: the table was not checked")  # check_buckets prevents it


def article_draw(article: str, seed: int) -> float:
    """The article's uniform draw in [0, 1): first 8 bytes of ``sha256("upsample\\0<seed>\\0<article>")`` / 2**64."""
    digest = hashlib.sha256(f"upsample\0{seed}\0{article}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def draw_repetitions(coefficient: float, u: float) -> int:
    """``floor(c)``, plus one when the draw ``u`` falls below ``frac(c)``: ``c`` on average over articles."""
    whole = math.floor(coefficient)
    return whole + (1 if u < coefficient - whole else 0)


@dataclass(frozen=True, slots=True)
class ArticleDecision:
    """What the table says about one article."""

    article: str
    n: int
    """Passages of the article reaching the step (with every score the rule reads)."""
    n_good: int
    """Of those, the passages meeting the rule."""
    bucket: str
    """Label of the article's bucket, e.g. ``(0,0.25]``."""
    coefficient: float | None
    """The bucket's coefficient; None when the bucket is excluded."""
    repetitions: int
    """Drawn copies of each passage; 0 when excluded."""

    @property
    def ratio(self) -> float:
        """``n_good / n``."""
        return self.n_good / self.n


def decide_article(buckets: list[Bucket], seed: int, article: str, n_good: int, n: int,
                   cache: dict[tuple[int, int], Bucket] | None = None) -> ArticleDecision:
    """The bucket, coefficient and drawn repetitions of one article (``cache``: buckets by ``(n_good, n)``)."""
    bucket = cache.get((n_good, n)) if cache is not None else None
    if bucket is None:
        bucket = buckets[bucket_index(buckets, n_good, n)]
        if cache is not None:
            cache[(n_good, n)] = bucket
    if bucket.excluded:
        return ArticleDecision(article, n, n_good, bucket.label, None, 0)
    coefficient = float(bucket.coefficient)
    return ArticleDecision(article, n, n_good, bucket.label, coefficient,
                           draw_repetitions(coefficient, article_draw(article, seed)))


# --- files ---------------------------------------------------------------------------------------

def counts_schema() -> pa.Schema:
    """Schema of a per-task counts part."""
    return pa.schema([pa.field("article", pa.string(), nullable=False), pa.field("n", pa.int64(), nullable=False),
                      pa.field("n_good", pa.int64(), nullable=False)])


ARTICLE_COLUMNS = ("article", "n", "n_good", "ratio", "bucket", "coefficient", "repetitions")
"""Columns of ``articles.parquet``: ``coefficient`` is null and ``repetitions`` 0 for an excluded article."""


def article_schema() -> pa.Schema:
    """Schema of the article table."""
    return pa.schema([
        pa.field("article", pa.string(), nullable=False),
        pa.field("n", pa.int64(), nullable=False),
        pa.field("n_good", pa.int64(), nullable=False),
        pa.field("ratio", pa.float64(), nullable=False),
        pa.field("bucket", pa.string(), nullable=False),
        pa.field("coefficient", pa.float64()),
        pa.field("repetitions", pa.int64(), nullable=False),
    ])


def article_table(decisions: Iterable[ArticleDecision]) -> pa.Table:
    """The article table of some decisions, in the given order."""
    rows = list(decisions)
    return pa.Table.from_pydict({
        "article": [d.article for d in rows],
        "n": [d.n for d in rows],
        "n_good": [d.n_good for d in rows],
        "ratio": [d.ratio for d in rows],
        "bucket": [d.bucket for d in rows],
        "coefficient": [d.coefficient for d in rows],
        "repetitions": [d.repetitions for d in rows],
    }, schema=article_schema())


def summarize(buckets: list[Bucket], decisions: Iterable[ArticleDecision]) -> dict[str, Any]:
    """Totals and, per bucket, articles, passages, copies (passages x repetitions) and mean repetitions."""
    per = {b.label: {"coefficient": None if b.excluded else float(b.coefficient), "articles": 0, "passages": 0,
                     "copies": 0} for b in buckets}
    for d in decisions:
        row = per[d.bucket]
        row["articles"] += 1
        row["passages"] += d.n
        row["copies"] += d.n * d.repetitions
    for row in per.values():
        row["mean_repetitions"] = row["copies"] / row["passages"] if row["passages"] else None
    return {
        "articles": sum(r["articles"] for r in per.values()),
        "passages": sum(r["passages"] for r in per.values()),
        "copies": sum(r["copies"] for r in per.values()),
        "buckets": per,
    }
