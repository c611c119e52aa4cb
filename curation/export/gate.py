"""The license gate: one verdict per document, with a reason when it does not leave.

``LicenseGate.decide`` reads the document's license (already normalised to SPDX by the reader; derived
documents carry their source's), the terms of that license (``curation.licenses.terms_of``), the flags
of the document's source manifest when the document carries the manifest's own license (a manifest may
be stricter than its license), and whether the document is derived (``derivation``). The first rule
that fails gives the reason, in this order:

======================================  ===================================================================
reason                                  when
======================================  ===================================================================
``license_unknown``                     no license, or ``LicenseRef-unknown*`` (every policy)
``source_not_admitted``                 the policy lists the source in ``exclude_sources``
``source_without_manifest``             no manifest is known for the document's source (no attribution)
``license_not_admitted``                the policy lists the license in ``exclude_licenses``, or its terms
                                        are not known (``curation.licenses.LICENSES``)
``redistribution_not_allowed``          the license (or the manifest) forbids redistribution (every policy)
``nd_derived``                          ND license on a derived document (every policy)
``nd_not_admitted``                     ND license on a verbatim document, policy ``no_derivatives: exclude``
``nc_not_admitted``                     NC license, policy ``non_commercial: exclude``
``share_alike_not_admitted``            share-alike license, policy ``share_alike: exclude``
======================================  ===================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from curation.export.policy import ExportPolicy
from curation.licenses import LicenseTerms, is_unknown, normalize_license, terms_of

__all__ = ["LicenseGate", "SourceInfo", "Verdict", "derivation", "document_license"]

STEP = "export"
"""The ``step`` of the export's exclusion records."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a document leaves, and why not."""

    keep: bool
    reason: str | None = None
    """snake_case, one of ``LicenseGate.reasons``."""
    message: str = ""
    """What was found, for a person reading ``excluded/``."""


@dataclass(frozen=True)
class SourceInfo:
    """A source as the export knows it: its manifest's license, flags and attribution."""

    name: str
    """Name of the source (the documents' ``source`` metadata)."""
    manifest: str
    """Name of its manifest."""
    manifest_path: str
    """File the manifest was read from."""
    license: str
    """The manifest's license (normalised)."""
    redistribution: bool
    """Manifest flag: redistribution allowed."""
    derivatives: bool
    """Manifest flag: derived works allowed."""
    commercial: bool
    """Manifest flag: commercial use allowed."""
    share_alike: bool
    """Manifest flag: derived works must be shared alike."""
    attribution: str
    """Attribution text to reproduce."""
    title: str = ""
    """Human-readable name of the source."""
    url: str | None = None
    """Where the source is published."""

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SourceInfo:
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})


def derivation(doc_id: str, metadata: Mapping[str, Any]) -> str | None:
    """Why a document is a *derived* work, or None when it is the work itself, copied verbatim.

    - ``textbook``: it has ``walk_codes`` or ``generated_by`` (prose written by an LLM from a terminology);
    - ``passage``: its ``parent_id`` or ``root_id`` is set and differs from its id (a passage or a segment
      cut from another document);
    - ``extraction``: its ``route`` is ``extraction`` (text extracted and cleaned from a PDF, a scan or XML).

    Derived documents carry their source's license, and no policy admits an ND license for them.
    """
    if metadata.get("walk_codes") or metadata.get("generated_by"):
        return "textbook"
    for key in ("parent_id", "root_id"):
        value = metadata.get(key)
        if value and value != doc_id:
            return "passage"
    if metadata.get("route") == "extraction":
        return "extraction"
    return None


def document_license(metadata: Mapping[str, Any]) -> str | None:
    """The document's license, normalised; None when it has none or an unknown one."""
    raw = metadata.get("license")
    if not isinstance(raw, str) or not raw.strip():
        return None
    spdx = normalize_license(raw)
    return None if is_unknown(spdx) else spdx


class LicenseGate:
    """Decides, document by document, what a policy lets out of an export."""

    reasons = frozenset({
        "license_unknown", "source_not_admitted", "source_without_manifest", "license_not_admitted",
        "redistribution_not_allowed", "nd_derived", "nd_not_admitted", "nc_not_admitted",
        "share_alike_not_admitted",
    })  # fmt: skip

    def __init__(self, policy: ExportPolicy, sources: Mapping[str, SourceInfo],
                 resolve: Callable[[str], SourceInfo | None] | None = None):
        self.policy = policy
        self.sources = dict(sources)
        """Known sources by name."""
        self.resolve = resolve
        """Finds the source of a name ``sources`` does not hold (None: no manifest for it)."""
        self._excluded_licenses = frozenset(policy.exclude_licenses)
        self._excluded_sources = frozenset(policy.exclude_sources)

    def source(self, name: str) -> SourceInfo | None:
        """The source of that name, from ``sources`` or ``resolve``."""
        if name not in self.sources and self.resolve is not None:
            found = self.resolve(name)
            if found is None:
                return None
            self.sources[name] = found
        return self.sources.get(name)

    def terms(self, spdx: str, source: SourceInfo) -> LicenseTerms | None:
        """The license's terms, narrowed by the manifest's flags when the document carries its license."""
        terms = terms_of(spdx)
        if terms is None or normalize_license(source.license) != spdx:
            return terms
        return replace(
            terms,
            redistribution=terms.redistribution and source.redistribution,
            derivatives=terms.derivatives and source.derivatives,
            commercial=terms.commercial and source.commercial,
            share_alike=terms.share_alike or source.share_alike,
        )

    def decide(self, doc_id: str, metadata: Mapping[str, Any]) -> Verdict:
        """Keep the document, or exclude it with the first rule it fails (see the module docstring)."""
        spdx = document_license(metadata)
        if spdx is None:
            return Verdict(False, "license_unknown", f"license {metadata.get('license')!r} is missing or unknown")
        name = metadata.get("source")
        if name in self._excluded_sources:
            return Verdict(False, "source_not_admitted", f"the policy excludes the source {name!r}")
        source = self.source(name) if isinstance(name, str) else None
        if source is None:
            return Verdict(False, "source_without_manifest",
                           f"no manifest known for the source {name!r}: its attribution cannot be written")
        if spdx in self._excluded_licenses:
            return Verdict(False, "license_not_admitted", f"the policy excludes the license {spdx}")
        terms = self.terms(spdx, source)
        if terms is None:
            return Verdict(False, "license_not_admitted",
                           f"the terms of {spdx} are not known (curation.licenses.LICENSES): no policy can admit it")
        if not terms.redistribution:
            return Verdict(False, "redistribution_not_allowed", f"{spdx} ({source.manifest}) forbids redistribution")
        if not terms.derivatives:
            derived = derivation(doc_id, metadata)
            if derived is not None:
                return Verdict(False, "nd_derived", f"{spdx} allows no derivatives and the document is derived ({derived})")
            if self.policy.no_derivatives == "exclude":
                return Verdict(False, "nd_not_admitted", f"{spdx} allows no derivatives; the policy excludes ND licenses")
        if not terms.commercial and self.policy.non_commercial == "exclude":
            return Verdict(False, "nc_not_admitted", f"{spdx} forbids commercial use; the policy excludes NC licenses")
        if terms.share_alike and self.policy.share_alike == "exclude":
            return Verdict(False, "share_alike_not_admitted", f"{spdx} is share-alike; the policy excludes share-alike")
        return Verdict(True)
