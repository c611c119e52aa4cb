"""Bench: the student classifier — fastText throughput on one core, agreement on held-out articles, encoder speed.

Data: synthetic annotated French passages (``curation.classifier.synthetic``: ~200 words each, the level of
each signal carried by the count of its own words, the type by topic words, grouped into articles).
The fastText student (default ``FastTextConfig``, ``thread=1``) is trained on the train articles of a
seeded split by article, saved and loaded back; then it scores ``--passages`` unseen passages (all four
signals and the type, text normalisation included) in one process with one thread. Target: >= 10 000
passages/s/core. The rate is passages per CPU second of the process (``time.process_time``, best of
``--repeats``), which is what one core gives even when other jobs share the machine; wall-clock rates
are printed too. Baseline in the same run: the same model through fastText's own
``predict(k=-1)`` (label strings gathered into a matrix), the path the student replaces with sentence vectors + one
matrix product; and an estimate of five single-purpose models (one normalisation, five forward passes).
Agreement: Spearman per signal and type macro-F1 on the validation articles.

The encoder student is timed on CPU with one torch thread: a tiny random BERT (2 layers, hidden 32,
``max_length`` 256) trained one epoch on a few passages, then predicting ``--encoder-passages``
passages. Its rate says what the head and batching cost, not what a real encoder (110 M+ parameters,
roughly 1 000× the compute) would do.

    .venv/bin/python bench/classifier.py [--passages 20000] [--train-articles 400] [--repeats 3]

Prints a table and one JSON line.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core: before numpy and torch are imported
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from curation.classifier.data import example_of, split_examples
from curation.classifier.fasttext_student import FastTextConfig, FastTextStudent, normalize
from curation.classifier.report import evaluate_student
from curation.classifier.student import load_student
from curation.classifier.synthetic import synthetic_passages, tiny_encoder
from curation.scores import SIGNALS

TARGET = 10_000
"""Passages per second per core the fastText student must reach."""


def timed(fn, repeats: int) -> tuple[float, float]:
    """Best ``(cpu seconds, wall seconds)`` of ``repeats`` calls of ``fn``."""
    cpu = wall = float("inf")
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        cpu, wall = min(cpu, time.process_time() - c0), min(wall, time.perf_counter() - w0)
    return cpu, wall


def fasttext_predict_baseline(student: FastTextStudent, texts: list[str]):
    """The same model through fastText's ``predict(k=-1)``: every label's probability comes back as label
    strings sorted by probability, gathered here into the same (passages × labels) matrix."""
    from itertools import chain

    import numpy as np

    labels, probs = student._model.predict([normalize(t) for t in texts], k=-1, threshold=0.0)
    counts = np.fromiter(map(len, labels), np.int64, len(labels))
    rows = np.repeat(np.arange(len(labels)), counts)
    index = {name: i for i, name in enumerate(student.labels)}
    cols = np.fromiter(map(index.__getitem__, chain.from_iterable(labels)), np.int64, int(counts.sum()))
    table = np.zeros((len(labels), len(student.labels)))
    table[rows, cols] = np.concatenate(probs)
    return table


def five_models_estimate(student: FastTextStudent, texts: list[str]) -> None:
    """What five single-purpose models would cost: the text normalised once, then five forward passes
    (the sentence vector of each passage is the bulk of a pass; each model has its own)."""
    import fasttext
    import numpy as np

    model = student._model
    vector = fasttext.FastText.fasttext.Vector(model.get_dimension())
    lines = [normalize(t) + "\n" for t in texts]
    for _ in range(5):
        hidden = np.empty((len(lines), model.get_dimension()), dtype=np.float32)
        for i, line in enumerate(lines):
            model.f.getSentenceVector(vector, line)
            hidden[i] = np.asarray(vector)
        hidden @ student._output.T


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=20_000, help="passages scored in the timing")
    parser.add_argument("--train-articles", type=int, default=400, help="articles of the annotated sample")
    parser.add_argument("--per-article", type=int, default=5, help="passages per article")
    parser.add_argument("--words", type=int, default=200, help="words per passage")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs (best kept)")
    parser.add_argument("--encoder-passages", type=int, default=256, help="passages scored by the encoder")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    annotated = [example_of(d) for d in synthetic_passages(args.train_articles, args.per_article, seed=args.seed,
                                                           words=args.words)]
    split = split_examples(annotated, seed=args.seed, validation=0.2)
    texts = [d.text for d in synthetic_passages(args.passages // args.per_article + 1, args.per_article,
                                                seed=args.seed + 1, words=args.words, source="unseen",
                                                annotated=False)][: args.passages]
    mean_words = sum(len(t.split()) for t in texts) / len(texts)

    with tempfile.TemporaryDirectory(prefix="bench-classifier-") as tmp:
        t0 = time.perf_counter()
        trained = FastTextStudent.train(split.train, FastTextConfig(thread=1))
        train_s = time.perf_counter() - t0
        trained.save(Path(tmp) / "fasttext")
        student = load_student(Path(tmp) / "fasttext")
        quality = evaluate_student(student, split.validation).metrics
        student.predict(texts[:500])  # warm-up
        cpu, wall = timed(lambda: student.predict(texts), args.repeats)
        base_cpu, base_wall = timed(lambda: fasttext_predict_baseline(student, texts), args.repeats)
        norm_cpu, _ = timed(lambda: [normalize(t) for t in texts], args.repeats)
        five_cpu, five_wall = timed(lambda: five_models_estimate(student, texts), args.repeats)

        import torch

        torch.set_num_threads(1)
        from curation.classifier.encoder_student import EncoderConfig, EncoderStudent

        encoder_dir = tiny_encoder(Path(tmp) / "tiny-bert", [e.text for e in split.train[:200]])
        encoder = EncoderStudent.train(split.train[:64], EncoderConfig(encoder=str(encoder_dir), epochs=1,
                                                                       batch_size=16, max_length=256, threads=1))
        enc_texts = texts[: args.encoder_passages]
        encoder.predict(enc_texts[:32])  # warm-up
        enc_cpu, enc_wall = timed(lambda: encoder.predict(enc_texts), 1)

    n = len(texts)
    rate = n / cpu
    rows = [
        ("fastText student (sentence vectors)", n, cpu, wall),
        ("fastText predict(k=-1) baseline", n, base_cpu, base_wall),
        ("  of which text normalisation", n, norm_cpu, float("nan")),
        ("five models instead of one (estimate)", n, five_cpu, five_wall),
        ("tiny random encoder (1 thread)", len(enc_texts), enc_cpu, enc_wall),
    ]
    print(f"{'path':40} {'passages':>9} {'cpu s':>7} {'passages/s/core':>16} {'wall passages/s':>16}")
    for name, count, c, w in rows:
        wall_rate = f"{'–':>16}" if math.isnan(w) else f"{count / w:16.0f}"
        print(f"{name:40} {count:9d} {c:7.2f} {count / c:16.0f} {wall_rate}")
    spearman = {s: quality["signals"][s]["spearman"] for s in SIGNALS}
    print(f"fastText: {rate:.0f} passages/s/core = {rate / TARGET:.2f}× the {TARGET} target "
          f"({rate / (n / base_cpu):.2f}× fastText's predict); trained in {train_s:.1f} s on {len(split.train)} "
          f"passages ({mean_words:.0f} words each)")
    print("held-out articles (" + str(len(split.validation)) + " passages): Spearman "
          + ", ".join(f"{s} {v:.3f}" for s, v in spearman.items())
          + f"; type macro-F1 {quality['content_type']['macro_f1']:.3f}")
    print(json.dumps({
        "bench": "classifier",
        "passages": n,
        "mean_words": round(mean_words, 1),
        "fasttext_passages_per_s_per_core": round(rate),
        "target_passages_per_s_per_core": TARGET,
        "ratio_to_target": round(rate / TARGET, 2),
        "fasttext_wall_passages_per_s": round(n / wall),
        "fasttext_predict_baseline_passages_per_s_per_core": round(n / base_cpu),
        "ratio_to_fasttext_predict": round(base_cpu / cpu, 2),
        "normalisation_passages_per_s_per_core": round(n / norm_cpu),
        "five_models_passages_per_s_per_core": round(n / five_cpu),
        "train_passages": len(split.train),
        "train_seconds": round(train_s, 2),
        "validation_passages": len(split.validation),
        "spearman": {s: round(v, 4) for s, v in spearman.items()},
        "type_macro_f1": round(quality["content_type"]["macro_f1"], 4),
        "encoder_tiny_passages_per_s": round(len(enc_texts) / enc_cpu, 1),
        "encoder_tiny_wall_passages_per_s": round(len(enc_texts) / enc_wall, 1),
        "encoder_max_length": 256,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
