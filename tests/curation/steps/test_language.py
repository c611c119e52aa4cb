"""``language_id`` tags every document; ``language_filter`` keeps French above the lid.176 threshold."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings

from curation.document import Document, validate_metadata
from curation.io import read_records
from curation.run.context import RunContext
from curation.steps.language import (
    LID176_FRENCH_MIN_SCORE,
    LanguageFilter,
    LanguageFilterConfig,
    LanguageIdConfig,
    LanguageIdTagger,
)
from curation.steps.registry import STEPS
from tests.strategies import unique_documents

META = {"source": "s", "license": "MIT", "route": "extraction"}
FRENCH = (
    "La bronchiolite aiguë du nourrisson est une infection virale des voies respiratoires basses, due le plus "
    "souvent au virus respiratoire syncytial. Elle survient par épidémies chaque hiver."
)
ENGLISH = (
    "Acute bronchiolitis is a viral infection of the lower airways in infants, most often caused by the "
    "respiratory syncytial virus. It occurs in epidemics every winter."
)


def _run(step, docs):
    return list(step.run(iter(docs), rank=0, world_size=1))


def test_registered():
    assert STEPS["language_id"] is LanguageIdTagger and STEPS["language_filter"] is LanguageFilter
    assert LanguageFilterConfig().languages == ["fr"]
    assert LanguageFilterConfig().min_score == LID176_FRENCH_MIN_SCORE == 0.65


def test_tagger_writes_language_and_score(tmp_path):
    step = LanguageIdTagger(LanguageIdConfig(), RunContext(out_dir=str(tmp_path)), 1)
    docs = [Document(FRENCH, "s/fr", metadata=dict(META)), Document(ENGLISH, "s/en", metadata=dict(META)),
            Document("", "s/empty", metadata=dict(META)), Document("\ud800 🙂 \x00", "s/odd", metadata=dict(META))]
    out = {d.id: d.metadata for d in _run(step, docs)}
    assert out["s/fr"]["language"] == "fr" and out["s/fr"]["language_score"] > 0.9
    assert out["s/en"]["language"] == "en" and out["s/en"]["language_score"] > 0.9
    assert (out["s/empty"]["language"], out["s/empty"]["language_score"]) == ("und", 0.0)
    assert isinstance(out["s/odd"]["language"], str)
    for metadata in out.values():
        validate_metadata(metadata)
    assert not (tmp_path / "failed").exists()


def test_filter_keeps_french_and_excludes_english_with_detail(tmp_path):
    ctx = RunContext(out_dir=str(tmp_path))
    tagger = LanguageIdTagger(LanguageIdConfig(), ctx, 1)
    filt = LanguageFilter(LanguageFilterConfig(), ctx, 2)
    docs = [Document(FRENCH, "s/fr", metadata=dict(META)), Document(ENGLISH, "s/en", metadata=dict(META))]
    kept = _run(filt, _run(tagger, docs))
    assert [d.id for d in kept] == ["s/fr"]
    (record,) = read_records(tmp_path / "excluded" / "02_language_filter")
    assert record["id"] == "s/en" and record["reason"] == "language_not_french"
    assert record["message"].startswith("en 0.9")


def test_filter_predicts_when_untagged_and_honours_min_score(tmp_path):
    ctx = RunContext(out_dir=str(tmp_path))
    doc = Document(FRENCH, "s/fr", metadata=dict(META))
    assert len(_run(LanguageFilter(LanguageFilterConfig(), ctx, 1), [doc])) == 1
    tagged = Document(FRENCH, "s/low", metadata=dict(META, language="fr", language_score=0.5))
    assert _run(LanguageFilter(LanguageFilterConfig(), ctx, 2), [tagged]) == []
    assert read_records(tmp_path / "excluded" / "02_language_filter")[0]["message"] == "fr 0.500"
    assert len(_run(LanguageFilter(LanguageFilterConfig(languages=["fr", "en"], min_score=0.4), ctx, 3), [tagged])) == 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=unique_documents(max_size=15))
def test_filter_never_modifies_documents(tmp_path_factory, docs):
    out = tmp_path_factory.mktemp("lang")
    step = LanguageFilter(LanguageFilterConfig(), RunContext(out_dir=str(out)), 1)
    before = {d.id: (d.text, copy.deepcopy(d.metadata)) for d in docs}
    kept = _run(step, docs)
    for d in kept:
        assert (d.text, d.metadata) == before[d.id]
    excluded = read_records(out / "excluded")
    assert {r["id"] for r in excluded} | {d.id for d in kept} == set(before)
    assert all(r["reason"] == "language_not_french" for r in excluded)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=unique_documents(max_size=15))
def test_tagger_never_fails_and_never_drops(tmp_path_factory, docs):
    out = tmp_path_factory.mktemp("lid")
    kept = _run(LanguageIdTagger(LanguageIdConfig(), RunContext(out_dir=str(out)), 1), docs)
    assert [d.id for d in kept] == [d.id for d in docs]
    assert all(isinstance(d.metadata["language_score"], float) for d in kept)
    assert not (out / "failed").exists()
