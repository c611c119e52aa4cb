"""``passage_filter``: word range and letter share, with the measured value in the detail."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings

from curation.document import Document
from curation.io import read_records
from curation.run.context import RunContext
from curation.steps.base import iter_outputs
from curation.steps.passage_filter import PassageFilter, PassageFilterConfig
from tests.strategies import unique_documents

META = {"source": "s", "license": "MIT", "route": "extraction"}
SENTENCE = "Le patient présente une hypertension artérielle traitée par un inhibiteur calcique. "


def _doc(doc_id, text):
    return Document(text=text, id=doc_id, metadata=dict(META))


def test_reasons_and_details(tmp_path):
    step = PassageFilter(PassageFilterConfig(), RunContext(out_dir=str(tmp_path)), 3)
    docs = [
        _doc("s/ok", SENTENCE * 4),  # 44 words
        _doc("s/short", "Voir figure 1."),
        _doc("s/long", SENTENCE * 60),
        _doc("s/table", "Amoxicilline " + " ".join(f"{i},{i % 10}" for i in range(40))),
    ]
    kept = iter_outputs(step, docs)
    assert [d.id for d in kept] == ["s/ok"]
    reasons = {r["id"]: (r["reason"], r["message"]) for r in read_records(tmp_path / "excluded")}
    assert reasons["s/short"] == ("passage_too_short", "3 words < 30")
    assert reasons["s/long"] == ("passage_too_long", "660 words > 600")
    assert reasons["s/table"][0] == "passage_low_alpha" and reasons["s/table"][1].startswith("alpha 0.")


def test_thresholds_are_configurable(tmp_path):
    config = PassageFilterConfig(min_words=2, max_words=5, min_alpha_ratio=0.0)
    step = PassageFilter(config, RunContext(out_dir=str(tmp_path)), 1)
    kept = iter_outputs(step, [_doc("s/a", "un deux"), _doc("s/b", "1 2 3"), _doc("s/c", "un")])
    assert [d.id for d in kept] == ["s/a", "s/b"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=unique_documents(max_size=20))
def test_passage_filter_never_modifies_documents(tmp_path_factory, docs):
    out = tmp_path_factory.mktemp("pf")
    step = PassageFilter(PassageFilterConfig(min_words=3, max_words=40), RunContext(out_dir=str(out)), 1)
    before = {d.id: (d.text, copy.deepcopy(d.metadata)) for d in docs}
    kept = iter_outputs(step, docs)
    for d in kept:
        assert (d.text, d.metadata) == before[d.id]
    excluded = read_records(out / "excluded") if (out / "excluded").exists() else []
    assert {r["id"] for r in excluded} | {d.id for d in kept} == set(before)
    assert all(r["reason"] in PassageFilter.reasons for r in excluded)
