"""``biomedfr decontaminate`` (the command function, registered here on a test app)."""

from __future__ import annotations

import json

import pytest
import typer
import yaml
from typer.testing import CliRunner

from curation.decontam.cli import decontaminate, parse_fields
from curation.document import Document
from curation.errors import ConfigError
from curation.io import ShardWriter, read_records
from curation.run.stages import documents_of
from tests.curation.decontam.helpers import (
    CSV_FIELDS,
    CSV_ROWS,
    FILLER,
    LONG,
    OTHER,
    SHORT,
    doc,
    mcq_text,
    write_csv,
    write_json,
)

FMCQA_FIELDS = "id=id,question=question,options=answers,answer=correct_answers"


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)
    app.command()(decontaminate)

    @app.command()
    def other() -> None:  # a second command: `decontaminate` is invoked by name, as in `biomedfr`
        """Unused."""

    return app


def planted_corpus() -> list[Document]:
    return [
        doc("hal/clean-0", FILLER * 2),
        doc("hal/long", FILLER + LONG["question"]),
        doc("hal/clean-1", "Quel est l'antidote du paracétamol ? La question revient souvent en garde."),
        doc("hal/short", "Quel est l'antidote du paracétamol ? N-acétylcystéine ; naloxone ; flumazénil."),
        doc("hal/csv", FILLER + CSV_ROWS[1]["enonce"] + " " + CSV_ROWS[1]["opa"]),
        doc("hal/clean-2", FILLER),
        doc("hal/two-sets", mcq_text(OTHER) + "\n" + CSV_ROWS[0]["enonce"] + " Glucagon"),
    ]


def write_run(tmp_path) -> tuple:
    """A run folder with two curated shards."""
    run = tmp_path / "run"
    docs = planted_corpus()
    writer = ShardWriter(str(run / "curated"))
    for i, d in enumerate(docs):
        writer.write(d, rank=i % 2)
    writer.close()
    return run, docs


def test_drop_mode_from_eval_files(app, tmp_path):
    run, docs = write_run(tmp_path)
    fmcqa = write_json(tmp_path / "fmcqa.json", [LONG, SHORT, OTHER])
    csv_file = write_csv(tmp_path / "mcq.csv")
    out = tmp_path / "clean"
    result = CliRunner().invoke(app, [
        "decontaminate", str(run), "--out", str(out),
        "--eval", str(fmcqa), "--fields", FMCQA_FIELDS,
        "--eval", f"qcm-csv={csv_file}", "--fields", "id=qid,question=enonce,options=opa|opb|opc|opd,answer=bonne",
    ], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    kept = documents_of(str(out / "curated"))
    excluded = read_records(out / "excluded")
    assert sorted(d.id for d in kept) == ["hal/clean-0", "hal/clean-1", "hal/clean-2"]
    assert sorted(r["id"] for r in excluded) == ["hal/csv", "hal/long", "hal/short", "hal/two-sets"]
    assert len(kept) + len(excluded) == len(docs)  # kept + excluded == input
    assert {r["reason"] for r in excluded} == {"eval_contamination"}
    assert {r["step"] for r in excluded} == {"01_decontaminate"}
    assert sorted(p.name for p in (out / "curated").glob("*.parquet")) == ["00000.parquet", "00001.parquet"]
    kept_by_id = {d.id: d for d in kept}
    assert kept_by_id["hal/clean-1"].text == docs[2].text and kept_by_id["hal/clean-1"].metadata == docs[2].metadata

    report = json.loads((out / "report.json").read_text())
    assert report["mode"] == "drop" and report["n"] == 13
    assert report["documents"] == {"in": 7, "kept": 3, "excluded": 4, "failed": 0, "matched": 4, "written": 3}
    fm, qcm = report["sets"]["fmcqa"], report["sets"]["qcm-csv"]
    assert (fm["records"], fm["documents_matched"], fm["items_matched"]) == (3, 3, 3)
    assert fm["matched_item_ids"] == ["q-long", "q-other", "q-short"]
    assert (qcm["records"], qcm["documents_matched"], qcm["items_matched"], qcm["matched_item_ids"]) == (
        2, 2, 2, ["c1", "c2"])
    assert {e["document"] for e in fm["examples"]} <= {"hal/long", "hal/short", "hal/two-sets"}
    assert report["index"] == str((out / "index").resolve()) and (out / "index" / "index.json").is_file()
    for text in ("fmcqa", "qcm-csv", "docs hit", "4 of 7 documents match", "3 kept, 4 excluded, 0 failed"):
        assert text in result.output


def test_flag_mode_from_a_config_file_then_reusing_the_index(app, tmp_path):
    run, docs = write_run(tmp_path)
    (tmp_path / "eval").mkdir()
    write_json(tmp_path / "eval" / "fmcqa.json", [LONG, SHORT, OTHER])
    write_csv(tmp_path / "eval" / "mcq.csv")
    config = tmp_path / "decontam.yaml"
    config.write_text(yaml.safe_dump({
        "mode": "drop",
        "index": "indexes/eval",  # relative: to the YAML file's folder
        "eval_sets": [
            {"name": "fmcqa", "path": "eval/fmcqa.json",
             "fields": {"question": "question", "options": "answers", "answer": "correct_answers"}},
            {"name": "qcm", "path": "eval/mcq.csv", "fields": CSV_FIELDS},
        ],
    }), encoding="utf-8")
    out = tmp_path / "flagged"
    args = ["decontaminate", str(run / "curated"), "--out", str(out), "--config", str(config), "--mode", "flag"]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    kept = {d.id: d for d in documents_of(str(out / "curated"))}
    assert set(kept) == {d.id for d in docs} and not (out / "excluded").exists()
    assert kept["hal/two-sets"].metadata["decontam_matches"] == ["fmcqa:q-other", "qcm:c1"]
    assert kept["hal/short"].metadata["decontam_matches"] == ["fmcqa:q-short"]
    assert kept["hal/clean-1"].metadata["decontam_matches"] == []
    report = json.loads((out / "report.json").read_text())
    assert report["documents"]["kept"] == 7 and report["documents"]["matched"] == 4
    assert (tmp_path / "indexes" / "eval" / "index.json").is_file()

    # the saved index alone is enough for a second pass (n and normalisation come from it)
    again = tmp_path / "again"
    result = CliRunner().invoke(app, ["decontaminate", str(run), "--out", str(again),
                                      "--index", str(tmp_path / "indexes" / "eval")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads((again / "report.json").read_text())["documents"]["excluded"] == 4


def test_usage_errors(app, tmp_path):
    run, _ = write_run(tmp_path)
    fmcqa = str(write_json(tmp_path / "fmcqa.json", [LONG]))
    runner = CliRunner()

    def error(*args) -> str:
        result = runner.invoke(app, ["decontaminate", *args])
        assert isinstance(result.exception, ConfigError), result.output
        return str(result.exception)

    assert "nothing to match against" in error(str(run), "--out", str(tmp_path / "o1"))
    assert "--fields given 2 times for 1 --eval" in error(str(run), "--out", str(tmp_path / "o2"), "--eval", fmcqa,
                                                          "--fields", "question=question", "--fields", "id=id")
    assert "not found" in error(str(tmp_path / "nowhere"), "--out", str(tmp_path / "o3"), "--eval", fmcqa)
    (tmp_path / "empty").mkdir()
    assert "no Parquet shards" in error(str(tmp_path / "empty"), "--out", str(tmp_path / "o3"), "--eval", fmcqa)
    assert "mode: Input should be 'flag' or 'drop'" in error(str(run), "--out", str(tmp_path / "o4"), "--eval", fmcqa,
                                                             "--mode", "remove")
    ok = runner.invoke(app, ["decontaminate", str(run), "--out", str(tmp_path / "o5"), "--eval", fmcqa,
                             "--fields", FMCQA_FIELDS])
    assert ok.exit_code == 0, ok.output
    assert "already holds a decontamination output" in error(str(run), "--out", str(tmp_path / "o5"), "--eval", fmcqa)
    with pytest.raises(ConfigError, match="unknown key 'option'"):
        parse_fields("question=q,option=a")
    assert parse_fields("question=q, options=opa|opb ,id=") == {"question": "q", "options": ["opa", "opb"], "id": None}
