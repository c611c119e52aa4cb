"""Shared decoder fixtures: torch on one thread and a tiny random Llama (the sample tokenizer, a chat template).

``tiny_causal_lm`` is an HF folder (``config.json``, ``model.safetensors``, tokenizer files with a chat
template) that every decoder test may load with ``AutoModelForCausalLM`` / ``AutoTokenizer``; it is built
once per session from ``sample_tokenizer`` (512 ids: <pad>=0 <unk>=1 <s>=2 </s>=3 <mask>=4), so the
sample pack (``sample_pack``) can be trained on with it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{% if message['role'] == 'system' %}{{ message['content'] + '\\n' }}"
    "{% elif message['role'] == 'user' %}{{ '<s>[INST] ' + message['content'] + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ ' ' + message['content'] + '</s>' }}"
    "{% endif %}{% endfor %}"
)
"""A Mistral-like template: ``<s>[INST] question [/INST] answer</s>`` per turn (generation prompt: nothing)."""

TINY_LLAMA = {"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
              "num_key_value_heads": 2, "max_position_embeddings": 1024}
"""Shape of the tiny Llama (vocabulary: the sample tokenizer's 512 ids)."""


def save_tiny_llama(folder: Path, tokenizer_dir: Path, seed: int = 0, **shape) -> Path:
    """Save a random LlamaForCausalLM sized for the tokenizer at ``tokenizer_dir``, with that tokenizer
    (plus ``CHAT_TEMPLATE``), as an HF folder."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_dir))
    tokenizer.chat_template = CHAT_TEMPLATE
    config = LlamaConfig(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id,
                         bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                         tie_word_embeddings=False, **{**TINY_LLAMA, **shape})
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    model.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    return folder


@pytest.fixture(scope="session")
def tiny_causal_lm(sample_tokenizer, tmp_path_factory, torch_one_thread) -> Path:
    """A tiny random Llama (hidden 64, 2 layers, vocabulary 512 = ``sample_tokenizer``, chat template) saved
    as an HF folder: the base model of every decoder test."""
    return save_tiny_llama(tmp_path_factory.mktemp("decoder-models") / "tiny-llama", sample_tokenizer)
