"""Tiny French evaluation items written for these tests (no real dataset item is copied), their files in
the documented layouts, and ``write_tiny_eval_data`` for ``recipes/decoder/tiny-eval.yaml``."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

SINGLE = [
    {"id": "s1", "question": "Quel est l'antidote du paracétamol ?",
     "options": {"A": "N-acétylcystéine", "B": "Naloxone", "C": "Flumazénil", "D": "Atropine"}, "answer": ["A"]},
    {"id": "s2", "question": "Quel organe sécrète l'insuline ?",
     "options": ["Le foie", "Le pancréas", "La rate", "Le rein"], "answer": "B"},
    {"id": "s3", "question": "Quelle est la cible tensionnelle chez ce patient ?",
     "context": "Un patient diabétique de 60 ans présente une hypertension artérielle.",
     "options": {"a": "180/110 mmHg", "b": "160/100 mmHg", "c": "130/80 mmHg", "d": "100/50 mmHg"}, "answer": "c"},
    {"id": "s4", "question": "Quel examen confirme une embolie pulmonaire ?",
     "options": {"A": "Angioscanner thoracique", "B": "Radiographie du bras", "C": "Échographie rénale",
                 "D": "Fond d'œil", "E": "Électromyogramme"}, "answer": ["A"]},
    {"id": "s5", "question": "Quelle vitamine manque dans le scorbut ?",
     "options": ["Vitamine C", "Vitamine D", "Vitamine K"], "answer": ["A"]},
    {"id": "s6", "question": "Quel ion est surveillé sous diurétique thiazidique ?",
     "options": {"A": "Le potassium", "B": "Le fer", "C": "Le cuivre", "D": "Le zinc"}, "answer": "A"},
]
"""Single-answer items: options as mappings or lists, answers as lists or strings, lower-case letters, a context."""

MULTI = [
    {"id": "m1", "question": "Parmi les propositions suivantes, lesquelles sont des effets indésirables des AINS ?",
     "answers": {"a": "Ulcère gastrique", "b": "Insuffisance rénale", "c": "Hypoglycémie", "d": "Rétention hydrosodée",
                 "e": "Alopécie"}, "correct_answers": ["a", "b", "d"], "type": "multiple"},
    {"id": "m2", "question": "Quel est le mécanisme d'action de l'oméprazole ?",
     "answers": {"a": "Inhibition de la pompe à protons", "b": "Antagoniste H2", "c": "Antiacide",
                 "d": "Prokinétique", "e": "Pansement gastrique"}, "correct_answers": ["a"], "type": "simple"},
    {"id": "m3", "question": "Quels examens sont utiles devant une douleur thoracique ?",
     "answers": {"a": "Électrocardiogramme", "b": "Troponine", "c": "Radiographie thoracique", "d": "Audiogramme",
                 "e": "Fond d'œil"}, "correct_answers": ["a", "b", "c"], "type": "multiple"},
    {"id": "m4", "question": "Quels médicaments sont des anticoagulants oraux ?",
     "answers": {"a": "Apixaban", "b": "Warfarine", "c": "Paracétamol", "d": "Rivaroxaban", "e": "Amoxicilline"},
     "correct_answers": ["a", "b", "d"], "type": "multiple"},
    {"id": "m5", "question": "Quelles hormones sont hypoglycémiantes ?",
     "answers": {"a": "Insuline", "b": "Glucagon", "c": "Cortisol", "d": "Adrénaline", "e": "Hormone de croissance"},
     "correct_answers": ["a"], "type": "simple"},
]
"""FrenchMedMCQA-shaped items (``answers`` {a..e}, ``correct_answers``, ``type``)."""

OPEN = [
    {"question": "Quel est le traitement de première intention de l'hypertension chez le diabétique ?",
     "reference": "Un inhibiteur de l'enzyme de conversion."},
    {"question": "Quelle est la complication principale d'une fracture du col du fémur ?",
     "reference": "La nécrose de la tête fémorale."},
    {"question": "Que surveiller sous amiodarone ?", "reference": "La fonction thyroïdienne et le bilan hépatique.",
     "case": "Patient de 70 ans en fibrillation atriale."},
    {"question": "Quel est l'antidote des antivitamines K ?", "reference": "La vitamine K."},
]
"""Open questions (fields ``question``, ``reference``, ``case``: a mapping is needed)."""

MULTI_FIELDS = {"question": "question", "options": "answers", "answer": "correct_answers"}
OPEN_FIELDS = {"question": "question", "answer": "reference", "context": "case", "id": None}


def write_jsonl(path: Path, records: list[dict]) -> Path:
    """One JSON object per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def write_json(path: Path, records: list[dict]) -> Path:
    """A JSON array."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_parquet(path: Path, records: list[dict]) -> Path:
    """A Parquet file (every key of any record is a column; missing values null)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    keys = list(dict.fromkeys(k for r in records for k in r))
    pq.write_table(pa.Table.from_pylist([{k: r.get(k) for k in keys} for r in records]), path)
    return path


def write_tiny_eval_data(folder: Path) -> dict[str, Path]:
    """The three datasets of ``recipes/decoder/tiny-eval.yaml``: single (JSONL), multi (JSON array,
    FrenchMedMCQA-shaped), open (Parquet)."""
    folder = Path(folder)
    return {"single": write_jsonl(folder / "single.jsonl", SINGLE),
            "multi": write_json(folder / "multi.json", MULTI),
            "open": write_parquet(folder / "open.parquet", OPEN)}


def corpus_texts() -> list[str]:
    """Every text of the items (for tokenizer vocabularies)."""
    texts = []
    for item in SINGLE:
        options = item["options"].values() if isinstance(item["options"], dict) else item["options"]
        texts += [item["question"], *options, item.get("context", "")]
    for item in MULTI:
        texts += [item["question"], *item["answers"].values()]
    for item in OPEN:
        texts += [item["question"], item["reference"], item.get("case", "")]
    return [t for t in texts if t]
