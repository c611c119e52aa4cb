"""The license gate: what makes a document derived, and the reason given for each exclusion."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curation.export.gate import LicenseGate, SourceInfo, derivation
from curation.export.policy import load_policy
from tests.strategies import documents

POLICIES = ("open", "commercial", "research")


def source(name: str = "src", license: str = "CC-BY-4.0", **flags) -> SourceInfo:
    terms = {"redistribution": True, "derivatives": True, "commercial": True, "share_alike": False, **flags}
    return SourceInfo(name=name, manifest=name, manifest_path=f"{name}.yaml", license=license,
                      attribution=f"credit {name}", **terms)


def gate(policy: str = "open", *overrides: str, **sources: SourceInfo) -> LicenseGate:
    return LicenseGate(load_policy(policy, list(overrides)).policy, sources or {"src": source()})


def meta(license: str | None = "CC-BY-4.0", **extra) -> dict:
    out = {"source": "src", "route": "direct", **extra}
    if license is not None:
        out["license"] = license
    return out


@pytest.mark.parametrize(
    ("doc_id", "metadata", "expected"),
    [
        ("a/1", {}, None),
        ("a/1", {"route": "direct"}, None),
        ("a/1", {"route": "direct", "root_id": "a/1", "parent_id": None}, None),  # the work itself
        ("a/1", {"route": "direct", "walk_codes": []}, None),
        ("a/1#s0#p2", {"route": "direct", "parent_id": "a/1#s0", "root_id": "a/1"}, "passage"),
        ("a/1#s0", {"root_id": "a/1"}, "passage"),
        ("a/1#s0", {"parent_id": "a/1"}, "passage"),
        ("b/walk-1", {"route": "direct", "walk_codes": ["I10"]}, "textbook"),
        ("b/walk-1", {"route": "direct", "generated_by": "llm"}, "textbook"),
        ("b/walk-1", {"route": "direct", "walk_codes": ["I10"], "parent_id": "x"}, "textbook"),
        ("a/1.pdf", {"route": "extraction"}, "extraction"),
        ("a/1.pdf", {"route": "extraction", "root_id": "a/1.pdf"}, "extraction"),
    ],
)
def test_derivation(doc_id: str, metadata: dict, expected: str | None) -> None:
    assert derivation(doc_id, metadata) == expected


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("license", ["CC-BY-ND-4.0", "CC-BY-NC-ND-3.0-IGO", "LicenseRef-CC-BY-ND", "LicenseRef-ema-reuse"])
@pytest.mark.parametrize("derived", [{"walk_codes": ["A01"]}, {"parent_id": "src/x", "root_id": "src/x"},
                                     {"route": "extraction"}])
def test_no_policy_admits_nd_for_derived_documents(policy: str, license: str, derived: dict) -> None:
    verdict = gate(policy).decide("src/x#p0", meta(license, **derived))
    assert (verdict.keep, verdict.reason) == (False, "nd_derived")


@pytest.mark.parametrize(
    ("license", "open_", "commercial", "research"),
    [
        ("CC0-1.0", None, None, None),
        ("CC-BY-4.0", None, None, None),
        ("etalab-2.0", None, None, None),
        ("Apache-2.0", None, None, None),
        ("MIT", None, None, None),
        ("LicenseRef-public-domain", None, None, None),
        ("CC-BY-SA-4.0", None, "share_alike_not_admitted", None),
        ("CC-BY-NC-4.0", "nc_not_admitted", "nc_not_admitted", None),
        ("CC-BY-NC-SA-4.0", "nc_not_admitted", "nc_not_admitted", None),
        ("CC-BY-ND-4.0", "nd_not_admitted", "nd_not_admitted", None),  # verbatim: research only
        ("CC-BY-NC-ND-4.0", "nd_not_admitted", "nd_not_admitted", None),
        ("LicenseRef-istex", "redistribution_not_allowed", "redistribution_not_allowed", "redistribution_not_allowed"),
        ("LicenseRef-all-rights-reserved", "redistribution_not_allowed", "redistribution_not_allowed",
         "redistribution_not_allowed"),
        ("GPL-3.0-only", "license_not_admitted", "license_not_admitted", "license_not_admitted"),  # terms unknown
        ("LicenseRef-unknown-usage-interne", "license_unknown", "license_unknown", "license_unknown"),
        ("", "license_unknown", "license_unknown", "license_unknown"),
        (None, "license_unknown", "license_unknown", "license_unknown"),
    ],
)
def test_verbatim_documents_per_policy(license, open_, commercial, research) -> None:
    for policy, expected in zip(POLICIES, (open_, commercial, research), strict=True):
        verdict = gate(policy).decide("src/x", meta(license))
        assert (verdict.keep, verdict.reason) == (expected is None, expected), policy
        assert verdict.keep or verdict.message


def test_the_manifest_narrows_the_terms_of_its_own_license() -> None:
    strict = source("books", license="CC-BY-4.0", derivatives=False)
    g = LicenseGate(load_policy("open").policy, {"books": strict})
    textbook = {"source": "books", "license": "CC-BY-4.0", "walk_codes": ["A"]}
    assert g.decide("books/w1", textbook).reason == "nd_derived"
    # a per-document license other than the manifest's is judged by its own terms
    assert g.decide("books/w2", {**textbook, "license": "CC0-1.0"}).keep


def test_policy_lists_and_sources_without_manifest() -> None:
    g = gate("research", "exclude_licenses=[CC BY 4.0]", "exclude_sources=[other]",
             src=source(), other=source("other"))
    assert g.decide("src/x", meta("CC-BY-4.0")).reason == "license_not_admitted"
    assert g.decide("other/x", {**meta("CC0-1.0"), "source": "other"}).reason == "source_not_admitted"
    assert g.decide("nope/x", {**meta("CC0-1.0"), "source": "nope"}).reason == "source_without_manifest"
    assert g.decide("nope/x", {**meta(None), "source": "nope"}).reason == "license_unknown"  # unknown comes first


def test_a_resolver_finds_sources_the_run_did_not_declare() -> None:
    asked = []

    def resolve(name: str):
        asked.append(name)
        return source(name) if name == "late" else None

    g = LicenseGate(load_policy("open").policy, {}, resolve=resolve)
    assert g.decide("late/x", {**meta(), "source": "late"}).keep
    assert g.decide("late/y", {**meta(), "source": "late"}).keep
    assert g.decide("gone/x", {**meta(), "source": "gone"}).reason == "source_without_manifest"
    assert asked == ["late", "gone"]


@given(doc=documents(), policy=st.sampled_from(POLICIES),
       license=st.sampled_from(["CC-BY-4.0", "CC-BY-NC-ND-4.0", "CC-BY-SA-4.0", "LicenseRef-unknown", "x y z", ""]),
       derived=st.sampled_from([{}, {"walk_codes": ["A"]}, {"parent_id": "p"}]))
def test_the_gate_decides_with_a_declared_reason_and_never_mutates(doc, policy, license, derived) -> None:
    metadata = {**doc.metadata, "source": "src", "license": license, **derived}
    before = copy.deepcopy(metadata)
    verdict = gate(policy).decide(doc.id, metadata)
    assert metadata == before
    assert verdict.keep == (verdict.reason is None)
    assert verdict.reason is None or verdict.reason in LicenseGate.reasons
