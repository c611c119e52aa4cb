"""Provenance mixes: the seven configurations at constant volume, equal shares, seeded nested draws, manifest."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from curation.errors import ConfigError
from decoder.mixes import COMBINATIONS, MixConfig, load_mix_config, mix, shares
from tests.decoder.instructions import instruction_rows, write_jsonl

ROOT = Path(__file__).resolve().parents[2] / "recipes" / "decoder"


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[str, list[str]]:
    """40 native rows (two files), 25 translated and 30 synthetic (messages style), 1 without provenance field."""
    folder = tmp_path_factory.mktemp("mix-sources")
    native = instruction_rows(40, "native")
    synthetic = instruction_rows(30, "synthetic", style="messages")
    synthetic[0].pop("provenance")  # taken from the source it is listed under
    return {"native": [str(write_jsonl(folder / "native-a.jsonl", native[:25])),
                       str(write_jsonl(folder / "native-b.jsonl", native[25:]))],
            "translated": [str(write_jsonl(folder / "translated.jsonl", instruction_rows(25, "translated")))],
            "synthetic": [str(write_jsonl(folder / "synthetic.jsonl", synthetic))]}


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_shares_split_equally_with_the_remainder_dealt_in_order():
    assert shares(33493, "NAT") == {"native": 33493}
    assert shares(33493, "NAT-TRAD") == {"native": 16747, "translated": 16746}
    assert shares(33493, "ALL") == {"native": 11165, "translated": 11164, "synthetic": 11164}
    assert shares(32, "ALL") == {"native": 11, "translated": 11, "synthetic": 10}
    assert all(sum(shares(n, c).values()) == n for n in (1, 2, 3, 31, 33493) for c in COMBINATIONS)


def test_seven_configurations_at_constant_volume(sources, tmp_path):
    result = mix(MixConfig(sources=sources, total=25, seed=3, out=str(tmp_path / "mix")))
    manifest = json.loads((tmp_path / "mix" / "manifest.json").read_text())
    assert manifest == result.manifest and list(manifest["combinations"]) == list(COMBINATIONS)
    for name, parts in COMBINATIONS.items():
        rows = _read(tmp_path / "mix" / f"{name}.jsonl")
        counts = Counter(r["provenance"] for r in rows)
        assert len(rows) == 25 and dict(counts) == shares(25, name)
        assert manifest["combinations"][name]["by_provenance"] == shares(25, name)
        assert set(counts) == set(parts)
        assert len({r["id"] for r in rows}) == 25  # without replacement
        sha = hashlib.sha256((tmp_path / "mix" / f"{name}.jsonl").read_bytes()).hexdigest()
        assert manifest["combinations"][name]["sha256"] == sha
    assert manifest["available"] == {"native": 40, "translated": 25, "synthetic": 30}
    inputs = {Path(i["path"]).name: i for i in manifest["inputs"]}
    assert inputs["native-a.jsonl"]["rows"] == 25 and inputs["native-b.jsonl"]["rows"] == 15
    assert inputs["synthetic.jsonl"]["sha256"] == hashlib.sha256(Path(sources["synthetic"][0]).read_bytes()).hexdigest()
    assert manifest["seed"] == 3 and manifest["total"] == 25


def test_draws_are_nested_across_configurations(sources, tmp_path):
    mix(MixConfig(sources=sources, total=24, seed=5, out=str(tmp_path / "mix")))
    ids = {name: {r["id"] for r in _read(tmp_path / "mix" / f"{name}.jsonl")} for name in COMBINATIONS}
    native_in = {name: {i for i in rows if i.startswith("native")} for name, rows in ids.items()}
    assert native_in["ALL"] <= native_in["NAT-TRAD"] <= native_in["NAT"]
    assert native_in["NAT-SYN"] == native_in["NAT-TRAD"]  # 12 native each: the same first 12 of the permutation


def test_same_seed_same_bytes_other_seed_other_draw(sources, tmp_path):
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        mix(MixConfig(sources=sources, total=20, seed=seed, combinations=["NAT", "ALL"], out=str(tmp_path / name)))
    for combination in ("NAT", "ALL"):
        a, b, c = ((tmp_path / n / f"{combination}.jsonl").read_bytes() for n in "abc")
        assert a == b and a != c
    assert (tmp_path / "a" / "manifest.json").read_bytes() != (tmp_path / "c" / "manifest.json").read_bytes()
    assert not (tmp_path / "a" / "TRAD.jsonl").exists()


def test_a_source_too_small_says_how_many_are_available(sources, tmp_path):
    with pytest.raises(ConfigError) as err:
        mix(MixConfig(sources=sources, total=30, out=str(tmp_path / "mix")))
    message = str(err.value)
    assert message.startswith("sources.translated: 25 rows available but 30 needed (TRAD at total 30)")
    assert not (tmp_path / "mix").exists()  # nothing written
    # without the single-source configuration, 15 translated rows are enough
    mix(MixConfig(sources=sources, total=30, combinations=["NAT-TRAD", "ALL"], out=str(tmp_path / "mix")))


def test_a_row_under_the_wrong_source_is_an_error(sources, tmp_path):
    wrong = {**sources, "translated": sources["native"][:1]}
    with pytest.raises(ConfigError, match=r"native-a.jsonl:1: provenance is 'native' but the file is listed under "
                                          r"sources.translated"):
        mix(MixConfig(sources=wrong, total=10, out=str(tmp_path / "mix")))


def test_the_config_names_a_missing_source(tmp_path):
    with pytest.raises(ConfigError, match="sources.synthetic is empty but SYN, NAT-SYN, TRAD-SYN, ALL need it"):
        load_mix_config(ROOT / "tiny-mix.yaml", ["sources.native=[a.jsonl]", "sources.translated=[b.jsonl]"])


def test_mix_command_on_the_tiny_config(sources, tmp_path):
    from typer.testing import CliRunner

    from decoder.cli import app

    out = tmp_path / "cli"
    sets = [f"sources.{p}=[{','.join(files)}]" for p, files in sources.items()] + [f"out={out}", "total=20"]
    args = [arg for s in sets for arg in ("--set", s)]
    result = CliRunner().invoke(app, ["mix", str(ROOT / "tiny-mix.yaml"), *args])
    assert result.exit_code == 0, result.output
    assert "NAT-TRAD" in result.output and "Manifest" in result.output
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{c}.jsonl" for c in COMBINATIONS] + ["manifest.json"])
    assert all(len(_read(out / f"{c}.jsonl")) == 20 for c in COMBINATIONS)
