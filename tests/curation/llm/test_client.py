"""LLMClient: batching, cache, validation, retries and stats, over a scripted backend."""

from __future__ import annotations

import json

from curation.llm import LLMCache, LLMClient, LLMConfig, SamplingParams
from curation.llm.backends.base import BackendOutput
from tests.curation.llm.models import Annotation, Passages, ScriptedBackend, request

GOOD = json.dumps({"passages": ["Un passage complet."]})


def make(tmp_path, answer, **overrides) -> tuple[LLMClient, ScriptedBackend]:
    """A client over a scripted backend with a cache in ``tmp_path``."""
    config = LLMConfig(**{"backend": "openai", "model": "scripted-model", "max_retries": 2, **overrides})
    backend = ScriptedBackend(answer)
    return LLMClient(config, backend, LLMCache(tmp_path / "cache")), backend


def test_one_batch_in_order_and_zero_calls_on_rerun(tmp_path):
    client, backend = make(tmp_path,
                           lambda p, n: BackendOutput(text=GOOD, tokens_in=5, tokens_out=3, finish_reason="stop"))
    reqs = [request(f"doc{i}", f"texte {i}") for i in range(6)]
    results = client.generate(reqs)
    assert len(backend.batches) == 1 and len(backend.batches[0]) == 6
    assert [r.key for r in results] == [f"doc{i}" for i in range(6)]
    assert all(r.value == Passages(passages=["Un passage complet."]) for r in results)
    assert backend.batches[0][0].schema == Passages.model_json_schema()
    assert backend.batches[0][0].schema_name == "Passages"
    rerun, backend2 = make(tmp_path, lambda p, n: BackendOutput(error="llm_unavailable", message="must not be called"))
    again = rerun.generate(reqs + [request("new", "texte neuf")])
    assert backend2.calls == 1 and backend2.batches[0][0].messages[-1]["content"] == "texte neuf"
    assert [r.cached for r in again] == [True] * 6 + [False]
    assert rerun.stats.cache_hits == 6 and rerun.stats.calls == 1


def test_retries_raise_temperature_then_give_up_with_raw(tmp_path):
    client, backend = make(tmp_path, lambda p, n: BackendOutput(text=f"mauvais {n}", finish_reason="stop"),
                           temperature=0.1, temperature_step=0.3, max_retries=2)
    [result] = client.generate([request("a", "texte")])
    assert [b[0].sampling.temperature for b in backend.batches] == [0.1, 0.4, 0.7]
    assert result.reason == "llm_invalid_json" and result.raw == "mauvais 2" and result.attempts == 3
    assert len(client.cache) == 1  # the final failure is remembered: a re-run does not pay for it twice
    stats = client.stats
    assert (stats.calls, stats.valid, stats.invalid, stats.failed) == (3, 0, 3, 1)
    assert stats.valid_json_rate == 0.0 and stats.to_dict()["failed.llm_invalid_json"] == 1
    [again] = client.generate([request("a", "texte")])
    assert len(backend.batches) == 3 and again.cached and again.reason == "llm_invalid_json"
    assert again.raw == "mauvais 2" and "cached" in again.message
    more_retries, backend2 = make(tmp_path, lambda p, n: BackendOutput(text=GOOD, finish_reason="stop"),
                                  temperature=0.1, temperature_step=0.3, max_retries=3)
    [retried] = more_retries.generate([request("a", "texte")])
    assert retried.ok and len(backend2.batches) == 1  # a larger retry budget tries again


def test_transport_failures_are_never_remembered(tmp_path):
    client, backend = make(tmp_path, lambda p, n: BackendOutput(error="llm_timeout", message="slow"))
    [first] = client.generate([request("a", "texte")])
    [second] = client.generate([request("a", "texte")])
    assert first.reason == second.reason == "llm_timeout" and not second.cached
    assert len(backend.batches) == 2 and len(client.cache) == 0


def test_only_invalid_requests_are_retried_together(tmp_path):
    def answer(p, n):
        text = p.messages[-1]["content"]
        return BackendOutput(text=GOOD if (text.endswith("ok") or n >= 1) else "{", finish_reason="stop")

    client, backend = make(tmp_path, answer)
    results = client.generate([request("1", "x ok"), request("2", "x bad"), request("3", "y bad")])
    assert [len(b) for b in backend.batches] == [3, 2]
    assert [r.attempts for r in results] == [1, 2, 2] and all(r.ok for r in results)


def test_request_sampling_overrides_config(tmp_path):
    client, backend = make(tmp_path, lambda p, n: BackendOutput(text=GOOD, finish_reason="stop"))
    client.generate([request("a", "t", sampling=SamplingParams(temperature=0.5, max_new_tokens=7, seed=3))])
    assert backend.batches[0][0].sampling == SamplingParams(temperature=0.5, max_new_tokens=7, top_p=1.0, seed=3)


def test_transport_errors_are_not_retried_by_the_client(tmp_path):
    client, backend = make(tmp_path, lambda p, n: BackendOutput(error="llm_timeout", message="trop lent"))
    [result] = client.generate([request("a", "t")])
    assert result.reason == "llm_timeout" and result.message == "trop lent" and backend.calls == 1
    assert client.stats.errors == 1 and client.stats.valid_json_rate is None


def test_annotation_bounds_are_enforced(tmp_path):
    outputs = ['{"edu": 0, "cont": 5, "writ": 5, "term": 5, "content_type": "other"}',
               '{"edu": 3, "cont": 5, "writ": 5, "term": 5, "content_type": "patient_case"}']
    client, _ = make(tmp_path, lambda p, n: BackendOutput(text=outputs[min(n, 1)], finish_reason="stop"))
    [result] = client.generate([request("a", "t", model=Annotation)])
    assert result.value == Annotation(edu=3, cont=5, writ=5, term=5, content_type="patient_case")
    assert result.attempts == 2


def test_corrupt_cache_entry_is_a_miss(tmp_path):
    client, backend = make(tmp_path, lambda p, n: BackendOutput(text=GOOD, finish_reason="stop"))
    client.generate([request("a", "t")])
    [entry] = list((tmp_path / "cache").glob("??/??/*.json"))
    entry.write_text("{", encoding="utf-8")
    [result] = client.generate([request("a", "t")])
    assert not result.cached and result.ok and backend.calls == 2


def test_no_cache_and_empty_batch(tmp_path):
    config = LLMConfig(backend="openai", model="m")
    backend = ScriptedBackend(lambda p, n: BackendOutput(text=GOOD, finish_reason="stop"))
    client = LLMClient(config, backend, cache=None)
    assert client.generate([]) == [] and backend.calls == 0
    client.generate([request("a", "t")])
    client.generate([request("a", "t")])
    assert backend.calls == 2 and client.stats.calls == 2


def test_lazy_backend_builds_the_backend_only_when_a_prompt_must_be_sent():
    from curation.llm import LazyBackend

    built = []

    def factory():
        built.append(1)
        return ScriptedBackend(["{\"passages\": [\"x\"]}"])

    lazy = LazyBackend("m", factory)
    assert lazy.generate([]) == [] and built == []
    assert lazy.model_id == "m"
    lazy.close()
    assert built == []
