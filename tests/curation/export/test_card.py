"""The card and attribution helpers: Hub license ids, size categories, works, front matter."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from curation.export.card import Work, front_matter, hub_license, is_cc_by, size_category, work_key
from curation.export.exporter import export
from curation.export.policy import load_policy
from curation.export.verify import verify_export
from tests.curation.export.corpus import doc, write_run


@pytest.mark.parametrize(("spdx", "hub"), [("CC-BY-4.0", "cc-by-4.0"), ("etalab-2.0", "etalab-2.0"),
                                           ("CC0-1.0", "cc0-1.0"), ("LicenseRef-public-domain", "other")])
def test_hub_license(spdx: str, hub: str) -> None:
    assert hub_license(spdx) == hub


@pytest.mark.parametrize(("n", "label"), [(0, "n<1K"), (999, "n<1K"), (1_000, "1K<n<10K"),
                                          (2_500_000, "1M<n<10M"), (10**13, "n>1T")])
def test_size_category(n: int, label: str) -> None:
    assert size_category(n) == label


def test_cc_by_family_and_work_keys() -> None:
    assert all(is_cc_by(x) for x in ("CC-BY-4.0", "CC-BY-NC-ND-3.0-IGO", "LicenseRef-CC-BY-SA",
                                     "LicenseRef-cc-unspecified"))
    assert not any(is_cc_by(x) for x in ("CC0-1.0", "etalab-2.0", "Apache-2.0", "LicenseRef-public-domain"))
    assert work_key({"id": "a#s0#p1", "parent_id": "a#s0", "root_id": "a"}) == "a"
    assert work_key({"id": "a#s0#p1", "parent_id": "a#s0"}) == "a#s0"
    assert work_key({"id": "a"}) == "a"


def test_work_lines_escape_markdown_and_prefer_the_doi() -> None:
    work = Work(key="w/1", source="w", license="CC-BY-4.0", title="Le *vrai*\n titre", authors=["A_B"],
                doi="10.1/x", url="https://ignored")
    assert work.line() == r"- A\_B. *Le \*vrai\* titre*. https://doi.org/10.1/x. CC-BY-4.0. (`w/1`)"
    assert Work(key="w/2", source="w", license="CC-BY-4.0").line() == "- (untitled). CC-BY-4.0. (`w/2`)"


def test_front_matter() -> None:
    assert front_matter("---\nlicense: [mit]\n---\n# T\n") == {"license": ["mit"]}
    assert front_matter("# no front matter\n") is None
    with pytest.raises(yaml.YAMLError):
        front_matter("---\nlicense: [mit\n---\n")


def test_licenseref_ids_are_other_with_a_link_to_the_attribution(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", [[doc("finewiki-bio/PD", "finewiki-bio", "LicenseRef-public-domain"),
                                        doc("finewiki-bio/X", "finewiki-bio", "CC0-1.0")]], sources=[])
    result = export(run, load_policy("open"), tmp_path / "out")
    meta = front_matter((result.out_dir / "README.md").read_text(encoding="utf-8"))
    assert meta["license"] == ["cc0-1.0", "other"]
    assert (meta["license_name"], meta["license_link"]) == ("licenseref-per-document", "ATTRIBUTION.md")
    assert verify_export(result.out_dir) == []
