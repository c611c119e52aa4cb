"""Tiny instruction JSONL for the decoder tests: French medical questions and answers by provenance."""

from __future__ import annotations

import json
import random
from pathlib import Path

TOPICS = [
    ("l'hypertension artérielle", "un inhibiteur de l'enzyme de conversion"),
    ("l'insuffisance cardiaque", "un diurétique de l'anse"),
    ("le diabète de type 2", "la metformine"),
    ("l'asthme", "un bêta-2 mimétique inhalé"),
    ("la pneumonie communautaire", "l'amoxicilline"),
    ("l'hypothyroïdie", "la lévothyroxine"),
    ("la migraine", "un triptan"),
    ("l'ulcère gastrique", "un inhibiteur de la pompe à protons"),
]


def instruction_rows(n: int, provenance: str, seed: int = 0, style: str = "qa") -> list[dict]:
    """``n`` rows of one provenance: ``qa`` (question/answer fields) or ``messages`` (chat turns)."""
    rng = random.Random(f"{provenance}-{seed}")
    rows = []
    for k in range(n):
        disease, drug = rng.choice(TOPICS)
        question = f"Quel est le traitement de première intention de {disease} ? (cas {k})"
        answer = f"Le traitement recommandé est {drug}."
        row = {"id": f"{provenance}-{k:05d}", "provenance": provenance}
        if style == "messages":
            row["messages"] = [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
        else:
            row.update(question=question, answer=answer)
        rows.append(row)
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    """Write ``rows`` one JSON object a line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path
