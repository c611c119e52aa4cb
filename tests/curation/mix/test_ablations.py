"""``build_ablations``: the Table 1 corpora — balanced types, minus one type, random control, thresholds."""

from __future__ import annotations

import pytest

from curation.errors import ConfigError
from curation.mix.ablations import UNTYPED, build_ablations
from curation.mix.config import AblationConfig
from curation.scores import SIGNALS, QualityRule, ScoreFields
from tests.curation.mix.runs import doc, typed_documents, write_run

DOCS = typed_documents()
BY_ID = {d.id: d for d in DOCS}
TYPES = sorted({d.metadata["student.content_type"] for d in DOCS if "student.content_type" in d.metadata})


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> str:
    return str(write_run(tmp_path_factory.mktemp("typed") / "run", DOCS, shards=3))


@pytest.fixture(scope="module")
def result(run):
    return build_ablations(AblationConfig(), [run])


def corpora(result) -> dict:
    return {c.name: c for c in result.corpora}


def type_tokens(corpus) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in corpus.rows:
        out[r.group] = out.get(r.group, 0) + r.tokens
    return out


def test_every_table_1_corpus_is_built(result):
    names = set(corpora(result))
    assert names == {"full", "balanced", "random_control", *(f"minus_{t}" for t in TYPES), "edu_cont_ge_6",
                     "edu_cont_ge_7", "edu_cont_ge_8", "edu_ge_7", "cont_ge_7", "writ_ge_7", "term_ge_7"}
    assert len(corpora(result)["full"].rows) == len(DOCS)
    assert all(r.repetitions == 1 for c in result.corpora for r in c.rows)  # upsampling repetitions ignored


def test_balanced_types_have_equal_tokens_within_one_document(result):
    balanced = corpora(result)["balanced"]
    per_type = type_tokens(balanced)
    assert set(per_type) == set(TYPES)  # untyped documents left out
    budget = result.summary["per_type_tokens"]
    full = {t: sum(d.metadata["token_count"] for d in DOCS if d.metadata.get("student.content_type") == t)
            for t in TYPES}
    assert budget == min(full.values())
    biggest = max(d.metadata["token_count"] for d in DOCS)
    for t, tokens in per_type.items():
        assert budget - biggest < tokens <= budget, t
    assert max(per_type.values()) - min(per_type.values()) <= biggest
    reported = {t["type"]: t for t in result.summary["types"]}
    assert {t: reported[t]["balanced_tokens"] for t in TYPES} == per_type
    assert {t: reported[t]["tokens"] for t in TYPES} == full
    smallest = min(full, key=full.get)
    assert reported[smallest]["balanced_documents"] == reported[smallest]["documents"]  # kept whole


def test_untyped_documents_are_reported(result):
    untyped = [d for d in DOCS if "student.content_type" not in d.metadata]
    assert untyped
    assert result.summary["corpus"]["untyped"] == {"documents": len(untyped),
                                                   "tokens": sum(d.metadata["token_count"] for d in untyped)}
    assert any(f"{len(untyped)} document(s)" in w and "no content type" in w for w in result.warnings)
    assert sum(1 for r in corpora(result)["full"].rows if r.group == UNTYPED) == len(untyped)


def test_minus_type_is_the_balanced_corpus_without_that_type(result):
    balanced = {r.id for r in corpora(result)["balanced"].rows}
    for t in TYPES:
        minus = corpora(result)[f"minus_{t}"]
        ids = {r.id for r in minus.rows}
        assert not any(r.group == t for r in minus.rows)
        assert all(BY_ID[i].metadata["student.content_type"] != t for i in ids)
        assert ids == {i for i in balanced if BY_ID[i].metadata["student.content_type"] != t}


def test_random_control_removes_as_many_tokens_as_one_type(result):
    c = corpora(result)
    balanced = {r.id for r in c["balanced"].rows}
    control = {r.id for r in c["random_control"].rows}
    assert control < balanced
    removed_types = {BY_ID[i].metadata["student.content_type"] for i in balanced - control}
    assert len(removed_types) > 1  # random, not one type
    biggest = max(d.metadata["token_count"] for d in DOCS)
    for t in TYPES:
        assert abs(c["random_control"].tokens - c[f"minus_{t}"].tokens) <= biggest


@pytest.mark.parametrize("name", ["edu_cont_ge_6", "edu_cont_ge_7", "edu_cont_ge_8", "edu_ge_7", "cont_ge_7",
                                  "writ_ge_7", "term_ge_7"])
def test_threshold_corpora_keep_exactly_the_documents_meeting_the_rule(result, name):
    signals, k = name.rsplit("_ge_", 1)
    rule = QualityRule(**{s: (float(k) if s in signals.split("_") else None) for s in SIGNALS})
    expected = {d.id for d in DOCS if rule.meets(d.metadata, ScoreFields())}
    kept = {r.id for r in corpora(result)[name].rows}
    assert kept == expected and 0 < len(kept) < len(DOCS)
    missing = [d.id for d in DOCS if any(f"student.{s}" not in d.metadata for s in signals.split("_"))]
    assert missing and not kept & set(missing)  # a missing score never meets a threshold


def test_ablations_are_deterministic_and_seeded(run, result):
    again = build_ablations(AblationConfig(), [run])
    assert [(c.name, c.rows) for c in again.corpora] == [(c.name, c.rows) for c in result.corpora]
    other = corpora(build_ablations(AblationConfig(seed=1), [run]))
    assert {r.id for r in other["balanced"].rows} != {r.id for r in corpora(result)["balanced"].rows}
    assert {r.id for r in other["edu_cont_ge_7"].rows} == {r.id for r in corpora(result)["edu_cont_ge_7"].rows}


def test_fields_variants_types_and_budget_come_from_the_config(tmp_path):
    docs = [doc(f"hal/{i}", "hal", 100, content_type=t, **{"quality.edu": 8, "quality.cont": 5})
            for i, t in enumerate(["a"] * 6 + ["b"] * 3 + ["c"] * 2)]
    run = str(write_run(tmp_path / "r", docs))
    cfg = AblationConfig(fields=ScoreFields(edu="quality.edu", cont="quality.cont", writ="quality.writ",
                                            term="quality.term", content_type="content_type"),
                         variants=["balanced", "minus", "thresholds"], content_types=["a", "b"],
                         thresholds=[{"min": {"edu": 8}}, {"min": {"edu": 8, "cont": 6}, "name": "strict"}],
                         budget_tokens=3000)
    result = build_ablations(cfg, [run])
    c = corpora(result)
    assert set(c) == {"balanced", "minus_a", "minus_b", "edu_ge_8", "strict"}
    assert type_tokens(c["balanced"]) == {"a": 300, "b": 300}  # type c left out (content_types); 300 = b's tokens
    assert {r.repetitions for r in c["balanced"].rows} == {5}  # 600 tokens repeated to the 3000-token budget
    for corpus in result.corpora:  # every non-empty corpus repeated to the budget, within one document
        assert not corpus.rows or abs(corpus.tokens - 3000) <= 100, corpus.name
    assert len(c["edu_ge_8"].rows) == 11 and c["strict"].rows == []
    assert any("corpus 'strict' is empty" in w for w in result.warnings)
    assert any("not in content_types" in w and "c" in w for w in result.warnings)


def test_ablation_errors(tmp_path):
    run = str(write_run(tmp_path / "r", [doc("hal/1", "hal", 10)]))
    with pytest.raises(ConfigError, match="no document has a content type in 'student.content_type'"):
        build_ablations(AblationConfig(), [run])
    assert build_ablations(AblationConfig(variants=["full", "thresholds"]), [run]).corpora[0].name == "full"
    typed = str(write_run(tmp_path / "t", [doc("hal/1", "hal", 10, **{"student.content_type": "a"})]))
    with pytest.raises(ConfigError, match="content type\\(s\\) b have no tokens"):
        build_ablations(AblationConfig(content_types=["a", "b"]), [typed])
    with pytest.raises(ConfigError, match="no runs"):
        build_ablations(AblationConfig(), [])
