"""Measure lid.176's French probability on French, English and mixed passages (the evidence behind
``language_filter``'s ``min_score``). Run: ``python -m curation.quality.lid_scores`` (prints JSON lines).

Sets measured (each line: count, min, 1st/5th percentiles, median, max, and the share kept at several
thresholds):

- ``french_prose``: sample, E3C and FrenchMedMCQA passages that the French quality filters keep;
- ``french_all``: every French passage of those corpora (reference lists, title blocks and tables too);
- ``french_30_words``: 30-word windows cut anywhere in the E3C clinical cases (shortest passages);
- ``english``: paragraphs of 30+ words of Python's own documentation (``pydoc_data``), and the sample's
  English abstract and translation;
- ``mixed_<p>``: 60-word passages made of the first ``p`` % words of an E3C paragraph followed by
  English words.

E3C and FrenchMedMCQA come from ``../shared/realdata`` and are skipped (with a note) when absent.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable

import numpy as np

from curation.quality.corpus import Passage, e3c_texts, mcqa_passages, sample_passages, split_passages
from curation.quality.lid import Lid176
from curation.quality.thresholds import load_thresholds

THRESHOLDS = (0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
"""Thresholds at which the share of kept passages is reported."""
ENGLISH_IN_SAMPLE = ("diabeto-type2.pdf", "ps-005")
"""Sample documents holding planted English text (English abstract, English translation)."""


def french_probability(lid: Lid176, text: str) -> tuple[float, str]:
    """lid.176's probability for ``fr`` (0 when not among the labels) and its top label."""
    labels, scores = lid.load().predict(text.replace("\n", " "), k=-1)
    probabilities = {label.removeprefix("__label__"): float(score) for label, score in zip(labels, scores, strict=True)}
    return probabilities.get("fr", 0.0), max(probabilities, key=probabilities.get)


def summary(name: str, scores: Iterable[float], labels: Iterable[str] = ()) -> dict:
    """Count, quantiles and kept shares of a set of ``fr`` probabilities."""
    values = np.array(list(scores), dtype=float)
    if not len(values):
        return {"set": name, "count": 0}
    out = {
        "set": name,
        "count": len(values),
        "min": round(float(values.min()), 3),
        "p1": round(float(np.quantile(values, 0.01)), 3),
        "p5": round(float(np.quantile(values, 0.05)), 3),
        "median": round(float(np.median(values)), 3),
        "max": round(float(values.max()), 3),
        "kept": {str(t): round(float(np.mean(values >= t)), 4) for t in THRESHOLDS},
    }
    labels = list(labels)
    if labels:
        out["top_labels"] = {label: labels.count(label) for label in sorted(set(labels))}
    return out


def _english_paragraphs() -> list[str]:
    try:
        from pydoc_data.topics import topics
    except ImportError:  # a Python without its documentation topics
        return []
    out = []
    for text in topics.values():
        for para in re.split(r"\n\s*\n", text):
            para = " ".join(para.split())
            if len(para.split()) >= 30 and sum(c.isalpha() for c in para) / len(para) > 0.7:
                out.append(para)
    return out


def _is_english_sample(passage: Passage) -> bool:
    if ENGLISH_IN_SAMPLE[0] in passage.name:
        return any(passage.name.endswith(f"#{i}") for i in (5, 6, 7))
    return ENGLISH_IN_SAMPLE[1] in passage.name and not passage.name.endswith("#0")


def measure() -> list[dict]:
    """All the summaries (see the module docstring)."""
    from curation.quality.fused import FrenchQuality

    lid = Lid176()
    quality = FrenchQuality(load_thresholds())
    sample = sample_passages()
    french = [p for p in sample if not _is_english_sample(p)]
    cases = e3c_texts()
    for name, text in cases:
        french += [Passage(f"e3c/{name}#{i}", p) for i, p in enumerate(split_passages(text.replace("\n", "\n\n")))]
    french += mcqa_passages()
    french_scores = [(french_probability(lid, p.text)[0], quality.reason(p.text) is None) for p in french]
    windows = []
    for _, text in cases:
        words = text.split()
        windows += [" ".join(words[i : i + 30]) for i in range(0, len(words) - 30, 30)]
    english = _english_paragraphs() + [p.text for p in sample if _is_english_sample(p)]
    english_scores = [french_probability(lid, text) for text in english]
    results = [
        summary("french_prose", [s for s, kept in french_scores if kept]),
        summary("french_all", [s for s, _ in french_scores]),
        summary("french_30_words", [french_probability(lid, w)[0] for w in windows]),
        summary("english", [s for s, _ in english_scores], [label for _, label in english_scores]),
    ]
    paragraphs = [p for _, text in cases for p in text.split("\n") if len(p.split()) >= 60][:40]
    english_words = [text.split() for text in english if len(text.split()) >= 60]
    if paragraphs and english_words:
        for share in (20, 30, 40, 50, 60, 70, 80):
            mixed = []
            for i, para in enumerate(paragraphs):
                n_french = 60 * share // 100
                words = para.split()[:n_french] + english_words[(7 * i) % len(english_words)][: 60 - n_french]
                mixed.append(french_probability(lid, " ".join(words))[0])
            results.append(summary(f"mixed_{share}", mixed))
    if not cases:
        results.append({"note": "realdata (E3C, FrenchMedMCQA) absent: sample corpus only"})
    return results


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    for line in measure():
        print(json.dumps(line, ensure_ascii=False))
