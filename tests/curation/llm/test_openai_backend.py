"""The openai backend against a real OpenAI-compatible HTTP server on loopback, and against a closed port."""

from __future__ import annotations

import pytest


from curation.llm import LLMCache, LLMConfig, build_client
from tests.curation.llm.fake_server import ANNOTATION, VALID, FakeOpenAIServer, closed_port
from tests.curation.llm.models import Annotation, Passages, request


@pytest.fixture
def server():
    """A fresh server per test."""
    srv = FakeOpenAIServer(slow_s=1.0)
    srv.base_url = srv.start()
    yield srv
    srv.stop()


def client_for(base_url: str, tmp_path, **overrides):
    """A client on ``base_url`` with short timeouts and backoff, and a cache under ``tmp_path``."""
    fields = {"backend": "openai", "model": "test-model", "base_url": base_url, "api_key_env": "BIOMEDFR_TEST_KEY",
                  "timeout_s": 5, "backoff_s": 0.01, "transport_retries": 2, "max_retries": 2, "max_concurrency": 4,
                  "max_new_tokens": 64}
    fields.update(overrides)
    config = LLMConfig(**fields)
    return build_client(config, cache=LLMCache(tmp_path / "cache"))


def test_valid_answers_carry_schema_key_and_tokens(server, tmp_path, monkeypatch):
    monkeypatch.setenv("BIOMEDFR_TEST_KEY", "sekret-123")
    client = client_for(server.base_url, tmp_path)
    results = client.generate([request("a", "mode:valid a"), request("b", "mode:annotation b", model=Annotation)])
    assert [r.key for r in results] == ["a", "b"]
    assert results[0].value == Passages(**VALID)
    assert results[1].value == Annotation(**ANNOTATION)
    assert all(r.reason is None and r.attempts == 1 and not r.cached for r in results)
    assert (results[0].tokens_in, results[0].tokens_out) == (11, 7)
    fmt = server.requests[0]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    schemas = {r["response_format"]["json_schema"]["name"]: r["response_format"]["json_schema"]["schema"]
               for r in server.requests}
    assert schemas == {"Passages": Passages.model_json_schema(), "Annotation": Annotation.model_json_schema()}
    assert server.requests[0]["max_tokens"] == 64 and server.requests[0]["temperature"] == 0.0
    assert {h["authorization"] for h in server.headers} == {"Bearer sekret-123"}
    assert client.stats.calls == 2 and client.stats.valid == 2 and client.stats.tokens_in == 22
    assert client.stats.valid_json_rate == 1.0


def test_missing_key_env_sends_empty(server, tmp_path, monkeypatch):
    monkeypatch.delenv("BIOMEDFR_TEST_KEY", raising=False)
    client_for(server.base_url, tmp_path).generate([request("a", "mode:valid a")])
    assert server.headers[0]["authorization"] == "Bearer EMPTY"


def test_second_run_is_served_from_cache(server, tmp_path):
    reqs = [request(str(i), f"mode:valid {i}") for i in range(5)]
    first = client_for(server.base_url, tmp_path).generate(reqs)
    again = client_for(server.base_url, tmp_path)
    second = again.generate(reqs)
    assert len(server.requests) == 5
    assert again.stats.calls == 0 and again.stats.cache_hits == 5
    assert [r.value for r in second] == [r.value for r in first] and all(r.cached for r in second)


def test_fenced_json_is_accepted(server, tmp_path):
    [result] = client_for(server.base_url, tmp_path).generate([request("a", "mode:fenced a")])
    assert result.value == Passages(**VALID) and "```json" in result.raw


def test_invalid_then_valid_is_retried_at_higher_temperature(server, tmp_path):
    client = client_for(server.base_url, tmp_path)
    [result] = client.generate([request("a", "mode:invalid_then_valid a")])
    assert result.value == Passages(**VALID) and result.attempts == 2
    assert [r["temperature"] for r in server.requests] == [0.0, 0.2]
    assert (client.stats.calls, client.stats.valid, client.stats.invalid) == (2, 1, 1)
    assert client.stats.valid_json_rate == 0.5
    # A re-run finds the retry's cached answer: no call at all.
    again = client_for(server.base_url, tmp_path)
    assert again.generate([request("a", "mode:invalid_then_valid a")])[0].cached
    assert again.stats.calls == 0 and len(server.requests) == 2


def test_always_invalid_gives_reason_and_raw(server, tmp_path):
    client = client_for(server.base_url, tmp_path, max_retries=2)
    [result] = client.generate([request("a", "mode:always_invalid a")])
    assert result.value is None and result.reason == "llm_invalid_json"
    assert result.raw == "Je ne peux pas répondre en JSON." and result.attempts == 3
    assert [r["temperature"] for r in server.requests] == [0.0, 0.2, 0.4]
    assert client.stats.failed == 1 and client.stats.reasons["llm_invalid_json"] == 1
    assert len(client.cache) == 1  # the final failure is remembered (invalid output is deterministic)


def test_500_then_valid_is_a_transport_retry(server, tmp_path):
    client = client_for(server.base_url, tmp_path)
    [result] = client.generate([request("a", "mode:500_then_valid a")])
    assert result.value == Passages(**VALID) and result.attempts == 1
    assert len(server.requests) == 2 and client.stats.calls == 1


def test_500_always_is_unavailable_after_transport_retries(server, tmp_path):
    client = client_for(server.base_url, tmp_path, transport_retries=2)
    [result] = client.generate([request("a", "mode:500_always a")])
    assert result.reason == "llm_unavailable" and "HTTP 500" in result.message and "3 attempt" in result.message
    assert len(server.requests) == 3
    assert client.stats.errors == 1 and client.stats.reasons["llm_unavailable"] == 1


def test_timeout(server, tmp_path):
    client = client_for(server.base_url, tmp_path, timeout_s=0.3, transport_retries=1)
    [slow, fast] = client.generate([request("a", "mode:slow a"), request("b", "mode:valid b")])
    assert slow.reason == "llm_timeout" and slow.value is None
    assert fast.value == Passages(**VALID)
    assert server.per_text["mode:slow a"] == 2


def test_length_and_repetition_loop(server, tmp_path):
    client = client_for(server.base_url, tmp_path, max_retries=1)
    length, loop = client.generate([request("a", "mode:length a"), request("b", "mode:loop b")])
    assert length.reason == "llm_no_stop" and length.attempts == 2
    assert loop.reason == "llm_repetition_loop" and loop.raw.endswith("et le patient ")
    assert client.stats.reasons == {"llm_no_stop": 1, "llm_repetition_loop": 1}


def test_concurrent_batch_keeps_order(server, tmp_path):
    reqs = [request(str(i), f"mode:{'valid' if i % 3 else 'always_invalid'} {i}") for i in range(30)]
    results = client_for(server.base_url, tmp_path, max_retries=0, max_concurrency=8).generate(reqs)
    assert [r.key for r in results] == [str(i) for i in range(30)]
    assert [r.ok for r in results] == [bool(i % 3) for i in range(30)]


def test_server_down(tmp_path):
    client = client_for(f"http://127.0.0.1:{closed_port()}/v1", tmp_path, transport_retries=1)
    results = client.generate([request("a", "mode:valid a"), request("b", "mode:valid b")])
    assert [r.reason for r in results] == ["llm_unavailable", "llm_unavailable"]
    assert "connection failed" in results[0].message
    assert client.stats.errors == 2 and client.stats.valid_json_rate is None


def test_concurrency_is_bounded(server, tmp_path):
    reqs = [request(str(i), f"mode:brief {i}") for i in range(12)]
    results = client_for(server.base_url, tmp_path, max_concurrency=3).generate(reqs)
    assert all(r.ok for r in results)
    assert 1 < server.max_in_flight <= 3


def test_4xx_is_not_retried(server, tmp_path):
    client = client_for(server.base_url, tmp_path, transport_retries=3)
    [result] = client.generate([request("a", "mode:nonsense a")])
    assert result.reason == "llm_unavailable" and "HTTP 400" in result.message
    assert len(server.requests) == 1


def test_images_are_sent_as_data_urls(server, tmp_path):
    [result] = client_for(server.base_url, tmp_path).generate([request("p", "mode:valid page", images=[b"\x89PNGxx"])])
    content = server.requests[0]["messages"][-1]["content"]
    assert result.ok and content[0] == {"type": "text", "text": "mode:valid page"}
    assert content[1]["image_url"]["url"].startswith("data:image/png;base64,")
