"""Open questions: greedy answers, BERTScore with a local encoder (= bert_score's own), the LLM judge through
the curation LLM layer (a scripted backend, and the real openai backend on a loopback server)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from curation.errors import ConfigError
from curation.llm import LLMCache, LLMClient, LLMConfig
from curation.llm.backends.base import BackendOutput
from decoder.evaluation.config import BertScoreConfig, DatasetSpec, FieldMap, GenerationConfig, ModelSpec
from decoder.evaluation.datasets import load_dataset
from decoder.evaluation.lm import load_model
from decoder.evaluation.open_qa import BertScore, JudgeScore, generate_answers, judge_answers, judge_requests
from decoder.evaluation.prompts import load_prompt
from tests.curation.llm.models import ScriptedBackend
from tests.decoder.evaluation.data import OPEN, OPEN_FIELDS

JUDGE = load_prompt("judge.v1")
CANDIDATES = ["Un inhibiteur de l'enzyme de conversion.", "La tête fémorale se nécrose.", "Rien de particulier.",
              "La vitamine K."]


@pytest.fixture(scope="module")
def open_items(eval_data):
    return load_dataset(DatasetSpec(name="open", kind="open", path=str(eval_data["open"]),
                                    fields=FieldMap(**OPEN_FIELDS))).items


@pytest.fixture(scope="module")
def scorer(tiny_bert):
    return BertScore(BertScoreConfig(model=str(tiny_bert), batch_size=2))


def test_bertscore_equals_bert_score_and_is_one_for_identical_texts(scorer, tiny_bert):
    import bert_score

    references = [item["reference"] for item in OPEN]
    ours = scorer.f1(CANDIDATES, references)
    _, _, theirs = bert_score.score(CANDIDATES, references, model_type=str(tiny_bert), num_layers=2)
    np.testing.assert_allclose(ours, theirs.numpy(), rtol=0, atol=1e-6)
    assert ours[3] == pytest.approx(1.0, abs=1e-6) and ours[3] > ours[2]  # "La vitamine K." is the reference
    np.testing.assert_allclose(scorer.f1(references, references), 1.0, atol=1e-6)


def test_bertscore_needs_a_local_encoder(tiny_bert):
    with pytest.raises(ConfigError, match="not set"):
        BertScore(BertScoreConfig())
    with pytest.raises(ConfigError, match="nothing is downloaded"):
        BertScore(BertScoreConfig(model="camembert-base"))
    with pytest.raises(ConfigError, match="has 2 layers"):
        BertScore(BertScoreConfig(model=str(tiny_bert), num_layers=3))


def test_greedy_answers_stop_at_eos_or_the_cap(chat_llm, open_items):
    lm = load_model("chat", ModelSpec(path=str(chat_llm)), GenerationConfig(device="cpu"))
    answers = generate_answers(lm, open_items, load_prompt("open_qa.v1"), max_new_tokens=6, batch_size=3)
    assert len(answers) == len(open_items)
    for text, prompt_tokens, new_tokens in answers:
        assert isinstance(text, str) and prompt_tokens > 50 and 1 <= new_tokens <= 6


def scripted_client(tmp_path, answer) -> tuple[LLMClient, ScriptedBackend]:
    config = LLMConfig(backend="openai", model="judge-model", max_retries=1)
    backend = ScriptedBackend(answer, model_id="judge-model")
    return LLMClient(config, backend, LLMCache(tmp_path / "cache")), backend


def test_judge_validates_the_schema_and_retries_through_the_llm_layer(tmp_path, open_items):
    def answer(prompt, nth):
        text = prompt.messages[-1]["content"]
        if "Rien de particulier" in text:  # always out of the 1-5 enum: fails after the retry
            return BackendOutput(text='{"score": 7}', finish_reason="stop")
        if "nécrose" in text and nth == 0:  # invalid first, valid on the retry
            return BackendOutput(text="Je pense que c'est 4.", finish_reason="stop")
        return BackendOutput(text=json.dumps({"score": 5 if "vitamine K" in text else 3}), finish_reason="stop")

    client, backend = scripted_client(tmp_path, answer)
    outcome = judge_answers(client, JUDGE, open_items, CANDIDATES, "tuned/open")
    assert outcome.raw == [3, 3, None, 5]
    np.testing.assert_allclose(outcome.scores, [0.5, 0.5, 0.0, 1.0])
    assert outcome.failed == {"llm_invalid_json": 1}
    first = backend.batches[0][0]
    assert first.schema == JudgeScore.model_json_schema() and first.schema_name == "JudgeScore"
    assert first.messages[0]["role"] == "system" and "de 1 à 5" in first.messages[0]["content"]
    assert "Réponse de référence : Un inhibiteur" in first.messages[1]["content"]
    assert "Contexte : Patient de 70 ans" in backend.batches[0][2].messages[1]["content"]
    requests = judge_requests(JUDGE, open_items, CANDIDATES, "tuned/open")
    assert [r.key for r in requests] == [f"tuned/open/{i}" for i in range(4)]
    assert requests[0].prompt_version == "judge.v1"
    again, backend2 = scripted_client(tmp_path, lambda p, n: BackendOutput(error="llm_unavailable", message="no call"))
    assert judge_answers(again, JUDGE, open_items, CANDIDATES, "tuned/open").raw == [3, 3, None, 5]
    assert backend2.calls == 0  # valid verdicts and the remembered failure come from the cache
