"""Dry-run estimates, the config, build_client and the stats law."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from curation.errors import ConfigError
from curation.llm import LLMCache, LLMClient, LLMConfig, LLMStats, build_client, estimate
from curation.llm.backends.base import BackendOutput
from tests.curation.llm.models import ScriptedBackend, request


def test_estimate_counts_cache_hits_without_calling(tmp_path):
    config = LLMConfig(backend="openai", model="m", max_new_tokens=100, cache_dir=str(tmp_path), max_retries=0)
    reqs = [request(str(i), "x" * (40 * (i + 1))) for i in range(4)]
    valid = json.dumps({"passages": []})
    backend = ScriptedBackend(lambda p, n: BackendOutput(text=valid if "x" * 120 not in p.messages[-1]["content"]
                                                          else "{", finish_reason="stop"), model_id=config.model_id)
    client = LLMClient(config, backend, LLMCache(config.resolved_cache_dir()))
    before = estimate(reqs, client)
    system = len("Réponds en JSON.") + 1  # messages joined by a newline
    assert before.as_dict() == {"requests": 4, "cached": 0, "to_send": 4, "max_output_tokens": 400,
                                "input_tokens": sum(-(-(system + 40 * (i + 1)) // 4) for i in range(4))}
    assert backend.calls == 0
    results = client.generate(reqs[:3])
    assert [r.ok for r in results] == [True, True, False]  # the third is invalid: a remembered failure
    after = estimate(reqs, client, count_tokens=lambda text: 1)
    assert (after.cached, after.to_send, after.input_tokens, after.max_output_tokens) == (3, 1, 1, 100)
    assert backend.calls == 3


def test_config_rejects_unknown_keys_and_documents_fields(tmp_path, monkeypatch):
    with pytest.raises(ValidationError):
        LLMConfig(backend="openai", model="m", api_key="sk-nope")
    assert all(f.description for f in LLMConfig.model_fields.values())
    monkeypatch.setenv("BIOMEDFR_CACHE", str(tmp_path / "shared"))
    assert LLMConfig(backend="vllm", model="m").resolved_cache_dir() == tmp_path / "shared"
    monkeypatch.delenv("BIOMEDFR_CACHE")
    assert str(LLMConfig(backend="vllm", model="m").resolved_cache_dir()).endswith(".cache/biomedfr/llm")
    assert LLMConfig(backend="transformers", model="dir", gguf_file="q8.gguf").model_id == "dir:q8.gguf"


def test_build_client_transformers_is_lazy(tmp_path):
    client = build_client(LLMConfig(backend="transformers", model="/models/m"), cache=LLMCache(tmp_path))
    assert client.model_id == "/models/m"  # known without loading the model: a cached run never loads it
    packaged = build_client(LLMConfig(backend="transformers", model="smollm2-135m-instruct"), cache=LLMCache(tmp_path))
    # the id the backend reports (and dry runs look the cache up with), not the config's short name
    assert packaged.model_id == "smollm2-135m-instruct:SmolLM2-135M-Instruct.Q4_1.gguf"
    with pytest.raises(ConfigError, match="llm.backend: backend 'nope'"):
        build_client(LLMConfig.model_construct(backend="nope", model="m"), cache=LLMCache(tmp_path))


def test_build_client_openai_uses_config_cache_dir(tmp_path):
    client = build_client(LLMConfig(backend="openai", model="m", base_url="http://127.0.0.1:9/v1",
                                    cache_dir=str(tmp_path / "c")))
    assert client.cache.directory == tmp_path / "c" and client.model_id == "m"
    client.close()


counts = st.integers(min_value=0, max_value=10**6)
stats = st.builds(LLMStats, calls=counts, cache_hits=counts, valid=counts, invalid=counts, errors=counts,
                  failed=counts, tokens_in=counts, tokens_out=counts,
                  reasons=st.dictionaries(st.sampled_from(["llm_timeout", "llm_invalid_json"]),
                                          st.integers(1, 50)).map(__import__("collections").Counter))


@given(stats, stats, stats)
def test_stats_merge_in_any_order(a, b, c):
    assert ((a + b) + c).to_dict() == (c + (b + a)).to_dict()
    assert (a + LLMStats()).to_dict() == a.to_dict()
