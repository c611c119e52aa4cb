"""``ChunkTokenizer`` gives datatrove's words (spaCy's blank French tokenizer), token for token."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curation.quality.corpus import adversarial_passages, realdata_passages, sample_passages
from curation.quality.tokens import HASH_BASE, ChunkTokenizer, Powers, string_hashes
from tests.strategies import texts as french_texts

ALPHABET = [*"aeéiouyltdnsrcmpqAEÉLDMNSCXVo0123456789", *".,;:!?()[]{}«»\"'’‐-–—/\\%°µ+=*&@#§$€<>^_|~…·•©®"] + [
    "ﬁ", "ß", "İ", "ǅ", "²", "½", "\u0301", "\u200b", "🙂", "中", "α", "Ω", "ª", "º",
]
chunks = st.text(alphabet=ALPHABET, min_size=1, max_size=10)
elided = st.tuples(st.sampled_from(["l'", "d'", "qu'", "l’", "jusqu'", "c'", "(", "«", ""]), chunks).map("".join)


@pytest.fixture(scope="module")
def tokenizer() -> ChunkTokenizer:
    tok = ChunkTokenizer()
    assert tok.prepare()
    return tok


@pytest.fixture(scope="module")
def spacy_tokens():
    import spacy

    nlp = spacy.blank("fr")

    def tokens(chunk: str) -> list[str]:
        with nlp.memory_zone():
            return [t.text for t in nlp.tokenizer(chunk)]

    return tokens


def _words(text: str) -> list[str]:
    from datatrove.utils.text import split_into_words

    return split_into_words(text, "fra_Latn")


def test_words_match_datatrove_on_every_corpus_passage(tokenizer):
    passages = sample_passages() + realdata_passages() + adversarial_passages()
    for p in passages:
        if "\ud800" in p.text:
            continue
        assert tokenizer.words(p.text) == _words(p.text), p.name


def test_affix_rules_match_spacy_on_corpus_chunks(tokenizer, spacy_tokens):
    rules = tokenizer._rules
    texts = [p.text for p in sample_passages() + realdata_passages()]
    seen = set()
    for chunk in (c for t in texts for c in t.split()):
        if chunk in seen:
            continue
        seen.add(chunk)
        got = rules.split(chunk)
        if got is not None:
            assert got == spacy_tokens(chunk), chunk
    assert len(seen) > 1000


def test_affix_rules_match_spacy_on_special_cases_with_affixes(tokenizer, spacy_tokens):
    rules = tokenizer._rules
    for key in rules.specials:
        affixed = (f"({key}", f"{key})", f"{key},", f"«{key}»", f"{key}.", f'"{key}"', f"{key}...", f"({key}),")
        for chunk in (key, *affixed):
            if any(ch.isspace() for ch in chunk):
                continue
            got = rules.split(chunk)
            if got is not None:
                assert got == spacy_tokens(chunk), chunk


def test_french_elisions_and_abbreviations(tokenizer):
    assert tokenizer.words("l'enzyme d'un patient (aujourd'hui) etc. J.-C. M. qu’il") == _words(
        "l'enzyme d'un patient (aujourd'hui) etc. J.-C. M. qu’il"
    )
    assert tokenizer.words("l'enzyme d’un") == ["l'", "enzyme", "d’", "un"]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunk=st.one_of(chunks, elided))
def test_affix_rules_match_spacy_on_random_chunks(tokenizer, spacy_tokens, chunk):
    if any(ch.isspace() for ch in chunk):
        return
    got = tokenizer._rules.split(chunk)
    if got is not None:
        assert got == spacy_tokens(chunk)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(word=st.text(alphabet=st.characters(categories=["Lu", "Ll", "Lt", "Lm", "Lo"]), min_size=1, max_size=12))
def test_letters_only_chunks_are_one_spacy_token(spacy_tokens, word):
    assert spacy_tokens(word) == [word]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.one_of(chunks, elided, french_texts), max_size=30),
       seps=st.lists(st.sampled_from([" ", "  ", "\n", "\n\n", "\t", "\u00a0", " \n "]), min_size=30, max_size=30))
def test_words_match_datatrove_on_random_texts(tokenizer, words, seps):
    text = "".join(w + s for w, s in zip(words, seps, strict=False))
    try:
        expected = _words(text)
    except UnicodeEncodeError:
        with pytest.raises(UnicodeEncodeError):
            tokenizer.words(text)
        return
    assert tokenizer.words(text) == expected


def test_is_alpha_texts_use_datatrove(tokenizer):
    text = "Le patient IS_ALPHA va bien."
    assert tokenizer.words(text) == _words(text)


def test_cache_is_bounded_and_ids_restart():
    tok = ChunkTokenizer(max_chunks=5)
    first = tok.words("un deux trois quatre cinq six sept")
    assert tok.words("huit neuf") == ["huit", "neuf"]  # the cache was emptied before this text
    assert len(tok._chunks) == 2 and first[0] == "un"


def test_token_attributes(tokenizer):
    ids = tokenizer.ids("Le « patient » 5 mg, l'œdème…")
    words = [tokenizer.token(i) for i in ids]
    assert words == _words("Le « patient » 5 mg, l'œdème…")
    by_word = dict(zip(words, ids, strict=True))
    assert tokenizer.non_symbol[by_word["«"]] == 0 and tokenizer.non_symbol[by_word["5"]] == 1
    assert tokenizer.alpha[by_word["5"]] == 0 and tokenizer.alpha[by_word["l'"]] == 1
    assert tokenizer.length[by_word["œdème"]] == 5


def test_string_hashes_are_the_polynomial_hash():
    strings = ["a", "œdème", "l'", "🙂x", "2023;17(6):522-30."]
    expected = []
    for s in strings:
        value, power = 0, 1
        for ch in s:
            value = (value + ord(ch) * power) % (1 << 64)
            power = (power * HASH_BASE) % (1 << 64)
        expected.append(value)
    assert string_hashes(strings, Powers()).tolist() == expected
    powers = Powers()
    powers.ensure(10)
    assert (powers.up[:10] * powers.down[:10] == np.ones(10, dtype=np.uint64)).all()


def test_pickles_without_its_caches(tokenizer):
    tokenizer.words("Le patient va bien.")
    copy = pickle.loads(pickle.dumps(tokenizer))
    assert copy._chunks == {} and copy.language == "fra_Latn"
    assert copy.words("Le patient va bien.") == ["Le", "patient", "va", "bien", "."]
