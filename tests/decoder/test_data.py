"""Decoder data: packed targets and per-document attention, answer-only chat targets, row errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from curation.errors import ConfigError
from decoder.config import ChatDataConfig, PackDataConfig
from decoder.data import IGNORE, ChatData, PackData, encode_chat, load_chat_template, pack_targets, read_chat_examples
from tests.decoder.instructions import instruction_rows, write_jsonl


@pytest.fixture(scope="module")
def tokenizer(tiny_causal_lm):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(tiny_causal_lm))


@pytest.fixture(scope="module")
def model(tiny_causal_lm, torch_one_thread):
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(str(tiny_causal_lm)).eval()


# --- packed rows --------------------------------------------------------------------------------------------


def test_pack_targets_stop_at_document_boundaries_and_padding():
    ids = np.array([[10, 11, 12, 3, 20, 21, 3, 30], [40, 41, 42, 43, 3, 0, 0, 0]])
    cu = [np.array([0, 4, 7, 8]), np.array([0, 5])]
    targets = pack_targets(ids, cu)
    assert targets[0].tolist() == [11, 12, 3, IGNORE, 21, 3, IGNORE, IGNORE]
    assert targets[1].tolist() == [41, 42, 43, 3, IGNORE, IGNORE, IGNORE, IGNORE]


def test_pack_micro_batch_from_the_sample_pack(sample_pack, tokenizer):
    data = PackData(PackDataConfig(path=str(sample_pack)), "train", tokenizer)
    assert len(data) == data.dataset.info["sequences"] and data.row_tokens == 128
    batch = data.micro_batch([0, 1, 2, 3])
    raw = data.dataset.batch([0, 1, 2, 3])
    assert batch.tokens == int(raw.lengths.sum())
    for row, cu in enumerate(raw.cu_seqlens):
        starts = cu[:-1].tolist()
        assert batch.position_ids[row, starts].tolist() == [0] * len(starts)
        # one target fewer per document piece than tokens
        assert int((batch.targets[row] != IGNORE).sum()) == int(cu[-1]) - (len(cu) - 1)
    assert batch.model_inputs()["use_cache"] is False and "attention_mask" not in batch.model_inputs()
    # two epochs: two different seeded permutations, each a permutation
    assert sorted(data.order(0).tolist()) == list(range(len(data))) and not np.array_equal(data.order(0), data.order(1))


def _two_documents(rng, first: int, second: int):
    import torch

    doc1 = rng.integers(5, 500, first)
    doc2 = rng.integers(5, 500, second)
    ids = torch.tensor(np.concatenate([doc1, doc2]))[None]
    positions = torch.tensor(np.concatenate([np.arange(first), np.arange(second)]))[None]
    return ids, positions


@pytest.mark.parametrize("attn", ["sdpa", "eager"])
def test_packed_attention_does_not_cross_documents(tiny_causal_lm, torch_one_thread, attn):
    """transformers 5 builds a block-diagonal causal mask from restarting position ids (no attention mask,
    no cache): perturbing document 1 leaves document 2's logits unchanged, and they equal document 2 alone."""
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(str(tiny_causal_lm), attn_implementation=attn).eval()
    rng = np.random.default_rng(0)
    ids, positions = _two_documents(rng, 9, 12)
    perturbed = ids.clone()
    perturbed[0, :9] = torch.tensor(rng.integers(5, 500, 9))
    with torch.no_grad():
        logits = model(input_ids=ids, position_ids=positions, use_cache=False).logits
        other = model(input_ids=perturbed, position_ids=positions, use_cache=False).logits
        alone = model(input_ids=ids[:, 9:], use_cache=False).logits
        plain = model(input_ids=ids, use_cache=False).logits  # control: one causal sequence
    assert torch.allclose(logits[0, 9:], other[0, 9:], atol=1e-5)
    assert torch.allclose(logits[0, 9:], alone[0], atol=1e-5)
    assert not torch.allclose(logits[0, :9], other[0, :9], atol=1e-3)  # document 1 itself did change
    assert not torch.allclose(plain[0, 9:], alone[0], atol=1e-3)  # without restarting positions it would leak


def test_sample_pack_rows_attend_within_documents(sample_pack, tokenizer, model, torch_one_thread):
    """On a real packed row: the logits of its second document piece equal those of that piece alone."""
    import torch

    data = PackData(PackDataConfig(path=str(sample_pack)), "train", tokenizer)
    row = next(i for i in range(len(data)) if data.dataset[i].cu_seqlens.size >= 3)
    cu = data.dataset[row].cu_seqlens
    batch = data.micro_batch([row])
    lo, hi = int(cu[1]), int(cu[2])
    with torch.no_grad():
        packed = model(**batch.model_inputs()).logits[0, lo:hi]
        alone = model(input_ids=batch.input_ids[:, lo:hi], use_cache=False).logits[0]
    assert torch.allclose(packed, alone, atol=1e-5)


def test_pack_of_another_tokenizer_is_refused(sample_pack, tmp_path):
    from transformers import AutoTokenizer

    from tests.curation.pack.corpus import bpe_tokenizer

    other = AutoTokenizer.from_pretrained(str(bpe_tokenizer(tmp_path / "other", ["un autre texte"] * 20,
                                                            vocab_size=300)))
    with pytest.raises(ConfigError) as err:
        PackData(PackDataConfig(path=str(sample_pack)), "train", other)
    message = str(err.value)
    assert "vocabulary 512" in message and f"vocabulary {len(other)}" in message and str(tmp_path / "other") in message


# --- chat rows -----------------------------------------------------------------------------------------------


def _spans(ids, flags):
    """Runs of consecutive flagged tokens."""
    runs, current = [], []
    for token, flag in zip(ids, flags):
        if flag:
            current.append(token)
        elif current:
            runs.append(current)
            current = []
    return runs + ([current] if current else [])


def test_answer_tokens_are_exactly_the_assistant_turns(tokenizer):
    messages = [{"role": "system", "content": "Tu es médecin."},
                {"role": "user", "content": "Quel traitement pour l'asthme ?"},
                {"role": "assistant", "content": "Un bêta-2 mimétique inhalé."},
                {"role": "user", "content": "Et en fond ?"},
                {"role": "assistant", "content": "Une corticothérapie inhalée."}]
    ids, answer = encode_chat(tokenizer, messages)
    text = tokenizer.apply_chat_template(messages, tokenize=False)
    assert tokenizer.decode(ids) == text  # the tokens are the whole conversation
    runs = [tokenizer.decode(run) for run in _spans(ids, answer)]
    assert runs == [" Un bêta-2 mimétique inhalé.</s>", " Une corticothérapie inhalée.</s>"]
    # token by token: a token is an answer token iff it lies inside an answer's characters
    offsets = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
    spans = [(text.index(" Un bêta"), text.index("</s>") + 4),
             (text.index(" Une cortico"), len(text))]
    for flag, (start, end) in zip(answer, offsets):
        assert flag == any(lo <= start and end <= hi for lo, hi in spans)
    assert sum(answer) == sum(len(tokenizer(r, add_special_tokens=False)["input_ids"]) for r in runs)


def test_chat_targets_are_next_answer_tokens_only(tmp_path, tokenizer):
    rows = instruction_rows(3, "native") + instruction_rows(2, "translated", style="messages")
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    config = ChatDataConfig(files=[str(path)])
    data = ChatData.build([str(path)], config, tokenizer, pad_id=tokenizer.pad_token_id)
    assert data.counts["by_provenance"] == {"native": 3, "translated": 2} and len(data) == 5
    for example, row in zip(data.examples, rows):
        messages = row.get("messages") or [{"role": "user", "content": row["question"]},
                                           {"role": "assistant", "content": row["answer"]}]
        ids, answer = encode_chat(tokenizer, messages)
        assert example.ids.tolist() == ids
        for t in range(len(ids)):
            expected = ids[t + 1] if t + 1 < len(ids) and answer[t + 1] else IGNORE
            assert example.targets[t] == expected
        learned = [int(x) for x in example.targets if x != IGNORE]
        assert tokenizer.decode(learned) == " " + messages[-1]["content"] + "</s>"
    batch = data.micro_batch([0, 3])
    width = max(data.examples[0].ids.size, data.examples[3].ids.size)
    assert tuple(batch.input_ids.shape) == (2, width)
    assert batch.attention_mask.sum().item() == data.examples[0].ids.size + data.examples[3].ids.size == batch.tokens
    padded = batch.attention_mask == 0
    assert (batch.input_ids[padded] == tokenizer.pad_token_id).all() and (batch.targets[padded] == IGNORE).all()


def test_long_examples_are_cut_and_counted(tmp_path, tokenizer):
    long_answer = "une réponse très longue " * 40
    rows = [{"question": "Court ?", "answer": "Oui.", "provenance": "native"},
            {"question": "Long ?", "answer": long_answer, "provenance": "native"},
            {"question": "Quelle est la question ? " * 40, "answer": "Perdue.", "provenance": "synthetic"}]
    path = write_jsonl(tmp_path / "rows.jsonl", rows)
    data = ChatData.build([str(path)], ChatDataConfig(files=[str(path)], max_length=64), tokenizer, pad_id=0)
    assert data.counts["truncated"] == 2 and data.counts["left_out_no_answer_after_cut"] == 1
    assert len(data) == 2 and max(e.ids.size for e in data.examples) == 64


def test_provenance_filter_and_field_mapping(tmp_path, tokenizer):
    rows = [{"q": "Question A ?", "a": "Réponse A.", "src": "native"},
            {"q": "Question B ?", "a": "Réponse B.", "src": "synthetic"},
            {"q": "Question C ?", "a": "Réponse C.", "src": "synthetic"}]
    path = write_jsonl(tmp_path / "mapped.jsonl", rows)
    config = ChatDataConfig(files=[str(path)], question_field="q", answer_field="a", provenance_field="src",
                            provenances=["synthetic"], system_prompt="Réponds en français.")
    examples, left_out = read_chat_examples([str(path)], config)
    assert [e.where for e in examples] == [f"{path}:2", f"{path}:3"] and left_out == {"native": 1}
    assert examples[0].messages == [{"role": "system", "content": "Réponds en français."},
                                    {"role": "user", "content": "Question B ?"},
                                    {"role": "assistant", "content": "Réponse B."}]


@pytest.mark.parametrize("line, fragment", [
    ("{not json", "not valid JSON"),
    ('["a list"]', "expected a JSON object, got list"),
    ('{"question": "Q ?", "answer": "R."}', "'provenance' is None"),
    ('{"question": "Q ?", "answer": "R.", "provenance": "crawled"}', "native, synthetic, translated"),
    ('{"question": "Q ?", "provenance": "native"}', "'answer' is missing"),
    ('{"messages": [{"role": "user", "content": "Q ?"}], "provenance": "native"}', "no assistant turn"),
    ('{"messages": [{"role": "doctor", "content": "Q ?"}], "provenance": "native"}', "messages[0]"),
])
def test_bad_rows_name_the_file_and_line(tmp_path, line, fragment):
    good = json.dumps({"question": "Q ?", "answer": "R.", "provenance": "native"})
    path = tmp_path / "bad.jsonl"
    path.write_text(f"{good}\n\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        read_chat_examples([str(path)], ChatDataConfig(files=[str(path)]))
    assert str(err.value).startswith(f"{path}:3: ") and fragment in str(err.value)


def test_shipped_mistral_template_is_prefix_stable(tokenizer):
    template = load_chat_template("mistral_instruct.v1")
    tokenizer = tokenizer.__class__.from_pretrained(tokenizer.name_or_path)
    tokenizer.chat_template = template
    messages = [{"role": "system", "content": "Sois bref."}, {"role": "user", "content": "Dose ?"},
                {"role": "assistant", "content": "5 mg."}, {"role": "user", "content": "Durée ?"},
                {"role": "assistant", "content": "7 jours."}]
    assert tokenizer.apply_chat_template(messages, tokenize=False) == (
        "<s>[INST] Sois bref.\n\nDose ? [/INST] 5 mg.</s>[INST] Durée ? [/INST] 7 jours.</s>")
    ids, answer = encode_chat(tokenizer, messages)
    assert [tokenizer.decode(r) for r in _spans(ids, answer)] == [" 5 mg.</s>", " 7 jours.</s>"]
    with pytest.raises(ConfigError, match="not a shipped template"):
        load_chat_template("chatml.v9")


def test_a_template_that_rewrites_earlier_turns_is_refused(tokenizer):
    tokenizer = tokenizer.__class__.from_pretrained(tokenizer.name_or_path)
    # puts the number of turns first: every render changes its beginning
    tokenizer.chat_template = "{{ messages|length }}{% for m in messages %}|{{ m['content'] }}{% endfor %}"
    with pytest.raises(ConfigError, match="prefix of the conversation"):
        encode_chat(tokenizer, [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "R"}], "x.jsonl:1")
