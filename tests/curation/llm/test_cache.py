"""The disk cache: keys, atomic entries, corrupt entries as misses, and survival of kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from curation.llm.cache import LLMCache, cache_key
from curation.llm.types import SamplingParams
from tests.curation.llm.models import Annotation, request

REPO = Path(__file__).resolve().parents[3]


def test_key_depends_on_everything_that_changes_the_answer():
    base = cache_key("m", request("a", "texte"), SamplingParams())
    assert base == cache_key("m", request("other-key", "texte"), SamplingParams())  # the caller's key is not part
    variants = [
        cache_key("m2", request("a", "texte"), SamplingParams()),
        cache_key("m", request("a", "texte", version="v2"), SamplingParams()),
        cache_key("m", request("a", "texte."), SamplingParams()),
        cache_key("m", request("a", "texte"), SamplingParams(temperature=0.2)),
        cache_key("m", request("a", "texte"), SamplingParams(seed=1)),
        cache_key("m", request("a", "texte"), SamplingParams(max_new_tokens=10)),
        cache_key("m", request("a", "texte", model=Annotation), SamplingParams()),
        cache_key("m", request("a", "texte", images=[b"\x89PNG..."]), SamplingParams()),
    ]
    assert len({base, *variants}) == len(variants) + 1


def test_put_get_fanout_and_corrupt_entries(tmp_path):
    cache = LLMCache(tmp_path)
    key = "ab" + "0" * 62
    assert cache.get(key) is None
    cache.put(key, {"raw": '{"passages": []}', "tokens_in": 3})
    assert cache.path(key) == tmp_path / "ab" / "00" / f"{key}.json"
    assert cache.get(key)["raw"] == '{"passages": []}' and len(cache) == 1
    cache.path(key).write_text('{"raw": "trunc', encoding="utf-8")
    assert cache.get(key) is None and not cache.path(key).exists()
    cache.path(key).write_text(json.dumps({"key": "another", "raw": "x"}), encoding="utf-8")
    assert cache.get(key) is None and not cache.path(key).exists()
    cache.path(key).write_bytes(b"\xff\xfe\x00")
    assert not cache.contains(key)
    assert not list(tmp_path.rglob(".tmp-*"))


WRITER = textwrap.dedent("""
    import sys
    from curation.llm.cache import LLMCache
    cache = LLMCache(sys.argv[1])
    big = "passage " * 40000
    i = 0
    while True:
        cache.put(f"{i:064x}", {"raw": big, "n": i})
        i += 1
""")


def test_kill_9_leaves_no_corrupt_entry(tmp_path):
    directory = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(directory)], env=env)
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline and len(LLMCache(directory)) < 20:
            time.sleep(0.02)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    cache = LLMCache(directory)
    entries = [p for p in directory.glob("??/??/*.json") if not p.name.startswith(".tmp-")]
    assert len(entries) >= 20
    for path in entries:
        entry = json.loads(path.read_text(encoding="utf-8"))
        assert entry["key"] == path.stem and entry["raw"].startswith("passage ")
        assert cache.get(path.stem) is not None
    cache.put("f" * 64, {"raw": "{}"})
    assert cache.get("f" * 64)["raw"] == "{}"
