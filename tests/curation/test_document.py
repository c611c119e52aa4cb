"""The document contract: stable ids, rows that round-trip, metadata validation."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings

from curation.document import (
    METADATA_COLUMNS,
    Document,
    arrow_schema,
    from_row,
    make_id,
    passage_id,
    to_row,
    validate_metadata,
)
from curation.errors import DocumentError
from tests.strategies import unique_documents


def test_ids_are_source_plus_native_id():
    assert make_id("hal", "hal-01234567") == "hal/hal-01234567"
    assert make_id("sample-pdf", "./sub/a.pdf") == "sample-pdf/sub/a.pdf"
    assert passage_id("hal/hal-1", 3) == "hal/hal-1#p3"
    with pytest.raises(DocumentError) as err:
        make_id("hal", "  ")
    assert err.value.reason == "missing_id"


def test_declared_keys_include_the_design_keys():
    for key in ("source", "license", "parent_id", "passage_index", "sha256", "page_start", "page_end", "url",
                "authors", "doi", "quality.edu", "quality.cont", "quality.writ", "quality.term", "content_type",
                "fidelity", "dup_cluster", "dup_cluster_size"):
        assert key in METADATA_COLUMNS


def test_metadata_validation_names_the_field():
    with pytest.raises(DocumentError, match="page_start"):
        validate_metadata({"source": "s", "license": "MIT", "page_start": "first"}, "s:a.pdf")
    with pytest.raises(DocumentError, match="license"):
        validate_metadata({"source": "s"}, "s:a.pdf")


@settings(max_examples=50, deadline=None)
@given(docs=unique_documents(max_size=10))
def test_rows_round_trip_through_parquet(docs):
    for i, d in enumerate(docs):
        d.metadata.update({"quality.edu": i % 10 + 1, "authors": ["A. Martin"], "custom_key": {"x": i}})
    table = pa.Table.from_pylist([to_row(d) for d in docs], schema=arrow_schema())
    back = [from_row(r) for r in table.to_pylist()]
    assert [(d.id, d.text, d.metadata) for d in back] == [(d.id, d.text, d.metadata) for d in docs]


def test_unknown_keys_are_kept_in_extra():
    row = to_row(Document("t", "s/1", metadata={"source": "s", "license": "MIT", "my_score": 0.5}))
    assert row["extra"] == '{"my_score": 0.5}' and row["license"] == "MIT"


def test_transient_keys_are_not_written():
    row = to_row(Document("t", "s/1", metadata={"source": "s", "license": "MIT", "_segment_text": "long source"}))
    assert row["extra"] is None and "_segment_text" not in row
