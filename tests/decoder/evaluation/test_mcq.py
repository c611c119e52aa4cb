"""MCQ scoring: argmax over letter logits, letter sets by constrained generation, EMR and Hamming score."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decoder.evaluation.config import DatasetSpec, FieldMap, GenerationConfig, ModelSpec
from decoder.evaluation.datasets import EvalItem, load_dataset
from decoder.evaluation.lm import letter_tokens, load_model, template_answer_prefix
from decoder.evaluation.mcq import (
    LetterSetConstraint,
    answer_multi,
    answer_single,
    exact_match,
    hamming_score,
    mcq_variables,
    pick_letter,
)
from decoder.evaluation.prompts import load_prompt
from tests.decoder.evaluation.data import MULTI_FIELDS

LETTERS = "ABCDE"
SINGLE_PROMPT = load_prompt("mcq_single.v1")
MULTI_PROMPT = load_prompt("mcq_multi.v1")


def item(n: int, key: str = "q") -> EvalItem:
    """An item with ``n`` options."""
    return EvalItem(id=key, question="Quel traitement pour le patient ?",
                    options={LETTERS[i]: f"traitement {i}" for i in range(n)}, answers=("A",))


@pytest.fixture(scope="module")
def chat_model(chat_llm):
    """The word-level chat model, loaded."""
    return load_model("chat", ModelSpec(path=str(chat_llm)), GenerationConfig(device="cpu"))


@pytest.fixture(scope="module")
def bpe_model(bpe_llm):
    """The BPE base model (no chat template), loaded."""
    return load_model("bpe", ModelSpec(path=str(bpe_llm)), GenerationConfig(device="cpu"))


# --- single answer ---------------------------------------------------------------------------------


def test_pick_letter_on_hand_made_logits():
    ids = {"A": 10, "B": 11, "C": 12, "D": 13}
    logits = np.zeros(20)
    logits[[10, 11, 12, 13]] = [0.1, 2.5, -1.0, 2.4]
    logits[5] = 99.0  # a non-letter token with the largest logit is never chosen
    assert pick_letter(logits, list("ABCD"), ids) == "B"
    assert pick_letter(logits, list("ACD"), ids) == "D"  # only the item's letters compete
    logits[13] = 2.5
    assert pick_letter(logits, list("ABCD"), ids) == "B"  # tie: the earlier letter
    logits[[10, 11, 12, 13]] = [np.nan, -np.inf, np.nan, -5.0]
    assert pick_letter(logits, list("ABCD"), ids) == "D"  # NaN never wins


@settings(max_examples=300, deadline=None)
@given(st.integers(2, 5).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), min_size=30, max_size=30))))
def test_pick_letter_always_returns_an_option_letter(case):
    n, values = case
    letters = list(LETTERS[:n])
    ids = {letter: 3 * i + 1 for i, letter in enumerate(letters)}
    chosen = pick_letter(np.asarray(values), letters, ids)
    assert chosen in letters
    finite = [v if not math.isnan(v) else -math.inf for v in (values[ids[x]] for x in letters)]
    assert finite[letters.index(chosen)] == max(finite)


def test_single_answer_is_the_argmax_of_the_model_logits(chat_model, torch_one_thread):
    torch = torch_one_thread
    items = [item(4, "a"), item(5, "b"), item(3, "c")]
    predictions = answer_single(chat_model, items, SINGLE_PROMPT, batch_size=2)
    for it, pred in zip(items, predictions):
        text = chat_model.format(SINGLE_PROMPT.messages(**mcq_variables(it)))
        ids = torch.tensor([chat_model.encode([text])[0]])
        with torch.inference_mode():
            last = chat_model.model(input_ids=ids).logits[0, -1]
        _, letter_ids = chat_model.letters(it.letters)
        expected = max(it.letters, key=lambda x: float(last[letter_ids[x]]))
        assert pred.letters == (expected,)
        assert set(pred.logits) == set(it.letters)
        for letter in it.letters:  # left padding and batching change nothing
            assert pred.logits[letter] == pytest.approx(float(last[letter_ids[letter]]), abs=1e-4)


def test_letter_tokens_and_prefixes(chat_model, bpe_model):
    assert template_answer_prefix(chat_model.tokenizer) == " "  # "[/INST] answer</s>"
    prefix, ids = chat_model.letters(list("ABCDE"))
    assert len(set(ids.values())) == 5 and prefix == " "
    prefix, ids = bpe_model.letters(list("ABCDE"))  # no chat template: after "Réponse :" comes " A"
    assert prefix == " " and [bpe_model.tokenizer.convert_ids_to_tokens(ids[x]) for x in "AB"] == ["ĠA", "ĠB"]
    from curation.errors import ConfigError

    with pytest.raises(ConfigError, match="one distinct token per answer letter"):
        letter_tokens(bpe_model.tokenizer, ["A", "B"], ["  "], "bpe")


# --- several answers -------------------------------------------------------------------------------


def test_constraint_trie_spells_every_sorted_letter_set(bpe_model):
    tokenizer = bpe_model.tokenizer
    constraint = LetterSetConstraint(tokenizer, list("ABCD"), " ", bpe_model.eos_id)
    eos = bpe_model.eos_id
    first = sorted(constraint.allowed([]))
    assert first == sorted(tokenizer(" " + x, add_special_tokens=False)["input_ids"][0] for x in "ABCD")
    a, c = (tokenizer(" " + x, add_special_tokens=False)["input_ids"][0] for x in "AC")
    assert a in first and eos not in first  # an answer is never empty
    after_c = constraint.allowed([c])
    assert eos in after_c and a not in after_c  # letters only in increasing order
    assert constraint.allowed([c, eos]) == [eos]  # a finished row only pads
    ids = tokenizer(" A C D", add_special_tokens=False)["input_ids"] + [eos]
    assert constraint.parse(ids) == ("A", "C", "D")
    assert constraint.depth == len(tokenizer(" A B C D", add_special_tokens=False)["input_ids"]) + 1


def test_multi_answer_on_frenchmedmcqa_shaped_items(chat_model, eval_data):
    spec = DatasetSpec(name="multi", kind="mcq_multi", path=str(eval_data["multi"]), fields=FieldMap(**MULTI_FIELDS))
    items = load_dataset(spec).items
    predictions = answer_multi(chat_model, items, MULTI_PROMPT, batch_size=2)
    for it, pred in zip(items, predictions):
        assert pred.letters and list(pred.letters) == sorted(set(pred.letters))
        assert set(pred.letters) <= set(it.options)
        assert pred.text == " ".join(pred.letters)  # what the model wrote, decoded
        assert pred.new_tokens == len(pred.letters) + 1  # word-level letters, then EOS


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), sizes=st.lists(st.integers(2, 5), min_size=1, max_size=3),
       which=st.sampled_from(["chat", "bpe"]))
def test_random_tiny_models_only_ever_answer_option_letters(chat_model, bpe_model, torch_one_thread, seed, sizes,
                                                            which):
    """Whatever the weights, single answers are one option letter and multi answers a sorted non-empty set."""
    torch = torch_one_thread
    lm = chat_model if which == "chat" else bpe_model
    original = {k: v.clone() for k, v in lm.model.state_dict().items()}
    try:
        generator = torch.Generator().manual_seed(seed)
        with torch.no_grad():
            for param in lm.model.parameters():
                param.copy_(torch.randn(param.shape, generator=generator) * 3.0)
        items = [item(n, f"q{i}") for i, n in enumerate(sizes)]
        for it, pred in zip(items, answer_single(lm, items, SINGLE_PROMPT, batch_size=2)):
            assert len(pred.letters) == 1 and pred.letters[0] in it.options
        for it, pred in zip(items, answer_multi(lm, items, MULTI_PROMPT, batch_size=2)):
            assert pred.letters and list(pred.letters) == sorted(set(pred.letters))
            assert set(pred.letters) <= set(it.options)
    finally:
        lm.model.load_state_dict(original)


# --- metrics ---------------------------------------------------------------------------------------


def test_emr_and_hamming_on_hand_made_cases():
    cases = [  # (predicted, gold, EMR, Hamming)
        (["A"], ["A"], 1.0, 1.0),
        (["A", "C"], ["A", "C"], 1.0, 1.0),
        (["A"], ["A", "C"], 0.0, 0.5),
        (["A", "B", "D"], ["A", "C"], 0.0, 0.25),  # |{A}| / |{A, B, C, D}|
        (["B"], ["C", "D", "E"], 0.0, 0.0),
        (["C", "A"], ["A", "C", "E"], 0.0, 2 / 3),
    ]
    for predicted, gold, emr, hamming in cases:
        assert exact_match(predicted, gold) == emr
        assert hamming_score(predicted, gold) == pytest.approx(hamming)
    emrs = [exact_match(p, g) for p, g, _, _ in cases]
    hams = [hamming_score(p, g) for p, g, _, _ in cases]
    assert np.mean(emrs) == pytest.approx(2 / 6)
    assert np.mean(hams) == pytest.approx((1 + 1 + 0.5 + 0.25 + 0 + 2 / 3) / 6)
