"""``build_mix``: Table 2 shares, determinism, order independence, warnings, errors, cluster reweighting."""

from __future__ import annotations

import json
import random

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.errors import ConfigError
from curation.mix.config import MixConfig
from curation.mix.manifest import MANIFEST_COLUMNS, read_manifest, write_manifest
from curation.mix.mixer import build_mix, round_repetitions, round_to_target
from tests.curation.mix.runs import doc, table2_documents, write_run, write_table2_runs

TABLE2 = {"articles": 0.70, "ontology_books": 0.20, "emea": 0.06, "e3c": 0.04}
BUDGET = 10_000_000


@pytest.fixture(scope="module")
def table2_runs(tmp_path_factory) -> list[str]:
    return [str(p) for p in write_table2_runs(tmp_path_factory.mktemp("table2"))]


def mix_bytes(cfg: MixConfig, out) -> bytes:
    result = build_mix(cfg)
    write_manifest(out, result.rows, result.report, result.config_hash)
    return (out / "mix.parquet").read_bytes()


@pytest.mark.parametrize("budget", [5_000_000, BUDGET, 20_000_000])  # articles down- or upsampled
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_achieved_shares_are_within_one_percent_of_table_2(table2_runs, budget, seed):
    result = build_mix(MixConfig(runs=table2_runs, budget_tokens=budget, seed=seed))
    groups = {g["name"]: g for g in result.report["groups"]}
    total = sum(r.tokens * r.repetitions for r in result.rows)
    assert result.report["totals"]["achieved_tokens"] == total
    assert abs(total - budget) <= 0.01 * budget
    for name, share in TABLE2.items():
        achieved = sum(r.tokens * r.repetitions for r in result.rows if r.group == name) / total
        assert groups[name]["achieved_share"] == pytest.approx(achieved)
        assert abs(achieved - share) <= 0.01 * share, (name, achieved, share)  # 1 % of the target share


def test_report_per_group_and_source(table2_runs):
    result = build_mix(MixConfig(runs=table2_runs, budget_tokens=BUDGET))
    docs = table2_documents()
    articles = docs["articles"]
    available = sum(d.metadata["token_count"] * d.metadata.get("repetitions", 1) for d in articles)
    g = result.report["groups"][0]
    assert g["name"] == "articles" and g["documents"] == len(articles)
    assert g["available_tokens"] == available  # tokens x repetitions, 1 when absent
    assert g["unique_tokens"] == sum(d.metadata["token_count"] for d in articles)
    assert g["target_tokens"] == 7_000_000
    assert g["extra_factor"] == pytest.approx(7_000_000 / available)
    assert g["documents_kept"] == sum(1 for r in result.rows if r.group == "articles")
    sources = {s["name"]: s for s in result.report["sources"]}
    assert set(sources) == {"hal", "istex", "finewiki-bio", "cim10-books", "ccam-books", "atc-books", "emea", "e3c"}
    assert sum(s["achieved_tokens"] for s in sources.values()) == result.report["totals"]["achieved_tokens"]
    assert sources["hal"]["documents"] == 1200 and sources["hal"]["group"] == "articles"
    assert [r["name"] for r in result.report["runs"]] == ["articles", "books", "emea", "e3c"]
    assert result.warnings == []


def test_repetitions_scale_the_upsampled_count(tmp_path):
    # one group, factor exactly 2: every document gets 2 x its upsampling repetitions, no rounding
    docs = [doc(f"emea/{i}", "emea", 100, repetitions=r) for i, r in enumerate([1, 3, 0, 5])] + [doc("emea/x", "emea", 50)]
    run = write_run(tmp_path / "r", docs)
    available = 100 * (1 + 3 + 0 + 5) + 50
    cfg = MixConfig(runs=[str(run)], groups=[{"name": "emea", "sources": ["emea"], "share": 1}],
                    budget_tokens=2 * available)
    for rounding in ("calibrated", "independent"):
        rows = {r.id: r.repetitions for r in build_mix(cfg.model_copy(update={"rounding": rounding})).rows}
        assert rows == {"emea/0": 2, "emea/1": 6, "emea/3": 10, "emea/x": 2}  # emea/2 (0 repetitions) left out


def test_same_seed_same_bytes_different_seed_different_manifest(table2_runs, tmp_path):
    cfg = MixConfig(runs=table2_runs, budget_tokens=BUDGET, seed=7)
    first = mix_bytes(cfg, tmp_path / "a")
    assert mix_bytes(cfg, tmp_path / "b") == first
    assert (tmp_path / "a" / "mix.json").read_text() == (tmp_path / "b" / "mix.json").read_text()
    other = mix_bytes(cfg.model_copy(update={"seed": 8}), tmp_path / "c")
    assert other != first
    a = {(r.id, r.repetitions) for r in read_manifest(tmp_path / "a")}
    c = {(r.id, r.repetitions) for r in read_manifest(tmp_path / "c")}
    assert a != c


def test_shuffled_shards_give_the_same_manifest(tmp_path):
    docs = table2_documents(seed=3)
    runs = [write_run(tmp_path / name, d, shards=2) for name, d in docs.items()]
    cfg = MixConfig(runs=[str(r) for r in runs], budget_tokens=BUDGET, seed=5)
    first = mix_bytes(cfg, tmp_path / "out1")
    for name, d in docs.items():  # same documents, shuffled, in a different number of shards
        write_run(tmp_path / name, d, shards=5, shuffle_seed=11)
    assert mix_bytes(cfg, tmp_path / "out2") == first
    reversed_runs = cfg.model_copy(update={"runs": list(reversed(cfg.runs))})
    mix_bytes(reversed_runs, tmp_path / "out3")
    assert [(r.id, r.repetitions) for r in read_manifest(tmp_path / "out3")] == \
        [(r.id, r.repetitions) for r in read_manifest(tmp_path / "out1")]


def test_manifest_format(table2_runs, tmp_path):
    result = build_mix(MixConfig(runs=table2_runs, budget_tokens=BUDGET))
    write_manifest(tmp_path, result.rows, result.report, result.config_hash)
    table = pq.read_table(tmp_path / "mix.parquet")
    assert tuple(table.column_names) == MANIFEST_COLUMNS
    meta = table.schema.metadata
    assert meta[b"biomedfr.format"] == b"biomedfr.mix/1" and meta[b"biomedfr.config_hash"] == result.config_hash.encode()
    rows = read_manifest(tmp_path)
    assert rows == sorted(result.rows, key=lambda r: (r.group, r.source, r.id))
    assert len({r.id for r in rows}) == len(rows) and min(r.repetitions for r in rows) >= 1
    assert all(r.run in table2_runs for r in rows)
    report = json.loads((tmp_path / "mix.json").read_text())
    assert report["config_hash"] == result.config_hash and report["config"]["seed"] == 0
    assert not list(tmp_path.glob("*.tmp"))


def test_warning_when_a_group_needs_more_than_max_repetitions(tmp_path):
    docs = table2_documents()
    docs["e3c"] = docs["e3c"][:20]  # ~27k tokens for a 400k target: ~15 passes
    runs = [str(write_run(tmp_path / name, d)) for name, d in docs.items()]
    result = build_mix(MixConfig(runs=runs, budget_tokens=BUDGET))
    e3c = result.report["groups"][3]
    passes = e3c["extra_factor"]
    assert passes > 4
    assert len(e3c["warnings"]) == 1 and e3c["warnings"][0] in result.warnings
    message = e3c["warnings"][0]
    assert f"group 'e3c' needs {passes:.2f} passes over its data" in message
    assert f"{passes / 4:.2f}x max_repetitions=4" in message
    assert not any(g["warnings"] for g in result.report["groups"][:3])
    relaxed = build_mix(MixConfig(runs=runs, budget_tokens=BUDGET, max_repetitions=20))
    assert relaxed.warnings == []


def test_missing_token_count_is_a_clear_error(tmp_path):
    good = write_run(tmp_path / "good", [doc("emea/1", "emea", 10)])
    bad = write_run(tmp_path / "bad", [doc("e3c/1", "e3c", None), doc("e3c/2", "e3c", 5)])
    with pytest.raises(ConfigError) as info:
        build_mix(MixConfig(runs=[str(good), str(bad)], sources_missing="warn"))
    message = str(info.value)
    assert str(bad) in message and "1 document(s) have no 'token_count'" in message and "'e3c/1'" in message
    assert "add the `token_count` step" in message


def test_token_field_may_live_in_extra(tmp_path):
    run = write_run(tmp_path / "r", [doc(f"emea/{i}", "emea", None, hf_tokens=10 * (i + 1)) for i in range(3)])
    cfg = MixConfig(runs=[str(run)], token_field="hf_tokens", budget_tokens=60,
                    groups=[{"name": "emea", "sources": ["emea"], "share": 1}])
    assert {r.id: r.tokens for r in build_mix(cfg).rows} == {"emea/0": 10, "emea/1": 20, "emea/2": 30}


def test_sources_missing_error_or_warn(tmp_path):
    docs = table2_documents()
    runs = [str(write_run(tmp_path / n, docs[n])) for n in ("articles", "books", "emea")]  # no e3c run
    with pytest.raises(ConfigError, match=r"no document of source\(s\) 'e3c' \(group 'e3c'\) in the runs .*"
                                          r"sources_missing=warn"):
        build_mix(MixConfig(runs=runs, budget_tokens=BUDGET))
    result = build_mix(MixConfig(runs=runs, budget_tokens=BUDGET, sources_missing="warn"))
    assert "source 'e3c' (group 'e3c') has no documents in the runs" in result.warnings
    assert any("group 'e3c' has no tokens" in w for w in result.warnings)
    assert any("short of the budget" in w for w in result.warnings)
    achieved = {g["name"]: g["achieved_tokens"] for g in result.report["groups"]}
    assert achieved["e3c"] == 0 and abs(achieved["articles"] - 7_000_000) < 0.01 * 7_000_000  # no renormalisation


def test_sources_in_no_group_are_reported_and_left_out(tmp_path):
    run = write_run(tmp_path / "r", [doc("emea/1", "emea", 10), doc("nachos/1", "nachos", 30)])
    result = build_mix(MixConfig(runs=[str(run)], budget_tokens=100,
                                 groups=[{"name": "emea", "sources": ["emea"], "share": 1}]))
    assert [r.id for r in result.rows] == ["emea/1"]
    assert result.report["unassigned_sources"] == {"nachos": {"documents": 1, "available_tokens": 30}}
    assert any("source 'nachos' (1 documents, 30 tokens) is in no group" in w for w in result.warnings)


def test_bad_runs_are_config_errors(tmp_path):
    run = write_run(tmp_path / "r", [doc("emea/1", "emea", 10)])
    copy = write_run(tmp_path / "copy", [doc("emea/1", "emea", 10)])
    one_group = [{"name": "emea", "sources": ["emea"], "share": 1}]
    with pytest.raises(ConfigError, match=f"'emea/1' appears in {run} and in {copy}"):
        build_mix(MixConfig(runs=[str(run), str(copy)], groups=one_group))
    with pytest.raises(ConfigError, match="listed twice"):
        build_mix(MixConfig(runs=[str(run), str(run)], groups=one_group))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="no run.json — not the output folder"):
        build_mix(MixConfig(runs=[str(tmp_path / "empty")], groups=one_group))
    (tmp_path / "empty" / "run.json").write_text("{}")
    with pytest.raises(ConfigError, match="no shards in .*has the run finished"):
        build_mix(MixConfig(runs=[str(tmp_path / "empty")], groups=one_group))


def test_cluster_reweight_moves_tokens_within_a_group(tmp_path):
    rng = random.Random(0)
    docs = []
    for i in range(3000):
        size = rng.choice([None, 1, 3, 50, 5000])
        meta = {} if size is None else {"dup_cluster_size": size}
        docs.append(doc(f"hal/{i}", "hal", 100, **meta))
    docs += [doc(f"emea/{i}", "emea", 100) for i in range(500)]
    run = write_run(tmp_path / "r", docs)
    groups = [{"name": "articles", "sources": ["hal"], "share": 0.8}, {"name": "emea", "sources": ["emea"], "share": 0.2}]
    reweight = {"ranges": [{"min_size": 2, "max_size": 4, "weight": 3}, {"min_size": 5, "max_size": 100, "weight": 2},
                           {"min_size": 1001, "weight": 0}]}
    base = MixConfig(runs=[str(run)], groups=groups, budget_tokens=1_200_000)
    plain = build_mix(base)
    weighted = build_mix(MixConfig.model_validate({**base.model_dump(), "cluster_reweight": reweight}))
    size_of = {d.id: d.metadata.get("dup_cluster_size") for d in docs}

    def mean_reps(result, sizes):
        reps = {r.id: r.repetitions for r in result.rows}
        chosen = [reps.get(i, 0) for i, s in size_of.items() if i.startswith("hal/") and s in sizes]
        return float(np.mean(chosen))

    assert mean_reps(plain, {3}) == pytest.approx(mean_reps(plain, {None, 1}), rel=0.1)
    # weights 1 (unique or missing: missing_size 1), 3 (2-4), 2 (5-100), 0 (1001+): per-copy rate = factor x weight
    unit = mean_reps(weighted, {None, 1})
    assert mean_reps(weighted, {3}) == pytest.approx(3 * unit, rel=0.05)
    assert mean_reps(weighted, {50}) == pytest.approx(2 * unit, rel=0.05)
    assert mean_reps(weighted, {5000}) == 0  # weight 0: left out
    for result in (plain, weighted):  # the shares hold either way
        shares = {g["name"]: g["achieved_share"] for g in result.report["groups"]}
        assert shares["articles"] == pytest.approx(0.8, rel=0.01) and shares["emea"] == pytest.approx(0.2, rel=0.01)
    g = weighted.report["groups"][0]
    assert g["applied_factor"] == pytest.approx(960_000 / g["weighted_tokens"])
    assert g["extra_factor"] == pytest.approx(960_000 / g["available_tokens"])


def test_cluster_reweight_without_cluster_sizes_warns(tmp_path):
    run = write_run(tmp_path / "r", [doc("emea/1", "emea", 10)])
    result = build_mix(MixConfig(runs=[str(run)], budget_tokens=10, cluster_reweight={"ranges": []},
                                 groups=[{"name": "emea", "sources": ["emea"], "share": 1}]))
    assert any("no document has 'dup_cluster_size'" in w for w in result.warnings)


expected_copies = st.lists(st.tuples(st.floats(0, 40), st.integers(1, 3000), st.floats(0, 1, exclude_max=True)),
                           min_size=1, max_size=60, unique_by=lambda item: item[2])  # draws: sha256, never equal


@settings(max_examples=200, deadline=None)
@given(expected_copies)
def test_rounding_laws(items):
    x = np.array([i[0] for i in items])
    tokens = np.array([i[1] for i in items], dtype=np.int64)
    u = np.array([i[2] for i in items])
    for reps in (round_repetitions(x, u), round_to_target(x, u, tokens, float(np.dot(tokens, x)))):
        assert np.all((reps == np.floor(x)) | (reps == np.floor(x) + 1))  # floor or floor + 1, never else
        assert np.all(reps[x == np.floor(x)] == x[x == np.floor(x)])  # whole expectations are kept as is
    target = float(np.dot(tokens, x))
    calibrated = round_to_target(x, u, tokens, target)
    fractional = x > np.floor(x)
    assert abs(np.dot(tokens, calibrated) - target) <= (tokens[fractional].max() / 2 if fractional.any() else 0) + 1e-6
    order = np.random.default_rng(0).permutation(len(items))  # independent of order
    assert np.array_equal(round_to_target(x[order], u[order], tokens[order], target), calibrated[order])
