"""Small corpora built at test time for run-level tests (good files, bad files, a big JSONL set)."""

from __future__ import annotations

import json
from pathlib import Path

import pymupdf
import yaml

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PARAGRAPH = (
    "Le patient de soixante-dix ans présente une hypertension artérielle traitée par un inhibiteur de "
    "l'enzyme de conversion. L'œdème des membres inférieurs a régressé en deux semaines."
)


def pdf_bytes(paragraphs: list[str], title: str = "Article") -> bytes:
    """A born-digital PDF with an embedded TrueType font."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_font(fontname="dv", fontfile=FONT)
    rect = pymupdf.Rect(60, 60, 540, 780)
    page.insert_textbox(rect, "\n\n".join(paragraphs), fontname="dv", fontsize=10)
    doc.set_metadata({"title": title, "author": "A. Martin; B. Durand"})
    return doc.tobytes(garbage=3, deflate=True)


def build_good(root: Path, n_pdf: int = 3, n_records: int = 8) -> None:
    """PDFs and JSONL records that all pass (plus one short record excluded by length)."""
    (root / "pdf").mkdir(parents=True, exist_ok=True)
    (root / "jsonl").mkdir(parents=True, exist_ok=True)
    for i in range(n_pdf):
        (root / "pdf" / f"art{i}.pdf").write_bytes(pdf_bytes([f"Article {i}.", PARAGRAPH, PARAGRAPH]))
    with open(root / "jsonl" / "records.jsonl", "w", encoding="utf-8") as f:
        for i in range(n_records):
            rec = {"id": f"rec-{i}", "text": f"Cas {i}. {PARAGRAPH}", "license": "CC BY 4.0"}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        f.write(json.dumps({"id": "short", "text": "Trop court."}) + "\n")


def build_bad(root: Path) -> None:
    """One bad file of each kind a reader must record without stopping the run."""
    (root / "pdf").mkdir(parents=True, exist_ok=True)
    (root / "jsonl").mkdir(parents=True, exist_ok=True)
    (root / "tei").mkdir(parents=True, exist_ok=True)
    good = pdf_bytes([PARAGRAPH])
    (root / "pdf" / "zero.pdf").write_bytes(b"")
    (root / "pdf" / "truncated.pdf").write_bytes(good[: len(good) // 2])
    doc = pymupdf.open(stream=good, filetype="pdf")
    encrypted = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="o", user_pw="u")
    (root / "pdf" / "encrypted.pdf").write_bytes(encrypted)
    (root / "pdf" / "notpdf.pdf").write_text("ceci n'est pas un PDF")
    (root / "jsonl" / "bad.jsonl").write_bytes(
        json.dumps({"id": "ok", "text": PARAGRAPH}, ensure_ascii=False).encode() + b"\n"
        + b'{"id": "latin", "text": "\xe9t\xe9 caniculaire"}\n'
    )
    secret = root / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    (root / "tei" / "xxe.xml").write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE TEI [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&xxe;</p></body></text></TEI>\n'
    )


def build_big(root: Path, files: int = 8, records: int = 4000) -> None:
    """Many JSONL records, to have a run that lasts long enough to be killed mid-write."""
    (root / "jsonl").mkdir(parents=True, exist_ok=True)
    for f_i in range(files):
        with open(root / "jsonl" / f"part{f_i:02d}.jsonl", "w", encoding="utf-8") as f:
            for r in range(records):
                text = f"Dossier {f_i}-{r}. {PARAGRAPH} " * (1 + r % 4)
                f.write(json.dumps({"id": f"{f_i}-{r}", "text": text}, ensure_ascii=False) + "\n")


def write_recipe(path: Path, sources: list[dict], tasks: int = 1, workers: int = 1, steps=None) -> Path:
    """A recipe file with the sample-corpus manifest for every source."""
    recipe = {
        "name": "test",
        "sources": [{"manifest": "sample-corpus", **s} for s in sources],
        "steps": steps if steps is not None else [{"step": "token_count"}, {"step": "length_filter", "min_tokens": 10}],
        "executor": {"kind": "local", "tasks": tasks, "workers": workers},
    }
    path.write_text(yaml.safe_dump(recipe, allow_unicode=True))
    return path
