"""Benchmark: the three stock datatrove quality filters in a row vs the fused ``fineweb2_quality``.

Both run on the same passages with the French thresholds (curation/quality/data/fra_Latn.yaml):
the stock chain is datatrove's ``GopherRepetitionFilter``, ``FineWebQualityFilter`` and
``GopherQualityFilter`` called one after the other on each passage (a passage dropped by one is not
seen by the next, as in a pipeline); the fused chain is ``FrenchQuality``. ftfy and language id are
not timed. Each round times both on every passage, alternating which goes first; the fused filter
starts every round with an empty token cache (a fresh instance), so its number includes tokenising
every chunk it has not seen yet, as at the start of a task (``fused_warm_docs_per_s``: the same
instance on a second pass, every chunk cached). Times are CPU time of this process
(``time.process_time``), so that other jobs on a shared machine do not skew the ratio; throughputs
are medians over the rounds.

Passages: the sample corpus, plus ``../shared/realdata`` (E3C cases, FrenchMedMCQA questions) when
present. Prints one JSON line:
``{"bench": "french_chain", "passages": N, "stock_docs_per_s": ..., "fused_docs_per_s": ...,
"ratio": ..., "verdict_agreement": ..., "fused_warm_docs_per_s": ..., "rounds": ..., "clock": ...,
"data": ...}``. Target: ratio >= 4, agreement >= 0.999.

Run: ``HF_HUB_OFFLINE=1 .venv/bin/python bench/french_chain.py [--rounds 5]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _passages():
    from curation.quality.corpus import e3c_passages, mcqa_passages, realdata_dir, sample_passages

    passages = sample_passages()
    real = e3c_passages() + mcqa_passages()
    if real:
        data = f"sample corpus + realdata ({realdata_dir()}: E3C, FrenchMedMCQA)"
    else:
        data = f"sample corpus only (realdata absent at {realdata_dir()})"
    return passages + real, data


def _time(check, texts: list[str]) -> float:
    start = time.process_time()
    for text in texts:
        check(text)
    return time.process_time() - start


def main(rounds: int = 5) -> dict:
    """Time both chains and return the result line."""
    from curation.quality.fused import FrenchQuality
    from curation.quality.parity import compare
    from curation.quality.stock import StockChain
    from curation.quality.thresholds import load_thresholds

    warnings.simplefilter("ignore")
    passages, data = _passages()
    texts = [p.text for p in passages]
    thresholds = load_thresholds()
    stock = StockChain(thresholds)
    FrenchQuality(thresholds).reason(texts[0])  # load spaCy once (not timed, like the stock tokenizer)
    stock.reason(texts[0])
    times: dict[str, list[float]] = {"stock": [], "fused": [], "warm": []}
    for i in range(rounds):
        fused = FrenchQuality(thresholds)
        fused.tokenizer.prepare()
        order = [("stock", stock.reason), ("fused", fused.reason)]
        for name, check in order if i % 2 == 0 else order[::-1]:
            times[name].append(_time(check, texts))
        times["warm"].append(_time(fused.reason, texts))
    report = compare(passages, thresholds)
    stock_rate = len(texts) / statistics.median(times["stock"])
    fused_rate = len(texts) / statistics.median(times["fused"])
    warm_rate = len(texts) / statistics.median(times["warm"])
    return {
        "bench": "french_chain",
        "passages": len(texts),
        "stock_docs_per_s": round(stock_rate, 1),
        "fused_docs_per_s": round(fused_rate, 1),
        "ratio": round(fused_rate / stock_rate, 2),
        "verdict_agreement": round(report.agreement, 6),
        "fused_warm_docs_per_s": round(warm_rate, 1),
        "rounds": rounds,
        "clock": "process_time",
        "data": data,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per chain (median reported)")
    args = parser.parse_args()
    print(json.dumps(main(args.rounds), ensure_ascii=False))
