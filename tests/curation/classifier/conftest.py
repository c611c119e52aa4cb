"""Shared fixtures: synthetic annotated passages (learnable signals, grouped into articles), their shards,
a trained fastText student and a tiny random encoder checkpoint — all built here, nothing downloaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.classifier.data import Example, example_of, split_examples
from curation.classifier.synthetic import synthetic_passages, tiny_encoder, write_shards

ARTICLES = 240
PER_ARTICLE = 5
SEED = 3


@pytest.fixture(scope="session")
def passages():
    """1 200 annotated passages from 240 articles (documents with ``quality.*`` and ``content_type``)."""
    return synthetic_passages(ARTICLES, PER_ARTICLE, seed=SEED)


@pytest.fixture(scope="session")
def examples(passages) -> list[Example]:
    """The passages as training examples."""
    return [example_of(d) for d in passages]


@pytest.fixture(scope="session")
def split(examples):
    """The seeded split by article (20 % of the articles held out)."""
    return split_examples(examples, seed=SEED, validation=0.2)


@pytest.fixture(scope="session")
def shards(passages, tmp_path_factory) -> Path:
    """The passages as biomedfr Parquet shards, with a few unannotated documents mixed in."""
    folder = tmp_path_factory.mktemp("annotated") / "curated"
    extra = synthetic_passages(6, 2, seed=99, source="plain", annotated=False)
    write_shards(list(passages) + extra, folder, per_shard=400)
    return folder


@pytest.fixture(scope="session")
def fasttext_student(split, tmp_path_factory):
    """The fastText student trained on the train articles and saved (default hyper-parameters)."""
    from curation.classifier.fasttext_student import FastTextStudent

    student = FastTextStudent.train(split.train)
    student.save(tmp_path_factory.mktemp("students") / "ft-student")
    return student


@pytest.fixture(scope="session")
def tiny_bert(examples, tmp_path_factory, torch_one_thread) -> Path:
    """A tiny random BERT with a WordPiece tokenizer trained on the passages."""
    return tiny_encoder(tmp_path_factory.mktemp("encoders") / "tiny-bert", [e.text for e in examples[:300]])
