"""Shared fixtures of the decontamination tests: FrenchMedMCQA-style items, evaluation files, documents."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from curation.decontam.config import DecontamSettings, EvalSetConfig
from curation.decontam.eval_sets import FRENCHMEDMCQA_FIELDS
from curation.document import Document

REALDATA = Path(__file__).resolve().parents[4] / "shared" / "realdata" / "frenchmedmcqa"
SAMPLE = Path(__file__).resolve().parent / "data" / "mcq_items.json"

LONG = {
    "id": "q-long",
    "question": "Parmi les propositions suivantes concernant le traitement de l'hypertension artérielle "
                "chez le patient diabétique, laquelle est exacte ?",
    "answers": {"a": "Les diurétiques thiazidiques sont contre-indiqués",
                "b": "Les bêtabloquants sont le traitement de première intention",
                "c": "Un inhibiteur de l'enzyme de conversion est recommandé en première intention",
                "d": "La cible tensionnelle est de 160/100 mmHg",
                "e": "Le régime sans sel est inutile"},
    "correct_answers": ["c"],
    "type": "simple",
}
"""A FrenchMedMCQA-style item whose question alone has more than 13 words."""

SHORT = {
    "id": "q-short",
    "question": "Quel est l'antidote du paracétamol ?",
    "answers": {"a": "N-acétylcystéine", "b": "Naloxone", "c": "Flumazénil"},
    "correct_answers": ["a"],
    "type": "simple",
}
"""A short item: question + options is 10 normalised words (< 13), matched whole."""

OTHER = {
    "id": "q-other",
    "question": "Concernant la pharmacocinétique de la digoxine chez le sujet âgé insuffisant rénal, "
                "quelle proposition est exacte ?",
    "answers": {"a": "La demi-vie est raccourcie", "b": "La posologie doit être réduite",
                "c": "L'élimination est hépatique", "d": "Le volume de distribution augmente",
                "e": "Aucune adaptation n'est nécessaire"},
    "correct_answers": ["b"],
    "type": "simple",
}

FILLER = (
    "Le patient est suivi en consultation de médecine interne depuis plusieurs années. L'examen clinique "
    "retrouve une fréquence cardiaque régulière et une auscultation pulmonaire normale. Le bilan biologique "
    "montre une fonction rénale conservée et un ionogramme sans anomalie. "
)


def meta(source: str = "hal") -> dict:
    """Minimal document metadata of the contract."""
    return {"source": source, "license": "CC-BY-4.0", "route": "direct"}


def doc(doc_id: str, text: str) -> Document:
    """A corpus document."""
    return Document(text=text, id=doc_id, metadata=meta())


def mcq_text(item: dict) -> str:
    """An item as a quiz page prints it: the question, then lettered options."""
    return item["question"] + "\n" + "\n".join(f"{k.upper()}. {v}" for k, v in item["answers"].items())


def write_json(path: Path, items: list[dict]) -> Path:
    """A FrenchMedMCQA-style JSON array file."""
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return path


def fmcqa_set(path: Path, name: str = "fmcqa", **kwargs) -> EvalSetConfig:
    """The eval set of a FrenchMedMCQA-format file, with the documented field mapping."""
    return EvalSetConfig(name=name, path=str(path), fields=FRENCHMEDMCQA_FIELDS, **kwargs)


def settings(*sets: EvalSetConfig, **kwargs) -> DecontamSettings:
    """Decontamination settings over ``sets``."""
    return DecontamSettings(eval_sets=list(sets), **kwargs)


CSV_ROWS = [
    {"qid": "c1", "enonce": "Quelle hormone est sécrétée par les cellules bêta des îlots de Langerhans ?",
     "opa": "Glucagon", "opb": "Insuline", "opc": "Somatostatine", "opd": "Ghréline", "bonne": "b"},
    {"qid": "c2", "enonce": "Quel germe est le plus souvent responsable de la pneumonie communautaire de l'adulte ?",
     "opa": "Streptococcus pneumoniae", "opb": "Haemophilus influenzae", "opc": "Legionella pneumophila",
     "opd": "Mycoplasma pneumoniae", "bonne": "a"},
]
CSV_FIELDS = {"id": "qid", "question": "enonce", "options": ["opa", "opb", "opc", "opd"], "answer": "bonne"}


def write_csv(path: Path) -> Path:
    """An evaluation CSV with one column per option."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(CSV_ROWS[0]))
        writer.writeheader()
        writer.writerows(CSV_ROWS)
    return path


PARQUET_ROWS = [
    {"uid": 101, "meta": {"prompt": "Quelle vitamine est synthétisée au niveau cutané ?"},
     "choices": ["Vitamine C", "Vitamine D", "Vitamine B12"], "label": 1},
    {"uid": 102, "meta": {"prompt": "Quel examen confirme le diagnostic de mucoviscidose chez l'enfant ?"},
     "choices": ["Le test de la sueur", "La radiographie du thorax", "La spirométrie"], "label": 0},
]
PARQUET_FIELDS = {"id": "uid", "question": "meta.prompt", "options": "choices", "answer": "label"}


def write_parquet(path: Path) -> Path:
    """An evaluation Parquet file: nested prompt, list of options, integer answer."""
    pq.write_table(pa.Table.from_pylist(PARQUET_ROWS), path)
    return path
