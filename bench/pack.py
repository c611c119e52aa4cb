"""Pack throughput: ``biomedfr pack`` against HF ``datasets.map(batched=True)`` + ``group_texts`` (run_clm.py).

Both sides get THE SAME TEXTS and THE SAME TOKENIZER, one process each, the tokenizer's Rust thread
pool off (``TOKENIZERS_PARALLELISM=false``), so each runs on one core:

- texts: synthetic French (pseudo-words built from French syllables with a Zipf law, French function
  words and medical terms, in sentences), N documents of 40–700 words, written as a finished run folder
  (``run.json`` + 4 curated Parquet shards, ``curation.document`` schema);
- tokenizer: a byte-level BPE with a 32 000-token vocabulary trained on a part of those texts, saved
  with ``PreTrainedTokenizerFast.save_pretrained`` (EOS ``</s>``);
- baseline (HF ``examples/pytorch/language-modeling/run_clm.py``): ``load_dataset("parquet")`` of the
  shards, ``map(tokenize_function, batched=True, remove_columns=...)`` with the transformers fast
  tokenizer, then ``map(group_texts, batched=True)`` into blocks of ``seq_len`` (it drops the
  remainder of every 1 000-document batch and records no document boundary); the transformers import
  and tokenizer load are NOT timed;
- ours: ``pack_corpus`` with one local task: read the shards, tokenize, write the parts, split, shuffle,
  pack into ``seq_len`` sequences with per-sequence document boundaries, sha256 every shard, index.
  Its encoder gives the tokenizer's own ids but encodes each distinct word once (``curation.pack.encoder``);
  the same pack with the tokenizer's own ``encode_batch_fast`` on every document is timed too.

Throughput is document tokens (without separators, the same count on both sides) per second of
process CPU time (user + system, all threads): tokens/s/core, best of ``--repeats`` runs (fresh caches
and output folders each time). Wall-clock rates are printed too.
Target: ratio >= 2. Ours' padding fraction (pad tokens / written tokens): target <= 0.1 %.

    .venv/bin/python bench/pack.py [N_DOCS] [--seq-len 8192] [--repeats 2]

prints a table and ONE JSON line: {"bench": "pack", "docs": N, "tokens": ..., "hf_tokens_per_s_per_core":
..., "ours_tokens_per_s_per_core": ..., "ratio": ..., "padding_fraction": ..., ...}.
"""

from __future__ import annotations

import os

os.environ["TOKENIZERS_PARALLELISM"] = "false"  # before tokenizers is imported: one core per side
os.environ.setdefault("RAYON_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

import argparse
import json
import random
import sys
import tempfile
import time
from itertools import accumulate, chain
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

ONSETS = ["", "b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "ch", "tr", "pr", "br", "cl", "gr",
          "ph", "pl", "qu", "fr", "st", "sp"]
NUCLEI = ["a", "e", "i", "o", "u", "é", "è", "ou", "an", "en", "on", "in", "ai", "au", "eu", "oi", "ie", "ê"]
CODAS = ["", "", "", "r", "l", "s", "n", "t", "x", "m", "que", "se", "te", "ne"]
FUNCTION_WORDS = ["le", "la", "les", "un", "une", "des", "de", "du", "et", "à", "en", "dans", "pour", "par", "sur", "avec", "est", "sont", "a", "ont", "qui", "que", "ce", "cette", "il", "elle", "ils", "on", "nous", "au", "aux", "ne", "pas", "plus", "ou", "mais", "se", "son", "sa", "ses", "leur", "été", "être", "chez"]
MEDICAL = ["patient", "patiente", "hypertension", "artérielle", "insuffisance", "cardiaque", "rénale", "chronique", "aiguë", "diagnostic", "traitement", "posologie", "effets", "indésirables", "surveillance", "biologique", "créatinine", "kaliémie", "scanner", "IRM", "douleur", "thoracique", "antécédents", "familiaux", "diabète", "infection", "pulmonaire", "œdème", "mg/kg/j", "hémoglobine", "glycémie", "anticoagulant", "antibiothérapie", "chirurgie", "échographie", "biopsie", "tumeur", "métastases"]


def lexicon(rng: random.Random, size: int) -> list[str]:
    """``size`` distinct French-looking pseudo-words of 1–4 syllables."""
    words: set[str] = set()
    while len(words) < size:
        n = rng.choice((1, 2, 2, 3, 3, 4))
        words.add("".join(rng.choice(ONSETS) + rng.choice(NUCLEI) for _ in range(n)) + rng.choice(CODAS))
    return sorted(words)


def synthetic_french(n_docs: int, seed: int = 0) -> list[str]:
    """French-like documents: Zipf-distributed pseudo-words, function words and medical terms, in sentences."""
    rng = random.Random(seed)
    words = lexicon(rng, 60_000)
    rng.shuffle(words)
    cum_weights = list(accumulate(1 / (rank + 10) for rank in range(len(words))))
    docs = []
    for _ in range(n_docs):
        n_words = int(min(700, max(40, rng.lognormvariate(5.3, 0.6))))
        content = rng.choices(words, cum_weights=cum_weights, k=n_words)
        out = []
        for k, word in enumerate(content):
            r = rng.random()
            out.append(rng.choice(FUNCTION_WORDS) if r < 0.35 else rng.choice(MEDICAL) if r < 0.42 else word)
            if k % rng.randint(8, 20) == 0 and k:
                out[-1] += rng.choice([".", ".", ",", ";", " :"])
        docs.append(" ".join(out).capitalize() + ".")
    return docs


def train_tokenizer(texts: list[str], folder: Path, vocab_size: int) -> Path:
    """A byte-level BPE trained on ``texts``, saved as an HF fast tokenizer folder."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=["<pad>", "<unk>", "<s>", "</s>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer)
    PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                            unk_token="<unk>").save_pretrained(str(folder))
    return folder


def write_run(folder: Path, texts: list[str], shards: int = 4) -> list[Path]:
    """A finished run folder holding ``texts`` (one document each); returns its curated shards."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from curation.document import Document, arrow_schema, to_row

    (folder / "curated").mkdir(parents=True)
    paths = []
    for s in range(shards):
        rows = [to_row(Document(text=t, id=f"bench/{k:07d}", metadata={"source": "bench", "license": "CC-BY-4.0"}))
                for k, t in enumerate(texts) if k % shards == s]
        path = folder / "curated" / f"{s:05d}.parquet"
        pq.write_table(pa.Table.from_pylist(rows, schema=arrow_schema()), path)
        paths.append(path)
    (folder / "run.json").write_text(json.dumps({"name": "bench", "config_hash": "bench"}))
    return paths


def best(runs: list[dict]) -> dict:
    """The run that used the least CPU time."""
    return min(runs, key=lambda r: r["cpu"])


def timed(fn):
    """Run ``fn``; return its result, wall seconds and process CPU seconds (all threads)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def baseline(shards: list[Path], tokenizer_dir: Path, block_size: int, cache: Path):
    """run_clm.py's preprocessing: datasets.map(tokenize, batched) then map(group_texts, batched)."""
    import datasets
    from transformers import AutoTokenizer

    datasets.disable_progress_bars()
    tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_dir))

    def tokenize_function(examples):
        return tokenizer(examples["text"])

    def group_texts(examples):
        concatenated = {k: list(chain(*examples[k])) for k in examples}
        total_length = len(concatenated[next(iter(examples))])
        total_length = (total_length // block_size) * block_size
        result = {k: [t[i : i + block_size] for i in range(0, total_length, block_size)]
                  for k, t in concatenated.items()}
        result["labels"] = result["input_ids"].copy()
        return result

    def run():
        raw = datasets.load_dataset("parquet", data_files=[str(p) for p in shards], split="train",
                                    cache_dir=str(cache))
        tokenized = raw.map(tokenize_function, batched=True, remove_columns=raw.column_names)
        return tokenized.map(group_texts, batched=True), tokenized

    (lm, tokenized), wall, cpu = timed(run)
    tokens = sum(len(ids) for ids in tokenized["input_ids"])
    return {"wall": wall, "cpu": cpu, "tokens": tokens, "blocks": len(lm)}


def ours(run_dir: Path, tokenizer_dir: Path, out: Path, seq_len: int, word_path: bool = True):
    """``biomedfr pack`` with one local task (in this process); ``word_path=False``: every document encoded
    by the tokenizer's own ``encode_batch_fast``, to show what the word path adds."""
    import curation.pack.encoder
    from curation.pack.config import PackConfig
    from curation.pack.engine import pack_corpus

    config = PackConfig(source=str(run_dir), tokenizer=str(tokenizer_dir), out=str(out), seq_len=seq_len)
    shape = curation.pack.encoder._word_path
    if not word_path:
        curation.pack.encoder._word_path = lambda config: (None, False, "turned off by the bench")
    try:
        result, wall, cpu = timed(lambda: pack_corpus(config))
    finally:
        curation.pack.encoder._word_path = shape
    splits = result.index["splits"].values()
    written = sum(s["tokens"] for s in splits)
    copies = sum(s["copies"] for s in splits)
    padding = sum(s["padding"] for s in splits)
    return {"wall": wall, "cpu": cpu, "tokens": written - copies, "written": written, "padding": padding,
            "sequences": sum(s["sequences"] for s in splits), "index": result.index}


def main() -> None:
    """Build the texts, tokenizer and run folder; time both sides; print the table and the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docs", nargs="?", type=int, default=40_000, help="number of documents")
    parser.add_argument("--seq-len", type=int, default=8192, help="tokens per sequence / block")
    parser.add_argument("--vocab-size", type=int, default=32_000, help="BPE vocabulary size")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each side; the best (least CPU) counts")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-pack-") as tmp:
        tmp = Path(tmp)
        texts = synthetic_french(args.docs)
        tokenizer_dir = train_tokenizer(texts[: min(len(texts), 8000)], tmp / "tokenizer", args.vocab_size)
        shards = write_run(tmp / "run", texts)
        import datasets  # noqa: F401 - imports are not timed
        import transformers  # noqa: F401

        hf = best([baseline(shards, tokenizer_dir, args.seq_len, tmp / f"hf-cache-{r}") for r in range(args.repeats)])
        mine = best([ours(tmp / "run", tokenizer_dir, tmp / f"pack-{r}", args.seq_len) for r in range(args.repeats)])
        direct = best([ours(tmp / "run", tokenizer_dir, tmp / f"direct-{r}", args.seq_len, word_path=False)
                       for r in range(args.repeats)])
        vocab = mine["index"]["tokenizer"]["vocab_size"]

    if hf["tokens"] != mine["tokens"]:
        raise SystemExit(f"token counts differ: baseline {hf['tokens']}, ours {mine['tokens']} — not the same work")
    tokens = mine["tokens"]
    hf_core, our_core = tokens / hf["cpu"], tokens / mine["cpu"]
    padding_fraction = mine["padding"] / (mine["written"] + mine["padding"])
    rows = [
        ("HF datasets map + group_texts", hf["wall"], hf["cpu"], tokens / hf["wall"], hf_core),
        ("biomedfr pack (1 task)", mine["wall"], mine["cpu"], tokens / mine["wall"], our_core),
        ("  same, tokenizer's own encode", direct["wall"], direct["cpu"], tokens / direct["wall"],
         tokens / direct["cpu"]),
    ]
    print(f"{args.docs} documents, {tokens:,} tokens, BPE vocabulary {vocab}, seq_len {args.seq_len}")
    print(f"{'':32} {'wall s':>8} {'cpu s':>8} {'tokens/s':>12} {'tokens/s/core':>14}")
    for name, wall, cpu, rate, core in rows:
        print(f"{name:32} {wall:8.2f} {cpu:8.2f} {rate:12,.0f} {core:14,.0f}")
    print(f"ratio (per core): {our_core / hf_core:.2f}x   padding: {mine['padding']} tokens "
          f"({100 * padding_fraction:.4f} %) in {mine['sequences']} sequences")
    print(json.dumps({
        "bench": "pack",
        "docs": args.docs,
        "tokens": tokens,
        "vocab_size": vocab,
        "seq_len": args.seq_len,
        "hf_tokens_per_s_per_core": round(hf_core),
        "ours_tokens_per_s_per_core": round(our_core),
        "ratio": round(our_core / hf_core, 2),
        "padding_fraction": round(padding_fraction, 6),
        "hf_wall_s": round(hf["wall"], 2),
        "ours_wall_s": round(mine["wall"], 2),
        "hf_tokens_per_s_wall": round(tokens / hf["wall"]),
        "ours_tokens_per_s_wall": round(tokens / mine["wall"]),
        "ours_sequences": mine["sequences"],
        "ours_without_word_path_tokens_per_s_per_core": round(tokens / direct["cpu"]),
        "hf_blocks": hf["blocks"],
        "texts": "synthetic French (Zipf pseudo-words + function words + medical terms)",
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
