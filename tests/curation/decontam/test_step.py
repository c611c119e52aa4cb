"""The ``decontaminate`` step: drop mode excludes with ``eval_contamination``, flag mode keeps and flags."""

from __future__ import annotations

import copy
import pickle

from hypothesis import HealthCheck, given, settings

from curation.config import validate
from curation.decontam.report import MatchTally
from curation.io import read_records
from curation.run.context import RunContext
from curation.steps import decontaminate as module  # registers the step
from curation.steps.base import Filter, Tagger, iter_outputs
from curation.steps.decontaminate import (
    MATCHES_KEY,
    DecontamFilter,
    Decontaminate,
    DecontaminateConfig,
    DecontamTagger,
)
from curation.steps.registry import STEPS
from tests.curation.decontam.helpers import FILLER, LONG, OTHER, SHORT, doc, mcq_text, write_json
from tests.strategies import unique_documents


def corpus() -> list:
    return [
        doc("hal/clean", FILLER * 3),
        doc("hal/long", FILLER + LONG["question"] + " " + FILLER),
        doc("hal/short", "Révisions. " + SHORT["question"] + " " + ", ".join(SHORT["answers"].values())),
        doc("hal/both", mcq_text(OTHER) + "\n" + FILLER + mcq_text(SHORT)),
        doc("hal/few-words", "L'antidote du paracétamol est la N-acétylcystéine, pas la naloxone."),
    ]


def config(tmp_path, mode: str, **extra) -> DecontaminateConfig:
    a = write_json(tmp_path / "a.json", [LONG, SHORT])
    b = write_json(tmp_path / "b.json", [OTHER])
    fields = {"id": "id", "question": "question", "options": "answers", "answer": "correct_answers"}
    data = {"step": "decontaminate", "mode": mode, "eval_sets": [
        {"name": "set-a", "path": str(a), "fields": fields},
        {"name": "set-b", "path": str(b), "fields": fields},
    ], **extra}
    return validate(DecontaminateConfig, data, "recipe.yaml: steps[4]")


def test_step_is_registered_and_its_role_follows_the_mode(tmp_path):
    assert module.Decontaminate is STEPS["decontaminate"] is Decontaminate
    assert Decontaminate.reasons == frozenset({"eval_contamination"})
    context = RunContext(out_dir=str(tmp_path / "out"))
    drop = Decontaminate(config(tmp_path, "drop"), context, 4)
    flag = Decontaminate(config(tmp_path, "flag"), context, 4)
    assert type(drop) is DecontamFilter and isinstance(drop, Filter) and drop.label == "04_decontaminate"
    assert type(flag) is DecontamTagger and isinstance(flag, Tagger)
    assert type(pickle.loads(pickle.dumps(drop))) is DecontamFilter


def test_drop_mode_excludes_with_reason_and_detail(tmp_path):
    out = tmp_path / "out"
    step = Decontaminate(config(tmp_path, "drop"), RunContext(out_dir=str(out)), 4)
    docs = corpus()
    kept = iter_outputs(step, docs)
    assert [d.id for d in kept] == ["hal/clean", "hal/few-words"]
    records = {r["id"]: r for r in read_records(out / "excluded")}
    assert set(records) == {"hal/long", "hal/short", "hal/both"}
    assert {r["reason"] for r in records.values()} == {"eval_contamination"}
    assert {r["step"] for r in records.values()} == {"04_decontaminate"}
    assert records["hal/long"]["message"] == (
        'set-a:q-long "parmi les propositions suivantes concernant le traitement de l hypertension arterielle chez le"')
    assert records["hal/short"]["message"] == (
        'set-a:q-short "quel est l antidote du paracetamol n acetylcysteine naloxone flumazenil"')
    assert records["hal/both"]["message"].startswith('set-b:q-other "concernant la pharmacocinetique')
    assert "; set-a:q-short " in records["hal/both"]["message"]
    stats = step.stats
    assert stats["in"].total == len(docs) == stats["kept"].total + stats["excluded"].total  # kept + excluded == input
    assert stats["excluded.eval_contamination"].total == 3
    assert stats["contaminated.set-a"].total == 3 and stats["contaminated.set-b"].total == 1


def test_flag_mode_keeps_every_document_and_flags_matches(tmp_path):
    out = tmp_path / "out"
    step = Decontaminate(config(tmp_path, "flag"), RunContext(out_dir=str(out)), 4)
    step.tally = tally = MatchTally(["set-a", "set-b"])
    docs = corpus()
    texts = {d.id: d.text for d in docs}
    kept = iter_outputs(step, docs)
    assert [d.id for d in kept] == [d.id for d in corpus()]
    assert {d.id: d.metadata[MATCHES_KEY] for d in kept} == {
        "hal/clean": [],
        "hal/long": ["set-a:q-long"],
        "hal/short": ["set-a:q-short"],
        "hal/both": ["set-a:q-short", "set-b:q-other"],
        "hal/few-words": [],
    }
    assert all(d.text == texts[d.id] for d in kept)
    assert not (out / "excluded").exists()
    assert step.stats["kept"].total == step.stats["in"].total == 5
    per_set = tally.per_set([{"name": "set-a"}, {"name": "set-b"}])
    assert per_set["set-a"]["documents_matched"] == 3 and per_set["set-a"]["matched_item_ids"] == ["q-long", "q-short"]
    assert per_set["set-b"]["documents_matched"] == 1 and per_set["set-b"]["items_matched"] == 1


def test_tasks_share_one_saved_index(tmp_path):
    cfg = config(tmp_path, "drop", index=str(tmp_path / "idx"))
    for rank in range(2):
        step = Decontaminate(cfg, RunContext(out_dir=str(tmp_path / "out")), 1)
        kept = list(step.run(iter(corpus()[rank::2]), rank=rank, world_size=2))
        assert all(d.id in {"hal/clean", "hal/few-words"} for d in kept)
    assert (tmp_path / "idx" / "index.json").is_file()
    excluded = read_records(tmp_path / "out" / "excluded")
    assert sorted(r["id"] for r in excluded) == ["hal/both", "hal/long", "hal/short"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=unique_documents(max_size=15))
def test_any_text_is_accounted_for_and_never_modified(tmp_path_factory, docs):
    base = tmp_path_factory.mktemp("decontam")
    flag = Decontaminate(config(base, "flag", n=3, min_item_words=1), RunContext(out_dir=str(base / "f")), 1)
    before = {d.id: (d.text, copy.deepcopy(d.metadata)) for d in docs}
    flagged = iter_outputs(flag, copy.deepcopy(docs))
    assert [d.id for d in flagged] == [d.id for d in docs] and flag.stats["failed"].total == 0
    for d in flagged:
        assert d.text == before[d.id][0]
        assert {k: v for k, v in d.metadata.items() if k != MATCHES_KEY} == before[d.id][1]
    drop = Decontaminate(config(base, "drop", n=3, min_item_words=1), RunContext(out_dir=str(base / "d")), 1)
    kept = iter_outputs(drop, docs)
    for d in kept:
        assert (d.text, d.metadata) == before[d.id]
    excluded = read_records(base / "d" / "excluded") if (base / "d" / "excluded").exists() else []
    assert len(kept) + len(excluded) == len(docs)
    assert {d.id for d in kept} == {d.id for d in flagged if not d.metadata[MATCHES_KEY]}
