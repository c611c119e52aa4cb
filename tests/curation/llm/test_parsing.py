"""Validation, JSON extraction and repetition-loop detection."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from curation.llm.parsing import classify, extract_json, is_repetition_loop, validate_output
from tests.curation.llm.models import Annotation, Passages
from tests.strategies import texts

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                      max_size=4), max_leaves=12)


@given(st.dictionaries(st.text(max_size=8), json_values, max_size=4), st.sampled_from(["", "Voici :\n", "```json\n"]),
       st.sampled_from(["", "\n```", " Fin. {"]))
def test_extract_json_finds_the_wrapped_object(obj, before, after):
    text = before + json.dumps(obj, ensure_ascii=False) + after
    assert json.loads(extract_json(text)) == obj


def test_validate_output_variants():
    good = '{"passages": ["a", "b"]}'
    assert validate_output(good, Passages)[0] == Passages(passages=["a", "b"])
    assert validate_output(f"```json\n{good}\n```", Passages)[0] == Passages(passages=["a", "b"])
    assert validate_output("no json here", Passages)[0] is None
    too_high = '{"edu": 11, "cont": 1, "writ": 1, "term": 1, "content_type": "other"}'
    value, message = validate_output(too_high, Annotation)
    assert value is None and "edu" in message and "Annotation" in message
    value, message = validate_output('{"edu": 1, "cont": 1, "writ": 1, "term": 1, "content_type": "blog"}', Annotation)
    assert value is None and "content_type" in message


def test_classify_reasons():
    assert classify('{"passages": []}', "length", Passages)[1] is None  # complete JSON at the cap is fine
    assert classify('{"passages": ["abc', "length", Passages)[1] == "llm_no_stop"
    assert classify("pas de JSON", "stop", Passages)[1] == "llm_invalid_json"
    loop = '{"passages": ["' + "la même phrase qui revient " * 10
    assert classify(loop, "length", Passages)[1] == "llm_repetition_loop"


def test_repetition_loop_detection():
    assert is_repetition_loop("début " + "abcdefghijklmnopqrstuvwxyz" * 8)
    assert is_repetition_loop("x" * 160)
    assert is_repetition_loop("intro " + "le le " * 10)  # a 1-gram token loop
    assert not is_repetition_loop("abcdefghijklmnopqrstuvwxyz" * 7)
    assert not is_repetition_loop("Le patient présente une hypertension artérielle traitée par un inhibiteur. " * 3)


@given(texts)
def test_loop_detection_never_raises(text):
    assert is_repetition_loop(text) in (True, False)
