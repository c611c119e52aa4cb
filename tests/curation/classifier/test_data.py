"""Annotated passages from shards, the group key, and the seeded split by article."""

from __future__ import annotations

import hashlib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.classifier.data import (
    Example,
    example_of,
    fingerprint,
    group_of,
    load_annotated,
    parquet_files,
    split_draw,
    split_examples,
)
from curation.classifier.synthetic import write_shards
from curation.document import Document
from curation.errors import ConfigError

META = {"source": "s", "license": "CC-BY-4.0", "route": "direct"}
LABELS = {"quality.edu": 8, "quality.cont": 7, "quality.writ": 6, "quality.term": 9, "content_type": "patient_case"}


def doc(doc_id: str, text: str = "Une patiente de 54 ans.", **meta) -> Document:
    return Document(text=text, id=doc_id, metadata={**META, **meta})


def test_loads_annotated_passages_from_a_shard_folder(shards, passages):
    data = load_annotated([shards])
    assert len(data.examples) == len(passages) and data.documents == len(passages) + 12
    assert data.missing == {"quality.edu": 12}  # the unannotated documents, by their first missing field
    ex = data.examples[0]
    assert ex.id == passages[0].id and ex.text == passages[0].text and ex.group == passages[0].metadata["root_id"]
    assert ex.scores() == tuple(passages[0].metadata[f"quality.{s}"] for s in ("edu", "cont", "writ", "term"))


def test_a_run_folder_a_file_and_duplicates(shards):
    run_dir = shards.parent  # <run>/curated/ is found from <run>/
    files = parquet_files([run_dir])
    assert files == sorted(shards.glob("*.parquet"))
    data = load_annotated([files[0], shards])  # the first file twice
    assert data.duplicates == 400 and len({e.id for e in data.examples}) == len(data.examples)


def test_missing_fields_and_invalid_labels_are_counted(tmp_path):
    docs = [
        doc("s/a#p0", **LABELS, root_id="s/a"),
        doc("s/a#p1", **{k: v for k, v in LABELS.items() if k != "quality.writ"}),
        doc("s/a#p2", **{k: v for k, v in LABELS.items() if k != "content_type"}),
        doc("s/a#p3", **{**LABELS, "quality.edu": 11}),
        doc("s/a#p4", **{**LABELS, "content_type": "recette"}),
    ]
    write_shards(docs, tmp_path)
    data = load_annotated([tmp_path])
    assert [e.id for e in data.examples] == ["s/a#p0"]
    assert data.missing == {"quality.writ": 1, "content_type": 1}
    assert len(data.invalid) == 2 and "quality.edu=11" in data.invalid[0] and "recette" in data.invalid[1]
    text = data.describe_missing()
    assert "quality.writ missing on 1" in text and "content_type missing on 1" in text and "invalid" in text


def test_bad_paths_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="no such file or folder"):
        parquet_files([tmp_path / "nowhere"])
    with pytest.raises(ConfigError, match=r"no Parquet shards in .* — give a run folder"):
        parquet_files([tmp_path])
    (tmp_path / "x.parquet").write_text("not parquet")
    with pytest.raises(ConfigError, match="not a readable Parquet file"):
        load_annotated([tmp_path])


def test_group_is_root_then_parent_then_id():
    assert group_of(doc("s/a#s0#p1", root_id="s/a", parent_id="s/a#s0")) == "s/a"
    assert group_of(doc("s/a#p1", parent_id="s/a")) == "s/a"
    assert group_of(doc("s/a")) == "s/a"
    ex = example_of(doc("s/b#p0", parent_id="s/b", **LABELS))
    assert isinstance(ex, Example) and ex.group == "s/b"


def test_split_is_deterministic_and_by_hash_not_python_hash(examples):
    a = split_examples(examples, seed=1, validation=0.2, test=0.1)
    b = split_examples(list(reversed(examples)), seed=1, validation=0.2, test=0.1)
    for part in ("train", "validation", "test"):
        assert sorted(e.id for e in a.parts[part]) == sorted(e.id for e in b.parts[part])
    assert a.to_json()["articles"] == b.to_json()["articles"]
    # the draw is sha256("<seed>\\0<article>"), the same in every process (Python's hash() is salted)
    digest = hashlib.sha256(b"0\0synthetic/article00000").digest()
    assert split_draw("synthetic/article00000", 0) == int.from_bytes(digest[:8], "big") / 2**64
    other = split_examples(examples, seed=2, validation=0.2, test=0.1)
    assert other.to_json()["articles"] != a.to_json()["articles"]
    n_articles = len({e.group for e in examples})
    share = len(a.to_json()["articles"]["validation"]) / n_articles
    assert 0.12 < share < 0.28  # 20 % in expectation


@settings(max_examples=60, deadline=None)
@given(
    groups=st.lists(st.sampled_from([f"src/art{i}" for i in range(12)]), min_size=1, max_size=60),
    seed=st.integers(0, 10**6),
    validation=st.floats(0, 0.6),
    test=st.floats(0, 0.3),
    shuffle=st.randoms(use_true_random=False),
)
def test_no_article_on_two_sides(groups, seed, validation, test, shuffle):
    examples = [Example(f"{g}#p{i}", g, "texte", 5, 5, 5, 5, "other") for i, g in enumerate(groups)]
    split = split_examples(examples, seed, validation, test)
    sides = [{e.group for e in part} for part in split.parts.values()]
    assert not (sides[0] & sides[1] or sides[0] & sides[2] or sides[1] & sides[2])
    assert sum(len(p) for p in split.parts.values()) == len(examples)
    shuffled = list(examples)
    shuffle.shuffle(shuffled)
    again = split_examples(shuffled, seed, validation, test)
    assert {p: sorted(e.id for e in ex) for p, ex in again.parts.items()} == \
        {p: sorted(e.id for e in ex) for p, ex in split.parts.items()}


def test_bad_fractions_and_fingerprint(examples):
    with pytest.raises(ConfigError, match="sum below 1"):
        split_examples(examples, 0, validation=0.7, test=0.3)
    shuffled = list(examples)
    random.Random(0).shuffle(shuffled)
    assert fingerprint(shuffled) == fingerprint(examples)
    changed = [Example(e.id, e.group, e.text, e.edu, e.cont, e.writ, e.term, e.content_type) for e in examples]
    changed[0] = Example(changed[0].id, changed[0].group, changed[0].text + " !", *changed[0].scores(),
                         changed[0].content_type)
    assert fingerprint(changed) != fingerprint(examples)


def test_split_json_round_trip(split, tmp_path):
    import json

    path = split.write(tmp_path / "split.json")
    data = json.loads(path.read_text())
    assert data["seed"] == split.seed and set(data["passages"]) == {"train", "validation", "test"}
    assert len(data["passages"]["validation"]) == len(split.validation)
