"""``segment``: paragraph-aligned segments that tile the text and respect the token limit."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curation.io import read_records
from curation.run.context import RunContext
from curation.steps.base import iter_outputs
from curation.steps.segment import SegmentConfig, Segmenter, segment_spans
from curation.text.split import paragraph_spans
from curation.tokens import TokenCounterConfig
from tests.strategies import FRENCH_WORDS

COUNTER = TokenCounterConfig().build()
META = {"source": "s", "license": "MIT", "route": "extraction"}


def _doc(text, doc_id="s/a.pdf", **meta):
    from curation.document import Document

    return Document(text=text, id=doc_id, metadata=dict(META, **meta))


def _step(tmp_path, **config):
    return Segmenter(SegmentConfig(**config), RunContext(out_dir=str(tmp_path)), 1)


def test_segments_cut_at_paragraph_ends_with_metadata(tmp_path):
    para = "Le patient présente une fièvre."  # 6 units
    text = "\n\n".join([para] * 5)
    step = _step(tmp_path, max_tokens=13)
    out = iter_outputs(step, [_doc(text, _secret="x", page_start=1, page_count=1)])
    assert [d.text for d in out] == [f"{para}\n\n{para}\n\n"] * 2 + [para]
    assert [d.id for d in out] == ["s/a.pdf#s0", "s/a.pdf#s1", "s/a.pdf#s2"]
    first = out[1].metadata
    assert (first["root_id"], first["parent_id"], first["passage_index"]) == ("s/a.pdf", "s/a.pdf", 1)
    assert text[first["char_start"] : first["char_end"]] == out[1].text and first["token_count"] == 12
    assert "_secret" not in first and first["source"] == "s" and first["page_start"] == 1
    assert step.stats["segments"].total == 3


def test_one_segment_keeps_the_root_and_gets_page_span(tmp_path):
    text = "Page un.\f\n\nPage deux.\f\n\nPage trois."
    out = iter_outputs(_step(tmp_path), [_doc(text, root_id="s/orig", page_start=4)])
    assert len(out) == 1 and out[0].id == "s/a.pdf#s0" and out[0].text == text
    assert (out[0].metadata["root_id"], out[0].metadata["page_start"], out[0].metadata["page_end"]) == ("s/orig", 4, 6)
    out = iter_outputs(_step(tmp_path / "b", max_tokens=3), [_doc(text, page_start=1)])
    assert [(d.metadata["page_start"], d.metadata["page_end"]) for d in out] == [(1, 1), (2, 2), (3, 3)]


def test_a_page_break_ends_a_paragraph():
    text = "Un deux trois quatre\fcinq six sept huit"
    spans = segment_spans(text, 5, COUNTER.count)
    assert [text[s:e] for s, e in spans] == ["Un deux trois quatre\f", "cinq six sept huit"]


def test_oversize_paragraph_is_cut_at_sentences_then_at_the_limit():
    text = "Un deux trois. Quatre cinq six sept huit neuf dix onze douze treize. Fin."
    spans = segment_spans(text, 6, COUNTER.count)
    assert [text[s:e] for s, e in spans] == [
        "Un deux trois. ", "Quatre cinq six sept huit neuf ", "dix onze douze treize. ", "Fin."
    ]


def test_empty_document_is_excluded(tmp_path):
    step = _step(tmp_path)
    assert iter_outputs(step, [_doc(" \n\f "), _doc("", "s/b.pdf")]) == []
    assert sorted(r["reason"] for r in read_records(tmp_path / "excluded")) == ["empty_document"] * 2


def test_direct_route_passes_through(tmp_path):
    doc = _doc("a\n\nb", route="direct")
    assert iter_outputs(_step(tmp_path), [doc]) == [doc]


paragraph = st.lists(st.sampled_from(FRENCH_WORDS + ["fin.", "oui !", "x" * 30]), min_size=1, max_size=40).map(
    " ".join
)
separator = st.sampled_from(["\n\n", "\n \n", "\f\n\n", "\f", "\n", " "])


@st.composite
def documents_text(draw):
    parts = draw(st.lists(paragraph, min_size=1, max_size=12))
    text = parts[0]
    for part in parts[1:]:
        text += draw(separator) + part
    return draw(st.sampled_from(["", " ", "\n"])) + text + draw(st.sampled_from(["", "\n", "\f"]))


@settings(max_examples=150, deadline=None)
@given(text=documents_text(), limit=st.integers(min_value=1, max_value=60))
def test_segments_tile_the_text_and_respect_the_limit(text, limit):
    spans = segment_spans(text, limit, COUNTER.count)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert "".join(text[s:e] for s, e in spans) == text
    assert all(COUNTER.count(text[s:e]) <= limit for s, e in spans)
    assert all(text[s:e].strip() for s, e in spans)


@settings(max_examples=100, deadline=None)
@given(text=documents_text(), limit=st.integers(min_value=1, max_value=60))
def test_cuts_fall_at_paragraph_ends_unless_a_paragraph_is_oversize(text, limit):
    ends = {e for _, e in paragraph_spans(text)}
    oversize = [(s, e) for s, e in paragraph_spans(text) if COUNTER.count(text[s:e]) > limit]
    for start, end in segment_spans(text, limit, COUNTER.count)[:-1]:
        content_end = start + len(text[start:end].rstrip())
        assert content_end in ends or any(s < content_end < e for s, e in oversize)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=documents_text())
def test_step_is_deterministic(tmp_path_factory, text):
    out1 = iter_outputs(_step(tmp_path_factory.mktemp("a"), max_tokens=20), [_doc(text)])
    out2 = iter_outputs(_step(tmp_path_factory.mktemp("b"), max_tokens=20), [_doc(text)])
    assert [(d.id, d.text, d.metadata) for d in out1] == [(d.id, d.text, d.metadata) for d in out2]
