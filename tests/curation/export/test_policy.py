"""Export policies: the shipped YAML files, user files, overrides, readable errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from curation.errors import ConfigError
from curation.export.policy import ExportPolicy, load_policy, packaged_policies, packaged_policies_dir

REPO = Path(__file__).resolve().parents[3]


def test_the_three_policies_are_shipped_as_package_data() -> None:
    assert packaged_policies() == ["commercial", "open", "research"]
    assert packaged_policies_dir() == REPO / "curation" / "export" / "policies"
    package_data = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '"curation" = ["**/*.txt", "**/*.yaml"]' in package_data  # ships policies/*.yaml in the wheel


@pytest.mark.parametrize("name", ["open", "commercial", "research"])
def test_every_shipped_policy_validates_and_is_named_after_its_file(name: str) -> None:
    loaded = load_policy(name)
    assert loaded.policy.name == name
    assert loaded.origin == f"packaged:{name}"
    assert loaded.policy.description.strip()
    raw = yaml.safe_load((packaged_policies_dir() / f"{name}.yaml").read_text(encoding="utf-8"))
    assert set(raw) == set(ExportPolicy.model_fields)  # every field written out: the file documents itself


def test_shipped_policies_differ_as_documented() -> None:
    open_, commercial, research = (load_policy(n).policy for n in ("open", "commercial", "research"))
    assert (open_.non_commercial, open_.share_alike, open_.no_derivatives) == ("exclude", "allow", "exclude")
    assert (commercial.non_commercial, commercial.share_alike, commercial.no_derivatives) == ("exclude", "exclude", "exclude")
    assert (research.non_commercial, research.share_alike, research.no_derivatives) == ("allow", "allow", "verbatim")


def test_a_user_policy_file_with_an_unknown_key_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\nshare_alikes: exclude\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_policy(str(path))
    message = str(err.value)
    assert str(path) in message and "share_alikes" in message and "did you mean 'share_alike'" in message


def test_a_user_policy_file_is_read_and_normalised(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\nnon_commercial: allow\nexclude_licenses: ['CC BY-SA 4.0']\n", encoding="utf-8")
    loaded = load_policy(str(path))
    assert loaded.origin == str(path)
    assert loaded.policy.exclude_licenses == ["CC-BY-SA-4.0"]
    assert loaded.policy.non_commercial == "allow" and loaded.policy.no_derivatives == "exclude"


def test_a_bad_value_and_a_missing_name_are_config_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nshare_alike: maybe\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="share_alike"):
        load_policy(str(bad))
    nameless = tmp_path / "nameless.yaml"
    nameless.write_text("share_alike: allow\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="name: required field missing"):
        load_policy(str(nameless))


def test_unknown_policy_names_and_missing_files_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="commercial, open, research"):
        load_policy("closed")
    with pytest.raises(ConfigError, match="not found"):
        load_policy(str(tmp_path / "absent.yaml"))


def test_overrides_apply_to_shipped_policies() -> None:
    loaded = load_policy("commercial", ["share_alike=allow", "exclude_sources=[atc-books]"])
    assert loaded.policy.share_alike == "allow"
    assert loaded.policy.exclude_sources == ["atc-books"]
    assert loaded.overrides == ["share_alike=allow", "exclude_sources=[atc-books]"]
    with pytest.raises(ConfigError, match="share_alik"):
        load_policy("open", ["share_alik=allow"])


def test_the_digest_follows_the_content() -> None:
    assert load_policy("open").policy.digest() == load_policy("open").policy.digest()
    assert load_policy("open").policy.digest() != load_policy("open", ["share_alike=exclude"]).policy.digest()
