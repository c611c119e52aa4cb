"""The HTML report of a run: run facts, funnel, reasons, escaped examples, embedded plots, missing values."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curation.document import arrow_schema
from curation.errors import ConfigError
from curation.recipe import load_recipe
from curation.report import write_report
from curation.report.data import EXCLUDED, KEPT, METRICS, Distribution, approx_median, load_run
from curation.run.engine import curate, plan_run
from curation.run.funnel import check_accounting, funnel
from curation.steps.pii import PiiConfig
from tests.curation.run.corpus import PARAGRAPH, build_good, write_recipe

SCRIPT = "<script>alert('pwned')</script> & trop court"
PNG = "data:image/png;base64,"
pytestmark = pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")  # pii config appended to a recipe
STEPS = [{"step": "token_count"}, {"step": "length_filter", "min_tokens": 20}]
"""Steps of the small run: the short record and the <script> record are excluded (too_few_tokens)."""


def build_run(root: Path, steps: list[dict] | None = None, bad_line: bool = True, pii: bool = False) -> Path:
    """A small finished run: 3 PDFs and 11 JSONL records (two short, one with a <script> text), one bad line."""
    data = root / "data"
    build_good(data)
    with open(data / "jsonl" / "records.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps({"id": "xss", "text": SCRIPT}) + "\n")
        f.write(json.dumps({"id": "long", "text": "Observation longue. " + " ".join([PARAGRAPH] * 12)}) + "\n")
        f.write(json.dumps({"id": "tel", "text": "Joindre la fille au 06 12 34 56 78. " + PARAGRAPH}) + "\n")
    if bad_line:
        (data / "jsonl" / "z.jsonl").write_text('{"id": "cut", "text": \n')
    recipe = write_recipe(
        root / "recipe.yaml",
        [
            {"name": "arts", "reader": {"format": "pdf", "path": "data/pdf"}},
            {"name": "recs", "route": "direct", "reader": {"format": "jsonl", "path": "data/jsonl"}},
        ],
        steps=steps or STEPS,
    )
    loaded = load_recipe(recipe)
    if pii:
        loaded.steps.append(PiiConfig())
    out = root / "out"
    curate(plan_run(loaded, out=str(out)))
    return out


def enrich_shards(out: Path) -> None:
    """Give the kept documents fidelity, language and duplicate-cluster values, as later steps would."""
    for path in sorted((out / "curated").glob("*.parquet")):
        rows = pq.read_table(path).to_pylist()
        for i, row in enumerate(rows):
            row["fidelity"] = [1.0, 0.995, 0.97, 0.92, 0.85, 0.6, 0.3][i % 7]
            row["language_score"] = 0.80 + 0.02 * (i % 10)
            row["dup_cluster_size"] = [1, 1, 2, 3, 7, 150][i % 6]
        pq.write_table(pa.Table.from_pylist(rows, schema=arrow_schema()), path)


@pytest.fixture(scope="module")
def rich_run(tmp_path_factory) -> Path:
    """A run with an exclusion, a failure, two sources and every distribution filled in."""
    out = build_run(tmp_path_factory.mktemp("rich"), pii=True)
    enrich_shards(out)
    return out


@pytest.fixture(scope="module")
def rich_html(rich_run) -> str:
    """The report of ``rich_run``."""
    return write_report(rich_run).read_text(encoding="utf-8")


def _cells(html: str, first: str) -> list[str]:
    """Texts of the cells of the table row whose first cell is ``first``."""
    row = re.search(rf"<tr[^>]*><td[^>]*>{re.escape(first)}</td>(.*?)</tr>", html)
    assert row, f"no row {first!r}"
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))


def test_report_is_written_in_the_run_folder_and_shows_the_run(rich_run, rich_html):
    assert (rich_run / "report.html").is_file()
    info = json.loads((rich_run / "run.json").read_text())
    assert f"Curation report: {info['name']}" in rich_html
    steps = "01_token_count → 02_length_filter → 03_pii"
    for fact in (info["config_hash"], info["created"], info["recipe_file"], steps):
        assert fact in rich_html
    assert "Every document is accounted for" in rich_html
    assert "<link" not in rich_html and "<script" not in rich_html and "http" not in rich_html.split("<body>")[0]


def test_funnel_numbers_are_in_the_table(rich_run, rich_html):
    assert check_accounting(rich_run) == []
    for c in funnel(rich_run):
        if c.kind == "write":
            assert _cells(rich_html, "written")[:3] == [f"{c.n_in:,}", "", f"{c.out:,}"]
            continue
        cells = _cells(rich_html, c.label)
        assert cells[:5] == [f"{c.n_in:,}", f"{c.kept:,}", f"{c.out:,}", f"{c.n_excluded:,}", f"{c.n_failed:,}"]
    assert _cells(rich_html, "02_length_filter")[:5] == ["15", "13", "13", "2", "0"]
    assert _cells(rich_html, "03_pii")[:5] == ["13", "13", "13", "0", "0"]
    counters = rich_html.split("Other counters of the steps")[1].split("</table>")[0]
    assert "<td>03_pii</td><td>pii.phone</td><td class=\"num\">1</td>" in counters


def test_every_reason_is_listed_with_its_count(rich_run, rich_html):
    reasons = {(c.label, r, n) for c in funnel(rich_run) for r, n in (*c.excluded.items(), *c.failed.items())}
    assert {(label, r) for label, r, _ in reasons} == {
        ("02_length_filter", "too_few_tokens"), ("00_read_recs", "invalid_json")}
    section = rich_html.split('id="reasons"')[1].split('id="examples"')[0]
    for label, reason, n in reasons:
        assert re.search(rf"<td>{label}</td><td>\w+</td><td>{reason}</td><td class=\"num\">{n}</td>", section)


def test_examples_are_shown_escaped(rich_html):
    examples = rich_html.split('id="examples"')[1].split('id="distributions"')[0]
    assert "recs/xss" in examples and "too_few_tokens" in examples
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt; &amp; trop court" in examples
    assert "<script>" not in rich_html
    assert "recs/z.jsonl#L1" in examples and "invalid_json" in examples  # failed records, with their error


def test_plots_are_embedded_pngs(rich_html):
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', rich_html)
    # funnel + (overall + per source) for words, fidelity, language, clusters, tokens
    assert len(images) == 1 + 2 * len(METRICS)
    for data in images:
        assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Plot skipped" not in rich_html


def test_fidelity_thresholds_are_counted(rich_run, rich_html):
    kept = [r for p in sorted((rich_run / "curated").glob("*.parquet")) for r in pq.read_table(p).to_pylist()]
    values = np.array([r["fidelity"] for r in kept])
    section = rich_html.split('id="dist-fidelity"')[1].split("<h3")[0]
    thresholds = section.split("<table")[-1]  # after the summary table
    for label in ("≥ 99%", "≥ 95%", "≥ 90%", "≥ 80%", "≥ 50%"):
        assert label in thresholds
    cells = _cells(thresholds, "kept")  # the first kept row: source arts
    arts = np.array([r["fidelity"] for r in kept if r["source"] == "arts"])
    assert cells[0] == "arts" and cells[1] == str(len(arts))
    assert cells[2] == f"{(arts >= 0.99).sum()} ({(arts >= 0.99).mean():.1%})"
    assert len(values) == 13


def test_run_without_exclusions_and_without_later_columns(tmp_path):
    out = build_run(tmp_path, steps=[{"step": "token_count"}], bad_line=False)
    assert not (out / "excluded").exists() or not any((out / "excluded").rglob("*.parquet"))
    # an early shard, written before the metadata columns existed: only id, text and source
    for path in sorted((out / "curated").glob("*.parquet")):
        pq.write_table(pq.read_table(path, columns=["id", "text", "source"]), path)
    html = write_report(out, tmp_path / "elsewhere" / "page.html").read_text(encoding="utf-8")
    assert "No document was excluded and none failed." in html
    assert "No excluded document." in html and "No failed document." in html
    for metric in ("fidelity", "language score", "duplicate cluster size", "token count"):
        assert f"Plot skipped: no {metric}" in html
    assert html.count(PNG) == 3  # funnel, and words overall and by source
    assert not (out / "report.html").exists()


def test_a_run_that_has_not_run_yet_still_gets_a_page(tmp_path):
    (tmp_path / "run.json").write_text(json.dumps({"name": "pending", "config_hash": "abc"}))
    html = write_report(tmp_path).read_text(encoding="utf-8")
    assert "Curation report: pending" in html and "No stats found" in html
    assert html.count("Plot skipped") == len(METRICS)


def test_a_folder_that_is_not_a_run_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="no run.json"):
        write_report(tmp_path)


def test_examples_are_capped_and_cut(tmp_path):
    out = build_run(tmp_path, steps=[{"step": "token_count"}, {"step": "length_filter", "min_tokens": 2000}])
    run = load_run(out, examples_per_reason=2, example_chars=50)
    shown = run.examples["excluded"][("02_length_filter", "too_few_tokens")]
    assert len(shown) == 2
    assert all(len(e.text) <= 50 for e in shown) and any(e.truncated for e in shown)
    assert all(e.detail.endswith("< 2000") for e in shown)


# --- distributions --------------------------------------------------------------------------------

def test_distribution_tallies_by_group_and_source():
    fidelity = next(m for m in METRICS if m.key == "fidelity")
    dist = Distribution(fidelity)
    dist.add(KEPT, "a", np.array([0.99, 0.95, 0.5, 0.49, float("nan")]))
    dist.add(KEPT, "b", np.array([1.0]))
    dist.add(EXCLUDED, "a", np.array([0.1]))
    assert dist.sources(KEPT) == ["a", "b"]
    kept = dist.combined(KEPT)
    assert kept.n == 5 and kept.at_least == [2, 3, 3, 3, 4] and kept.counts.sum() == 5
    assert (kept.low, kept.high) == (0.49, 1.0)
    assert dist.combined(EXCLUDED).n == 1 and not dist.empty
    assert Distribution(fidelity).combined(KEPT) is None and Distribution(fidelity).empty


def test_values_outside_the_bins_are_kept_and_the_median_is_close():
    words = next(m for m in METRICS if m.key == "words")
    dist = Distribution(words)
    values = np.array([0, 40, 50, 60, 70, 80, 90, 100, 110, 120, 5e7])
    dist.add(KEPT, "s", values)
    tally = dist.tallies[(KEPT, "s")]
    assert tally.counts[0] == 1 and tally.counts[-1] == 1 and tally.n == 11
    assert abs(approx_median(tally, words.edges) - 80) < 80 * 0.15
