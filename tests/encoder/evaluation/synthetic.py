"""Synthetic evaluation tasks and tiny random checkpoints for the evaluation tests (nothing downloaded).

- ``single_label_task``: French-like filler with two keywords of the document's specialty (3 classes).
- ``multi_label_task``: each of 3 labels present with probability 0.45, announced by its keyword.
- ``ner_task``: sentences with drug names (``B-CHEM``) and two-word disorders (``B-DISO I-DISO``).
- ``tiny_modernbert``: ``ModernBertForMaskedLM`` (vocab 512, hidden 32, 2 layers, 2 heads, intermediate 64,
  local attention 16, 512 positions, ``classifier_pooling="cls"``) with a byte-level BPE tokenizer
  (``tests/curation/pack/corpus.py``) that wraps each text in ``<s> ... </s>``.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from tests.curation.pack.corpus import bpe_tokenizer, french_text

SPECIALTIES = {
    "cardiologie": ["cœur", "thoracique", "hypertension", "artérielle"],
    "néphrologie": ["rénale", "créatinine", "kaliémie", "dialyse"],
    "oncologie": ["tumeur", "chimiothérapie", "métastase", "scanner"],
}
MULTI = {"fièvre": "fébrile", "toux": "tousse", "douleur": "douloureux"}
DRUGS = ["paracétamol", "ibuprofène", "amoxicilline", "héparine"]
DISORDERS = [("insuffisance", "cardiaque"), ("embolie", "pulmonaire"), ("diabète", "sucré")]
FILLER = ["le", "patient", "présente", "une", "à", "de", "examen", "clinique", "prise", "en", "charge", "du", "suivi"]


def _filler(rng: random.Random, n: int) -> list[str]:
    return french_text(rng, n).rstrip(".").lower().replace(".", "").split()


def single_label_rows(n: int, seed: int) -> list[dict]:
    """``n`` records ``{"text", "label"}``: filler plus two keywords of the label."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        label = rng.choice(sorted(SPECIALTIES))
        words = _filler(rng, 10)
        for keyword in rng.sample(SPECIALTIES[label], 2):
            words.insert(rng.randrange(len(words) + 1), keyword)
        rows.append({"text": " ".join(words), "label": label})
    return rows


def multi_label_rows(n: int, seed: int) -> list[dict]:
    """``n`` records ``{"text", "labels"}``: each label present with p=0.45, announced by its keyword."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        labels = sorted(label for label in MULTI if rng.random() < 0.45)
        words = _filler(rng, 10)
        for label in labels:
            words.insert(rng.randrange(len(words) + 1), MULTI[label])
        rows.append({"text": " ".join(words), "labels": labels})
    return rows


def ner_rows(n: int, seed: int) -> list[dict]:
    """``n`` records ``{"tokens", "tags"}`` with drugs (B-CHEM) and two-word disorders (B-DISO I-DISO)."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        tokens, tags = [], []
        for _ in range(rng.randint(2, 3)):
            words = [rng.choice(FILLER) for _ in range(rng.randint(2, 4))]
            tokens += words
            tags += ["O"] * len(words)
            if rng.random() < 0.5:
                tokens.append(rng.choice(DRUGS))
                tags.append("B-CHEM")
            else:
                tokens += list(rng.choice(DISORDERS))
                tags += ["B-DISO", "I-DISO"]
        rows.append({"tokens": tokens, "tags": tags})
    return rows


BUILDERS = {"single_label": single_label_rows, "multi_label": multi_label_rows, "ner": ner_rows}


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    """One JSON object per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def write_parquet(path: Path, rows: list[dict]) -> Path:
    """The rows as a Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def write_task(folder: Path, kind: str, sizes: tuple[int, int, int] = (160, 48, 48), seed: int = 0,
               fmt: str = "jsonl") -> Path:
    """A task folder with ``train``, ``validation`` and ``test`` files of ``kind``."""
    write = write_jsonl if fmt == "jsonl" else write_parquet
    for k, (split, n) in enumerate(zip(("train", "validation", "test"), sizes, strict=True)):
        write(folder / f"{split}.{fmt}", BUILDERS[kind](n, seed * 10 + k))
    return folder


def write_tasks(root: Path, seed: int = 0) -> Path:
    """The three synthetic tasks under ``root``: ``specialty/`` (JSONL), ``symptoms/`` (Parquet), ``entities/``."""
    write_task(root / "specialty", "single_label", seed=seed)
    write_task(root / "symptoms", "multi_label", seed=seed + 1, fmt="parquet")
    write_task(root / "entities", "ner", sizes=(120, 40, 40), seed=seed + 2)
    return root


def corpus_texts() -> list[str]:
    """Texts covering every word of the synthetic tasks (to train the tokenizer)."""
    texts = [r["text"] for r in single_label_rows(300, 91) + multi_label_rows(300, 92)]
    texts += [" ".join(r["tokens"]) for r in ner_rows(300, 93)]
    return texts


def cls_tokenizer(folder: Path) -> Path:
    """Byte-level BPE (512 ids: <pad>=0 <unk>=1 <s>=2 </s>=3 <mask>=4) that adds ``<s> ... </s>`` to each text."""
    from tokenizers import processors
    from transformers import AutoTokenizer

    bpe_tokenizer(folder, corpus_texts(), vocab_size=512, mask=True)
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    tokenizer.backend_tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> $B </s>", special_tokens=[("<s>", 2), ("</s>", 3)])
    tokenizer.save_pretrained(str(folder))
    return folder


def tiny_modernbert(folder: Path, tokenizer_dir: Path, seed: int = 0) -> Path:
    """A random ``ModernBertForMaskedLM`` of the brief's size, saved with ``save_pretrained`` and the tokenizer."""
    import torch
    from transformers import AutoTokenizer, ModernBertConfig, ModernBertForMaskedLM

    tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_dir))
    config = ModernBertConfig(
        vocab_size=512, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
        local_attention=16, max_position_embeddings=512, pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.cls_token_id, eos_token_id=tokenizer.sep_token_id,
        cls_token_id=tokenizer.cls_token_id, sep_token_id=tokenizer.sep_token_id, classifier_pooling="cls")
    torch.manual_seed(seed)
    ModernBertForMaskedLM(config).save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    return folder
