"""``pack`` on a mix folder: the mix chooses the documents and their repetitions, the runs give the texts."""

from __future__ import annotations

from collections import Counter

import pytest

from curation.errors import ConfigError
from curation.pack.engine import pack_corpus
from tests.curation.pack.conftest import pack_config
from tests.curation.pack.corpus import build_run, documents, write_mix
from tests.curation.pack.helpers import expected_tokens, split_stream


@pytest.fixture
def two_runs(tmp_path):
    """Run A (its own repetitions metadata, which a mix overrides) and run B."""
    a = build_run(tmp_path / "runA", documents(12, seed=1, source="a", repetitions={1: 5, 2: 7}), shards=2, name="A")
    b = build_run(tmp_path / "runB", documents(8, seed=2, source="b"), shards=1, name="B")
    return a, b


def _row(run, doc_id, reps):
    return {"run": str(run), "id": doc_id, "source": doc_id.split("/")[0], "group": "g", "tokens": 10,
            "repetitions": reps}


def test_a_mix_chooses_documents_and_repetitions(tmp_path, two_runs, tokenizer_dir):
    a, b = two_runs
    chosen = {"a/doc-0001": 2, "a/doc-0003": 1, "a/doc-0004": 3, "a/doc-0007": 1, "a/doc-0010": 1,
              "b/doc-0000": 3, "b/doc-0002": 1, "b/doc-0005": 2, "b/doc-0006": 1}
    mix = write_mix(tmp_path / "mix", [_row(a if i.startswith("a/") else b, i, r) for i, r in chosen.items()]
                    + [_row(a, "a/doc-0002", 0)])
    result = pack_corpus(pack_config(mix, tokenizer_dir, tmp_path / "p", validation=0.2))
    index = result.index
    assert index["source"]["kind"] == "mix" and index["source"]["config_hash"] == "mix-hash"
    assert [r["config_hash"] for r in index["source"]["runs"]] == ["hash-of-A", "hash-of-B"]
    train = split_stream(tmp_path / "p", "train")
    validation = split_stream(tmp_path / "p", "validation")
    counts = Counter(i for i, _, _ in train)
    held = {i for i, _, _ in validation}
    assert len(held) == round(0.2 * len(chosen)) and not held & set(counts)
    assert set(counts) | held == set(chosen), "exactly the chosen documents (a/doc-0002 has 0 repetitions)"
    for doc_id, reps in chosen.items():
        assert counts[doc_id] == (0 if doc_id in held else reps), f"{doc_id}: the mix's repetitions"
    texts = {d.id: d.text for d in documents(12, seed=1, source="a") + documents(8, seed=2, source="b")}
    expected = expected_tokens(tokenizer_dir, texts, index["tokenizer"]["separator_id"])
    assert all(tokens == expected[i] for i, _, tokens in train + validation)
    assert index["input"]["documents"] == 20 and index["input"]["unselected"] == 20 - len(chosen)


def test_a_mix_naming_a_document_the_runs_do_not_have_is_refused(tmp_path, two_runs, tokenizer_dir):
    a, b = two_runs
    mix = write_mix(tmp_path / "mix", [_row(a, "a/doc-0001", 1), _row(b, "b/gone", 2)])
    with pytest.raises(ConfigError, match=r"2 documents chosen, 1 found .*b/gone"):
        pack_corpus(pack_config(mix, tokenizer_dir, tmp_path / "p"))


def test_an_unfinished_mix_is_refused(tmp_path, two_runs, tokenizer_dir):
    mix = write_mix(tmp_path / "mix", [_row(two_runs[0], "a/doc-0001", 1)])
    (mix / "mix.json").unlink()
    with pytest.raises(ConfigError, match="without mix.json"):
        pack_corpus(pack_config(mix, tokenizer_dir, tmp_path / "p"))
