"""The FineWeb-2 quality steps: stock filters behind declared reasons, and the fused step that agrees."""

from __future__ import annotations

import copy
import pickle

import pytest
from hypothesis import HealthCheck, given, settings

from curation.document import Document
from curation.errors import ConfigError
from curation.io import read_records
from curation.quality.corpus import adversarial_passages
from curation.quality.stock import (
    ALL_REASONS,
    FINEWEB_QUALITY_REASONS,
    GOPHER_QUALITY_REASONS,
    GOPHER_REPETITION_REASONS,
)
from curation.run.context import RunContext
from curation.steps.quality_filters import (
    Fineweb2QualityConfig,
    Fineweb2QualityStep,
    FineWebQualityConfig,
    FineWebQualityStep,
    GopherQualityConfig,
    GopherQualityStep,
    GopherRepetitionConfig,
    GopherRepetitionStep,
)
from curation.steps.registry import STEPS
from tests.strategies import unique_documents

META = {"source": "s", "license": "MIT", "route": "direct"}
STOCK = [
    (GopherRepetitionStep, GopherRepetitionConfig),
    (FineWebQualityStep, FineWebQualityConfig),
    (GopherQualityStep, GopherQualityConfig),
]
ALL = STOCK + [(Fineweb2QualityStep, Fineweb2QualityConfig)]
# adversarial passage -> (step that drops it, reason), with the French thresholds
EXPECTED = {
    "empty": ("gopher_repetition", "gopher_rep_empty"),
    "repeated_lines": ("gopher_repetition", "gopher_rep_dup_line_frac"),
    "top_2_gram": ("gopher_repetition", "gopher_rep_top_2_gram"),
    "top_3_gram": ("gopher_repetition", "gopher_rep_top_3_gram"),
    "duplicated_5_n_grams": ("gopher_repetition", "gopher_rep_duplicated_5_n_grams"),
    "duplicated_9_n_grams": ("gopher_repetition", "gopher_rep_duplicated_9_n_grams"),
    "blank": ("fineweb_quality", "fineweb_empty"),
    "no_final_punctuation": ("fineweb_quality", "fineweb_line_punct_ratio"),
    "char_dup": ("fineweb_quality", "fineweb_char_dup_ratio"),
    "list_ratio": ("fineweb_quality", "fineweb_list_ratio"),
    "short_doc": ("gopher_quality", "gopher_short_doc"),
    "one_letter_words": ("gopher_quality", "gopher_below_avg_threshold"),
    "long_words": ("gopher_quality", "gopher_above_avg_threshold"),
    "hashes": ("gopher_quality", "gopher_too_many_hashes"),
    "ellipses": ("gopher_quality", "gopher_too_many_ellipsis"),
    "bullets": ("gopher_quality", "gopher_too_many_bullets"),
    "end_ellipsis_lines": ("gopher_quality", "gopher_too_many_end_ellipsis"),
    "numbers": ("gopher_quality", "gopher_below_alpha_threshold"),
    "english": ("gopher_quality", "gopher_enough_stop_words"),
}
CLEAN = {"clean", "clean_two_paragraphs", "clean_lines", "curly_elisions", "odd_unicode", "is_alpha_quirk"}


def _docs(names=None) -> list[Document]:
    return [
        Document(p.text, f"s/{p.name.split('/')[1]}", metadata=dict(META))
        for p in adversarial_passages()
        if "\ud800" not in p.text and (names is None or p.name.split("/")[1] in names)
    ]


def _run(step, docs):
    return list(step.run(iter(docs), rank=0, world_size=1))


def _reasons(folder) -> dict[str, str]:
    return {r["id"].split("/")[1]: r["reason"] for r in read_records(folder)}


def test_steps_are_registered_with_their_names():
    for cls, config in ALL:
        assert STEPS[cls.name] is cls and config().step == cls.name
    assert {c.name for c, _ in ALL} == {"gopher_repetition", "fineweb_quality", "gopher_quality", "fineweb2_quality"}


def test_declared_reasons_cover_datatrove_reasons():
    assert GopherRepetitionStep.reasons == frozenset(GOPHER_REPETITION_REASONS.values())
    assert FineWebQualityStep.reasons == frozenset(FINEWEB_QUALITY_REASONS.values())
    assert GopherQualityStep.reasons == frozenset(GOPHER_QUALITY_REASONS.values())
    assert Fineweb2QualityStep.reasons == ALL_REASONS
    assert len(ALL_REASONS) == 29
    assert all(r.startswith(("gopher_rep_", "fineweb_", "gopher_")) for r in ALL_REASONS)
    assert "gopher_rep_top_2_gram" in ALL_REASONS and "fineweb_line_punct_ratio" in ALL_REASONS


def test_stock_chain_reasons(tmp_path):
    ctx = RunContext(out_dir=str(tmp_path))
    docs = _docs(set(EXPECTED) | CLEAN)
    for i, (cls, config) in enumerate(STOCK, 1):
        docs = _run(cls(config(), ctx, i), docs)
    assert {d.id.split("/")[1] for d in docs} == CLEAN
    for i, (cls, _) in enumerate(STOCK, 1):
        got = _reasons(tmp_path / "excluded" / f"{i:02d}_{cls.name}")
        want = {name: reason for name, (step, reason) in EXPECTED.items() if step == cls.name}
        assert got == want
    record = read_records(tmp_path / "excluded" / "01_gopher_repetition")[0]
    assert record["message"].startswith("datatrove GopherRepetitionFilter: ")


def test_fused_step_excludes_the_same_passages_for_the_same_reasons(tmp_path):
    stock_dir, fused_dir = tmp_path / "stock", tmp_path / "fused"
    docs = _docs()
    kept = docs
    for i, (cls, config) in enumerate(STOCK, 1):
        kept = _run(cls(config(), RunContext(out_dir=str(stock_dir)), i), kept)
    fused_kept = _run(Fineweb2QualityStep(Fineweb2QualityConfig(), RunContext(out_dir=str(fused_dir)), 1), _docs())
    assert [d.id for d in fused_kept] == [d.id for d in kept]
    assert _reasons(fused_dir / "excluded") == _reasons(stock_dir / "excluded")
    details = {r["id"].split("/")[1]: r["message"] for r in read_records(fused_dir / "excluded")}
    assert details["repeated_lines"] == "14/17 > 0.264"


def test_clean_french_passes_every_step(tmp_path):
    for i, (cls, config) in enumerate(ALL, 1):
        docs = _docs(CLEAN)
        assert len(_run(cls(config(), RunContext(out_dir=str(tmp_path)), i), docs)) == len(CLEAN), cls.name


@pytest.mark.parametrize("cls, config", ALL, ids=[c.name for c, _ in ALL])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=unique_documents(max_size=15))
def test_filters_never_modify_documents(tmp_path_factory, cls, config, docs):
    out = tmp_path_factory.mktemp(cls.name)
    step = cls(config(), RunContext(out_dir=str(out)), 1)
    before = {d.id: (d.text, copy.deepcopy(d.metadata)) for d in docs}
    kept = _run(step, docs)
    for d in kept:
        assert (d.text, d.metadata) == before[d.id]
    excluded = read_records(out / "excluded")
    failed = read_records(out / "failed")
    assert {r["id"] for r in excluded} | {r["id"] for r in failed} | {d.id for d in kept} == set(before)
    for r in excluded:
        assert r["reason"] in cls.reasons
        assert r["text"] == before[r["id"]][0]


def test_min_doc_words_override_and_bad_override(tmp_path):
    ctx = RunContext(out_dir=str(tmp_path))
    step = GopherQualityStep(GopherQualityConfig(overrides={"gopher_quality": {"min_doc_words": 50}}), ctx, 1)
    text = (
        "La bronchiolite aiguë du nourrisson est une infection virale des voies respiratoires basses, due le plus "
        "souvent au virus respiratoire syncytial. Elle survient par épidémies chaque hiver et touche près d'un tiers "
        "des enfants de moins de deux ans."
    )  # 40 words: passes the default 30, fails 50
    doc = Document(text, "s/short_ok", metadata=dict(META))
    assert len(_run(GopherQualityStep(GopherQualityConfig(), ctx, 3), [doc])) == 1
    assert _run(step, [doc]) == []
    assert _reasons(tmp_path / "excluded" / "01_gopher_quality") == {"short_ok": "gopher_short_doc"}
    with pytest.raises(ConfigError, match="min_doc_word"):
        Fineweb2QualityStep(Fineweb2QualityConfig(overrides={"gopher_quality": {"min_doc_word": 50}}), ctx, 2)


def test_config_rejects_unknown_fields():
    with pytest.raises(Exception, match="extra"):
        Fineweb2QualityConfig(min_words=3)


def test_steps_pickle_before_and_after_use(tmp_path):
    ctx = RunContext(out_dir=str(tmp_path))
    for i, (cls, config) in enumerate(ALL, 1):
        step = cls(config(), ctx, i)
        pickle.loads(pickle.dumps(step))
        _run(step, _docs({"clean"}))
        copy_ = pickle.loads(pickle.dumps(step))
        assert len(_run(copy_, _docs({"clean"}))) == 1
