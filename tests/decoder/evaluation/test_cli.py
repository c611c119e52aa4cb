"""``biomedfr decoder eval`` end to end on recipes/decoder/tiny-eval.yaml; every shipped eval YAML validates;
``evaluate`` with an LLM judge served over HTTP (the real openai backend on a loopback server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as sps
from typer.testing import CliRunner

from curation.errors import ConfigError
from decoder.evaluation.config import load_eval_config
from tests.curation.llm.fake_server import FakeOpenAIServer, completion

REPO = Path(__file__).resolve().parents[3]
RECIPES = REPO / "recipes" / "decoder"
EVAL_YAMLS = sorted(RECIPES.glob("eval-*.yaml")) + [RECIPES / "tiny-eval.yaml"]


def tiny_overrides(base, tuned, data, encoder) -> list[str]:
    """The ``--set`` values the tiny chain passes."""
    return [f"models.base.path={base}", f"models.tuned.path={tuned}", f"datasets.0.path={data['single']}",
            f"datasets.1.path={data['multi']}", f"datasets.2.path={data['open']}", f"bertscore.model={encoder}"]


def test_there_are_eval_configs():
    assert [p.name for p in EVAL_YAMLS] == ["eval-frenchmedmcqa.yaml", "eval-open-qa.yaml", "tiny-eval.yaml"]


@pytest.mark.parametrize("path", EVAL_YAMLS, ids=lambda p: p.name)
def test_eval_configs_validate(path):
    config = load_eval_config(path)
    assert config.models and config.datasets and config.pairs()
    assert config.comparisons() == len(config.pairs()) * sum(len(config.metrics_of(d)) for d in config.datasets)


def test_config_errors_say_where_and_how_to_fix(tmp_path):
    with pytest.raises(ConfigError, match=r"tiny-eval.yaml: models.tuned.base: 'nope' is not one of the models"):
        load_eval_config(RECIPES / "tiny-eval.yaml", ["models.tuned.base=nope"])
    with pytest.raises(ConfigError, match=r"datasets\[0\].metrics: 'hamming' does not apply to kind 'mcq_single'"):
        load_eval_config(RECIPES / "tiny-eval.yaml", ["datasets.0.metrics=[hamming]"])
    with pytest.raises(ConfigError, match=r"datasets\[2\].metrics: 'judge' needs a judge"):
        load_eval_config(RECIPES / "tiny-eval.yaml", ["datasets.2.metrics=[judge]"])
    with pytest.raises(ConfigError, match=r"bootstrap.resamples_: unknown field — did you mean 'resamples'"):
        load_eval_config(RECIPES / "tiny-eval.yaml", ["bootstrap.resamples_=5"])


@pytest.fixture(scope="module")
def tiny_run(chat_llm, chat_llm_tuned, eval_data, tiny_bert, tmp_path_factory, torch_one_thread):
    """``biomedfr decoder eval recipes/decoder/tiny-eval.yaml --set ... --out OUT --no-progress`` in-process."""
    from curation.cli import app

    out = tmp_path_factory.mktemp("tiny-eval") / "out"
    args = ["decoder", "eval", str(RECIPES / "tiny-eval.yaml"), "--out", str(out), "--no-progress"]
    for item in tiny_overrides(chat_llm, chat_llm_tuned, eval_data, tiny_bert):
        args += ["--set", item]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, result.output


def test_cli_writes_json_tables_predictions_and_plots(tiny_run):
    out, output = tiny_run
    assert "Paired bootstrap" in output and "Win / tie / loss" in output
    assert f"{out / 'results.json'}" in output.replace("\n", "")
    summary = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert summary["pairs"] == [{"model": "tuned", "base": "base"}]
    assert set(summary["scores"]) == {"tiny-single", "tiny-multi", "tiny-open"}
    assert summary["bootstrap"]["comparisons"] == 4 and summary["bootstrap"]["resamples"] == 1000
    assert summary["datasets"]["tiny-multi"]["prompt"]["version"] == "mcq_multi.v1"
    assert summary["datasets"]["tiny-single"]["items"] == 6 and summary["datasets"]["tiny-open"]["items"] == 4
    assert [(c["dataset"], c["metric"]) for c in summary["comparisons"]] == [
        ("tiny-single", "exact_match"), ("tiny-multi", "emr"), ("tiny-multi", "hamming"), ("tiny-open", "bertscore_f1")]
    wtl = summary["win_tie_loss"]["tuned"]
    assert wtl["datasets"] == 3 and wtl["win"] + wtl["tie"] + wtl["loss"] == 3
    energy = summary["energy"]
    assert energy["tokens"] > 2 * (6 + 5 + 4) * 50 and energy["wall_seconds"] > 0 and energy["tdp_watts"] == 65
    assert energy["energy_kwh"] == pytest.approx(energy["wall_seconds"] / 3600 * 65 / 1000 * 1.2)
    tables = (out / "tables.txt").read_text(encoding="utf-8")
    assert "Scores (tiny-eval" in tables and "Energy of the evaluation" in tables and "tiny-multi" in tables
    for name in ("win_tie_loss.png", "deltas.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_predictions_are_letters_and_the_table_agrees_with_scipy(tiny_run, eval_data):
    out, _ = tiny_run
    summary = json.loads((out / "results.json").read_text(encoding="utf-8"))
    gold = {r["id"]: r for r in map(json.loads, eval_data["single"].read_text(encoding="utf-8").splitlines())}
    per_item = {}
    for model in ("base", "tuned"):
        single = [json.loads(x) for x in (out / "predictions" / model / "tiny-single.jsonl").read_text().splitlines()]
        assert len(single) == 6
        for row in single:
            options = gold[row["id"]]["options"]
            letters = [k.upper() for k in options] if isinstance(options, dict) else list("ABCDE"[:len(options)])
            assert len(row["predicted"]) == 1 and row["predicted"][0] in letters
        multi = [json.loads(x) for x in (out / "predictions" / model / "tiny-multi.jsonl").read_text().splitlines()]
        assert all(r["predicted"] and r["predicted"] == sorted(set(r["predicted"])) for r in multi)
        assert all(set(r["predicted"]) <= set("ABCDE") for r in multi)
        opened = [json.loads(x) for x in (out / "predictions" / model / "tiny-open.jsonl").read_text().splitlines()]
        assert all(0 <= r["bertscore_f1"] <= 1 + 1e-6 for r in opened)
        per_item[model] = {"exact_match": np.array([r["exact_match"] for r in single], float),
                           "emr": np.array([r["exact_match"] for r in multi], float),
                           "hamming": np.array([r["hamming"] for r in multi], float),
                           "bertscore_f1": np.array([r["bertscore_f1"] for r in opened])}
        assert summary["scores"]["tiny-multi"]["hamming"][model] == pytest.approx(per_item[model]["hamming"].mean())
    for row in summary["comparisons"]:
        x, y = per_item["tuned"][row["metric"]], per_item["base"][row["metric"]]
        reference = sps.bootstrap((x, y), lambda a, b, axis=-1: a.mean(axis) - b.mean(axis), paired=True,
                                  vectorized=True, n_resamples=1000, batch=1000, method="percentile",
                                  confidence_level=0.95, rng=np.random.default_rng(0))
        assert row["ci_low"] == pytest.approx(reference.confidence_interval.low, abs=1e-9)
        assert row["ci_high"] == pytest.approx(reference.confidence_interval.high, abs=1e-9)
        assert row["delta"] == pytest.approx(x.mean() - y.mean())


def test_cli_error_is_one_line(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "curation", "decoder", "eval", str(RECIPES / "tiny-eval.yaml"),
                           "--set", f"models.base.path={tmp_path}", "--out", str(tmp_path / "out"), "--no-progress"],
                          capture_output=True, text=True, timeout=300, cwd=REPO,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert proc.returncode == 2
    assert "error:" in proc.stderr and "datasets" in proc.stderr and "Traceback" not in proc.stderr


class JudgeServer(FakeOpenAIServer):
    """An OpenAI-compatible judge: the score is 5 when the answer repeats the reference, else 1 + (its length % 4)."""

    def answer(self, path, body, headers):
        text = body["messages"][-1]["content"]
        with self._lock:
            self.requests.append(body)
        reference = text.split("Réponse de référence : ", 1)[1].split("\n", 1)[0]
        answer = text.split("Réponse à évaluer : ", 1)[1]
        score = 5 if answer.strip() == reference.strip() else 1 + len(answer) % 4
        return 200, completion(json.dumps({"score": score}))


def test_evaluate_with_an_llm_judge_over_http(chat_llm, chat_llm_tuned, eval_data, tiny_bert, tmp_path,
                                              torch_one_thread):
    from decoder.evaluate import evaluate

    server = JudgeServer()
    base_url = server.start()
    try:
        overrides = tiny_overrides(chat_llm, chat_llm_tuned, eval_data, tiny_bert)
        config = load_eval_config(RECIPES / "tiny-eval.yaml", overrides + [
            "datasets=" + json.dumps([{"name": "tiny-open", "kind": "open", "path": str(eval_data["open"]),
                                       "metrics": ["judge", "bertscore_f1"],
                                       "fields": {"id": None, "question": "question", "answer": "reference"}}]),
            "judge=" + json.dumps({"llm": {"backend": "openai", "model": "judge-model", "base_url": base_url,
                                           "cache_dir": str(tmp_path / "llm-cache"), "max_new_tokens": 16}}),
            f"out={tmp_path / 'out'}", "progress=false"])
        result = evaluate(config)
    finally:
        server.stop()
    summary = result.summary
    assert len(server.requests) == 2 * 4  # one request per model and item, in one batch per model
    assert server.requests[0]["response_format"]["json_schema"]["name"] == "JudgeScore"
    assert summary["judge"]["prompt"]["version"] == "judge.v1" and summary["judge"]["failed"] == {}
    assert summary["judge"]["stats"]["valid"] == 8
    for model in ("base", "tuned"):
        path = tmp_path / "out" / "predictions" / model / "tiny-open.jsonl"
        rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
        expected = [5 if r["answer"].strip() == r["reference"].strip() else 1 + len(r["answer"]) % 4 for r in rows]
        assert [r["judge_score"] for r in rows] == expected
        assert summary["scores"]["tiny-open"]["judge"][model] == pytest.approx(np.mean([(s - 1) / 4 for s in expected]))
    assert [c["metric"] for c in summary["comparisons"]] == ["judge", "bertscore_f1"]
    assert summary["bootstrap"]["comparisons"] == 2
    assert set(summary["win_tie_loss"]["tuned"]) >= {"win", "tie", "loss", "win_rate"}
