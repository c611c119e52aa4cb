"""The minhash_dedup step and its passes: config, signature files, tagging, exclusion reasons, accounting."""

from __future__ import annotations

import pickle
import random
import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curation.config import validate
from curation.dedup.minhash import lsh_probability
from curation.document import Document, validate_metadata
from curation.errors import ConfigError
from curation.io import read_records
from curation.run.context import RunContext
from curation.steps.minhash_dedup import MinhashConfig, MinhashDedup, MinhashSignatures, build_clusters
from curation.steps.registry import STEPS
from tests.curation.dedup.strategies import WORDS


def meta(route: str = "direct") -> dict:
    return {"source": "src", "license": "CC-BY-4.0", "route": route}


def corpus() -> list[Document]:
    rng = random.Random(11)
    base = [rng.choice(WORDS) for _ in range(70)]
    near = list(base)
    near[35] = "modifié"
    return [
        Document(" ".join(base), "src/b", metadata=meta()),
        Document(" ".join(base), "src/a", metadata=meta("extraction")),
        Document(" ".join(near), "src/c", metadata=meta()),
        Document("Prendre 5 mg de ramipril le matin.", "src/d", metadata=meta()),
        Document("Prendre 50 mg de ramipril le matin.", "src/e", metadata=meta("extraction")),
    ]


def three_passes(tmp_path, docs, config=None, tasks=2):
    config = config or MinhashConfig()
    out = tmp_path / "run"
    for rank in range(tasks):
        signer = MinhashSignatures(config, str(out), "07_minhash")
        assert list(signer.run(iter(docs[rank::tasks]), rank=rank, world_size=tasks)) == []
        assert signer.stats["in"].total == len(docs[rank::tasks])
    summary = build_clusters(config, str(out / "signatures"), str(out / "clusters.parquet"), None)
    step = MinhashDedup(config, RunContext(out_dir=str(out)), 7)
    step.clusters_path = str(out / "clusters.parquet")
    return step, summary, out


def test_step_is_registered_with_its_reason_and_config():
    assert STEPS["minhash_dedup"] is MinhashDedup
    assert MinhashDedup.reasons == frozenset({"minhash_duplicate"})
    assert MinhashDedup.Config is MinhashConfig
    assert MinhashDedup.default_routes == frozenset({"extraction", "direct"})
    config = MinhashConfig()
    assert (config.ngram, config.num_perm, config.bands, config.rows) == (5, 128, 21, 6)
    assert (config.threshold, config.seed) == (0.8, 1)
    assert config.index is None and config.permutation == "affine32"
    assert lsh_probability(config.threshold, config.bands, config.rows) >= 0.98
    for name, field in MinhashConfig.model_fields.items():
        assert field.description, f"MinhashConfig.{name} has no docstring"


def test_the_documented_s_curve_is_the_formula():
    table = MinhashConfig.__doc__
    js = [float(x) for x in re.search(r"^\s*J\s+(.+)$", table, re.MULTILINE).group(1).split()]
    ps = [float(x) for x in re.search(r"^\s*P\(J\)\s+(.+)$", table, re.MULTILINE).group(1).split()]
    assert len(js) == len(ps) == 8
    for j, p in zip(js, ps):
        assert lsh_probability(j, 21, 6) == pytest.approx(p, abs=6e-5)


def test_bands_beyond_the_permutations_are_a_config_error():
    with pytest.raises(ConfigError, match="bands x rows = 160 needs more than num_perm = 128"):
        validate(MinhashConfig, {"bands": 20, "rows": 8}, "recipe.yaml: steps[5]")
    with pytest.raises(ConfigError, match="unknown field"):
        validate(MinhashConfig, {"band": 20}, "recipe.yaml: steps[5]")


def test_three_passes_tag_keep_and_exclude(tmp_path):
    docs = corpus()
    step, summary, out = three_passes(tmp_path, docs)
    assert summary["duplicates"] == 2
    kept = list(step.run(iter(docs), rank=0, world_size=1))
    assert [d.id for d in kept] == ["src/a", "src/d", "src/e"]
    tags = {d.id: (d.metadata["dup_cluster"], d.metadata["dup_cluster_size"]) for d in kept}
    assert tags == {"src/a": ("src/a", 3), "src/d": ("src/d", 1), "src/e": ("src/e", 1)}
    for d in kept:
        validate_metadata(d.metadata, d.id)
    excluded = {r["id"]: r for r in read_records(out / "excluded" / "07_minhash_dedup")}
    assert {i: (r["reason"], r["message"]) for i, r in excluded.items()} == {
        "src/b": ("minhash_duplicate", "src/a"),
        "src/c": ("minhash_duplicate", "src/a"),
    }
    stats = step.stats
    assert stats["in"].total == 5 and stats["kept"].total == 3 and stats["excluded.minhash_duplicate"].total == 2


def test_a_document_missing_from_the_table_fails_with_its_reason(tmp_path):
    docs = corpus()
    step, _, out = three_passes(tmp_path, docs[:3])
    kept = list(step.run(iter(docs), rank=0, world_size=1))
    assert [d.id for d in kept] == ["src/a"]
    failed = {r["id"]: r["reason"] for r in read_records(out / "failed" / "07_minhash_dedup")}
    assert failed == {"src/d": "minhash_not_indexed", "src/e": "minhash_not_indexed"}
    stats = step.stats
    assert stats["in"].total == stats["kept"].total + stats["excluded"].total + stats["failed"].total


def test_routes_restrict_both_the_signatures_and_the_step(tmp_path):
    docs = corpus()
    step, summary, _ = three_passes(tmp_path, docs, config=MinhashConfig(routes=["direct"]))
    assert summary["documents"] == 3  # src/a and src/e are "extraction"
    kept = list(step.run(iter(docs), rank=0, world_size=1))
    assert [d.id for d in kept] == ["src/b", "src/a", "src/d", "src/e"]  # b represents b and c now
    assert "dup_cluster" not in kept[1].metadata and kept[0].metadata["dup_cluster_size"] == 2
    assert step.stats["passed_through"].total == 2


def test_the_step_needs_its_clusters_table(tmp_path):
    step = MinhashDedup(MinhashConfig(), RunContext(out_dir=str(tmp_path)), 7)
    with pytest.raises(ConfigError, match="clusters_path is not set"):
        list(step.run(iter(corpus()[:1])))
    step.clusters_path = str(tmp_path / "missing.parquet")
    with pytest.raises(ConfigError, match="not found"):
        list(step.run(iter(corpus()[:1])))


def test_signature_files_are_complete_per_task_and_the_step_pickles(tmp_path):
    config = MinhashConfig()
    signer = MinhashSignatures(config, str(tmp_path), "07_minhash")
    assert signer.name == "07_minhash" and signer.type == "minhash"
    assert list(signer.run(None, rank=3, world_size=4)) == []  # a task without documents: an empty file
    assert list(pickle.loads(pickle.dumps(signer)).run(iter(corpus()), rank=1, world_size=4)) == []
    files = sorted(p.name for p in (tmp_path / "signatures").iterdir())
    assert files == ["00001.parquet", "00003.parquet"]
    table = pq.read_table(tmp_path / "signatures" / "00001.parquet")
    assert table.column_names[:3] == ["id", "n_shingles", "band_00"] and table.column_names[-1] == "shingles"
    assert table.num_rows == 5 and pq.read_table(tmp_path / "signatures" / "00003.parquet").num_rows == 0
    assert table.schema.field("shingles").type.value_type == pa.uint64()
