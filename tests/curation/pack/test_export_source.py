"""``pack`` reads an export folder: what the license policy admitted, with its repetitions, nothing else."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from curation.errors import ConfigError
from curation.pack.index import read_index
from curation.pack.reader import PackedDataset
from curation.pack.source import resolve_source
from tests.curation.pack.helpers import copies


def test_the_sample_export_packs_exactly_its_admitted_documents(sample_export, sample_pack, sample_tokenizer):
    exported = {row["id"] for p in sorted((sample_export / "data").glob("*.parquet"))
                for row in pq.read_table(p, columns=["id"]).to_pylist()}
    excluded = {row["id"] for p in sorted((sample_export / "excluded").glob("*.parquet"))
                for row in pq.read_table(p, columns=["id"]).to_pylist()}
    assert exported and excluded, "the open policy keeps some sample documents and leaves others"
    packed = {row["id"] for split in ("train", "validation") for row in copies(sample_pack, split)}
    assert packed == exported, "every admitted document is packed, and nothing the policy left out"
    assert not packed & excluded
    index = read_index(sample_pack)
    manifest = json.loads((sample_export / "manifest.json").read_text())
    assert index["source"]["kind"] == "export" and index["source"]["policy"] == "open"
    assert index["source"]["config_hash"] == manifest["input"]["config_hash"]
    train = PackedDataset(sample_pack, "train", expected_tokenizer=sample_tokenizer)
    assert len(train) > 0 and train.seq_len == 128


def test_an_unfinished_export_is_refused(sample_export, tmp_path):
    folder = tmp_path / "export"
    (folder / "data").mkdir(parents=True)
    (folder / "done").mkdir()
    with pytest.raises(ConfigError, match="an export without manifest.json — it did not finish"):
        resolve_source(folder)
    (folder / "manifest.json").write_text(json.dumps({"format": "biomedfr.other/1"}))
    with pytest.raises(ConfigError, match="pack reads biomedfr.export/\\* exports"):
        resolve_source(folder)
