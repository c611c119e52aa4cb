"""The upsample global step: bucket table, per-article draws, Table 7 means, passes, and a whole run across tasks."""

from __future__ import annotations

import hashlib
import json
import random
from collections import defaultdict
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import pyarrow.parquet as pq
import pytest
from pydantic import Field

from curation.config import validate
from curation.document import Document, validate_metadata
from curation.errors import AccountingError, ConfigError
from curation.io import read_records
from curation.recipe import load_recipe
from curation.run.context import RunContext
from curation.run.engine import curate, plan_run
from curation.run.funnel import check_accounting
from curation.scores import LLM_FIELDS
from curation.steps.base import StepConfig, Tagger, iter_outputs
from curation.steps.registry import STEPS, register
from curation.steps.upsample import (
    ArticlesPass,
    UpsampleConfig,
    UpsampleCounts,
    UpsampleStep,
    build_articles,
    upsample_paths,
)
from curation.steps.upsample_table import (
    TABLE_7,
    Bucket,
    article_draw,
    bucket_index,
    decide_article,
    draw_repetitions,
)
from tests.curation.run.corpus import write_recipe

RULE = "edu>=7 AND cont>=7"


def passage(article: str, index: int, edu: float | None = 8.0, cont: float = 8.0, route: str = "extraction",
            **extra: Any) -> Document:
    """Passage ``index`` of ``article`` with student scores (``edu=None``: the score is missing)."""
    meta = {"source": "hal", "license": "CC-BY-4.0", "route": route, "root_id": article, "token_count": 80,
            "student.cont": cont, "student.content_type": "medical_knowledge", **extra}
    if edu is not None:
        meta["student.edu"] = edu
    return Document(text=f"Passage {index} de {article}.", id=f"{article}#p{index}", metadata=meta)


def run_passes(tmp_path: Path, docs: list[Document], config: UpsampleConfig | None = None, tasks: int = 2):
    """Counting pass over ``tasks`` shards, then the article pass; the step pointed at its table."""
    config = config or UpsampleConfig()
    out = tmp_path / "run"
    paths = upsample_paths(out, "09_upsample", 0)
    for rank in range(tasks):
        counter = UpsampleCounts(config, paths["counts"], "09_upsample", UpsampleStep.default_routes)
        assert list(counter.run(iter(docs[rank::tasks]), rank=rank, world_size=tasks)) == []
    merge = ArticlesPass(config, [paths["counts"]], paths["articles"], paths["summary"], tasks, "09_upsample")
    assert list(merge.run(None, rank=0, world_size=1)) == []
    step = UpsampleStep(config, RunContext(out_dir=str(out)), 9)
    step.configure(out, 0, tmp_path)
    assert step.articles_path == paths["articles"]
    return step, merge, out


# --- config and table ------------------------------------------------------------------------------

def test_registered_global_with_table_7_defaults():
    assert STEPS["upsample"] is UpsampleStep and UpsampleStep.is_global
    assert UpsampleStep.reasons == frozenset({"no_good_passage", "upsample_bucket_excluded"})
    assert UpsampleStep.default_routes == frozenset({"extraction"})
    config = UpsampleConfig()
    assert [(b.label, b.coefficient) for b in config.buckets] == [
        ("[0,0]", "exclude"), ("(0,0.25]", 4.3), ("(0.25,0.5]", 8.5), ("(0.5,0.75]", 12.8), ("(0.75,1)", 21.3),
        ("[1,1]", 34.1)]
    assert [(b.ratio, b.coefficient) for b in config.buckets] == list(TABLE_7)
    assert config.rule.describe() == RULE and config.fields.edu == "student.edu"
    assert validate(UpsampleConfig, config.model_dump(mode="json"), "roundtrip") == config
    for model in (UpsampleConfig, Bucket):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no docstring"


def test_bucket_yaml_in_a_recipe(tmp_path):
    buckets = [{"ratio": 0, "coefficient": "exclude"}, {"ratio": "(0, 1/3]", "coefficient": 2},
               {"ratio": "(1/3, 1]", "coefficient": 3.5}]
    path = write_recipe(tmp_path / "r.yaml", [{"reader": {"format": "jsonl", "path": "data"}}],
                        steps=[{"step": "select"}, {"step": "upsample", "seed": 3, "buckets": buckets}])
    config = load_recipe(path).steps[1]
    assert isinstance(config, UpsampleConfig) and config.seed == 3
    assert [(b.label, b.coefficient) for b in config.buckets] == [("[0,0]", "exclude"), ("(0,1/3]", 2.0),
                                                                   ("(1/3,1]", 3.5)]
    assert bucket_index(config.buckets, 1, 3) == 1 and bucket_index(config.buckets, 2, 6) == 1
    assert bucket_index(config.buckets, 34, 100) == 2
    bad = [{"ratio": "[0, 0.5]", "coefficient": 2}, {"ratio": "[0.5, 1]", "coefficient": 3}]
    path = write_recipe(tmp_path / "r.yaml", [{"reader": {"format": "jsonl", "path": "data"}}],
                        steps=[{"step": "upsample", "buckets": bad}])
    with pytest.raises(ConfigError, match=rf"^{path}: steps\[0\]\.buckets: buckets\[0\] '\[0, 0.5\]' and buckets\[1\] "
                                          r"'\[0.5, 1\]' both contain 0.5 — list the buckets in increasing order"):
        load_recipe(path)


@pytest.mark.parametrize(("buckets", "message"), [
    ([{"ratio": "[0, 0.5)", "coefficient": 2}, {"ratio": "(0.5, 1]", "coefficient": 3}],
     r"buckets: no bucket contains 0.5 \(buckets\[0\] '\[0, 0.5\)' and buckets\[1\] '\(0.5, 1\]' both leave it out\)"),
    ([{"ratio": "[0, 0.4]", "coefficient": 2}, {"ratio": "(0.5, 1]", "coefficient": 3}],
     r"buckets: buckets\[1\] '\(0.5, 1\]' does not start where buckets\[0\] '\[0, 0.4\]' ends"),
    ([{"ratio": "(0.5, 1]", "coefficient": 3}, {"ratio": "[0, 0.5]", "coefficient": 2}],
     r"buckets: the first bucket '\(0.5, 1\]' does not start at a closed 0"),
    ([{"ratio": "(0, 1]", "coefficient": 2}], r"buckets: the first bucket '\(0, 1\]' does not start at a closed 0"),
    ([{"ratio": "[0, 1)", "coefficient": 2}], r"buckets: the last bucket '\[0, 1\)' does not end at a closed 1"),
    ([], r"buckets: no bucket"),
    ([{"ratio": "0 to 1", "coefficient": 2}], r"buckets\[0\]: ratio '0 to 1' is not an interval — write it with explicit"),
    ([{"ratio": [0, 1], "coefficient": 2}], r"buckets\[0\]\.ratio: YAML read the interval as a list — quote it"),
    ([{"ratio": "[0, 1.5]", "coefficient": 2}], r"buckets\[0\]: bound 1.5 is outside \[0, 1\]"),
    ([{"ratio": "(0.3, 0.3)", "coefficient": 2}], r"buckets\[0\]: ratio '\(0.3, 0.3\)' is an empty interval"),
    ([{"ratio": "[0, 1]", "coefficient": 0.5}], r"buckets\[0\]\.coefficient: coefficient 0.5 is below 1"),
    ([{"ratio": "[0, 1]", "coefficient": "exlude"}],
     r"buckets\[0\]\.coefficient: coefficient 'exlude' is neither a number nor 'exclude'"),
    ([{"ratio": "[0, 1]", "coef": 2}], r"buckets\[0\]\.coef: unknown field — did you mean 'coefficient'\?"),
])
def test_a_bad_bucket_table_is_a_config_error(buckets, message):
    with pytest.raises(ConfigError, match=r"(?m)^recipe.yaml: steps\[9\]: " + message):
        validate(UpsampleConfig, {"buckets": buckets}, "recipe.yaml: steps[9]")


def test_boundaries_land_in_the_right_bucket():
    buckets = UpsampleConfig().buckets
    labels = [b.label for b in buckets]

    def label(n_good: int, n: int) -> str:
        return labels[bucket_index(buckets, n_good, n)]

    assert [label(k, 4) for k in range(5)] == ["[0,0]", "(0,0.25]", "(0.25,0.5]", "(0.5,0.75]", "[1,1]"]
    assert [label(k, 20) for k in (5, 10, 15, 20)] == ["(0,0.25]", "(0.25,0.5]", "(0.5,0.75]", "[1,1]"]
    assert [label(k, 100) for k in (0, 1, 25, 26, 50, 51, 75, 76, 99, 100)] == [
        "[0,0]", "(0,0.25]", "(0,0.25]", "(0.25,0.5]", "(0.25,0.5]", "(0.5,0.75]", "(0.5,0.75]", "(0.75,1)",
        "(0.75,1)", "[1,1]"]
    assert label(1, 3) == "(0.25,0.5]" and label(2, 3) == "(0.5,0.75]" and label(999_999, 1_000_000) == "(0.75,1)"
    closed_low = validate(UpsampleConfig, {"buckets": [{"ratio": "[0, 0.25)", "coefficient": 1},
                                                       {"ratio": "[0.25, 1]", "coefficient": 2}]}, "r").buckets
    assert bucket_index(closed_low, 1, 4) == 1 and bucket_index(closed_low, 24, 100) == 0
    assert Bucket(ratio="(0.1, 0.3]", coefficient=2).contains(Fraction(3, 10))  # exact, not 0.30000000000000004


# --- the draw --------------------------------------------------------------------------------------

def test_the_draw_is_a_hash_of_seed_and_article():
    digest = hashlib.sha256(b"upsample\x007\x00hal/a1").digest()
    assert article_draw("hal/a1", 7) == int.from_bytes(digest[:8], "big") / 2**64
    assert article_draw("hal/a1", 7) != article_draw("hal/a1", 8) != article_draw("hal/a2", 8)
    assert [draw_repetitions(4.3, u) for u in (0.0, 0.2999, 0.3, 0.99)] == [5, 5, 4, 4]
    assert draw_repetitions(8.0, 0.0) == 8 and draw_repetitions(1.0, 0.999) == 1
    one = decide_article(UpsampleConfig().buckets, 0, "hal/a1", 3, 4)
    assert (one.bucket, one.coefficient, one.ratio) == ("(0.5,0.75]", 12.8, 0.75) and one.repetitions in (12, 13)
    excluded = decide_article(UpsampleConfig().buckets, 0, "hal/a2", 0, 7)
    assert (excluded.bucket, excluded.coefficient, excluded.repetitions) == ("[0,0]", None, 0)


def _many_articles(seed: int, count: int = 20_000):
    """``count`` articles drawn in memory: passages, good passages and passage token counts; their decisions."""
    rng = random.Random(2024)
    buckets = UpsampleConfig().buckets
    cache: dict = {}
    out = []
    for i in range(count):
        n = rng.randint(1, 30)
        n_good = rng.choice([0, n, rng.randint(0, n)])
        tokens = sum(rng.randint(50, 600) for _ in range(n))
        out.append((tokens, decide_article(buckets, seed, f"hal/{i:06d}", n_good, n, cache)))
    return out


def test_bucket_means_on_expanded_tokens_reproduce_table_7():
    tokens: dict[str, int] = defaultdict(int)
    expanded: dict[str, int] = defaultdict(int)
    articles: dict[str, int] = defaultdict(int)
    for n_tokens, decision in _many_articles(seed=0):
        tokens[decision.bucket] += n_tokens
        expanded[decision.bucket] += n_tokens * decision.repetitions
        articles[decision.bucket] += 1
    means = {}
    for bucket in UpsampleConfig().buckets:
        assert articles[bucket.label] > 1000, bucket.label
        means[bucket.label] = expanded[bucket.label] / tokens[bucket.label]
        if bucket.excluded:
            assert means[bucket.label] == 0
        else:
            assert means[bucket.label] == pytest.approx(bucket.coefficient, rel=0.01), (bucket.label, means)
    print(json.dumps({"articles": articles, "mean_repetitions_by_tokens": means}))


def test_same_seed_same_repetitions_other_seed_other_draws():
    first = [d for _, d in _many_articles(seed=0, count=2000)]
    again = [d for _, d in _many_articles(seed=0, count=2000)]
    other = [d for _, d in _many_articles(seed=1, count=2000)]
    assert first == again
    assert [(d.bucket, d.coefficient) for d in first] == [(d.bucket, d.coefficient) for d in other]
    changed = sum(a.repetitions != b.repetitions for a, b in zip(first, other))
    fractions = [d.coefficient % 1 for d in first if d.coefficient is not None]
    expected = sum(2 * f * (1 - f) for f in fractions)  # independent draws differ with probability 2f(1-f)
    assert abs(changed - expected) < 5 * expected**0.5, (changed, expected)


# --- the passes and the step, in process --------------------------------------------------------------

def corpus() -> list[Document]:
    """Passages of four articles (one good of four, none good, all good, missing a score) and two direct ones."""
    docs = [passage("hal/a", 0), passage("hal/a", 1, edu=6), passage("hal/a", 2, cont=6.9), passage("hal/a", 3, edu=3),
            passage("hal/b", 0, edu=2), passage("hal/b", 1, cont=1),
            passage("hal/c", 0, edu=7, cont=7),
            passage("hal/d", 0), passage("hal/d", 1, edu=None),
            Document("Notice EMEA.", "emea/1", metadata={"source": "emea", "license": "CC-BY-4.0", "route": "direct"}),
            Document("Notice EMEA 2.", "emea/2", metadata={"source": "emea", "license": "CC-BY-4.0", "route": "direct",
                                                   "root_id": "emea/x", "student.edu": 1.0, "student.cont": 1.0})]
    docs.append(Document("Article entier.", "hal/e", metadata={**docs[0].metadata, "repetitions": 2}))
    docs[-1].metadata.pop("root_id")
    return docs


def test_passes_and_step_tag_exclude_and_fail(tmp_path):
    docs = corpus()
    step, merge, out = run_passes(tmp_path, docs)
    table = {r["article"]: r for r in pq.read_table(out / "upsample/09_upsample/attempt0/articles.parquet").to_pylist()}
    assert sorted(table) == ["hal/a", "hal/b", "hal/c", "hal/d", "hal/e"]
    assert {a: (r["n"], r["n_good"], r["bucket"], r["coefficient"]) for a, r in table.items()} == {
        "hal/a": (4, 1, "(0,0.25]", 4.3), "hal/b": (2, 0, "[0,0]", None), "hal/c": (1, 1, "[1,1]", 34.1),
        "hal/d": (1, 1, "[1,1]", 34.1), "hal/e": (1, 1, "[1,1]", 34.1)}
    assert merge.stats["articles"].total == 5 and merge.stats["bucket.[1,1]"].total == 3
    summary = json.loads((out / "upsample/09_upsample/attempt0/summary.json").read_text())
    assert summary["buckets"]["(0,0.25]"]["passages"] == 4 and summary["rule"] == RULE

    kept = iter_outputs(step, docs)
    by_id = {d.id: d for d in kept}
    assert sorted(by_id) == ["emea/1", "emea/2", "hal/a#p0", "hal/a#p1", "hal/a#p2", "hal/a#p3", "hal/c#p0",
                             "hal/d#p0", "hal/e"]
    reps_a = {by_id[f"hal/a#p{i}"].metadata["repetitions"] for i in range(4)}
    assert reps_a == {table["hal/a"]["repetitions"]} and reps_a <= {4, 5}
    assert by_id["hal/a#p1"].metadata["upsample_ratio"] == 0.25
    assert by_id["hal/a#p1"].metadata["upsample_coefficient"] == 4.3
    assert by_id["hal/c#p0"].metadata["repetitions"] == table["hal/c"]["repetitions"] in (34, 35)
    assert by_id["hal/e"].metadata["repetitions"] == 2 * table["hal/e"]["repetitions"]  # an earlier value multiplies
    for doc_id in ("emea/1", "emea/2"):  # the direct route passes through untouched
        assert by_id[doc_id].metadata == next(d for d in corpus() if d.id == doc_id).metadata
    for d in kept:
        validate_metadata(d.metadata, d.id)

    excluded = {r["id"]: (r["reason"], r["message"]) for r in read_records(out / "excluded" / "09_upsample")}
    assert excluded == {"hal/b#p0": ("no_good_passage", f"0/2 passages meet {RULE}"),
                        "hal/b#p1": ("no_good_passage", f"0/2 passages meet {RULE}")}
    failed = {r["id"]: r for r in read_records(out / "failed" / "09_upsample")}
    assert {i: r["reason"] for i, r in failed.items()} == {"hal/d#p1": "missing_score"}
    assert "'student.edu'" in failed["hal/d#p1"]["message"] and "student_score" in failed["hal/d#p1"]["message"]
    stats = step.stats
    assert stats["in"].total == 12 and stats["passed_through"].total == 2 and stats["upsampled"].total == 7
    assert stats["in"].total == stats["kept"].total + stats["excluded"].total + stats["failed"].total
    assert stats["bucket.(0,0.25].passages"].total == 4 and stats["bucket.[0,0].passages"].total == 2
    assert stats["repetitions_multiplied"].total == 1


def test_other_fields_and_rule_and_an_excluded_bucket(tmp_path):
    config = validate(UpsampleConfig, {
        "fields": LLM_FIELDS.model_dump(), "rule": {"edu": 5, "cont": None},
        "buckets": [{"ratio": "[0, 0.5]", "coefficient": "exclude"}, {"ratio": "(0.5, 1]", "coefficient": 2}]}, "r")
    docs = [passage("hal/a", i, edu=None, **{"quality.edu": e}) for i, e in enumerate([6, 3, 9])]
    docs += [passage("hal/b", i, edu=None, **{"quality.edu": e}) for i, e in enumerate([6, 3])]
    step, _, out = run_passes(tmp_path, docs, config, tasks=3)
    kept = iter_outputs(step, docs)
    assert [(d.id, d.metadata["repetitions"]) for d in kept] == [(f"hal/a#p{i}", 2) for i in range(3)]
    excluded = {r["id"]: (r["reason"], r["message"]) for r in read_records(out / "excluded" / "09_upsample")}
    assert excluded == {f"hal/b#p{i}": ("upsample_bucket_excluded", "1/2 passages meet edu>=5 (bucket [0,0.5] is excluded)")
                        for i in range(2)}


def test_a_retry_attempt_adds_its_counts_to_the_earlier_ones(tmp_path):
    config = UpsampleConfig()
    first, retry = upsample_paths(tmp_path, "09_upsample", 0), upsample_paths(tmp_path, "09_upsample", 1)
    assert retry["earlier_counts"] == [first["counts"]]
    counter = UpsampleCounts(config, first["counts"], "09", UpsampleStep.default_routes)
    list(counter.run(iter([passage("hal/a", 0), passage("hal/a", 1, edu=1)])))
    counter = UpsampleCounts(config, retry["counts"], "09", UpsampleStep.default_routes)
    list(counter.run(iter([passage("hal/a", 2)])))  # a passage that failed before the step in attempt 0
    with pytest.raises(AccountingError, match=r"counts \['00001.parquet'\] missing"):
        build_articles(config, [*retry["earlier_counts"], retry["counts"]], retry["articles"], tasks=2)
    summary = build_articles(config, [*retry["earlier_counts"], retry["counts"]], retry["articles"], tasks=1)
    assert summary["articles"] == 1 and summary["passages"] == 3
    row = pq.read_table(retry["articles"]).to_pylist()[0]
    assert (row["article"], row["n"], row["n_good"], row["bucket"]) == ("hal/a", 3, 2, "(0.5,0.75]")


def test_the_step_needs_its_table_and_every_article(tmp_path):
    step = UpsampleStep(UpsampleConfig(), RunContext(out_dir=str(tmp_path)), 9)
    with pytest.raises(ConfigError, match="articles_path is not set"):
        iter_outputs(step, [passage("hal/a", 0)])
    step.articles_path = str(tmp_path / "missing.parquet")
    with pytest.raises(ConfigError, match="not found"):
        iter_outputs(step, [passage("hal/a", 0)])
    step, _, out = run_passes(tmp_path, [passage("hal/a", 0)])
    assert iter_outputs(step, [passage("hal/z", 0)]) == []
    assert [r["reason"] for r in read_records(out / "failed" / "09_upsample")] == ["upsample_not_counted"]


# --- a whole run --------------------------------------------------------------------------------------

class PassageMetaConfig(StepConfig):
    """Config of the test tagger that gives the passages read from JSONL their metadata."""

    step: Literal["upsample_test_meta"] = "upsample_test_meta"
    """Step name."""
    metadata: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Metadata to add, by document id."""


@register
class PassageMeta(Tagger):
    """Test double of the extraction and scoring steps: adds the metadata the recipe gives for each id."""

    name = "upsample_test_meta"
    Config = PassageMetaConfig

    def tag(self, doc: Document) -> dict:
        return dict(self.config.metadata.get(doc.id, {}))


def _scores(article: str, edu: float | None, cont: float = 8.0, content_type: str = "medical_knowledge",
            tokens: int = 80) -> dict:
    meta = {"root_id": article, "token_count": tokens, "student.cont": cont, "student.content_type": content_type}
    if edu is not None:
        meta["student.edu"] = edu
    return meta


@pytest.fixture
def run_recipe(tmp_path):
    """Passages of articles split over two files (two tasks), an EMEA-like direct source; the recipe and its metadata."""
    files: dict[str, list[tuple[str, dict]]] = {"part0": [], "part1": []}
    # arts/A: 3 good of the 4 selected (0.75); a drug_information and a short passage never reach upsample
    files["part0"] += [("A#p0", _scores("arts/A", 8)), ("A#p1", _scores("arts/A", 5)),
                       ("A#p5", _scores("arts/A", 9, tokens=20))]
    files["part1"] += [("A#p2", _scores("arts/A", 8)), ("A#p3", _scores("arts/A", 7, 7)),
                       ("A#p4", _scores("arts/A", 9, content_type="drug_information"))]
    files["part0"] += [("B#p0", _scores("arts/B", 2))]  # arts/B: no good passage
    files["part1"] += [("B#p1", _scores("arts/B", 9, 6.5))]
    files["part0"] += [("C#p0", _scores("arts/C", 10))]  # arts/C: all good
    for i in range(8):  # arts/D<i>: one good of two, split over the tasks
        files["part0"].append((f"D{i}#p0", _scores(f"arts/D{i}", 8)))
        files["part1"].append((f"D{i}#p1", _scores(f"arts/D{i}", 4)))
    files["part1"] += [("E#p0", _scores("arts/E", 8)), ("E#p1", _scores("arts/E", None))]  # E#p1 misses edu
    metadata = {}
    for name, records in files.items():
        folder = tmp_path / "data" / "arts"
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f"{name}.jsonl", "w", encoding="utf-8") as f:
            for rid, meta in records:
                f.write(json.dumps({"id": rid, "text": f"Paragraphe {rid} sur l'hypertension."}) + "\n")
                metadata[f"arts/{rid}"] = meta
    (tmp_path / "data" / "emea").mkdir()
    (tmp_path / "data" / "emea" / "notices.jsonl").write_text(
        "".join(json.dumps({"id": f"n{i}", "text": f"Notice {i} : posologie."}) + "\n" for i in range(2)))
    path = write_recipe(
        tmp_path / "recipe.yaml",
        [{"name": "arts", "route": "extraction", "reader": {"format": "jsonl", "path": "data/arts"}},
         {"name": "emea", "route": "direct", "reader": {"format": "jsonl", "path": "data/emea"}}],
        tasks=2, workers=1, steps=[{"step": "select"}, {"step": "upsample", "seed": 1}])
    return path, metadata


def _curate(path: Path, metadata: dict, out: Path, overrides: list[str] | None = None) -> dict[str, dict]:
    recipe = load_recipe(path, overrides)
    recipe.steps.insert(0, PassageMetaConfig(metadata=metadata))
    result = curate(plan_run(recipe, out=str(out)))
    assert result.finished and check_accounting(out) == []
    return {r["id"]: r for p in sorted((out / "curated").glob("*.parquet")) for r in pq.read_table(p).to_pylist()}


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")  # a test step appended after validation
def test_a_run_upsamples_articles_split_over_tasks(run_recipe, tmp_path):
    path, metadata = run_recipe
    out = tmp_path / "out"
    rows = _curate(path, metadata, out)
    assert json.loads((out / "run.json").read_text())["stages"] == ["before_03_upsample", "curated"]
    shards = {p.name: {r["root_id"] for r in pq.read_table(p).to_pylist()} for p in (out / "before_03_upsample").glob("*")}
    assert all("arts/A" in roots for roots in shards.values()) and len(shards) == 2  # arts/A is in both tasks

    table = {r["article"]: r for r in pq.read_table(out / "upsample/03_upsample/attempt0/articles.parquet").to_pylist()}
    assert (table["arts/A"]["n"], table["arts/A"]["n_good"], table["arts/A"]["coefficient"]) == (4, 3, 12.8)
    assert (table["arts/B"]["n"], table["arts/B"]["n_good"], table["arts/B"]["repetitions"]) == (2, 0, 0)
    assert all(table[f"arts/D{i}"]["coefficient"] == 8.5 for i in range(8))
    assert (table["arts/E"]["n"], table["arts/E"]["bucket"]) == (1, "[1,1]")

    for article, row in table.items():
        reps = {r["repetitions"] for r in rows.values() if r["root_id"] == article}
        assert reps == ({row["repetitions"]} if row["coefficient"] else set()), article
    assert {i for i, r in rows.items() if r["root_id"] == "arts/A"} == {f"arts/A#p{i}" for i in range(4)}
    assert rows["arts/A#p1"]["upsample_ratio"] == 0.75 and rows["arts/A#p1"]["upsample_coefficient"] == 12.8
    assert all(rows[f"emea/n{i}"]["repetitions"] is None and rows[f"emea/n{i}"]["upsample_ratio"] is None
               for i in range(2))

    excluded = {r["id"]: (r["step"], r["reason"], r["message"]) for r in read_records(out / "excluded")}
    assert excluded == {
        "arts/A#p4": ("02_select", "content_type_dropped", "drug_information"),
        "arts/A#p5": ("02_select", "too_few_tokens", "20 < 50"),
        "arts/B#p0": ("03_upsample", "no_good_passage", f"0/2 passages meet {RULE}"),
        "arts/B#p1": ("03_upsample", "no_good_passage", f"0/2 passages meet {RULE}"),
    }
    assert [(r["id"], r["reason"]) for r in read_records(out / "failed")] == [("arts/E#p1", "missing_score")]

    reps_by_article = {a: r["repetitions"] for a, r in table.items()}
    again = _curate(path, metadata, tmp_path / "same")
    assert {i: r["repetitions"] for i, r in again.items()} == {i: r["repetitions"] for i, r in rows.items()}
    other = _curate(path, metadata, tmp_path / "other", ["steps.1.seed=2"])
    other_table = {r["article"]: r for r in
                   pq.read_table(tmp_path / "other/upsample/03_upsample/attempt0/articles.parquet").to_pylist()}
    assert {a: r["coefficient"] for a, r in other_table.items()} == {a: r["coefficient"] for a, r in table.items()}
    assert {a: r["repetitions"] for a, r in other_table.items()} != reps_by_article
    assert set(other) == set(rows)
