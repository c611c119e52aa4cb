"""Tiny fixtures for the pack tests: French-like documents, run and mix folders, local fast tokenizers."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from curation.document import Document, arrow_schema, to_row

WORDS = [
    "le", "patient", "présente", "une", "hypertension", "artérielle", "sévère", "traitée", "par", "inhibiteur",
    "de", "l'enzyme", "conversion", "œdème", "pulmonaire", "à", "J7", "mg", "étude", "du", "cœur",
    "insuffisance", "rénale", "chronique", "diagnostic", "examen", "clinique", "douleur", "thoracique",
    "antécédents", "familiaux", "diabète", "type", "prise", "en", "charge", "thérapeutique", "posologie",
    "effets", "indésirables", "fréquents", "surveillance", "biologique", "créatinine", "kaliémie", "scanner",
    "IRM",
]


def french_text(rng: random.Random, n_words: int) -> str:
    """A French-like word salad of ``n_words`` words, in sentences."""
    words = [rng.choice(WORDS) for _ in range(n_words)]
    for k in range(9, len(words), 10):
        words[k] += "."
    return " ".join(words).capitalize()


def documents(n: int, seed: int = 0, source: str = "src", long_every: int = 7,
              repetitions: dict[int, int] | None = None) -> list[Document]:
    """``n`` documents; every ``long_every``-th is long (hundreds of words), some have repetitions."""
    rng = random.Random(seed)
    docs = []
    for k in range(n):
        n_words = rng.randint(120, 260) if long_every and k % long_every == 3 else rng.randint(3, 40)
        meta = {"source": source, "license": "CC-BY-4.0"}
        reps = (repetitions or {}).get(k)
        if reps is not None:
            meta["repetitions"] = reps
        docs.append(Document(text=french_text(rng, n_words), id=f"{source}/doc-{k:04d}", metadata=meta))
    return docs


def build_run(folder: Path, docs: list[Document], shards: int = 2, name: str = "run") -> Path:
    """A finished run folder: ``run.json`` and ``curated/NNNNN.parquet`` (documents dealt to shards)."""
    curated = folder / "curated"
    curated.mkdir(parents=True, exist_ok=True)
    schema = arrow_schema()
    for s in range(shards):
        rows = [to_row(d) for d in docs[s::shards]]
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), curated / f"{s:05d}.parquet")
    (folder / "run.json").write_text(json.dumps({"name": name, "config_hash": f"hash-of-{name}"}))
    return folder


def write_mix(folder: Path, rows: list[dict], config_hash: str = "mix-hash") -> Path:
    """A mix folder: ``mix.parquet`` (run, id, source, group, tokens, repetitions) and ``mix.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist(rows, schema=pa.schema([
        ("run", pa.string()), ("id", pa.string()), ("source", pa.string()), ("group", pa.string()),
        ("tokens", pa.int64()), ("repetitions", pa.int64()),
    ], metadata={"biomedfr.format": "biomedfr.mix/1"}))
    pq.write_table(table, folder / "mix.parquet")
    (folder / "mix.json").write_text(json.dumps({"format": "biomedfr.mix/1", "config_hash": config_hash}))
    return folder


def bpe_tokenizer(folder: Path, texts: list[str], vocab_size: int = 400, extra: str = "",
                  mask: bool = False) -> Path:
    """Train a byte-level BPE on ``texts``, wrap it in ``PreTrainedTokenizerFast``, save it to ``folder``.

    ``<pad> <unk> <s> </s>`` are ids 0-3; with ``mask`` a ``<mask>`` (id 4) for MLM, and ``<s>``/``</s>``
    double as the CLS/SEP tokens an encoder's tokenizer declares."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    specials = ["<pad>", "<unk>", "<s>", "</s>"] + (["<mask>"] if mask else [])
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=specials,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator([t + extra for t in texts], trainer)
    kwargs = {"mask_token": "<mask>", "cls_token": "<s>", "sep_token": "</s>"} if mask else {}
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                                   unk_token="<unk>", **kwargs)
    fast.save_pretrained(str(folder))
    return folder


def wordlevel_tokenizer(folder: Path, vocab_size: int, eos: bool = True) -> Path:
    """A word-level tokenizer with ``vocab_size`` ids: ``<pad> <unk> </s>``, the corpus words, then ``wN``."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    names = ["<pad>", "<unk>", "</s>", *sorted({w.strip(".").lower() for w in WORDS} | {"."})]
    names += [f"w{i}" for i in range(vocab_size - len(names))]
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(names)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    kwargs = {"eos_token": "</s>"} if eos else {}
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", unk_token="<unk>", **kwargs)
    fast.save_pretrained(str(folder))
    return folder
