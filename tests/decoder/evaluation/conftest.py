"""Fixtures of the evaluation tests, all built here (nothing downloaded):

- ``letter_tokenizer``: a word-level tokenizer whose letters A-E are single tokens (``<pad> <unk> <s> </s>``
  are 0-3), vocabulary from the prompts and the items;
- ``chat_llm`` / ``chat_llm_tuned``: tiny random Llamas (2 layers, hidden 32) with that tokenizer and the
  decoder tests' Mistral-like chat template (``[INST] ... [/INST] answer</s>``), seeds 0 and 1;
- ``bpe_llm``: a tiny random Llama with a byte-level BPE (letters merge with their space: ``ĠA``...) and
  no chat template, as a base model;
- ``tiny_bert``: a tiny random BERT encoder for BERTScore;
- ``eval_data``: the three tiny datasets (JSONL, JSON array, Parquet).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from decoder.evaluation.prompts import available_prompts, load_prompt
from tests.decoder.conftest import save_tiny_llama
from tests.decoder.evaluation.data import corpus_texts, write_tiny_eval_data

SHAPE = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
         "num_key_value_heads": 2, "max_position_embeddings": 1024}
"""The tiny Llama's shape (positions: the prompts are a few hundred tokens)."""


def prompt_texts() -> list[str]:
    """The shipped prompts' words (sources, so every literal word is in the vocabulary)."""
    texts = []
    for name in available_prompts():
        prompt = load_prompt(name)
        texts += [prompt.user, prompt.system or ""]
    return texts


@pytest.fixture(scope="session")
def letter_tokenizer(tmp_path_factory) -> Path:
    """Word-level tokenizer: specials, A-E, then every word and punctuation mark of the prompts and items."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    words = set()
    for text in prompt_texts() + corpus_texts() + ["[INST] [/INST]"]:
        words.update(re.findall(r"\w+|[^\w\s]", text))
    names = ["<pad>", "<unk>", "<s>", "</s>", "A", "B", "C", "D", "E"]
    names += sorted(words - set(names))
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(names)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                                   unk_token="<unk>")
    folder = tmp_path_factory.mktemp("eval-tokenizers") / "letters"
    fast.save_pretrained(str(folder))
    return folder


@pytest.fixture(scope="session")
def chat_llm(letter_tokenizer, tmp_path_factory, torch_one_thread) -> Path:
    """Tiny random Llama (seed 0) with the letter tokenizer and a chat template."""
    return save_tiny_llama(tmp_path_factory.mktemp("eval-models") / "base", letter_tokenizer, seed=0, **SHAPE)


@pytest.fixture(scope="session")
def chat_llm_tuned(letter_tokenizer, tmp_path_factory, torch_one_thread) -> Path:
    """Another tiny random Llama (seed 1), same tokenizer: the 'tuned' model compared with ``chat_llm``."""
    return save_tiny_llama(tmp_path_factory.mktemp("eval-models") / "tuned", letter_tokenizer, seed=1, **SHAPE)


@pytest.fixture(scope="session")
def bpe_tokenizer_dir(tmp_path_factory) -> Path:
    """A byte-level BPE (400 ids) trained on the prompts and items, where ' A'...' E' are merged tokens."""
    from tests.curation.pack.corpus import bpe_tokenizer

    texts = prompt_texts() + corpus_texts() + ["Réponse : A C D", "Réponse : B E", " A B C D E"] * 20
    return bpe_tokenizer(tmp_path_factory.mktemp("eval-tokenizers") / "bpe", texts, vocab_size=400)


@pytest.fixture(scope="session")
def bpe_llm(bpe_tokenizer_dir, tmp_path_factory, torch_one_thread) -> Path:
    """Tiny random Llama with the BPE tokenizer and no chat template (a base model's prompts are raw text)."""
    from transformers import AutoTokenizer

    folder = save_tiny_llama(tmp_path_factory.mktemp("eval-models") / "bpe", bpe_tokenizer_dir, seed=2, **SHAPE)
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    tokenizer.chat_template = None
    tokenizer.save_pretrained(str(folder))
    (folder / "chat_template.jinja").unlink(missing_ok=True)
    return folder


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory, torch_one_thread) -> Path:
    """A tiny random BERT (2 layers, hidden 32) with a WordPiece tokenizer, ``model_max_length`` 512."""
    from transformers import AutoTokenizer

    from curation.classifier.synthetic import tiny_encoder

    folder = tiny_encoder(tmp_path_factory.mktemp("eval-encoders") / "bert", corpus_texts() * 3, vocab_size=300)
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    tokenizer.model_max_length = 512
    tokenizer.save_pretrained(str(folder))
    return folder


@pytest.fixture(scope="session")
def eval_data(tmp_path_factory) -> dict[str, Path]:
    """single.jsonl, multi.json (FrenchMedMCQA-shaped), open.parquet."""
    return write_tiny_eval_data(tmp_path_factory.mktemp("eval-data"))
