"""Tests of the shipped source manifests and of manifest loading errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from rich.table import Table

from curation.errors import ConfigError, LicenseError
from curation.licenses import is_unknown, normalize_license, terms_of
from curation.manifest import Manifest, all_manifests, load_manifest_file
from curation.sources_table import COLUMNS, sources_table

MANIFESTS_DIR = Path(__file__).parents[2] / "manifests"
MANIFEST_FILES = sorted(MANIFESTS_DIR.glob("*.yaml"))
EXPECTED = {
    "hal", "istex", "finewiki-bio", "emea", "e3c", "nachos",
    "cim10-books", "ccam-books", "atc-books", "sample-corpus",
}  # fmt: skip


def test_expected_manifests_are_shipped() -> None:
    assert EXPECTED <= {p.stem for p in MANIFEST_FILES}
    assert (MANIFESTS_DIR / "__init__.py").exists()


@pytest.mark.parametrize("path", MANIFEST_FILES, ids=lambda p: p.stem)
def test_manifest_loads_and_agrees_with_license_terms(path: Path) -> None:
    manifest = load_manifest_file(path)
    assert manifest.name == path.stem
    assert manifest.title.strip() and manifest.description.strip() and manifest.provenance.strip()
    assert manifest.attribution.strip()
    assert normalize_license(manifest.license) == manifest.license, "license must be a normalised id"
    assert not is_unknown(manifest.license)
    terms = terms_of(manifest.license)
    if terms is not None:
        flags = (manifest.redistribution, manifest.derivatives, manifest.commercial, manifest.share_alike)
        assert flags == (terms.redistribution, terms.derivatives, terms.commercial, terms.share_alike)


def test_manifest_names_are_unique() -> None:
    names = [load_manifest_file(p).name for p in MANIFEST_FILES]
    assert len(names) == len(set(names))


def test_all_manifests_by_path_sorted_by_name() -> None:
    loaded = all_manifests(MANIFESTS_DIR)
    assert [m.name for _, m in loaded] == sorted(p.stem for p in MANIFEST_FILES)


@pytest.mark.parametrize(
    ("name", "license", "route", "per_document"),
    [
        ("hal", "LicenseRef-hal-per-document", "extraction", True),
        ("istex", "LicenseRef-istex", "extraction", False),
        ("finewiki-bio", "CC-BY-SA-4.0", "direct", False),
        ("emea", "LicenseRef-ema-reuse", "direct", False),
        ("e3c", "LicenseRef-cc-unspecified", "direct", True),
        ("nachos", "LicenseRef-nachos", "direct", False),
        ("cim10-books", "CC-BY-NC-ND-3.0-IGO", "direct", False),
        ("ccam-books", "etalab-2.0", "direct", False),
        ("atc-books", "CC-BY-ND-3.0-IGO", "direct", False),
        ("sample-corpus", "Apache-2.0", "extraction", False),
    ],
)
def test_manifest_license_and_route(name: str, license: str, route: str, per_document: bool) -> None:
    manifest = load_manifest_file(MANIFESTS_DIR / f"{name}.yaml")
    assert (manifest.license, manifest.route, manifest.per_document_license) == (license, route, per_document)


def test_restricted_sources_never_leave() -> None:
    for name in ("hal", "istex", "nachos"):
        manifest = load_manifest_file(MANIFESTS_DIR / f"{name}.yaml")
        assert not (manifest.redistribution or manifest.derivatives or manifest.commercial)


def test_sample_corpus_attribution() -> None:
    manifest = load_manifest_file(MANIFESTS_DIR / "sample-corpus.yaml")
    assert manifest.attribution == "biomedfr sample corpus, written by the biomedfr authors"


_VALID = """\
name: demo
title: Demo source
license: CC-BY-4.0
redistribution: true
derivatives: true
commercial: true
attribution: Demo authors
"""


def test_valid_minimal_manifest(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(_VALID, encoding="utf-8")
    manifest = load_manifest_file(path)
    assert isinstance(manifest, Manifest)
    assert manifest.route == "extraction" and not manifest.share_alike


@pytest.mark.parametrize("license_line", ["", "license:\n", "license: ''\n", "license: '   '\n"])
def test_missing_license_raises_license_error_naming_file(tmp_path: Path, license_line: str) -> None:
    path = tmp_path / "nolicense.yaml"
    path.write_text(_VALID.replace("license: CC-BY-4.0\n", license_line), encoding="utf-8")
    with pytest.raises(LicenseError) as info:
        load_manifest_file(path)
    assert str(path) in str(info.value)
    assert "license" in str(info.value)


def test_misspelled_key_raises_config_error_with_suggestion(tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text(_VALID.replace("redistribution:", "redistributon:"), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_manifest_file(path)
    message = str(info.value)
    assert str(path) in message
    assert "did you mean 'redistribution'" in message


def test_bad_route_raises_config_error(tmp_path: Path) -> None:
    path = tmp_path / "route.yaml"
    path.write_text(_VALID + "route: straight\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="route"):
        load_manifest_file(path)


def test_sources_table_lists_every_manifest() -> None:
    loaded = all_manifests(MANIFESTS_DIR)
    table = sources_table(loaded)
    assert isinstance(table, Table)
    assert [c.header for c in table.columns] == list(COLUMNS)
    assert table.row_count == len(loaded)
    console = Console(width=250, record=True, color_system=None)
    console.print(table)
    text = console.export_text()
    for _path, manifest in loaded:
        assert manifest.name in text and manifest.license in text


def test_sources_table_empty() -> None:
    assert sources_table([]).row_count == 0
