"""Decontamination throughput: documents/s against a 10 000-item evaluation index, on one core.

Evaluation set: 10 000 synthetic French multiple-choice items in FrenchMedMCQA's format (question,
five options ``a``..``e``, ``correct_answers``), written to a JSON file and indexed with the documented
field mapping (n = 13; question + options, the labelled variant, question + answer); 5 % are short
(fewer than 13 words with their options) and are matched whole. Corpus: documents of ~300 words cut
from ``../shared/realdata/e3c-fr-layer1`` clinical cases when present (otherwise French word salad from
the items' vocabulary); 1 % of them have an item planted in the middle (recall is reported).

Timed, each on the same documents, after a warm-up, best of 3:

- ``ours``: ``DecontamIndex.matches`` (normalise, hash words, vectorised rolling hashes of the 13-word
  windows and of every short length, one ``searchsorted`` over the memory-mapped index);
- ``step``: the same inside the ``decontaminate`` step in flag mode (datatrove stats, accounting);
- ``naive``: the same normalisation, then a Python ``set`` of word-tuple n-grams (and of the whole short
  sequences), one tuple and one set lookup per window — what one would write first;
- ``datatrove``: datatrove's own ``NGramsDecontFilter.filter`` (``simplify_text``, spaCy French word
  tokenizer, one join + ``xxhash64`` per 13-gram, a dict of every hash), its index written in its
  ``.index.hashes`` format from the same items (question + options, its own normalisation); run on a
  subset (it is slow) and without the short items, which it cannot match. Its default hash (xxhash64
  of the ``str``) raises with xxhash >= 4 ("Strings must be encoded before hashing"), so it runs with
  its other hash, sha1 (64 bits).

Pinned to one CPU (``sched_setaffinity``) with one BLAS/OpenMP thread.

    .venv/bin/python bench/decontam.py [N_DOCS] [N_ITEMS]

prints a table, then ONE JSON line: {"bench": "decontam", "items": 10000, "docs": N, "ours_docs_per_s": ...,
"naive_docs_per_s": ..., "datatrove_docs_per_s": ..., "ratio_vs_naive": ..., "ratio_vs_datatrove": ..., ...}.
"""

from __future__ import annotations

import glob
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
E3C = REPO.parent / "shared" / "realdata" / "e3c-fr-layer1"
FIELDS = {"id": "id", "question": "question", "options": "answers", "answer": "correct_answers"}

STEMS = [
    "Parmi les propositions suivantes concernant {t}, laquelle est exacte ?",
    "Quelle est la proposition inexacte concernant {t} chez le patient adulte hospitalisé ?",
    "Indiquer la ou les proposition(s) exacte(s) concernant {t} :",
    "Un patient de {a} ans consulte pour {t}. Quel examen demandez-vous en première intention ?",
    "Concernant {t}, quelle complication faut-il redouter en priorité dans les premières heures ?",
    "Quel est le mécanisme d'action principal du traitement de {t} ?",
]
TERMS = [
    "l'hypertension artérielle", "le diabète de type 2", "l'insuffisance rénale chronique", "la digoxine",
    "la pneumonie communautaire", "l'anémie ferriprive", "la thyroïdite de Hashimoto", "les bêtabloquants",
    "l'insuffisance cardiaque", "la mucoviscidose", "la tuberculose pulmonaire", "les antivitamines K",
    "l'hépatite B", "la maladie de Parkinson", "l'asthme de l'enfant", "la polyarthrite rhumatoïde",
    "le paracétamol", "l'amoxicilline", "les héparines de bas poids moléculaire", "la fibrillation atriale",
    "l'endocardite infectieuse", "la sclérose en plaques", "la méningite bactérienne", "le lupus érythémateux",
]
OPTION_WORDS = [
    "diminution", "augmentation", "de", "la", "du", "des", "le", "les", "un", "une", "élimination", "rénale",
    "hépatique", "absorption", "digestive", "demi-vie", "clairance", "posologie", "dose", "toxicité", "cardiaque",
    "risque", "hémorragique", "contre-indication", "grossesse", "surveillance", "biologique", "ionogramme",
    "créatinine", "kaliémie", "glycémie", "insuline", "traitement", "première", "intention", "antibiotique",
    "corticoïdes", "inhibiteur", "enzyme", "conversion", "récepteur", "agoniste", "antagoniste", "syndrome",
    "fièvre",
]


def make_items(n_items: int, rng: random.Random) -> list[dict]:
    """Synthetic FrenchMedMCQA-style items; 5 % short (question + options < 13 words)."""
    items = []
    for i in range(n_items):
        if i % 20 == 0:  # short: a brief question with three one-word options
            question = f"{rng.choice(['Quel', 'Quelle'])} est la cible de {rng.choice(TERMS)} ?"
            answers = {k: rng.choice(OPTION_WORDS).capitalize() for k in "abc"}
        else:
            question = rng.choice(STEMS).format(t=rng.choice(TERMS), a=rng.randint(18, 90))
            question += f" (dossier {i})"  # makes every question distinct, as real items are
            answers = {k: " ".join(rng.choice(OPTION_WORDS) for _ in range(rng.randint(2, 8))).capitalize()
                       for k in "abcde"}
        items.append({"id": f"q{i:05d}", "question": question, "answers": answers,
                      "correct_answers": [rng.choice(list(answers))], "type": "simple"})
    return items


def base_words(items: list[dict]) -> tuple[list[str], str]:
    """Running French text to cut documents from, and where it comes from."""
    files = sorted(glob.glob(str(E3C / "*.json")))
    if files:
        words = []
        for f in files:
            words += json.loads(Path(f).read_text(encoding="utf-8"))["text"].split()
        return words, f"e3c-fr-layer1 ({len(files)} clinical cases, {E3C})"
    vocab = sorted({w for it in items[:500] for w in (it["question"] + " " + " ".join(it["answers"].values())).split()})
    rng = random.Random(3)
    return [rng.choice(vocab) for _ in range(50_000)], f"word salad of the items' vocabulary; {E3C} not found"


def make_docs(words: list[str], items: list[dict], n_docs: int, rng: random.Random) -> tuple[list[str], dict]:
    """~300-word documents; 1 % with an item planted (quiz layout), returned with their expected item."""
    docs, planted = [], {}
    for i in range(n_docs):
        start = rng.randrange(0, max(1, len(words) - 300))
        text = " ".join(words[start : start + rng.randint(250, 350)])
        if i % 100 == 7:
            item = items[rng.randrange(len(items))]
            quiz = item["question"] + "\n" + "\n".join(f"{k.upper()}. {v}" for k, v in item["answers"].items())
            cut = len(text) // 2
            text = text[:cut] + "\n" + quiz + "\n" + text[cut:]
            planted[i] = item["id"]
        docs.append(text)
    return docs, planted


def best_rate(fn, n: int, repeats: int = 3) -> float:
    """Best documents per second over ``repeats`` runs of ``fn`` (which processes ``n`` documents)."""
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = max(best, n / (time.perf_counter() - start))
    return best


def naive_matcher(settings, base_dir):
    """Python sets of word-tuple n-grams and of whole short sequences; same normalisation and items."""
    from curation.decontam.eval_sets import items_of
    from curation.decontam.ngrams import normalizer

    words_of = normalizer(settings.normalization)
    n, min_words = settings.n, settings.min_item_words
    grams: set[tuple] = set()
    short: set[tuple] = set()
    for config in settings.eval_sets:
        for item in items_of(config, base_dir):
            for sequence in item.sequences:
                w = [x.decode() for x in words_of(sequence)]
                if len(w) >= n:
                    grams.update(zip(*(w[k:] for k in range(n))))
                elif len(w) >= min_words:
                    short.add(tuple(w))
    short_lengths = sorted({len(s) for s in short})

    def contaminated(text: str) -> bool:
        w = [x.decode() for x in words_of(text)]
        if any(g in grams for g in zip(*(w[k:] for k in range(n)))):
            return True
        return any(g in short for length in short_lengths for g in zip(*(w[k:] for k in range(length))))

    return contaminated, len(grams) + len(short)


def datatrove_filter(items: list[dict], n: int, folder: Path):
    """datatrove's NGramsDecontFilter over an index in its format, built with its own normalisation."""
    import numpy as np
    from datatrove.pipeline.decont import NGramsDecontConfig, NGramsDecontFilter
    from datatrove.utils.hashing import HashConfig
    from datatrove.utils.text import ngrams, simplify_text

    # its default hash (xxhash64 of the str) raises "Strings must be encoded before hashing" with xxhash >= 4:
    # use its other hash, sha1 (64 bits)
    config = NGramsDecontConfig(n_grams=n, find_query_ngrams=True, hash_config=HashConfig(hash_fc="sha1"))
    filt = NGramsDecontFilter(str(folder), config=config, language="fra")
    hashes = set()
    for it in items:  # the indexer's compute_hashes with query = question + options (no lighteval offline)
        tokens = filt.tokenizer.word_tokenize(simplify_text(it["question"] + " " + " ".join(it["answers"].values()),
                                                            config.norm_config))
        hashes.update(map(filt.hash_func, map(" ".join, ngrams(tokens, n))))
    np.array(sorted(hashes), dtype=config.hash_config.np_descr).tofile(folder / "mcq.index.hashes")
    filt.load_index_hashes()
    return filt, len(hashes)


def main() -> None:
    """Build items, index and documents; time the four matchers; print the table and the JSON line."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")  # before numpy is imported (every import below is lazy)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from datatrove.data import Document

    from curation.decontam import DecontamSettings, EvalSetConfig, build_index, load_index
    from curation.run.context import RunContext
    from curation.steps.decontaminate import Decontaminate, DecontaminateConfig

    n_docs = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    n_items = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    rng = random.Random(11)
    items = make_items(n_items, rng)
    words, origin = base_words(items)
    docs, planted = make_docs(words, items, n_docs, rng)

    with tempfile.TemporaryDirectory(prefix="bench-decontam-") as tmp:
        tmp = Path(tmp)
        (tmp / "mcq.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        settings = DecontamSettings(eval_sets=[EvalSetConfig(name="mcq", path=str(tmp / "mcq.json"), fields=FIELDS)])
        start = time.perf_counter()
        built = build_index(settings)
        build_s = time.perf_counter() - start
        built.save(tmp / "index")
        index = load_index(tmp / "index")  # memory-mapped, as the step's tasks use it

        index.matches(docs[0])  # warm-up
        found = [index.matches(t) for t in docs]
        caught = sum(any(m.item == planted[i] for m in found[i]) for i in planted)
        flagged = sum(bool(f) for f in found)
        ours = best_rate(lambda: [index.matches(t) for t in docs], n_docs)

        step_config = DecontaminateConfig(mode="flag", index=str(tmp / "index"))
        documents = [Document(text=t, id=f"d/{i}", metadata={"source": "d", "license": "MIT"}) for i, t in enumerate(docs)]

        def run_step():
            """The step in flag mode over every document (setup loads the saved index)."""
            step = Decontaminate(step_config, RunContext(out_dir=str(tmp / "out")), 1)
            for _ in step.run(iter(documents)):
                pass

        step_rate = best_rate(run_step, n_docs)

        contaminated, naive_entries = naive_matcher(settings, None)
        naive_flagged = sum(contaminated(t) for t in docs)
        naive = best_rate(lambda: [contaminated(t) for t in docs], n_docs)

        (tmp / "dt").mkdir()
        filt, dt_entries = datatrove_filter(items, settings.n, tmp / "dt")
        subset = [Document(text=t, id=str(i)) for i, t in enumerate(docs[: max(100, n_docs // 10)])]
        filt.filter(Document(text=docs[0], id="warm"))
        dt_flagged = sum(filt.filter(d) is not True for d in subset)
        datatrove = best_rate(lambda: [filt.filter(d) for d in subset], len(subset), repeats=1)

    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"decontamination, {n_items} items (index {len(index)} entries), {n_docs} documents, 1 core")
    for col in ("matcher", "docs/s", "flagged", "ours / it"):
        table.add_column(col, justify="right" if col != "matcher" else "left")
    table.add_row("ours (DecontamIndex.matches)", f"{ours:,.0f}", str(flagged), "1.00")
    table.add_row("ours in the step (flag mode)", f"{step_rate:,.0f}", str(flagged), f"{ours / step_rate:.2f}")
    table.add_row("naive Python set of n-gram tuples", f"{naive:,.0f}", str(naive_flagged), f"{ours / naive:.2f}")
    table.add_row(f"datatrove NGramsDecontFilter ({len(subset)} docs)", f"{datatrove:,.0f}",
                  f"{dt_flagged} of {len(subset)}", f"{ours / datatrove:.1f}")
    Console(stderr=True).print(table)
    print(json.dumps({
        "bench": "decontam",
        "items": n_items,
        "docs": n_docs,
        "n": settings.n,
        "ours_docs_per_s": round(ours, 1),
        "step_docs_per_s": round(step_rate, 1),
        "naive_docs_per_s": round(naive, 1),
        "datatrove_docs_per_s": round(datatrove, 1),
        "ratio_vs_naive": round(ours / naive, 2),
        "ratio_vs_datatrove": round(ours / datatrove, 1),
        "planted": len(planted),
        "planted_caught": caught,
        "docs_flagged": flagged,
        "naive_docs_flagged": naive_flagged,
        "index_entries": len(index),
        "index_bytes": int(index.hashes.nbytes + index.items.nbytes + index.lengths.nbytes + index.prefilter.nbytes),
        "naive_entries": naive_entries,
        "datatrove_entries": dt_entries,
        "index_build_s": round(build_s, 2),
        "short_lengths": index.lookup_lengths[1:],
        "mean_words_per_doc": round(sum(len(t.split()) for t in docs) / len(docs), 1),
        "base_texts": origin,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
