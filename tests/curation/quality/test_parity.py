"""Parity: ``fineweb2_quality`` (fused) gives the verdicts and reasons of the three stock datatrove
filters run in sequence, on the sample corpus, on real data when present, and on adversarial texts.

Required agreement: >= 99.9 % of passages (verdict and reason). Each test prints its exact numbers
(run with ``-s`` to see them).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curation.quality.corpus import (
    ALL_CHECKS_OVERRIDES,
    Passage,
    adversarial_passages,
    e3c_passages,
    mcqa_passages,
    realdata_dir,
    sample_passages,
)
from curation.quality.fused import FrenchQuality
from curation.quality.parity import ParityReport, compare, outcome
from curation.quality.stock import ALL_REASONS, StockChain
from curation.quality.thresholds import load_thresholds

MIN_AGREEMENT = 0.999
FRENCH = load_thresholds()
ALL_CHECKS = load_thresholds(overrides=ALL_CHECKS_OVERRIDES)


def _show(label: str, report: ParityReport) -> None:
    print(
        f"\n[parity] {label}: {report.agree}/{report.total} passages agree on verdict and reason "
        f"({report.agreement:.4%}); same verdict {report.same_verdict}/{report.total}; "
        f"stock outcomes {dict(report.reasons)}; mismatches {report.mismatches[:10]}"
    )


def _check(label: str, passages: list[Passage], minimum: int) -> ParityReport:
    total = ParityReport()
    for name, thresholds in (("French thresholds", FRENCH), ("all checks on", ALL_CHECKS)):
        report = compare(passages, thresholds)
        _show(f"{label}, {name}", report)
        assert report.total >= minimum
        assert report.agreement >= MIN_AGREEMENT, report.mismatches[:10]
        total = total.merge(report)
    return total


@pytest.mark.slow
def test_parity_on_sample_corpus():
    passages = sample_passages()
    report = _check("sample corpus", passages, minimum=200)
    assert report.reasons[None] > 0 and len(report.reasons) > 3  # kept and dropped passages both present


@pytest.mark.slow
@pytest.mark.skipif(not (e3c_passages() + mcqa_passages()),
                    reason="../shared/realdata is absent (it sits beside the repository in CI): parity on the sample only")
def test_parity_on_realdata():
    passages = e3c_passages() + mcqa_passages()
    _check(f"realdata ({realdata_dir()}: E3C, FrenchMedMCQA)", passages, minimum=100)


def test_parity_on_adversarial_passages_and_every_reason_fires():
    passages = adversarial_passages()
    report = _check("adversarial", passages, minimum=len(passages))
    assert report.agree == report.total
    fired = {reason for reason in report.reasons if reason and not reason.startswith("error:")}
    assert fired == set(ALL_REASONS), sorted(set(ALL_REASONS) - fired)


def test_clean_french_passages_pass_both():
    stock, fused = StockChain(FRENCH), FrenchQuality(FRENCH)
    for p in adversarial_passages():
        if p.name.split("/")[1] in {"clean", "clean_two_paragraphs", "clean_lines", "curly_elisions"}:
            assert stock.reason(p.text) is None and fused.reason(p.text) is None, p.name


LINE = st.lists(
    st.sampled_from(
        ["Le", "patient", "présente", "une", "hypertension", "de", "la", "l'enzyme", "d'un", "à", "5", "mg", "(HTA)",
         "...", "…", "#", "-", "•", "et", "est", "les", "«", "»", "traitement", "suivi", "2023;17(6):522-30."]
    ),
    max_size=14,
).map(" ".join).map(lambda s: s + "." if s and len(s) % 3 else s)
TEXTS = st.lists(st.tuples(LINE, st.sampled_from(["\n", "\n\n", " ", "\n\n\n", "\r\n"])), max_size=25).map(
    lambda parts: "".join(a + b for a, b in parts)
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(TEXTS, st.text(max_size=300)))
def test_parity_on_random_texts(text):
    for thresholds in (FRENCH, ALL_CHECKS):
        stock, fused = _chains(thresholds)
        assert outcome(fused.reason, text) == outcome(stock.reason, text)


_CHAINS: dict[int, tuple[StockChain, FrenchQuality]] = {}


def _chains(thresholds) -> tuple[StockChain, FrenchQuality]:
    key = id(thresholds)
    if key not in _CHAINS:
        _CHAINS[key] = (StockChain(thresholds), FrenchQuality(thresholds))
    return _CHAINS[key]
