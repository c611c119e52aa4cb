"""Export policies: which licenses may leave in an export.

A policy is a small YAML file validated by ``ExportPolicy``. Three are shipped in
``curation/export/policies/`` (``open``, ``commercial``, ``research``); ``--policy FILE.yaml`` reads a
user's own, and ``--set key=value`` overrides a field of either. What no policy can change:

- a document with no license, or a ``LicenseRef-unknown*`` one, never leaves (``license_unknown``);
- a license that does not allow redistribution never leaves (``redistribution_not_allowed``);
- an ND (no-derivatives) license never covers a *derived* document (``nd_derived``): see
  ``curation.export.gate.derivation``.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from curation.config import StrictModel, apply_overrides, read_yaml, validate
from curation.errors import ConfigError
from curation.licenses import normalize_license

__all__ = ["ExportPolicy", "LoadedPolicy", "load_policy", "packaged_policies", "packaged_policies_dir"]


class ExportPolicy(StrictModel):
    """What an export admits, beyond the rules every policy follows (see the module docstring)."""

    name: str
    """Name of the policy, written in ``manifest.json`` and the dataset card."""
    description: str = ""
    """One paragraph saying what the policy admits, copied into the dataset card."""
    non_commercial: Literal["allow", "exclude"] = "exclude"
    """NC licenses (CC BY-NC...): ``allow`` admits them, ``exclude`` drops them (``nc_not_admitted``)."""
    share_alike: Literal["allow", "exclude"] = "allow"
    """Share-alike licenses (CC BY-SA...): ``exclude`` drops them (``share_alike_not_admitted``)."""
    no_derivatives: Literal["verbatim", "exclude"] = "exclude"
    """ND licenses: ``verbatim`` admits documents copied as they are (never derived ones), ``exclude`` none."""
    exclude_licenses: list[str] = Field(default_factory=list)
    """License ids never admitted, whatever their terms (``license_not_admitted``); normalised to SPDX."""
    exclude_sources: list[str] = Field(default_factory=list)
    """Sources whose documents are never admitted (``source_not_admitted``), e.g. a source whose
    terms are doubtful for the intended use."""

    @field_validator("exclude_licenses")
    @classmethod
    def _normalise(cls, value: list[str]) -> list[str]:
        return sorted({normalize_license(v) for v in value})

    def digest(self) -> str:
        """sha256 of the policy's canonical JSON (an export folder holds one policy only)."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


class LoadedPolicy(StrictModel):
    """A policy and where it came from."""

    policy: ExportPolicy
    """The validated policy."""
    origin: str
    """``packaged:<name>`` for a shipped policy, else the path of the user's file."""
    overrides: list[str] = Field(default_factory=list)
    """``--set`` overrides applied to it."""


def packaged_policies_dir() -> Path:
    """Folder of the policies shipped with the package."""
    return Path(str(resources.files("curation.export") / "policies"))


def packaged_policies() -> list[str]:
    """Names of the shipped policies, sorted."""
    return sorted(p.stem for p in packaged_policies_dir().glob("*.yaml"))


def load_policy(ref: str, overrides: list[str] | None = None) -> LoadedPolicy:
    """A shipped policy by name (``open``, ``commercial``, ``research``) or a YAML file, validated."""
    packaged = packaged_policies_dir() / f"{ref}.yaml"
    if "/" not in ref and "\\" not in ref and packaged.is_file():
        path, origin = packaged, f"packaged:{ref}"
    elif Path(ref).suffix in {".yaml", ".yml"}:
        path = Path(ref)
        if not path.is_file():
            raise ConfigError(f"policy file {ref}: not found — check the path")
        origin = str(path)
    else:
        raise ConfigError(
            f"policy {ref!r}: unknown — give one of {', '.join(packaged_policies())} or a YAML file (FILE.yaml)"
        )
    data = read_yaml(path)
    if overrides:
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected a mapping of keys to values, got {type(data).__name__}")
        data = apply_overrides(data, list(overrides))
    policy = validate(ExportPolicy, data, str(path))
    return LoadedPolicy(policy=policy, origin=origin, overrides=list(overrides or []))
