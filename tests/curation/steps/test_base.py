"""The step contract: accounting, reasons, routes, failures recorded, filters never modify documents."""

from __future__ import annotations

import copy
from typing import Literal

import pytest
from hypothesis import HealthCheck, given, settings

from curation.document import Document
from curation.errors import AccountingError, DocumentError
from curation.io import read_records
from curation.run.context import RunContext
from curation.steps.base import BatchStep, BatchStepConfig, CurationStep, Excluded, StepConfig
from curation.steps.length import LengthFilter, LengthFilterConfig, TokenCountConfig, TokenCountTagger
from tests.strategies import unique_documents


class SplitConfig(StepConfig):
    step: Literal["split_test"] = "split_test"


class PipeSplitter(CurationStep):
    """Test double of a splitting step: splits on '|', excludes empty texts, fails on 'BOOM'."""

    name = "split_test"
    Config = SplitConfig
    reasons = frozenset({"empty_test"})
    default_routes = frozenset({"extraction"})

    def process(self, doc):
        if "BOOM" in doc.text:
            raise DocumentError("boom_test", f"{doc.id}: boom")
        if "CRASH" in doc.text:
            raise KeyError("unexpected")
        parts = [p for p in doc.text.split("|") if p.strip()]
        if not parts:
            return Excluded("empty_test", "no part")
        return [Document(text=p, id=f"{doc.id}#p{i}", metadata=dict(doc.metadata)) for i, p in enumerate(parts)]


def _run(step, docs):
    outputs = list(step.run(iter(docs), rank=0, world_size=1))
    return outputs, step.stats


def _n(stats, key):
    return int(stats[key].total) if key in stats.stats else 0


def test_splitter_accounts_for_every_document(tmp_path):
    ctx = RunContext(out_dir=str(tmp_path))
    step = PipeSplitter(SplitConfig(), ctx, 3)
    meta = {"source": "s", "license": "MIT", "route": "extraction"}
    docs = [
        Document("a|b|c", "s/1", metadata=dict(meta)),
        Document("  |  ", "s/2", metadata=dict(meta)),
        Document("x BOOM", "s/3", metadata=dict(meta)),
        Document("CRASH", "s/4", metadata=dict(meta)),
        Document("d|e", "s/5", metadata=dict(meta, route="direct")),
    ]
    outputs, stats = _run(step, docs)
    assert [d.id for d in outputs] == ["s/1#p0", "s/1#p1", "s/1#p2", "s/5"]
    assert (_n(stats, "in"), _n(stats, "kept"), _n(stats, "out")) == (5, 2, 4)
    assert _n(stats, "excluded.empty_test") == 1
    assert _n(stats, "failed.boom_test") == 1 and _n(stats, "failed.unexpected_KeyError") == 1
    assert _n(stats, "passed_through") == 1
    excluded = read_records(tmp_path / "excluded" / "03_split_test")
    assert [(r["id"], r["reason"], r["message"]) for r in excluded] == [("s/2", "empty_test", "no part")]
    failed = {r["id"]: r for r in read_records(tmp_path / "failed" / "03_split_test")}
    assert failed["s/3"]["reason"] == "boom_test" and failed["s/3"]["text"] == "x BOOM"
    assert "KeyError" in failed["s/4"]["message"]
    assert failed["s/3"]["metadata"]["route"] == "extraction"


def test_undeclared_reason_stops_the_run(tmp_path):
    class Sloppy(PipeSplitter):
        reasons = frozenset()

    step = Sloppy(SplitConfig(), RunContext(out_dir=str(tmp_path)), 1)
    with pytest.raises(AccountingError, match="not declared"):
        _run(step, [Document(" ", "s/1", metadata={"source": "s", "license": "MIT", "route": "extraction"})])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=unique_documents(max_size=25))
def test_accounting_law_holds_for_any_documents(tmp_path_factory, docs):
    out = tmp_path_factory.mktemp("acc")
    step = PipeSplitter(SplitConfig(), RunContext(out_dir=str(out)), 1)
    docs = [Document(d.text.replace("e", "|"), d.id, metadata=d.metadata) for d in docs]
    outputs, stats = _run(step, docs)
    assert _n(stats, "in") == len(docs)
    assert _n(stats, "in") == _n(stats, "kept") + _n(stats, "excluded") + _n(stats, "failed")
    assert _n(stats, "out") == len(outputs)
    assert len(read_records(out / "excluded")) == _n(stats, "excluded")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=unique_documents(max_size=25))
def test_length_filter_never_modifies_documents(tmp_path_factory, docs):
    out = tmp_path_factory.mktemp("lf")
    step = LengthFilter(LengthFilterConfig(min_tokens=5, max_tokens=40), RunContext(out_dir=str(out)), 2)
    before = {d.id: (d.text, copy.deepcopy(d.metadata)) for d in docs}
    kept, stats = _run(step, docs)
    for d in kept:
        assert (d.text, d.metadata) == before[d.id]
    excluded = read_records(out / "excluded")
    assert {r["id"] for r in excluded} | {d.id for d in kept} == set(before)
    for r in excluded:
        assert r["reason"] in LengthFilter.reasons
        assert r["text"] == before[r["id"]][0]


def test_length_filter_reasons_and_token_counter(tmp_path):
    ctx = RunContext(out_dir=str(tmp_path))
    tagger = TokenCountTagger(TokenCountConfig(), ctx, 1)
    filt = LengthFilter(LengthFilterConfig(min_tokens=4, max_tokens=8), ctx, 2)
    meta = {"source": "s", "license": "MIT", "route": "direct"}
    docs = [
        Document("trop court.", "s/short", metadata=dict(meta)),  # 3 units: trop, court, .
        Document("L'hypertension artérielle est fréquente.", "s/ok", metadata=dict(meta)),  # 7 units
        Document(" ".join(["mot"] * 9), "s/long", metadata=dict(meta)),
    ]
    kept, _ = _run(filt, _run(tagger, docs)[0])
    assert [d.id for d in kept] == ["s/ok"]
    assert kept[0].metadata["token_count"] == 7
    reasons = {r["id"]: (r["reason"], r["message"]) for r in read_records(tmp_path / "excluded")}
    assert reasons == {"s/short": ("too_few_tokens", "3 < 4"), "s/long": ("too_many_tokens", "9 > 8")}


class BatchConfig(BatchStepConfig):
    step: Literal["batch_test"] = "batch_test"
    """Step name."""


class UpperBatch(BatchStep):
    """Test double of a batched step: uppercases, excludes empty texts, fails on 'BOOM'."""

    name = "batch_test"
    Config = BatchConfig
    reasons = frozenset({"empty_test"})
    batches: list[int] = []

    def process_batch(self, docs):
        type(self).batches.append(len(docs))
        out = []
        for doc in docs:
            if "BOOM" in doc.text:
                out.append(DocumentError("boom_test", f"{doc.id}: boom"))
            elif not doc.text.strip():
                out.append(Excluded("empty_test"))
            else:
                out.append([Document(text=doc.text.upper(), id=doc.id, metadata=doc.metadata)])
        return out


def test_batch_step_accounts_per_document_and_batches(tmp_path):
    UpperBatch.batches = []
    step = UpperBatch(BatchConfig(batch_size=2), RunContext(out_dir=str(tmp_path)), 4)
    meta = {"source": "s", "license": "MIT", "route": "extraction"}
    docs = [Document(t, f"s/{i}", metadata=dict(meta)) for i, t in enumerate(["a", " ", "b BOOM", "c", "d"])]
    outputs, stats = _run(step, docs)
    assert [d.text for d in outputs] == ["A", "C", "D"]
    assert UpperBatch.batches == [2, 2, 1]
    assert (_n(stats, "in"), _n(stats, "kept"), _n(stats, "excluded.empty_test"), _n(stats, "failed.boom_test")) == (5, 3, 1, 1)
    assert [r["id"] for r in read_records(tmp_path / "failed")] == ["s/2"]


def test_batch_step_failing_as_a_whole_records_every_document(tmp_path):
    class Crashing(UpperBatch):
        def process_batch(self, docs):
            raise RuntimeError("model crashed")

    step = Crashing(BatchConfig(batch_size=8), RunContext(out_dir=str(tmp_path)), 4)
    meta = {"source": "s", "license": "MIT", "route": "extraction"}
    outputs, stats = _run(step, [Document("x", f"s/{i}", metadata=dict(meta)) for i in range(3)])
    assert outputs == [] and _n(stats, "failed.unexpected_RuntimeError") == 3
    assert all("model crashed" in r["message"] for r in read_records(tmp_path / "failed"))
