"""The books steps: walk length filter, verbalisation (scripted backend in a real client), post-check."""

from __future__ import annotations

import json

import pytest

from curation.document import Document, validate_metadata
from curation.io import read_records
from curation.llm import LLMCache, LLMClient, LLMConfig
from curation.llm.backends.base import BackendOutput
from curation.run.context import RunContext
from curation.steps.base import iter_outputs
from ontology_books.serialize import serialize, walk_codes, walk_relations
from ontology_books.steps import (
    BookCheck,
    BookCheckConfig,
    VerbalizeWalk,
    VerbalizeWalkConfig,
    WalkLength,
    WalkLengthConfig,
    missing_codes,
)
from ontology_books.walks import WalkConfig, compile_graph, walks_from
from tests.curation.llm.models import ScriptedBackend
from tests.ontology_books.graphs import tree

META = {"source": "cim10-books", "license": "CC-BY-NC-ND-3.0-IGO", "route": "direct"}


def walk_doc(text="x" * 400, codes=("E11", "N08.3"), **meta):
    m = dict(META, walk_codes=list(codes), walk_relations=["causality_of"] * (len(codes) - 1), **meta)
    return Document(text=text, id=f"cim10-books/{codes[0]}/etiology-0", metadata=m)


def ctx(tmp_path, **kw):
    return RunContext(out_dir=str(tmp_path / "out"), **kw)


def test_walk_length_excludes_with_reasons(tmp_path):
    step = WalkLength(WalkLengthConfig(min_chars=300, max_chars=500), ctx(tmp_path), 1)
    docs = [walk_doc("a" * 299, codes=("A",)), walk_doc("b" * 300, codes=("B",)), walk_doc("c" * 501, codes=("C",))]
    other = Document(text="pas une marche", id="hal/1", metadata=dict(META))
    out = iter_outputs(step, [*docs, other])
    assert [d.id for d in out] == ["cim10-books/B/etiology-0", "hal/1"]
    excluded = {r["id"]: r for r in read_records(tmp_path / "out" / "excluded" / "01_walk_length")}
    assert {k: v["reason"] for k, v in excluded.items()} == {"cim10-books/A/etiology-0": "walk_too_short",
                                                             "cim10-books/C/etiology-0": "walk_too_long"}
    assert "299 < 300" in excluded["cim10-books/A/etiology-0"]["message"]


@pytest.mark.parametrize(("text", "missing"), [
    ("Le diabète E11 cause la glomérulopathie N08.3.", []),
    ("Le diabète E11 cause la glomérulopathie N083.", []),          # dots optional
    ("Le diabète E11.2 cause la glomérulopathie N08.3.", ["E11"]),   # E11 is not inside E11.2
    ("Le diabète E110 et N08.3.", ["E11"]),
    ("Seul le code N08.3 est cité.", ["E11"]),
])
def test_codes_are_found_as_whole_tokens(text, missing):
    assert missing_codes(text, ["E11", "N08.3", "E11"]) == missing


def test_book_check_reasons_and_fraction(tmp_path):
    gen = {"generated_by": "m", "generation_prompt": "verbalize_walk.v1"}
    strict = BookCheck(BookCheckConfig(), ctx(tmp_path), 3)
    good = walk_doc("Le diabète sucré de type 2 (E11) est la cause de la glomérulopathie N08.3.", **gen)
    partial = walk_doc("Le diabète sucré de type 2, codé E11, atteint souvent le rein et les nerfs.", codes=("E11", "N08.3", "G63.2"), **gen)
    short = walk_doc("E11 N08.3", **gen)
    out = iter_outputs(strict, [good, partial, short])
    assert [d.text for d in out] == [good.text]
    excluded = {r["text"]: r for r in read_records(tmp_path / "out" / "excluded" / "03_book_check")}
    assert excluded[partial.text]["reason"] == "book_codes_missing"
    assert "2/3 codes missing (N08.3, G63.2)" in excluded[partial.text]["message"]
    assert excluded[short.text]["reason"] == "book_too_short"
    lenient = BookCheck(BookCheckConfig(min_code_fraction=0.3), ctx(tmp_path / "l"), 3)
    assert len(iter_outputs(lenient, [partial])) == 1
    # a walk not yet verbalised is not this step's business
    assert iter_outputs(BookCheck(BookCheckConfig(), ctx(tmp_path / "n"), 3), [walk_doc("E11")])[0].text == "E11"


def scripted(prompt, n):
    """Cites every code of the walk it receives; garbage for walks starting at C1."""
    user = prompt.messages[-1]["content"]
    lines = [line for line in user.splitlines() if "«" in line]
    codes = [line.split("--> ")[-1].split(" «")[0] for line in lines]
    if codes[0].startswith("C1"):
        return BackendOutput(text="Voici un beau paragraphe.", tokens_in=10, tokens_out=5, finish_reason="stop")
    text = "Paragraphe : " + " puis ".join(codes) + "."
    return BackendOutput(text=json.dumps({"text": text}), tokens_in=10, tokens_out=5, finish_reason="stop")


def make_verbalizer(tmp_path, dry_run=False):
    llm = LLMConfig(backend="openai", model="scripted-model", cache_dir=str(tmp_path / "cache"), max_retries=1)
    backend = ScriptedBackend(scripted)
    context = ctx(tmp_path, llm_config=llm, dry_run=dry_run)
    context.__dict__["llm_client"] = LLMClient(llm, backend, LLMCache(llm.resolved_cache_dir()))
    return VerbalizeWalk(VerbalizeWalkConfig(batch_size=4), context, 2), backend


def real_walk_docs(n_codes=6):
    term = tree(kind="ccam", relations=[("C0.1.2", "disjoint", "C1.0.0")])
    graph = compile_graph(term)
    docs = []
    for node in (0, 1, 2, graph.codes.index("C1"), graph.codes.index("C1.0"), graph.codes.index("C0.1.2"))[:n_codes]:
        walk = walks_from(graph, node, WalkConfig(per_code=1))[0]
        docs.append(Document(text=serialize(walk, graph, term), id=f"t/{graph.codes[node]}",
                             metadata=dict(META, walk_codes=walk_codes(walk, graph), walk_relations=walk_relations(walk))))
    return docs


def test_verbalize_replaces_the_text_keeps_the_walk_and_fails_garbage(tmp_path):
    step, backend = make_verbalizer(tmp_path)
    docs = real_walk_docs()
    walks = {d.id: d.text for d in docs}
    out = iter_outputs(step, docs)
    assert {d.id for d in out} == {"t/C0", "t/C0.0", "t/C0.0.0", "t/C0.1.2"}
    for d in out:
        assert d.metadata["walk_text"] == walks[d.id] and d.text.startswith("Paragraphe : ")
        assert d.metadata["generated_by"] == "scripted-model" and d.metadata["generation_prompt"] == "verbalize_walk.v1"
        assert missing_codes(d.text, d.metadata["walk_codes"]) == [] and validate_metadata(d.metadata)
    system = backend.batches[0][0].messages[0]["content"]
    assert "pas de liste" in system and "Ne mentionne jamais" in system
    failed = {r["id"]: r for r in read_records(tmp_path / "out" / "failed" / "02_verbalize_walk")}
    assert set(failed) == {"t/C1", "t/C1.0"} and {r["reason"] for r in failed.values()} == {"llm_invalid_json"}
    assert "Voici un beau paragraphe" in failed["t/C1"]["message"]


def test_verbalize_dry_run_counts_requests(tmp_path):
    step, backend = make_verbalizer(tmp_path, dry_run=True)
    docs = real_walk_docs()
    out = iter_outputs(step, docs)
    assert [d.text for d in out] == [d.text for d in docs] and backend.batches == []
    assert step.stats.stats["llm.requests"].total == 6
