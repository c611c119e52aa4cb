"""Passages to check and time the French chain on: the sample corpus, real data when present, traps.

- ``sample_passages()``: the embedded sample corpus (born-digital PDFs, TEI, JSONL; scans need OCR
  and are left out), each text cut into passages of 30–600 words at blank lines. PDF text keeps its
  line breaks (``raw``) and also comes with the lines of each block joined (``flat``), the two shapes
  passages take depending on extraction.
- ``realdata_passages()``: ``../shared/realdata`` next to the repository (or ``$BIOMEDFR_REALDATA``):
  E3C French clinical cases cut into passages, and FrenchMedMCQA questions with their answers, three
  per passage (list-like text). Empty when the folder is absent.
- ``adversarial_passages()``: texts built so that every reason of the three filters fires (repeated
  lines, lists, numbers, English, short lines, hashes, ellipses, bullets...).

Passage cutting here is a stand-in for the extraction steps: consecutive blocks are joined until the
passage has at least ``min_words`` whitespace-separated words; a block longer than ``max_words`` is
cut at line ends.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from curation.sample import SAMPLE_CORPUS

REPO_ROOT = Path(__file__).resolve().parents[2]
"""The repository root (``realdata`` sits beside it, in ``../shared/realdata``)."""
_BLANK_LINES = re.compile(r"\n[ \t\f\r]*\n")


class Passage(NamedTuple):
    """One passage and where it comes from (``<corpus>/<file>#<index>``)."""

    name: str
    text: str


def realdata_dir() -> Path:
    """Folder of the shared real data: ``$BIOMEDFR_REALDATA`` or ``../shared/realdata``."""
    return Path(os.environ.get("BIOMEDFR_REALDATA") or REPO_ROOT.parent / "shared" / "realdata")


def split_passages(text: str, min_words: int = 30, max_words: int = 600) -> list[str]:
    """Cut a text at blank lines into passages of ``min_words``–``max_words`` words (see module doc)."""
    pieces: list[str] = []
    for block in _BLANK_LINES.split(text):
        block = block.strip()
        if not block:
            continue
        if len(block.split()) <= max_words:
            pieces.append(block)
            continue
        lines, count = [], 0
        for line in block.split("\n"):
            lines.append(line)
            count += len(line.split())
            if count >= max_words // 2:
                pieces.append("\n".join(lines))
                lines, count = [], 0
        if lines:
            pieces.append("\n".join(lines))
    passages, current, count = [], [], 0
    for piece in pieces:
        words = len(piece.split())
        if current and count + words > max_words:
            current, count = [], 0
        current.append(piece)
        count += words
        if count >= min_words:
            passages.append("\n\n".join(current))
            current, count = [], 0
    return [p for p in passages if min_words <= len(p.split()) <= max_words]


def _pdf_text(path: Path) -> str | None:
    import pymupdf

    from curation.readers.ocr import blocks_text

    try:
        with pymupdf.open(path) as doc:
            return "\n\n".join(blocks_text(page.get_text("blocks")) for page in doc)
    except Exception:  # a corrupt sample PDF (planted on purpose): nothing to cut
        return None


def _tei_text(path: Path) -> str | None:
    from curation.errors import DocumentError
    from curation.readers.tei import TeiReaderConfig, parse_tei, tei_text

    try:
        return tei_text(parse_tei(path.read_bytes()), TeiReaderConfig(path="."))[0]
    except DocumentError:  # malformed XML or an external entity (planted on purpose)
        return None


def _jsonl_texts(path: Path) -> Iterator[tuple[str, str]]:
    for number, raw in enumerate(path.read_bytes().splitlines(), 1):
        try:
            record = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):  # the invalid-UTF-8 line (planted)
            continue
        if isinstance(record, dict) and isinstance(record.get("text"), str):
            yield str(record.get("id") or f"L{number}"), record["text"]


def _flatten(text: str) -> str:
    """Join the lines of each block (blank-line separated) with spaces."""
    return "\n\n".join(" ".join(block.split("\n")) for block in _BLANK_LINES.split(text))


def sample_passages(corpus: Path = SAMPLE_CORPUS) -> list[Passage]:
    """Passages cut from the sample corpus (PDF ``raw`` and ``flat``, TEI, JSONL)."""
    out: list[Passage] = []
    for path in sorted((corpus / "pdf").glob("*.pdf")):
        text = _pdf_text(path)
        if text:
            for shape, variant in (("raw", text), ("flat", _flatten(text))):
                for i, passage in enumerate(split_passages(variant)):
                    out.append(Passage(f"sample/pdf/{path.name}:{shape}#{i}", passage))
    for path in sorted((corpus / "tei").glob("*.xml")):
        text = _tei_text(path)
        if text:
            for i, passage in enumerate(split_passages(text)):
                out.append(Passage(f"sample/tei/{path.name}#{i}", passage))
    for path in sorted((corpus / "jsonl").glob("*.jsonl")):
        for record_id, text in _jsonl_texts(path):
            for i, passage in enumerate(split_passages(text)):
                out.append(Passage(f"sample/jsonl/{path.name}:{record_id}#{i}", passage))
    return out


def e3c_texts(folder: Path | None = None) -> list[tuple[str, str]]:
    """(file name, text) of the E3C French layer-1 clinical cases, or ``[]`` when absent."""
    folder = folder or realdata_dir() / "e3c-fr-layer1"
    texts = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        record = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(record.get("text"), str):
            texts.append((path.name, record["text"]))
    return texts


def e3c_passages(folder: Path | None = None) -> list[Passage]:
    """E3C clinical cases cut into passages (their paragraphs are single lines)."""
    out = []
    for name, text in e3c_texts(folder):
        for i, passage in enumerate(split_passages(text.replace("\n", "\n\n"))):
            out.append(Passage(f"e3c/{name}#{i}", passage))
    return out


def mcqa_passages(path: Path | None = None, per_passage: int = 3) -> list[Passage]:
    """FrenchMedMCQA dev questions with their five answers, ``per_passage`` questions per passage."""
    path = path or realdata_dir() / "frenchmedmcqa" / "dev.json"
    if not path.is_file():
        return []
    items = json.loads(path.read_text(encoding="utf-8"))
    blocks = []
    for item in items:
        answers = item.get("answers") or {}
        lines = [item.get("question", "")] + [f"{key}) {value}" for key, value in sorted(answers.items())]
        blocks.append("\n".join(lines))
    out = []
    for i in range(0, len(blocks), per_passage):
        out.append(Passage(f"frenchmedmcqa/dev.json#{i // per_passage}", "\n\n".join(blocks[i : i + per_passage])))
    return out


def realdata_passages() -> list[Passage]:
    """E3C and FrenchMedMCQA passages from ``realdata_dir()``; ``[]`` when the folder is absent."""
    return e3c_passages() + mcqa_passages()


_CLEAN = (
    "L'hypertension artérielle est définie par une pression systolique supérieure ou égale à 140 mmHg. "
    "Elle concerne environ un adulte sur trois en France et reste souvent méconnue, car elle ne donne "
    "le plus souvent aucun symptôme. Le diagnostic doit être confirmé par une automesure à domicile, "
    "et le traitement repose d'abord sur l'hygiène de vie avant le recours aux médicaments."
)
_CLEAN_2 = (
    "La bronchiolite aiguë du nourrisson est une infection virale des voies respiratoires basses, due "
    "le plus souvent au virus respiratoire syncytial. Elle survient par épidémies chaque hiver et touche "
    "près d'un tiers des enfants de moins de deux ans. La prise en charge est avant tout symptomatique : "
    "désobstruction nasale, fractionnement des repas et surveillance des signes de gravité."
)
_ENGLISH = (
    "Hypertension is defined as a systolic blood pressure of 140 mmHg or higher. It affects about one "
    "adult in three and often goes unnoticed because it usually causes no symptoms. The diagnosis should "
    "be confirmed with home blood pressure monitoring, and treatment starts with lifestyle changes."
)


_BASE_WORDS = (_CLEAN + " " + _CLEAN_2).split()
_TERMS = [
    "rein", "foie", "cœur", "sang", "peau", "dose", "soin", "test", "poumon", "artère", "veine", "muscle",
    "fièvre", "toux", "douleur", "nausée", "œdème", "anémie", "asthme", "angine", "otite", "grippe",
    "diabète", "goutte", "lupus", "sepsis", "biopsie", "scanner", "insuline", "héparine", "morphine",
    "aspirine", "vaccin", "plâtre", "suture", "attelle",
]
_LONG_PREFIXES = [
    "électroencéphalo", "hépatosplénoméga", "immunohistochimi",
    "radiofréquenti", "cholangiopancréato", "otorhinolaryngo",
]
_LONG_SUFFIXES = ["graphiques", "logiquement", "thérapeutiques", "métriques", "scopiques", "pathiques"]


_STRETCHES = ((5, 40), (6, 28), (7, 26), (8, 22), (9, 25), (10, 20))
"""(n, words repeated) of the ``duplicated_<n>_n_grams`` adversarial passages."""


def _stretch(size: int) -> str:
    """The two clean paragraphs followed by ``size`` of their words again (from the 21st word)."""
    return " ".join(_BASE_WORDS) + " " + " ".join(_BASE_WORDS[20 : 20 + size])


def adversarial_passages() -> list[Passage]:
    """Passages built to trip each check of the three filters (and a few clean ones).

    With the French thresholds each check that fineweb-2 enables fires on at least one of them; the
    checks it disables (paragraph duplicates, line-character duplicates, short lines) and
    ``gopher_long_doc`` fire with the thresholds of ``ALL_CHECKS_OVERRIDES``.
    """
    clean_lines = _CLEAN.replace(". ", ".\n")
    draw = random.Random(7)
    one_letter = " ".join(draw.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(70)) + " de la et le."
    long_words = " ".join(p + s for p in _LONG_PREFIXES for s in _LONG_SUFFIXES) + " de la."
    long_line = " ".join(_BASE_WORDS[:22])
    url = "https://www.exemple-sante.fr/recommandations/hypertension-arterielle/automesure-tensionnelle"
    sentences = [" ".join(_BASE_WORDS[i : i + 8]) + "." for i in range(0, 64, 8)]
    char_dup = "\n".join([sentences[0], url, *sentences[1:], url])
    cases = {
        "clean": _CLEAN,
        "clean_two_paragraphs": _CLEAN + "\n\n" + _CLEAN_2,
        "clean_lines": clean_lines,
        "curly_elisions": _CLEAN.replace("'", "’"),
        "is_alpha_quirk": _CLEAN + " IS_ALPHA " + _CLEAN_2,
        "odd_unicode": _CLEAN + " \u200b\u2028\u00a0\ufeff 🙂 ﬁ ﬂ \x0b\x1c\x00 " + _CLEAN_2,
        "lone_surrogate": _CLEAN + " \ud800 " + _CLEAN_2,  # spaCy (hence datatrove) raises UnicodeEncodeError
        "crlf": _CLEAN.replace(". ", ".\r\n") + "\r\n",
        "empty": "",
        "blank": "   \n \n  ",
        "repeated_lines": "\n".join([_CLEAN.split(". ")[0] + "."] + ["Lire la suite", "Partager sur Facebook"] * 8),
        "menu": "\n".join(["Accueil", "Maladies", "Prévention", "Médicaments", "Actualités", "Contact"] * 6),
        "repeated_paragraphs": "\n\n".join([_CLEAN, _CLEAN_2, _CLEAN, _CLEAN_2, _CLEAN]),
        "repeated_paragraph_chars": "\n\n".join([_CLEAN, "Introduction.", _CLEAN_2, _CLEAN]),
        "repeated_line_chars": "\n".join([long_line, *clean_lines.split("\n"), long_line]),
        "top_2_gram": " ".join(["prise en"] * 20) + " " + _CLEAN,
        "top_3_gram": " ".join(["la prise charge", "et le suivi"] * 12) + " " + _CLEAN,
        "top_4_gram": " ".join(["de la prise charge", "avec le suivi du", "pour tous les cas"] * 8) + " " + _CLEAN,
        # repeated stretches sized so that each n-gram size is the first to fail (measured on these texts)
        **{f"duplicated_{n}_n_grams": _stretch(size) for n, size in _STRETCHES},
        "no_final_punctuation": "\n".join(line.rstrip(".") for line in clean_lines.split("\n")),
        "short_lines": "\n".join(w + "." for w in _BASE_WORDS[:40]),
        "char_dup": char_dup,
        "list_ratio": "\n".join(" ".join(_BASE_WORDS[i : i + 3]) + "." for i in range(0, 60, 3)),
        "short_doc": "Il a été hospitalisé pour une décompensation cardiaque globale ; l'évolution est favorable "
        "sous diurétiques intraveineux, avec une amélioration progressive de la dyspnée — et des œdèmes.",
        "long_doc": " ".join(f"{_TERMS[i % len(_TERMS)]}{i}" for i in range(320)) + ".",
        "one_letter_words": one_letter,
        "long_words": long_words,
        "hashes": " ".join(f"#{w}" for w in _CLEAN.split()),
        "ellipses": " ".join(w + "..." for w in _CLEAN.split()[:30]),
        "end_ellipsis_lines": "\n".join(" ".join(_BASE_WORDS[i : i + 12]) + "..." for i in range(0, 108, 12)),
        "bullets": "\n".join("- " + " ".join(_BASE_WORDS[i : i + 6]) + "." for i in range(0, 60, 6)),
        "bullets_dots": "\n".join("• " + s.strip() + "." for s in (_CLEAN + " " + _CLEAN_2).split(". ") if s.strip()),
        "numbers": " ".join(f"{1000 + 37 * i}, {100 + 13 * i}; {i * 3.5} ± {10 + i % 4}" for i in range(40)) + ".",
        "english": _ENGLISH,
        "no_stop_words": " ".join(_TERMS) + ".",
    }
    return [Passage(f"adversarial/{name}", text) for name, text in cases.items()]


ALL_CHECKS_OVERRIDES: dict = {
    "gopher_repetition": {"dup_para_frac": 0.3, "dup_para_char_frac": 0.2, "dup_line_char_frac": 0.2},
    "fineweb_quality": {"short_line_thr": 0.67},
    "gopher_quality": {"max_doc_words": 300},
}
"""Threshold overrides that turn on the checks fineweb-2 disables (datatrove's default values) and
lower ``max_doc_words`` below the passage maximum, so that every declared reason can fire."""
