"""The dataset layout: JSONL, JSON array and Parquet; field mapping; errors naming file and item; FrenchMedMCQA."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from curation.errors import ConfigError
from decoder.evaluation.config import DatasetSpec, FieldMap
from decoder.evaluation.datasets import FRENCHMEDMCQA_FIELDS, load_dataset, parse_letters
from tests.decoder.evaluation.data import MULTI, MULTI_FIELDS, OPEN_FIELDS, SINGLE, write_json, write_jsonl

REALDATA = Path(__file__).resolve().parents[4] / "shared" / "realdata" / "frenchmedmcqa"


def spec(path, kind="mcq_single", **fields) -> DatasetSpec:
    return DatasetSpec(name="d", kind=kind, path=str(path), fields=FieldMap(**fields))


def test_single_layout_normalises_options_and_answers(eval_data):
    items = load_dataset(spec(eval_data["single"])).items
    assert [it.id for it in items] == [r["id"] for r in SINGLE]
    assert items[0].options == {"A": "N-acétylcystéine", "B": "Naloxone", "C": "Flumazénil", "D": "Atropine"}
    assert items[1].options["B"] == "Le pancréas" and items[1].answers == ("B",)  # list options, string answer
    assert items[2].letters == ["A", "B", "C", "D"] and items[2].answers == ("C",)  # lower-case keys and answer
    assert items[2].context.startswith("Un patient diabétique") and items[0].context is None
    assert len(items[3].options) == 5 and len(items[4].options) == 3


def test_multi_and_open_layouts(eval_data):
    multi = load_dataset(spec(eval_data["multi"], "mcq_multi", **MULTI_FIELDS)).items
    assert [it.answers for it in multi] == [("A", "B", "D"), ("A",), ("A", "B", "C"), ("A", "B", "D"), ("A",)]
    open_items = load_dataset(spec(eval_data["open"], "open", **OPEN_FIELDS)).items  # Parquet, no id field
    assert [it.id for it in open_items] == ["0", "1", "2", "3"]
    assert open_items[2].reference.startswith("La fonction thyroïdienne") and open_items[2].context
    assert open_items[0].context is None and open_items[0].options == {}


def test_parse_letters():
    assert parse_letters("A C D") == ["A", "C", "D"]
    assert parse_letters("a,c; e") == ["A", "C", "E"]
    assert parse_letters(["b", " D "]) == ["B", "D"]
    assert parse_letters("AC") is None and parse_letters([1]) is None and parse_letters(3) is None


@pytest.mark.parametrize(("record", "message"), [
    ({"id": "x", "question": "Q ?", "options": {"A": "a", "B": "b"}, "answer": "C"},
     r"rows.jsonl:2 \(id x\): answer letter C is not among the options A, B"),
    ({"id": "x", "question": "Q ?", "options": {"A": "a", "B": "b"}, "answer": ["A", "B"]},
     r"rows.jsonl:2 \(id x\): 2 answers \(A B\) in a mcq_single dataset — use kind mcq_multi"),
    ({"id": "x", "question": "Q ?", "options": {"A1": "a", "B": "b"}, "answer": "A"},
     "option key 'A1' is not a single letter"),
    ({"id": "x", "question": "", "options": ["a", "b"], "answer": "A"}, "no question in field 'question'"),
    ({"id": "x", "question": "Q ?", "choices": ["a", "b"], "answer": "A"}, "no options in field 'options'"),
    ({"id": "x", "question": "Q ?", "options": ["a", "b"], "answer": "AB"}, "is not a list of letters"),
    ({"id": "x", "question": "Q ?", "options": ["a"], "answer": "A"}, "1 options — an item needs 2 to 12"),
    ({"id": "s1", "question": "Q ?", "options": ["a", "b"], "answer": "A"}, r"id 's1' already used by .*rows.jsonl:1"),
])
def test_bad_rows_name_the_file_and_the_item(tmp_path, record, message):
    path = write_jsonl(tmp_path / "rows.jsonl", [SINGLE[0], record])
    with pytest.raises(ConfigError, match=message):
        load_dataset(spec(path))


def test_bad_files(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_dataset(spec(tmp_path / "missing.jsonl"))
    (tmp_path / "broken.jsonl").write_text(json.dumps(SINGLE[0]) + '\n{"id": \n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken.jsonl:2: not valid JSON"):
        load_dataset(spec(tmp_path / "broken.jsonl"))
    (tmp_path / "object.json").write_text(json.dumps({"data": []}), encoding="utf-8")
    with pytest.raises(ConfigError, match="expected a JSON array of records"):
        load_dataset(spec(tmp_path / "object.json"))
    (tmp_path / "items.csv").write_text("question\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown format"):
        load_dataset(spec(tmp_path / "items.csv"))
    open_path = write_jsonl(tmp_path / "open.jsonl", [{"question": "Q ?", "answer": ["A"]}])
    with pytest.raises(ConfigError, match="no reference answer"):
        load_dataset(spec(open_path, "open"))
    limited = DatasetSpec(name="d", path=str(write_jsonl(tmp_path / "s.jsonl", SINGLE)), limit=2)
    assert len(load_dataset(limited).items) == 2


def check_frenchmedmcqa(path: Path, expected: int) -> None:
    """A FrenchMedMCQA file loads through the documented layout, every letter valid."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    dataset = load_dataset(DatasetSpec(name="frenchmedmcqa", kind="mcq_multi", path=str(path),
                                       fields=FieldMap(**FRENCHMEDMCQA_FIELDS)))
    assert len(dataset.items) == len(raw) == expected
    for item, record in zip(dataset.items, raw):
        assert item.id == record["id"]
        assert item.letters == ["A", "B", "C", "D", "E"]
        assert item.answers == tuple(sorted(x.upper() for x in record["correct_answers"]))
        assert item.options["A"] == record["answers"]["a"]
    multiple = sum(len(it.answers) > 1 for it in dataset.items)
    assert multiple == sum(r["type"] == "multiple" for r in raw)


def test_frenchmedmcqa_dev_loads_through_the_documented_layout(tmp_path):
    """The real dev set (312 items) from ../shared/realdata when present; a FrenchMedMCQA-shaped file always."""
    check_frenchmedmcqa(write_json(tmp_path / "dev.json", MULTI), len(MULTI))
    real = REALDATA / "dev.json"
    if real.is_file():
        check_frenchmedmcqa(real, 312)
    else:
        warnings.warn(f"{real} is absent (../shared/realdata sits beside the repository in CI): FrenchMedMCQA was "
                      "checked on the FrenchMedMCQA-shaped test file only", stacklevel=1)
