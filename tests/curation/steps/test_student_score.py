"""``student_score``: a saved student writes ``student.*`` and ``student_model``; the LLM labels stay untouched."""

from __future__ import annotations

import pickle

import pytest

from curation.classifier.data import example_of, split_examples
from curation.classifier.fasttext_student import FastTextStudent
from curation.classifier.synthetic import synthetic_passages
from curation.document import Document, validate_metadata
from curation.errors import ConfigError
from curation.io import read_records
from curation.run.context import RunContext
from curation.steps import student_score  # noqa: F401 - registers the step
from curation.steps.base import iter_outputs
from curation.steps.registry import STEPS
from curation.steps.student_score import StudentScoreConfig, StudentScorer

SIGNAL_KEYS = ("student.edu", "student.cont", "student.writ", "student.term")


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    """A small fastText student trained on synthetic annotated passages."""
    examples = [example_of(d) for d in synthetic_passages(120, 5, seed=11)]
    folder = tmp_path_factory.mktemp("student") / "ft"
    FastTextStudent.train(split_examples(examples, seed=0, validation=0.0).train).save(folder)
    return folder


def make(tmp_path, model, **config) -> StudentScorer:
    return StudentScorer(StudentScoreConfig(model=str(model), **config), RunContext(out_dir=str(tmp_path / "out")), 12)


def test_writes_student_fields_and_leaves_llm_labels(student_dir, tmp_path):
    annotated = synthetic_passages(3, 2, seed=4, source="annotated")
    plain = synthetic_passages(3, 2, seed=5, source="plain", annotated=False)
    before = {d.id: dict(d.metadata) for d in annotated + plain}
    step = make(tmp_path, student_dir, batch_size=4)
    outputs = iter_outputs(step, annotated + plain)
    assert [d.id for d in outputs] == [d.id for d in annotated + plain]
    model_id = outputs[0].metadata["student_model"]
    assert model_id.startswith("fasttext:ft:") and len(model_id) == len("fasttext:ft:") + 12
    for doc in outputs:
        meta = doc.metadata
        assert all(1.0 <= meta[k] <= 10.0 and isinstance(meta[k], float) for k in SIGNAL_KEYS)
        assert meta["student.content_type"] in {"research_findings", "medical_knowledge", "clinical_guidance",
                                                "research_methodology", "drug_information", "background_review",
                                                "policy_administrative", "patient_case", "other"}
        assert meta["student_model"] == model_id
        old = before[doc.id]
        assert {k: v for k, v in meta.items() if not k.startswith("student")} == old  # quality.* untouched
        validate_metadata(meta, doc.id)
    stats = {k: v.total for k, v in step.stats.stats.items()}
    assert stats["in"] == stats["kept"] == stats["scored"] == 12


def test_same_scores_as_the_student_itself(student_dir, tmp_path):
    from curation.classifier.student import load_student

    docs = synthetic_passages(2, 3, seed=6, annotated=False)
    expected = load_student(student_dir).predict([d.text for d in docs])
    outputs = iter_outputs(make(tmp_path, student_dir, batch_size=2), docs)
    for doc, p in zip(outputs, expected):
        assert doc.metadata["student.edu"] == p.edu and doc.metadata["student.content_type"] == p.content_type


def test_empty_text_fails_with_a_reason(student_dir, tmp_path):
    good = synthetic_passages(1, 2, seed=7, annotated=False)
    empty = Document(text="", id="s/empty#p0", metadata={"source": "s", "license": "MIT", "route": "direct"})
    blank = Document(text="  \n ", id="s/blank#p0", metadata={"source": "s", "license": "MIT", "route": "direct"})
    step = make(tmp_path, student_dir)
    outputs = iter_outputs(step, [good[0], empty, blank, good[1]])
    assert [d.id for d in outputs] == [good[0].id, good[1].id]
    records = read_records(tmp_path / "out" / "failed" / "12_student_score")
    assert sorted(r["id"] for r in records) == ["s/blank#p0", "s/empty#p0"]
    assert {r["reason"] for r in records} == {"student_empty_text"}
    stats = {k: v.total for k, v in step.stats.stats.items()}
    assert stats["failed.student_empty_text"] == 2 and stats["in"] == stats["kept"] + stats["failed"]


def test_missing_or_wrong_model_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="no student given"):
        make(tmp_path, "")
    with pytest.raises(ConfigError, match="is not a folder"):
        make(tmp_path, tmp_path / "nowhere")
    with pytest.raises(ConfigError, match="no student.json"):
        make(tmp_path, tmp_path)
    (tmp_path / "student.json").write_text('{"kind": "svm"}')
    with pytest.raises(ConfigError, match="kind"):
        make(tmp_path, tmp_path)


def test_registered_and_picklable_without_the_model(student_dir, tmp_path):
    assert STEPS["student_score"] is StudentScorer
    step = make(tmp_path, student_dir)
    step.setup()
    assert step._student is not None
    copy = pickle.loads(pickle.dumps(step))
    assert copy._student is None and copy.config.model == str(student_dir)
    assert StudentScoreConfig().batch_size == 256 and StudentScoreConfig().routes is None


def test_in_a_run_with_two_tasks(student_dir, tmp_path):
    """The step inside ``biomedfr curate``: pickled to the tasks, the student loaded in each, accounting exact."""
    import pyarrow.parquet as pq

    from curation.recipe import load_recipe
    from curation.run.engine import curate, plan_run
    from curation.run.funnel import check_accounting
    from curation.sample import SAMPLE_CORPUS
    from tests.curation.run.corpus import write_recipe

    recipe_path = write_recipe(
        tmp_path / "recipe.yaml",
        [{"name": "cas", "route": "direct", "reader": {"format": "jsonl", "path": str(SAMPLE_CORPUS / "jsonl")}}],
        tasks=2, workers=1, steps=[],
    )
    recipe = load_recipe(recipe_path)
    recipe.steps.append(StudentScoreConfig(model=str(student_dir), batch_size=8))
    out = tmp_path / "out"
    curate(plan_run(recipe, out=str(out)))
    rows = [r for p in sorted((out / "curated").glob("*.parquet")) for r in pq.read_table(p).to_pylist()]
    scored = [r for r in rows if r["text"].strip()]
    assert scored and all(1.0 <= r["student.edu"] <= 10.0 and r["student_model"].startswith("fasttext:ft:")
                          for r in scored)
    assert all(r["quality.edu"] is None for r in rows)  # nothing invented in the LLM's fields
    assert check_accounting(out) == []
