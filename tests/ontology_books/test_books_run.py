"""``biomedfr books`` end to end on the packaged fixtures.

The LLM is a real OpenAI-compatible HTTP server on loopback (``BookServer``, a test double of the
protocol) that writes a paragraph citing every code of the walk it receives, except for walks starting
at the codes in ``DROP_CODE_OF`` (one code left out, so ``book_check`` must exclude them). The real local
model (SmolLM2-135M, GGUF) runs the same recipe on a few walks in ``test_books_with_the_packaged_model``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from curation.cli import app
from curation.io import read_records
from curation.run.funnel import check_accounting, funnel
from tests.curation.llm.fake_server import FakeOpenAIServer, completion

REPO = Path(__file__).resolve().parents[2]
RECIPES = REPO / "recipes" / "ontology_books"
LICENSES = {"cim10-books": "CC-BY-NC-ND-3.0-IGO", "ccam-books": "etalab-2.0", "atc-books": "CC-BY-ND-3.0-IGO"}
CODE_LINE = re.compile(r"^(?:-- .+? --> )?(\S+) « ([^»]*) »", re.MULTILINE)
DROP_CODE_OF = ("E11", "A10BA02")
"""Walks starting at these codes get a paragraph missing their last code."""


class BookServer(FakeOpenAIServer):
    """Answers a verbalisation request with prose citing the walk's codes (see the module doc)."""

    def answer(self, path, body, headers):
        text = body["messages"][-1]["content"]
        with self._lock:
            self.requests.append(body)
        pairs = CODE_LINE.findall(text)
        codes = list(dict.fromkeys(code for code, _ in pairs))
        if codes[0] in DROP_CODE_OF and len(codes) > 1:
            codes = codes[:-1]
        labels = dict(pairs)
        prose = " ".join(f"Le code {c} désigne « {labels[c]} »." for c in codes)
        return 200, completion(json.dumps({"text": prose}))


@pytest.fixture
def server():
    srv = BookServer()
    url = srv.start()
    yield srv, url
    srv.stop()


def run_books(recipe: Path, out: Path, url: str, *extra: str, cache: Path | None = None):
    runner = CliRunner()
    env = {"BIOMEDFR_CACHE": str(cache or out.parent / "cache")}
    args = ["books", str(recipe), "--out", str(out), "--no-progress", "--set", "llm.backend=openai",
            "--set", f"llm.base_url={url}", "--set", "llm.model=book-writer", *extra]
    result = runner.invoke(app, args, env=env, catch_exceptions=False)
    return result


def rows(folder: Path) -> list[dict]:
    return [r for p in sorted(folder.glob("*.parquet")) for r in pq.read_table(p).to_pylist()]


def test_books_from_rdf_fixtures(tmp_path, server):
    srv, url = server
    out = tmp_path / "books"
    result = run_books(RECIPES / "fixtures-smollm2.yaml", out, url)
    assert result.exit_code == 0, result.output
    assert "Terminologies" in result.output and "Walks" in result.output
    assert check_accounting(out) == []
    books = rows(out / "curated")
    assert books and len(srv.requests) >= len(books)
    by_source = {}
    for r in books:
        by_source.setdefault(r["source"], []).append(r)
        assert r["license"] == LICENSES[r["source"]]  # the terminology's license on every text
        assert r["generated_by"] == "book-writer" and r["generation_prompt"] == "verbalize_walk.v1"
        assert r["walk_codes"] and len(r["walk_relations"]) == len(r["walk_codes"]) - 1
        assert r["walk_text"].startswith("[") and r["terminology_version"]
        assert all(c in r["text"] for c in set(r["walk_codes"]))
    assert set(by_source) == set(LICENSES)
    assert {r["terminology"] for r in books} == {"cim10", "ccam", "atc"}
    excluded = read_records(out / "excluded" / "03_book_check")
    assert excluded and {r["reason"] for r in excluded} == {"book_codes_missing"}
    assert {r["metadata"]["walk_codes"][0] for r in excluded} == set(DROP_CODE_OF)
    assert all("codes missing" in r["message"] for r in excluded)
    summary = json.loads((out / "terminologies" / "cim10-books.json").read_text())
    assert summary["edges"]["causality"] > 0 and summary["version"] == "2025"
    # a re-run resumes: every task is complete, no request is sent again
    before = len(srv.requests)
    again = run_books(RECIPES / "fixtures-smollm2.yaml", out, url)
    assert again.exit_code == 0 and len(srv.requests) == before


def test_walks_do_not_depend_on_the_number_of_tasks(tmp_path, server):
    _, url = server
    one = run_books(RECIPES / "fixtures-smollm2.yaml", tmp_path / "one", url)
    three = run_books(RECIPES / "fixtures-smollm2.yaml", tmp_path / "three", url, "--set", "executor.tasks=3",
                      "--set", "executor.workers=1")
    assert one.exit_code == 0 and three.exit_code == 0, three.output
    key = lambda r: (r["id"], r["walk_codes"], r["text"])
    assert sorted(map(key, rows(tmp_path / "one" / "curated"))) == sorted(map(key, rows(tmp_path / "three" / "curated")))
    assert len(list((tmp_path / "three" / "curated").glob("*.parquet"))) == 3


def test_books_from_tables(tmp_path, server):
    _, url = server
    out = tmp_path / "tables"
    per_code = [a for i in range(3) for a in ("--set", f"sources.{i}.reader.walks.per_code=2")]
    result = run_books(RECIPES / "fixtures-tables.yaml", out, url, "--set", "executor.tasks=1", *per_code)
    assert result.exit_code == 0, result.output
    assert check_accounting(out) == []
    books = rows(out / "curated")
    assert {r["terminology"] for r in books} == {"cim10", "ccam", "atc"}
    cim = json.loads((out / "terminologies" / "cim10-books.json").read_text())
    atc = json.loads((out / "terminologies" / "atc-books.json").read_text())
    assert cim["edges"]["parent"] > 0 and atc["duplicates"] >= 3
    assert {r["walk_type"] for r in books if r["terminology"] == "atc"} >= {"hierarchical", "sibling", "same_group"}


def test_dry_run_gives_walk_and_request_counts_without_a_model(tmp_path):
    result = CliRunner().invoke(app, ["books", str(RECIPES / "fixtures-smollm2.yaml"), "--dry-run"],
                                env={"BIOMEDFR_CACHE": str(tmp_path / "cache")}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Walks" in result.output and "LLM requests (dry run)" in result.output
    assert re.search(r"verbalize_walk\s*│\s*\d+", result.output)


def test_a_recipe_that_is_not_a_books_recipe_is_refused(tmp_path):
    result = CliRunner().invoke(app, ["books", str(REPO / "recipes" / "curation" / "sample.yaml")])
    assert result.exit_code != 0
    assert "format: terminology" in str(result.exception) or "format: terminology" in result.output


def test_malformed_rdf_stops_before_any_work_naming_file_and_line(tmp_path):
    folder = tmp_path / "terms"
    folder.mkdir()
    (folder / "cim10.rdf").write_text('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
                                      '22-rdf-syntax-ns#">\n<rdf:Description rdf:about="http://a">\n</rdf:RDF>\n')
    env = {**os.environ, "BIOMEDFR_CACHE": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-m", "curation", "books", str(RECIPES / "fixtures-smollm2.yaml"),
                           "--out", str(tmp_path / "out"), "--no-progress", "--set", f"sources.0.reader.path={folder}"],
                          capture_output=True, text=True, timeout=300, env=env, check=False)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "cim10.rdf, line 4: malformed RDF" in proc.stderr
    assert not (tmp_path / "out" / "run.json").exists()


@pytest.mark.slow
def test_books_with_the_packaged_model(tmp_path):
    """The real local model on 2 walks per terminology: every walk is accounted for, kept or excluded
    with a declared reason, or failed with the LLM layer's reason."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "BIOMEDFR_CACHE": str(tmp_path / "cache")}
    out = tmp_path / "smollm2"
    proc = subprocess.run([sys.executable, "-m", "curation", "books", str(RECIPES / "fixtures-smollm2.yaml"),
                           "--out", str(out), "--no-progress", "--limit", "2", "--set", "llm.max_new_tokens=192"],
                          capture_output=True, text=True, timeout=1500, env=env, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert check_accounting(out) == []
    steps = {c.label: c for c in funnel(out)}
    walks, verbalize = steps["01_walk_length"], steps["02_verbalize_walk"]
    assert walks.n_in == 6 and verbalize.n_in == walks.out >= 1
    assert verbalize.extra["llm.calls"].total >= verbalize.n_in
    check = steps["03_book_check"]
    assert set(check.excluded) <= {"book_too_short", "book_codes_missing"}
    assert set(verbalize.failed) <= {"llm_invalid_json", "llm_no_stop", "llm_repetition_loop"}
    for r in rows(out / "curated"):
        assert r["generated_by"] == "smollm2-135m-instruct" and r["license"] == LICENSES[r["source"]]
