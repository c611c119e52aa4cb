"""Tokenized tasks: targets, NER labels on first sub-tokens only, truncation counted, cut words predicted O."""

from __future__ import annotations

import pytest
from transformers import AutoTokenizer

from encoder.evaluation.config import ModelEntry, TaskConfig
from encoder.evaluation.features import IGNORE, adds_special_tokens, encode_task
from encoder.evaluation.finetune import prepare_model
from encoder.evaluation.metrics import word_tags
from encoder.evaluation.tasks import load_task
from tests.curation.pack.corpus import bpe_tokenizer
from tests.encoder.evaluation.synthetic import corpus_texts, write_jsonl


@pytest.fixture(scope="module")
def tokenizer(eval_tokenizer):
    return AutoTokenizer.from_pretrained(str(eval_tokenizer))


def test_ner_labels_sit_on_the_first_sub_token_of_each_word(tmp_path, tokenizer):
    rows = [{"tokens": ["insuffisance", "rénale", "sous", "paracétamol"], "tags": ["B-DISO", "I-DISO", "O", "B-CHEM"]}]
    for split in ("train", "validation", "test"):
        write_jsonl(tmp_path / "n" / f"{split}.jsonl", rows)
    task = load_task("n", TaskConfig(kind="ner", path=str(tmp_path / "n")))
    split = encode_task(task, tokenizer, 64).splits["test"]
    item, positions = split.items[0], split.positions[0]
    word_ids = tokenizer([rows[0]["tokens"]], is_split_into_words=True).word_ids(0)
    assert positions == [word_ids.index(w) for w in range(4)]
    assert [item["labels"][p] for p in positions] == [task.labels.index(t) for t in rows[0]["tags"]]
    assert sum(label != IGNORE for label in item["labels"]) == 4  # later sub-tokens and <s> </s> are ignored
    assert item["labels"][0] == IGNORE and item["input_ids"][0] == tokenizer.cls_token_id
    assert len(item["input_ids"]) > 6  # "insuffisance", "paracétamol"... take several sub-tokens
    assert split.truncated == 0 and split.tokens == len(item["input_ids"])


def test_ner_truncation_cuts_words_that_are_then_predicted_o(tasks_root, tokenizer):
    task = load_task("entities", TaskConfig(kind="ner", path="entities"), tasks_root)
    split = encode_task(task, tokenizer, 8).splits["test"]
    full = [len(ids) for ids in tokenizer([list(e.tokens) for e in task.splits["test"]], is_split_into_words=True)["input_ids"]]
    assert split.truncated == sum(n > 8 for n in full) > 0
    assert all(len(item["input_ids"]) <= 8 for item in split.items)
    cut = next(k for k, pos in enumerate(split.positions) if -1 in pos)
    tags = word_tags([task.labels.index("B-CHEM")] * 8, split.positions[cut], task.labels)
    assert tags[split.positions[cut].index(-1)] == "O" and "B-CHEM" in tags


def test_classification_targets_and_truncation(tasks_root, tokenizer):
    specialty = load_task("specialty", TaskConfig(kind="single_label", path="specialty"), tasks_root)
    encoded = encode_task(specialty, tokenizer, 16)
    lengths = [len(ids) for ids in tokenizer([e.text for e in specialty.splits["train"]])["input_ids"]]
    assert encoded.truncation()["train"] == sum(n > 16 for n in lengths) > 0
    train = encoded.splits["train"]
    assert max(len(i["input_ids"]) for i in train.items) == 16 and train.items[0]["input_ids"][-1] == tokenizer.sep_token_id
    assert [i["labels"] for i in train.items[:5]] == [specialty.labels.index(e.label) for e in specialty.splits["train"][:5]]
    symptoms = load_task("symptoms", TaskConfig(kind="multi_label", path="symptoms"), tasks_root)
    items = encode_task(symptoms, tokenizer, 64).splits["validation"].items
    for item, example in zip(items, symptoms.splits["validation"], strict=True):
        assert item["labels"] == [1.0 if label in example.labels else 0.0 for label in symptoms.labels]


def test_a_tokenizer_without_special_tokens_is_reported(tmp_path, tiny_checkpoint, tokenizer):
    assert adds_special_tokens(tokenizer)
    plain = bpe_tokenizer(tmp_path / "plain", corpus_texts()[:200], vocab_size=300, mask=True)
    assert not adds_special_tokens(AutoTokenizer.from_pretrained(str(plain)))
    for name in ("config.json", "model.safetensors"):
        (plain / name).write_bytes((tiny_checkpoint / name).read_bytes())
    model = prepare_model("plain", ModelEntry(path=str(plain)))
    assert model.warnings and "adds no special tokens" in model.warnings[0]
    assert not prepare_model("tiny", ModelEntry(path=str(tiny_checkpoint))).warnings
