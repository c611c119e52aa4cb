"""Record readers (JSONL, JSON, Parquet): field mapping, ids, licenses, per-record failures, accounting."""

from __future__ import annotations

import gzip
import hashlib
import json
import string
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.errors import ConfigError
from curation.config import validate
from curation.io import read_records
from curation.manifest import Manifest
from curation.readers.base import FieldMap, SourceReader
from curation.readers.records import (
    JsonlReader,
    JsonlReaderConfig,
    JsonReader,
    JsonReaderConfig,
    ParquetReader,
    ParquetReaderConfig,
)
from curation.run.context import RunContext
from curation.run.sources import ResolvedSource

MANIFEST_LICENSE = "LicenseRef-corpus"
READERS = {"jsonl": (JsonlReader, JsonlReaderConfig), "json": (JsonReader, JsonReaderConfig),
           "parquet": (ParquetReader, ParquetReaderConfig)}


def make_reader(root: Path, fmt: str, out: str = "out", **options) -> SourceReader:
    """A reader over ``root/src`` built as the engine builds it."""
    reader_cls, config_cls = READERS[fmt]
    manifest = Manifest(
        name="src", title="Source", license=MANIFEST_LICENSE, redistribution=True, derivatives=True,
        commercial=True, attribution="Source", route="direct", per_document_license=True,
    )
    source = ResolvedSource(
        name="src", manifest=manifest, manifest_path="src.yaml", route="direct",
        root=str(root / "src"), reader=config_cls(path=str(root / "src"), **options),
    )
    return reader_cls(source, RunContext(out_dir=str(root / out)))


def write(root: Path, rel: str, content: bytes) -> Path:
    path = root / "src" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def run(reader: SourceReader, rank: int = 0, world_size: int = 1) -> dict:
    return {doc.id: doc for doc in reader.run(None, rank=rank, world_size=world_size)}


def failures(root: Path, out: str = "out") -> dict[tuple[str, str | None], dict]:
    return {(r["source_path"], r["locator"]): r for r in read_records(root / out / "failed")}


def stats(reader: SourceReader) -> tuple[int, int, int]:
    return reader.stats["in"].total, reader.stats["kept"].total, reader.stats["failed"].total


LINE1 = json.dumps({
    "id": "a1", "text": "Premier texte.", "license": "CC BY 4.0", "title": "T1", "authors": "Dupont A.; Martin B.",
    "doi": "https://doi.org/10.5/x", "url": "https://ex.org/a1", "extra": {"ignored": True},
}, ensure_ascii=False).encode("utf-8")
JSONL_LINES = [
    LINE1,
    b"",
    b'{"id": "a2", "text": "caf\xe9"}',
    b'{"id": "a3", "text": "x"',
    b"[1, 2]",
    b'{"id": "a4", "body": "pas de champ text"}',
    b'{"text": "sans id"}',
    '{"id": 7, "text": "Texte numéro sept."}'.encode("utf-8"),
]


def test_jsonl_documents_metadata_and_failures(tmp_path: Path) -> None:
    write(tmp_path, "data.jsonl", b"\n".join(JSONL_LINES) + b"\n")
    reader = make_reader(tmp_path, "jsonl")
    docs = run(reader)
    assert list(docs) == ["src/a1", "src/7"]
    first = docs["src/a1"]
    assert first.text == "Premier texte."
    meta = first.metadata
    assert meta["license"] == "CC-BY-4.0" and meta["license_raw"] == "CC BY 4.0"
    assert meta["authors"] == ["Dupont A.", "Martin B."] and meta["doi"] == "10.5/x"
    assert meta["url"] == "https://ex.org/a1" and meta["title"] == "T1"
    assert meta["locator"] == "L1" and meta["source_path"] == "data.jsonl" and meta["route"] == "direct"
    assert meta["sha256"] == hashlib.sha256(LINE1).hexdigest()
    assert "extra" not in meta and "ignored" not in json.dumps(meta)
    seven = docs["src/7"]
    assert seven.metadata["license"] == MANIFEST_LICENSE and "license_raw" not in seven.metadata
    assert seven.metadata["locator"] == "L8"
    failed = failures(tmp_path)
    assert {loc: r["reason"] for (_, loc), r in failed.items()} == {
        "L3": "invalid_utf8", "L4": "invalid_json", "L5": "invalid_record", "L6": "missing_text", "L7": "missing_id",
    }
    assert "line 4, column" in failed[("data.jsonl", "L4")]["message"]
    missing_text = failed[("data.jsonl", "L6")]["message"]
    assert "'text'" in missing_text and "body, id" in missing_text and "set fields.text in the recipe" in missing_text
    assert "set fields.id: null" in failed[("data.jsonl", "L7")]["message"]
    assert failed[("data.jsonl", "L6")]["id"] == "src/data.jsonl#L6"
    assert stats(reader) == (7, 2, 5)


def test_jsonl_gzip_positional_ids_and_custom_fields(tmp_path: Path) -> None:
    records = [{"contenu": "Un.", "meta": {"auteurs": ["A", "B"]}}, {"contenu": "Deux.", "meta": {}}]
    payload = "\n".join(json.dumps(r) for r in records).encode()
    write(tmp_path, "part/x.jsonl.gz", gzip.compress(payload))
    fields = FieldMap(text="contenu", id=None, authors="meta.auteurs", license=None)
    reader = make_reader(tmp_path, "jsonl", fields=fields)
    docs = run(reader)
    assert {k: d.text for k, d in docs.items()} == {"src/part/x.jsonl.gz#L1": "Un.", "src/part/x.jsonl.gz#L2": "Deux."}
    assert docs["src/part/x.jsonl.gz#L1"].metadata["authors"] == ["A", "B"]
    assert stats(reader) == (2, 2, 0)


def test_empty_files(tmp_path: Path) -> None:
    for name in ("a.jsonl", "b.json", "c.parquet"):
        write(tmp_path, name, b"")
    for fmt in ("jsonl", "json", "parquet"):
        reader = make_reader(tmp_path, fmt, out=f"out_{fmt}", glob="*")
        assert run(reader) == {}
        reasons = {r["reason"] for r in failures(tmp_path, f"out_{fmt}").values()}
        assert reasons == {"empty_file"}
        assert stats(reader) == (3, 0, 3)


def test_json_array_object_and_bad_files(tmp_path: Path) -> None:
    array = [{"id": "x1", "text": "Un."}, "pas un objet", {"id": "x2", "text": "", "license": "CC-BY-4.0"}]
    write(tmp_path, "array.json", json.dumps(array).encode())
    write(tmp_path, "one.json", json.dumps({"id": "solo", "text": "Seul."}).encode())
    write(tmp_path, "broken.json", b'{\n  "id": "b",\n  "text": oops\n}')
    write(tmp_path, "latin.json", '{"id": "l", "text": "été"}'.encode("latin-1"))
    reader = make_reader(tmp_path, "json")
    docs = run(reader)
    assert {k: d.text for k, d in docs.items()} == {"src/x1": "Un.", "src/solo": "Seul."}
    assert docs["src/x1"].metadata["locator"] == "i0" and docs["src/solo"].metadata["locator"] is None
    canonical = json.dumps({"id": "solo", "text": "Seul."}, sort_keys=True, separators=(",", ":")).encode()
    assert docs["src/solo"].metadata["sha256"] == hashlib.sha256(canonical).hexdigest()
    reasons = {key: r["reason"] for key, r in failures(tmp_path).items()}
    assert reasons == {("array.json", "i1"): "invalid_record", ("array.json", "i2"): "missing_text",
                       ("broken.json", None): "invalid_json", ("latin.json", None): "invalid_utf8"}
    assert "line 3, column" in failures(tmp_path)[("broken.json", None)]["message"]
    assert stats(reader) == (6, 2, 4)


def test_parquet_batches_mapped_columns_and_failures(tmp_path: Path) -> None:
    table = pa.table({
        "doc_id": ["r0", "r1", "r2", "r3", "r4"],
        "body": ["Zéro.", "Un.", None, "Trois.", "Quatre."],
        "lic": ["CC BY 4.0", None, None, None, "cc-by-sa 4.0"],
        "unmapped": ["u"] * 5,
    })
    src = tmp_path / "src"
    src.mkdir()
    pq.write_table(table, src / "t.parquet", row_group_size=2)
    write(tmp_path, "nobody.parquet", b"")
    pq.write_table(pa.table({"doc_id": ["z"]}), src / "notext.parquet")
    fields = FieldMap(text="body", id="doc_id", license="lic")
    reader = make_reader(tmp_path, "parquet", fields=fields, batch_size=2)
    docs = run(reader)
    assert {k: d.text for k, d in docs.items()} == {"src/r0": "Zéro.", "src/r1": "Un.", "src/r3": "Trois.", "src/r4": "Quatre."}
    assert [d.metadata["locator"] for d in docs.values()] == ["i0", "i1", "i3", "i4"]
    assert docs["src/r0"].metadata["license"] == "CC-BY-4.0" and docs["src/r1"].metadata["license"] == MANIFEST_LICENSE
    row = {"body": "Zéro.", "doc_id": "r0", "lic": "CC BY 4.0"}  # only mapped columns are read
    canonical = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    assert docs["src/r0"].metadata["sha256"] == hashlib.sha256(canonical).hexdigest()
    reasons = {key: r["reason"] for key, r in failures(tmp_path).items()}
    assert reasons == {("t.parquet", "i2"): "missing_text", ("nobody.parquet", None): "empty_file",
                       ("notext.parquet", None): "missing_text"}
    assert stats(reader) == (7, 4, 3)


def test_sharding_reads_every_file_once(tmp_path: Path) -> None:
    names = [f"f{i}.jsonl" for i in range(5)]
    for name in names:
        write(tmp_path, name, json.dumps({"id": name, "text": f"Texte {name}"}).encode() + b"\n")
    seen: list[str] = []
    for rank in (0, 1):
        seen.extend(run(make_reader(tmp_path, "jsonl"), rank=rank, world_size=2))
    assert sorted(seen) == sorted(f"src/{name}" for name in names)


def test_unknown_encoding_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="encoding"):
        validate(JsonlReaderConfig, {"path": ".", "encoding": "utf-99"}, "recipe.yaml")


_IDS = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=12)
_TEXTS = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=30, deadline=None, database=None)
@given(st.lists(st.tuples(_IDS, _TEXTS), max_size=8))
def test_jsonl_round_trip_property(records: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        lines = [json.dumps({"id": i, "text": t}, ensure_ascii=False).encode("utf-8") for i, t in records]
        write(root, "p.jsonl", b"\n".join(lines) + b"\n")
        reader = make_reader(root, "jsonl")
        docs = list(reader.run(None, rank=0, world_size=1))
        expected = [(f"src/{i}", t) for i, t in records if t.strip()]
        assert [(d.id, d.text) for d in docs] == expected
        n_in, kept, failed = stats(reader)
        assert n_in == kept + failed
        if records:
            assert (kept, failed) == (len(expected), len(records) - len(expected))
        else:
            assert (n_in, failed) == (1, 1)  # a file with no record at all is one empty_file failure


def test_truncated_gzip_keeps_the_lines_before_and_fails_the_file(tmp_path: Path) -> None:
    payload = b"".join(json.dumps({"id": f"g{i}", "text": f"Ligne {i} " * 50}).encode() + b"\n" for i in range(200))
    write(tmp_path, "cut.jsonl.gz", gzip.compress(payload)[:-200])
    reader = make_reader(tmp_path, "jsonl")
    docs = run(reader)
    assert docs and all(d.text.startswith("Ligne") for d in docs.values())
    assert [r["reason"] for r in failures(tmp_path).values()] == ["invalid_compression"]
    n_in, kept, failed = stats(reader)
    assert n_in == kept + failed and failed == 1
