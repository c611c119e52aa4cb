"""``DocumentEncoder``: the word path gives exactly the tokenizer's ids, whatever the text; else it steps aside."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers

from curation.pack.encoder import DocumentEncoder
from tests.curation.pack.corpus import WORDS

PIECES = [*WORDS, " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u202f", "'s", "l'", "’", "«", "»", "42", "3,5", "½",
          "²", "₂", "≥", "±", "→", "—", "…", "µg", "α", "😀", "中文", "\u200b", "\u209d", "</s>", "<pad>", "x_y", "!", "?;:"]
"""Text material: corpus words, every kind of whitespace, typography, digits, and unsafe characters."""

texts_strategy = st.lists(
    st.lists(st.sampled_from(PIECES), max_size=25).map("".join) | st.text(max_size=40), min_size=1, max_size=12
)


def _direct(tok: Tokenizer, texts: list[str]) -> list[list[int]]:
    return [e.ids for e in tok.encode_batch(texts, add_special_tokens=False)]


def _train(pre_tokenizer, texts: list[str]) -> Tokenizer:
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizer
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=["<pad>", "<unk>", "</s>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer)
    return tok


@pytest.fixture(scope="module")
def bpe(tokenizer_dir) -> Tokenizer:
    return Tokenizer.from_file(str(tokenizer_dir / "tokenizer.json"))


@pytest.fixture(scope="module")
def shared_encoder(bpe) -> DocumentEncoder:
    """One encoder for all the examples: its cache grows across them."""
    return DocumentEncoder(bpe)


@settings(max_examples=150, deadline=None)
@given(texts=texts_strategy)
def test_word_path_equals_the_tokenizer(bpe, shared_encoder, texts):
    assert shared_encoder.enabled, shared_encoder.reason
    shared_encoder.start_part()
    assert shared_encoder.encode(texts) == _direct(bpe, texts)
    assert shared_encoder.encode(texts) == _direct(bpe, texts), "from the cache too"


def test_texts_with_added_tokens_or_unsafe_characters_go_direct(bpe, docs):
    encoder = DocumentEncoder(bpe)
    texts = [d.text for d in docs[:10]] + ["fin</s>début", "émoji 😀", "中文"]
    assert encoder.encode(texts) == _direct(bpe, texts)
    assert encoder.stats == {"word_path": 10, "direct": 3}


@pytest.mark.parametrize("shape", ["prefix_space", "split_then_bytelevel"])
def test_other_supported_pipelines(shape, docs):
    texts = [d.text for d in docs if d.text]
    if shape == "prefix_space":
        pre = pre_tokenizers.ByteLevel(add_prefix_space=True)
        reason = "ByteLevel"
    else:  # Llama-3 family: a Split regex, then the byte-level mapping without its own regex
        pattern = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
        pre = pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(pattern), behavior="isolated"),
                                       pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
        reason = "Split + ByteLevel"
    tok = _train(pre, texts)
    encoder = DocumentEncoder(tok)
    assert encoder.enabled and encoder.reason == reason
    probe = texts + ["", "  deux espaces", "l'enzyme 123456 ½ — fin.\n\n", "\tx"]
    assert encoder.encode(probe) == _direct(tok, probe)
    assert encoder.stats["direct"] == 0


def test_unsupported_pipelines_use_the_tokenizer(tmp_path, docs):
    from tokenizers import normalizers

    tok = Tokenizer(models.WordLevel({"<unk>": 0, "le": 1, "patient": 2}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    encoder = DocumentEncoder(tok)
    assert not encoder.enabled and "Whitespace" in encoder.reason
    assert encoder.encode(["le patient x"]) == [[1, 2, 0]]
    tok.pre_tokenizer = pre_tokenizers.ByteLevel()
    tok.normalizer = normalizers.NFC()
    assert DocumentEncoder(tok).reason == "the tokenizer has a normalizer"


def test_a_disagreement_turns_the_word_path_off(bpe, docs):
    import regex

    encoder = DocumentEncoder(bpe)
    encoder.split = regex.compile(r"\S+|\s+")  # a wrong split: the verification of the part must catch it
    encoder.start_part()
    texts = [d.text for d in docs if d.text][:5]
    assert encoder.encode(texts) == _direct(bpe, texts)
    assert not encoder.enabled and "disagreed" in encoder.reason


def test_a_small_cache_is_emptied_and_stays_exact(bpe, docs):
    encoder = DocumentEncoder(bpe, max_cache=20)
    texts = [d.text for d in docs]
    for lo in range(0, len(texts), 4):
        assert encoder.encode(texts[lo:lo + 4]) == _direct(bpe, texts[lo:lo + 4])
    assert len(encoder.cache) < 200
