"""``llm_extract`` at the protocol level: a scripted ``Backend`` inside a real ``LLMClient`` and ``LLMCache``.

Checks the passages and their metadata (ids, spans, model id, the shared ``_segment_text``), failures
recorded with their reason and the model's raw output, ``no_passage_extracted``, the ``llm.*`` stats,
the dry run (requests counted, zero model calls) and a re-run served from the cache (zero model calls).
"""

from __future__ import annotations

import json
import typing

import pytest
from pydantic import BaseModel

from curation.document import Document, validate_metadata
from curation.errors import ConfigError
from curation.io import read_records
from curation.llm import LLMCache, LLMClient, LLMConfig
from curation.llm.backends.base import BackendOutput
from curation.run.context import RunContext
from curation.steps.base import iter_outputs
from curation.steps.llm_extract import ExtractedPassages, LLMExtractConfig, LLMExtractor, locate
from curation.steps.registry import STEPS
from tests.curation.llm.models import ScriptedBackend

META = {"source": "s", "license": "MIT", "route": "extraction"}
SEGMENT = (
    "Revue fictive · 2024 ; 18 (3) : 211-218\n\n"
    "Le d1abète de type 2 est une maladie chronique fré-\nquente chez l'adulte. Son traitement repose sur "
    "l'hygiène de vie et la metformine.\n\n"
    "Le dépistage est recommandé chez les patients à risque.\n\n"
    "Page 1 / 2\n\nRéférences\n\n1. Dupont A. Titre. 2021."
)
PASSAGES = [
    ("Le diabète de type 2 est une maladie chronique fréquente chez l'adulte. Son traitement repose sur "
     "l'hygiène de vie et la metformine."),
    "Le dépistage est recommandé chez les patients à risque.",
]


def answer_for(table: dict[str, str]):
    """A backend answer function: the raw text scripted for the first table key found in the user message."""

    def answer(prompt, n):
        user = prompt.messages[-1]["content"]
        for needle, raw in table.items():
            if needle in user:
                return BackendOutput(text=raw, tokens_in=len(user) // 4, tokens_out=len(raw) // 4,
                                     finish_reason="stop")
        return BackendOutput(text='{"passages": []}', tokens_in=1, tokens_out=1, finish_reason="stop")

    return answer


SCRIPT = {
    "fré-\nquente": json.dumps({"passages": PASSAGES}, ensure_ascii=False),
    "GARBAGE": "je ne sais pas répondre en JSON, désolé",
    "NOTHING": '{"passages": ["   "]}',
}


def make(tmp_path, script=SCRIPT, dry_run=False, out="out", **config):
    """The step, its scripted backend, and the run context (real client and cache under tmp_path)."""
    llm = LLMConfig(backend="openai", model="scripted-model", cache_dir=str(tmp_path / "cache"), max_retries=1,
                    max_new_tokens=256)
    backend = ScriptedBackend(answer_for(script))
    ctx = RunContext(out_dir=str(tmp_path / out), llm_config=llm, dry_run=dry_run)
    ctx.__dict__["llm_client"] = LLMClient(llm, backend, LLMCache(llm.resolved_cache_dir()))
    return LLMExtractor(LLMExtractConfig(**config), ctx, 3), backend


def doc(text=SEGMENT, doc_id="s/a.pdf#s0", **meta):
    return Document(text=text, id=doc_id, metadata=dict(META, **meta))


def stats(step) -> dict[str, float]:
    return {k: v.total for k, v in step.stats.stats.items()}


def test_passages_and_metadata(tmp_path):
    step, backend = make(tmp_path)
    parent = doc(root_id="s/a.pdf", parent_id="s/a.pdf", passage_index=0, char_start=0, char_end=999, page_start=4,
                 _old="x")
    out = iter_outputs(step, [parent])
    assert [d.id for d in out] == ["s/a.pdf#s0#p0", "s/a.pdf#s0#p1"]
    assert [d.text for d in out] == PASSAGES
    for index, d in enumerate(out):
        m = d.metadata
        assert (m["root_id"], m["parent_id"], m["passage_index"]) == ("s/a.pdf", "s/a.pdf#s0", index)
        assert m["extracted_by"] == "scripted-model" and m["extraction_prompt"] == "extract_passages.v1"
        assert m["_segment_text"] is out[0].metadata["_segment_text"] and m["_segment_text"] == SEGMENT
        assert "_old" not in m and m["token_count"] > 5 and (m["page_start"], m["page_end"]) == (4, 4)
        validate_metadata(m)
    # the first passage was repaired (d1abète, fré-/quente): located by its anchors; the second verbatim
    first, second = (SEGMENT[d.metadata["char_start"] : d.metadata["char_end"]] for d in out)
    assert "1abète de type 2" in first[:20] and first.endswith("la metformine.")
    assert second == PASSAGES[1]
    # the request: the versioned prompt, the step's schema, the segment in the user message
    (prompt,) = backend.batches[0]
    assert prompt.messages[0]["role"] == "system" and "d1abète" in prompt.messages[0]["content"]
    assert SEGMENT in prompt.messages[1]["content"]
    assert prompt.schema == ExtractedPassages.model_json_schema()
    s = stats(step)
    assert (s["llm.calls"], s["llm.valid"], s["llm.invalid"], s["llm.cache_hits"]) == (1, 1, 0, 0)
    assert s["llm.tokens_in"] > 0 and s["passages"] == 2 and s["kept"] == 1 and s["out"] == 2


def test_invalid_json_fails_with_the_raw_text(tmp_path):
    step, backend = make(tmp_path)
    out = iter_outputs(step, [doc("GARBAGE page", "s/g")])
    assert out == [] and backend.calls == 2  # first try + one retry at a higher temperature
    (record,) = read_records(tmp_path / "out" / "failed" / "03_llm_extract")
    assert record["id"] == "s/g" and record["reason"] == "llm_invalid_json"
    assert "je ne sais pas répondre en JSON" in record["message"] and "scripted-model" in record["message"]
    assert record["text"] == "GARBAGE page"
    s = stats(step)
    assert (s["failed"], s["failed.llm_invalid_json"], s["llm.calls"], s["llm.invalid"]) == (1, 1, 2, 2)


def test_transport_failure_is_recorded(tmp_path):
    step, _ = make(tmp_path, script={})
    step.context.llm_client.backend.answer = lambda p, n: BackendOutput(error="llm_unavailable", message="refused")
    assert iter_outputs(step, [doc()]) == []
    (record,) = read_records(tmp_path / "out" / "failed")
    assert record["reason"] == "llm_unavailable" and "refused" in record["message"]
    assert stats(step)["llm.errors"] == 1


def test_no_passage_is_excluded(tmp_path):
    step, backend = make(tmp_path)
    assert iter_outputs(step, [doc("NOTHING here", "s/n"), doc("   ", "s/empty")]) == []
    records = {r["id"]: r for r in read_records(tmp_path / "out" / "excluded")}
    assert {r["reason"] for r in records.values()} == {"no_passage_extracted"}
    assert records["s/n"]["message"] == "scripted-model returned no passage"
    assert backend.calls == 1  # no request for the empty input


def test_batches_and_other_routes(tmp_path):
    step, backend = make(tmp_path, batch_size=2)
    docs = [doc(), doc("GARBAGE", "s/g"), doc("NOTHING", "s/n"), doc("direct text", "s/d", route="direct")]
    out = iter_outputs(step, docs)
    assert [d.id for d in out] == ["s/a.pdf#s0#p0", "s/a.pdf#s0#p1", "s/d"]  # [a, g] ran when g arrived
    assert [len(b) for b in backend.batches] == [2, 1, 1]  # [a, g], retry of g, [n]
    s = stats(step)
    assert s["in"] == s["kept"] + s["excluded"] + s["failed"] == 4 and s["passed_through"] == 1


def test_dry_run_counts_requests_and_calls_nothing(tmp_path):
    step, backend = make(tmp_path, dry_run=True, max_new_tokens=100)
    docs = [doc(), doc("GARBAGE", "s/g")]
    out = iter_outputs(step, docs)
    assert backend.calls == 0 and [d.id for d in out] == ["s/a.pdf#s0", "s/g"]
    assert out[0].text == SEGMENT and "extracted_by" not in out[0].metadata
    s = stats(step)
    assert (s["llm.requests"], s["llm.cached"], s["llm.tokens_out_max"]) == (2, 0, 200)
    assert s["llm.tokens_in_est"] > len(SEGMENT) // 4 and "llm.calls" not in s


def test_second_run_is_served_from_the_cache(tmp_path):
    first, backend = make(tmp_path, out="out1")
    before = iter_outputs(first, [doc(), doc("GARBAGE", "s/g")])
    assert backend.calls == 3
    second, again = make(tmp_path, out="out2")
    after = iter_outputs(second, [doc(), doc("GARBAGE", "s/g")])
    assert [(d.id, d.text) for d in after] == [(d.id, d.text) for d in before]
    assert again.calls == 0  # valid answers and final failures are both remembered
    assert stats(second)["llm.cache_hits"] == 2
    assert [r["reason"] for r in read_records(tmp_path / "out2" / "failed")] == ["llm_invalid_json"]
    dry, nothing = make(tmp_path, out="out3", dry_run=True)
    iter_outputs(dry, [doc()])
    assert nothing.calls == 0 and stats(dry)["llm.cached"] == 1 and stats(dry)["llm.tokens_in_est"] == 0


def test_locate():
    source = "Titre\n\nUn texte avec des mots coupés en fin de ligne, par-\nfois, et encore.\n\nFin du texte ici."
    assert locate("Fin du texte ici.", source) == (source.index("Fin"), len(source))
    start, end = locate("Un texte avec des mots coupés en fin de ligne, parfois, et encore.", source)
    assert start == source.index("Un texte") and abs(end - source.index("\n\nFin")) <= 2  # approximate end
    start, end = locate("Un texte avec des mots coupés en fin de ligne, parfois, et encore !", source)
    assert start == source.index("Un texte") and abs(end - source.index("\n\nFin")) <= 2  # approximate end
    assert locate("Rien de tout cela ne figure dans la source.", source) is None
    assert locate("", source) == (0, 0)


def test_passage_schema_rejects_control_characters_and_long_passages():
    assert ExtractedPassages.model_validate({"passages": ["ligne\navec tab\t"]}).passages == ["ligne\navec tab\t"]
    with pytest.raises(ValueError, match="control characters"):
        ExtractedPassages.model_validate({"passages": ["a\x07b"]})
    with pytest.raises(ValueError, match="at most"):
        ExtractedPassages.model_validate({"passages": ["x" * 8001]})


def test_config_and_registration(tmp_path):
    assert STEPS["llm_extract"] is LLMExtractor
    for name, field in LLMExtractConfig.model_fields.items():
        assert field.description, name
        assert not (isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)), name
    assert typing.get_args(LLMExtractConfig.model_fields["step"].annotation) == ("llm_extract",)
    with pytest.raises(ConfigError, match="available: annotate_quality.v1, extract_passages.v1"):
        make(tmp_path, prompt="extract_passages.v9")
    no_llm = LLMExtractor(LLMExtractConfig(), RunContext(out_dir=str(tmp_path / "x")), 1)
    with pytest.raises(ConfigError, match="llm:"):
        iter_outputs(no_llm, [doc()])
