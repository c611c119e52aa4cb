"""The task loader: the three layouts in JSONL and Parquet, mapped fields, label sets, and its errors."""

from __future__ import annotations

import json

import pytest

from curation.errors import ConfigError
from encoder.evaluation.config import TaskConfig
from encoder.evaluation.tasks import load_task
from tests.encoder.evaluation.synthetic import write_jsonl, write_parquet


def _task(folder, kind, train, validation, test, fmt="jsonl"):
    write = write_jsonl if fmt == "jsonl" else write_parquet
    for split, rows in (("train", train), ("validation", validation), ("test", test)):
        write(folder / f"{split}.{fmt}", rows)
    return folder


SINGLE = [{"text": "a", "label": "x"}, {"text": "b", "label": "y"}]
MULTI = [{"text": "a", "labels": ["x", "y"]}, {"text": "b", "labels": []}]
NER = [{"tokens": ["le", "cœur"], "tags": ["O", "B-ANAT"]}, {"tokens": ["insuffisance", "rénale"], "tags": ["B-DISO", "I-DISO"]}]


def test_synthetic_tasks_load_in_both_formats(tasks_root):
    specialty = load_task("specialty", TaskConfig(kind="single_label", path="specialty"), tasks_root)
    assert specialty.labels == ["cardiologie", "néphrologie", "oncologie"]
    assert specialty.sizes == {"train": 160, "validation": 48, "test": 48} and specialty.metric == "macro_f1"
    symptoms = load_task("symptoms", TaskConfig(kind="multi_label", path=str(tasks_root / "symptoms")))
    assert symptoms.files["train"].suffix == ".parquet" and symptoms.labels == ["douleur", "fièvre", "toux"]
    assert any(ex.labels == () for ex in symptoms.splits["train"])  # documents with no label are kept
    entities = load_task("entities", TaskConfig(kind="ner", path="entities"), tasks_root)
    assert entities.labels == ["O", "B-CHEM", "B-DISO", "I-DISO"] and entities.metric == "entity_f1_strict"
    first = entities.splits["train"][0]
    assert len(first.tokens) == len(first.labels) and first.line == 1


def test_integer_labels_mapped_fields_and_split_names(tmp_path):
    rows = [{"clinical_case": f"cas {i}", "chapter": i % 3 * 5} for i in range(9)]
    write_jsonl(tmp_path / "t" / "train.jsonl", rows)
    write_parquet(tmp_path / "t" / "dev.parquet", rows[:3])
    write_jsonl(tmp_path / "t" / "test.jsonl", rows[3:6])
    config = TaskConfig(kind="single_label", path="t", fields={"text": "clinical_case", "label": "chapter"},
                        splits={"validation": "dev"})
    task = load_task("diamed", config, tmp_path)
    assert task.labels == ["0", "5", "10"]  # integers become strings, in numeric order
    assert task.splits["validation"][1].text == "cas 1" and task.splits["validation"][1].label == "5"


def test_ner_tags_in_order_o_first(tmp_path):
    task = load_task("n", TaskConfig(kind="ner", path=str(_task(tmp_path / "n", "ner", NER, NER[:1], NER[1:]))))
    assert task.labels == ["O", "B-ANAT", "B-DISO", "I-DISO"]


def test_declared_labels_allow_a_label_absent_from_train(tmp_path):
    folder = _task(tmp_path / "m", "multi_label", MULTI, [{"text": "c", "labels": ["z"]}], MULTI)
    with pytest.raises(ConfigError, match=r"validation\.jsonl:1: label 'z' is not in the label set of train"):
        load_task("m", TaskConfig(kind="multi_label", path=str(folder)))
    task = load_task("m", TaskConfig(kind="multi_label", path=str(folder), labels=["x", "y", "z"]))
    assert task.labels == ["x", "y", "z"]


@pytest.mark.parametrize("split", ["validation", "test"])
def test_unseen_label_names_file_line_and_label(tmp_path, split):
    rows = {"validation": SINGLE, "test": SINGLE}
    rows[split] = SINGLE + [{"text": "c", "label": "w"}]
    folder = _task(tmp_path / "s", "single_label", SINGLE, rows["validation"], rows["test"], fmt="parquet")
    with pytest.raises(ConfigError) as err:
        load_task("s", TaskConfig(path=str(folder)))
    message = str(err.value)
    assert f"{split}.parquet row 3: label 'w' is not in the label set of train" in message
    assert "tasks.s.labels" in message


def test_unseen_ner_tag_is_reported(tmp_path):
    test = [{"tokens": ["scanner"], "tags": ["B-PROC"]}]
    folder = _task(tmp_path / "n", "ner", NER, NER, test)
    with pytest.raises(ConfigError, match=r"test\.jsonl:1: tag 'B-PROC' is not in the label set"):
        load_task("n", TaskConfig(kind="ner", path=str(folder)))


@pytest.mark.parametrize(("kind", "record", "message"), [
    ("single_label", {"texte": "a", "label": "x"}, r"train\.jsonl:3: no field 'text' \(fields: label, texte\) — set tasks\.t\.fields\.text"),
    ("single_label", {"text": "a", "label": ["x"]}, r"train\.jsonl:3: 'label' \['x'\] is not a label"),
    ("single_label", {"text": 3, "label": "x"}, r"train\.jsonl:3: 'text' must be a string"),
    ("multi_label", {"text": "a", "labels": "x"}, r"train\.jsonl:3: 'labels' must be a list .* use kind: single_label"),
    ("ner", {"tokens": ["a", "b"], "tags": ["O"]}, r"one tag per word \(2 words, got 1\)"),
    ("ner", {"tokens": ["a"], "tags": ["B_X"]}, r"tag 'B_X' \(word 1\) is not IOB2"),
    ("ner", {"tokens": ["a", "b"], "tags": ["O", "I-X"]}, r"tag 'I-X' \(word 2\) follows 'O' — in IOB2 an entity starts with B-X"),
    ("ner", {"tokens": [], "tags": []}, r"'tokens' is empty"),
])
def test_bad_records_say_where_and_how_to_fix(tmp_path, kind, record, message):
    good = {"single_label": SINGLE, "multi_label": MULTI, "ner": NER}[kind]
    folder = _task(tmp_path / "t", kind, [*good, record], good, good)
    with pytest.raises(ConfigError, match=message):
        load_task("t", TaskConfig(kind=kind, path=str(folder)))


def test_invalid_json_line_and_non_object(tmp_path):
    folder = _task(tmp_path / "t", "single_label", SINGLE, SINGLE, SINGLE)
    with (folder / "train.jsonl").open("a") as handle:
        handle.write("\n{\"text\": \"c\", \"label\": \n")
    with pytest.raises(ConfigError, match=r"train\.jsonl:4: not valid JSON .* one JSON object per line"):
        load_task("t", TaskConfig(path=str(folder)))
    (folder / "train.jsonl").write_text(json.dumps(SINGLE[0]) + "\n[1, 2]\n")
    with pytest.raises(ConfigError, match=r"train\.jsonl:2: expected a JSON object, got list"):
        load_task("t", TaskConfig(path=str(folder)))


def test_missing_and_duplicated_split_files(tmp_path):
    folder = _task(tmp_path / "t", "single_label", SINGLE, SINGLE, SINGLE)
    (folder / "validation.jsonl").rename(folder / "dev.jsonl")
    with pytest.raises(ConfigError, match=r"no validation\.jsonl or validation\.parquet in .*dev\.jsonl.*splits: \{validation: dev\}"):
        load_task("t", TaskConfig(path=str(folder)))
    write_parquet(folder / "train.parquet", SINGLE)
    with pytest.raises(ConfigError, match=r"both train\.jsonl and train\.parquet"):
        load_task("t", TaskConfig(path=str(folder), splits={"validation": "dev"}))


def test_folder_path_empty_split_and_single_class(tmp_path):
    with pytest.raises(ConfigError, match=r"tasks\.t\.path is empty"):
        load_task("t", TaskConfig())
    with pytest.raises(ConfigError, match=r"task folder .*nowhere does not exist .* fix data_root"):
        load_task("t", TaskConfig(path="nowhere"), tmp_path)
    folder = _task(tmp_path / "e", "single_label", SINGLE, [], SINGLE)
    with pytest.raises(ConfigError, match=r"validation\.jsonl: no record"):
        load_task("t", TaskConfig(path=str(folder)))
    one = [{"text": "a", "label": "x"}]
    with pytest.raises(ConfigError, match=r"needs at least 2 labels, train has \['x'\]"):
        load_task("t", TaskConfig(path=str(_task(tmp_path / "o", "single_label", one, one, one))))
