"""``fidelity`` and ``fidelity_filter``: coverage of the passage by its source, buckets of Table 8."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings

from curation.document import Document
from curation.io import read_records
from curation.run.context import RunContext
from curation.steps.base import iter_outputs
from curation.steps.fidelity import (
    FidelityConfig,
    FidelityFilter,
    FidelityFilterConfig,
    FidelityTagger,
    fidelity,
    fidelity_buckets,
)
from tests.strategies import unique_documents

SOURCE = (
    "Revue fictive · 2024\n\nL’hypertension artérielle se déﬁnit par une pression systolique supé-\n"
    "rieure ou égale à 140 mmHg.\n\nLa prévalence augmente avec l’âge et dépasse 60 % après 65 ans.\n\nPage 1 / 3"
)
META = {"source": "s", "license": "MIT", "route": "extraction"}


def _passage(doc_id, text, **meta):
    return Document(text=text, id=doc_id, metadata=dict(META, _segment_text=SOURCE, **meta))


def test_fidelity_values():
    cleaned = "L’hypertension artérielle se définit par une pression systolique supérieure ou égale à 140 mmHg."
    assert fidelity(cleaned, SOURCE) == 1.0
    assert fidelity("La prévalence augmente avec l’âge.", SOURCE) == 1.0
    assert fidelity("", SOURCE) == 1.0 and fidelity("« — »", SOURCE) == 1.0
    half = fidelity("La prévalence augmente. Le zona touche surtout les sujets âgés immunodéprimés.", SOURCE)
    assert 0.3 < half < 0.8
    assert fidelity("wwwwwwww", SOURCE) == 0.0


def test_span_window_and_fallback_to_the_whole_source():
    text = "La prévalence augmente avec l’âge et dépasse 60 % après 65 ans."
    start = SOURCE.index("La prévalence")
    assert fidelity(text, SOURCE, (start, start + len(text)), margin=0) == 1.0
    assert fidelity(text, SOURCE, (0, 10), margin=0) == 1.0  # a wrong span: the whole source is tried too


def test_tagger_writes_rounded_fidelity_and_fails_without_source(tmp_path):
    step = FidelityTagger(FidelityConfig(), RunContext(out_dir=str(tmp_path)), 4)
    docs = [
        _passage("s/a#p0", "La prévalence augmente avec l’âge, dit-on, chez les hypertendus.", char_start=0,
                 char_end=5),
        Document(text="Texte.", id="s/b#p0", metadata=dict(META)),
    ]
    out = iter_outputs(step, docs)
    assert [d.id for d in out] == ["s/a#p0"]
    value = out[0].metadata["fidelity"]
    assert 0.5 < value < 1.0 and value == round(value, 4)
    failed = read_records(tmp_path / "failed")
    assert [(r["id"], r["reason"]) for r in failed] == [("s/b#p0", "fidelity_no_source")]


def test_filter_reason_and_detail(tmp_path):
    step = FidelityFilter(FidelityFilterConfig(), RunContext(out_dir=str(tmp_path)), 5)
    docs = [_passage("s/a", "x", fidelity=0.97), _passage("s/b", "y", fidelity=0.42), _passage("s/c", "z")]
    assert [d.id for d in iter_outputs(step, docs)] == ["s/a"]
    assert [(r["id"], r["reason"], r["message"]) for r in read_records(tmp_path / "excluded")] == [
        ("s/b", "fidelity_too_low", "0.4200 < 0.5")
    ]
    assert [(r["id"], r["reason"]) for r in read_records(tmp_path / "failed")] == [("s/c", "fidelity_missing")]


def test_buckets_follow_table_8():
    rows = fidelity_buckets([1.0, 0.995, 0.97, 0.92, 0.85, 0.6, 0.3])
    assert rows == [(">= 99 %", 2), (">= 95 %", 3), (">= 90 %", 4), (">= 80 %", 5), (">= 50 %", 6), ("< 50 %", 1)]
    assert fidelity_buckets([]) == [(label, 0) for label, _ in rows]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=unique_documents(max_size=20))
def test_fidelity_filter_never_modifies_documents(tmp_path_factory, docs):
    out = tmp_path_factory.mktemp("ff")
    for i, d in enumerate(docs):
        d.metadata.update(fidelity=(i % 10) / 9, route="extraction")
    step = FidelityFilter(FidelityFilterConfig(), RunContext(out_dir=str(out)), 1)
    before = {d.id: (d.text, copy.deepcopy(d.metadata)) for d in docs}
    kept = iter_outputs(step, docs)
    for d in kept:
        assert (d.text, d.metadata) == before[d.id]
    assert all(d.metadata["fidelity"] >= 0.5 for d in kept)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=unique_documents(max_size=15))
def test_tagger_never_raises_on_odd_text(tmp_path_factory, docs):
    step = FidelityTagger(FidelityConfig(), RunContext(out_dir=str(tmp_path_factory.mktemp("ft"))), 1)
    for d in docs:
        d.metadata.update(_segment_text=d.text[::-1], char_start=0, char_end=len(d.text), route="extraction")
    out = iter_outputs(step, docs)
    assert len(out) == len(docs)
    assert all(0.0 <= d.metadata["fidelity"] <= 1.0 for d in out)


@pytest.mark.parametrize("margin", [0, 200])
def test_passage_equal_to_its_span_is_fully_covered(margin):
    start = SOURCE.index("L’hypertension")
    end = SOURCE.index("mmHg.") + 5
    assert fidelity(SOURCE[start:end], SOURCE, (start, end), margin) == 1.0
