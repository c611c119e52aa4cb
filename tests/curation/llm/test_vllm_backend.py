"""The vllm backend at the protocol level, with a fake ``vllm`` module (no GPU here)."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field

import pytest

from curation.llm import LLMCache, LLMConfig, build_client
from tests.curation.llm.models import Annotation, Passages, request


@dataclass
class Completion:
    """Shaped like vLLM's ``CompletionOutput``."""

    text: str
    finish_reason: str
    token_ids: list[int]


@dataclass
class RequestOutput:
    """Shaped like vLLM's ``RequestOutput``."""

    prompt_token_ids: list[int]
    outputs: list[Completion]


@dataclass
class FakeEngine:
    """Records ``LLM(...)`` and ``chat(...)``; answers from the last user message."""

    kwargs: dict
    chats: list = field(default_factory=list)

    def chat(self, conversations, sampling_params=None, use_tqdm=True):
        """Like ``vllm.LLM.chat``; raises ``ValueError`` for a too-long prompt, as vLLM does."""
        self.chats.append((conversations, sampling_params))
        out = []
        for conv in conversations:
            text = conv[-1]["content"]
            text = text if isinstance(text, str) else text[0]["text"]
            if "explode" in text and len(conversations) > 1:
                raise ValueError("prompt too long")
            if "explode" in text:
                raise ValueError("prompt of 99999 tokens is longer than max_model_len")
            answer = '{"passages": ["ok"]}' if "len" not in text else '{"passages": ["tronq'
            out.append(RequestOutput([1, 2, 3], [Completion(answer, "length" if "len" in text else "stop", [7] * 4)]))
        return out


def fake_vllm(modern: bool) -> tuple[types.ModuleType, types.ModuleType, list]:
    """A fake ``vllm`` and ``vllm.sampling_params`` with the new or the old structured-output name."""
    engines: list[FakeEngine] = []
    vllm = types.ModuleType("vllm")
    sp = types.ModuleType("vllm.sampling_params")

    @dataclass
    class SamplingParams:
        temperature: float
        top_p: float
        max_tokens: int
        seed: int
        structured_outputs: object = None
        guided_decoding: object = None

    @dataclass
    class JsonParams:
        json: dict

    if modern:
        sp.StructuredOutputsParams = JsonParams
    else:
        sp.GuidedDecodingParams = JsonParams

    def LLM(model, **kwargs):
        engines.append(FakeEngine({"model": model, **kwargs}))
        return engines[-1]

    vllm.LLM, vllm.SamplingParams, vllm.sampling_params = LLM, SamplingParams, sp
    return vllm, sp, engines


@pytest.mark.parametrize("modern", [True, False])
def test_schema_reaches_sampling_params_and_outputs_map(modern, tmp_path, monkeypatch):
    vllm, sp, engines = fake_vllm(modern)
    monkeypatch.setitem(sys.modules, "vllm", vllm)
    monkeypatch.setitem(sys.modules, "vllm.sampling_params", sp)
    config = LLMConfig(backend="vllm", model="Qwen/Qwen3-8B", seed=4, max_new_tokens=99, max_retries=0,
                       vllm_kwargs={"tensor_parallel_size": 2, "max_model_len": 8192})
    client = build_client(config, cache=LLMCache(tmp_path))
    results = client.generate([request("a", "bonjour"), request("b", "annot", model=Annotation),
                               request("c", "len", model=Passages)])
    [engine] = engines
    assert engine.kwargs == {"model": "Qwen/Qwen3-8B", "seed": 4, "tensor_parallel_size": 2, "max_model_len": 8192}
    [(conversations, params)] = engine.chats
    assert len(conversations) == 3 and conversations[0][-1] == {"role": "user", "content": "bonjour"}
    constraint = [p.structured_outputs if modern else p.guided_decoding for p in params]
    assert constraint[0].json == Passages.model_json_schema() and constraint[1].json == Annotation.model_json_schema()
    assert (params[0].max_tokens, params[0].seed, params[0].temperature) == (99, 4, 0.0)
    assert results[0].value == Passages(passages=["ok"]) and (results[0].tokens_in, results[0].tokens_out) == (3, 4)
    assert results[1].reason == "llm_invalid_json"
    assert results[2].reason == "llm_no_stop"


def test_one_bad_prompt_does_not_sink_the_batch(tmp_path, monkeypatch):
    vllm, sp, _engines = fake_vllm(True)
    monkeypatch.setitem(sys.modules, "vllm", vllm)
    monkeypatch.setitem(sys.modules, "vllm.sampling_params", sp)
    client = build_client(LLMConfig(backend="vllm", model="m", max_retries=0), cache=LLMCache(tmp_path))
    results = client.generate([request("a", "bonjour"), request("b", "explode"), request("c", "salut")])
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].reason == "llm_unavailable" and "max_model_len" in results[1].message


def test_images_become_data_urls(tmp_path, monkeypatch):
    vllm, sp, engines = fake_vllm(True)
    monkeypatch.setitem(sys.modules, "vllm", vllm)
    monkeypatch.setitem(sys.modules, "vllm.sampling_params", sp)
    client = build_client(LLMConfig(backend="vllm", model="vlm", max_retries=0), cache=LLMCache(tmp_path))
    [result] = client.generate([request("p1", "page", images=[b"\x89PNG\r\n\x1a\nxx", b"\xff\xd8\xffjpeg"])])
    content = engines[0].chats[0][0][0][-1]["content"]
    assert content[0] == {"type": "text", "text": "page"}
    assert content[1]["image_url"]["url"].startswith("data:image/png;base64,")
    assert content[2]["image_url"]["url"].startswith("data:image/jpeg;base64,")
    assert result.ok
