"""Build the sample corpus's born-digital PDFs, scanned PDFs and their ledger of planted problems.

Run from the repository root (rewrites every output, byte-identical from one run to the next)::

    .venv/bin/python -m curation.sample.build.build_pdfs             # build and verify
    .venv/bin/python -m curation.sample.build.build_pdfs --ocr-check  # also OCR the scans (tesseract fra)

Outputs, under ``curation/sample/``:

- ``corpus/pdf/<slug>.pdf``: born-digital A4 articles (texts in ``texts_pdf.ARTICLES``), typeset line by
  line with embedded, subsetted DejaVu Serif fonts, so every French character survives extraction.
- ``corpus/pdf/corrupt-truncated.pdf``: a copy of one article cut to 40 % of its bytes.
- ``corpus/scans/<slug>.pdf``: image-only "scanned" PDFs (texts in ``texts_pdf.SCANS``): each page is
  rendered to a noisy grayscale JPEG and the PDF page holds only that image.
- ``ledger_pdf.yaml``: one entry per planted problem, with the page it landed on.

The builder checks its own output and stops with an error when a check fails: every drawn line must
come back from ``page.get_text()`` character for character (accents, œ, ligatures, mojibake), scanned
pages must have no text layer, the corrupt file must not open as a readable PDF, and planted
near-duplicates must stay above the dedup threshold.
"""

from __future__ import annotations

import argparse
import difflib
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pymupdf
import yaml

from curation.sample.build import texts_pdf as texts
from curation.sample.build.ledger import merge as merge_ledger
from curation.sample.build.texts_pdf import Plant

SAMPLE_DIR = Path(__file__).resolve().parents[1]
CORPUS_DIR = SAMPLE_DIR / "corpus"
PDF_DIR = CORPUS_DIR / "pdf"
SCAN_DIR = CORPUS_DIR / "scans"
LEDGER_PATH = SAMPLE_DIR / "ledger_pdf.yaml"

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"body": "DejaVuSerif.ttf", "bold": "DejaVuSerif-Bold.ttf", "italic": "DejaVuSerif-Italic.ttf"}

PAGE = pymupdf.paper_rect("a4")
MARGIN_X = 68.0
TOP = 74.0
BOTTOM = PAGE.height - 64.0
TEXT_WIDTH = PAGE.width - 2 * MARGIN_X
HEADER_BASELINE = 44.0
FOOTER_BASELINE = PAGE.height - 30.0

FIXED_DATE = "D:20240601120000Z"
"""Creation and modification date of every PDF, so that outputs are reproducible."""

LIGATURES = [("ffi", "\ufb03"), ("ffl", "\ufb04"), ("ff", "\ufb00"), ("fi", "\ufb01"), ("fl", "\ufb02")]
"""Typographic ligatures set in the body text of articles with ``ligatures: True`` (longest first)."""

SHINGLE = 5
NEAR_DUP_MIN = 0.82
"""Planted near-duplicates must keep a word 5-gram Jaccard of at least this (dedup threshold 0.8)."""

CORRUPT_FRACTION = 0.40

SCAN_DPI = 200
JPEG_QUALITY = 60
INK_LEVEL = 0.10
SPECKLES = 0.0004
DARK_SPECKS = 0.000005
SALT = 0.03
EDGE_SHADOW = 0.04
"""Scan noise: ink gray level (0 black, 1 white); fraction of pixels turned into light-gray speckles;
of pixels starting a dark 2 x 2 speck (about 20 a page); of ink pixels lightened (worn toner);
darkening of the left edge. More or darker specks make tesseract cut paragraphs into several blocks
and read stray ``|``, ``.`` or ``:`` lines."""


class Style(NamedTuple):
    """A font (key of ``FONT_FILES``), its size and the distance between baselines, in points."""

    font: str
    size: float
    leading: float


ARTICLE_STYLES = {
    "title": Style("bold", 15, 19),
    "byline": Style("italic", 10, 13),
    "small": Style("body", 8.5, 11),
    "heading": Style("bold", 11, 15),
    "body": Style("body", 10.5, 14),
    "caption": Style("italic", 9, 12),
    "ref": Style("body", 8.5, 11),
    "table": Style("body", 9, 11.5),
    "running": Style("body", 8, 10),
}

SCAN_STYLES = {
    "heading": Style("bold", 14, 19),
    "body": Style("body", 12, 17),
    "running": Style("body", 11, 13),
}

FONTS = {key: pymupdf.Font(fontfile=str(FONT_DIR / name)) for key, name in FONT_FILES.items()}


# --- text preparation -----------------------------------------------------------------------------


def clean(text: str) -> str:
    """Normalize whitespace and use typographic apostrophes."""
    return " ".join(text.split()).replace("'", "\u2019")


def plain(text: str) -> str:
    """The text as a reader should recover it: ``clean``, without hyphenation marks."""
    return clean(text).replace("|", "")


def ligate(text: str) -> str:
    """Replace ff, fi, fl, ffi, ffl by their Unicode ligature characters."""
    for letters, ligature in LIGATURES:
        text = text.replace(letters, ligature)
    return text


def mojibake(text: str) -> str:
    """The text as it looks when its UTF-8 bytes are decoded as Windows-1252 (reversible)."""
    garbled = text.encode("utf-8").decode("cp1252")
    if garbled.encode("cp1252").decode("utf-8") != text:
        raise AssertionError("mojibake is not reversible")
    return garbled


VOWELS = set("aeiouyàâäéèêëîïôöùûüÿœæAEIOUYÀÂÉÈÊËÎÏÔÖÙÛÜŒ")
INSEPARABLE = {"bl", "br", "ch", "cl", "cr", "dr", "fl", "fr", "gl", "gn", "gr", "ph", "pl", "pr", "th", "tr", "vr"}
HYPHENATE_MIN = 8
"""Only words of at least this many letters are hyphenated (with at least 3 letters on each side)."""
WORD = re.compile(r"((?:[A-Za-z]{1,2}\u2019)?)([^\W\d_]+)([.,;:!?)»]*)")


def syllable_breaks(word: str) -> list[int]:
    """Positions where a French word may be hyphenated: V-CV and VC-CV (keeping "tr", "ch"… together)."""
    def vowel(i: int) -> bool:
        return word[i] in VOWELS

    points = []
    for i in range(3, len(word) - 2):
        a, b = word[i - 1], word[i]
        if b == "x" or a == "x":
            continue
        if vowel(i - 1) and not vowel(i) and vowel(i + 1):
            points.append(i)  # pa-tient
        elif (not vowel(i - 1) and not vowel(i) and a + b not in INSEPARABLE and vowel(i - 2)
              and (vowel(i + 1) or word[i : i + 2] in INSEPARABLE)):
            points.append(i)  # hyper-tension, syn-drome
    return points


def mark_hyphenation(text: str) -> str:
    """Mark with ``|`` the syllable breaks of every long word (``wrap`` may break a word there)."""
    out = []
    for token in text.split(" "):
        match = WORD.fullmatch(token)
        core = match.group(2) if match else ""
        if len(core) < HYPHENATE_MIN or sum(ch.isupper() for ch in core) > 1:
            out.append(token)
            continue
        pieces, last = [], 0
        for point in syllable_breaks(core):
            pieces.append(core[last:point])
            last = point
        pieces.append(core[last:])
        out.append(match.group(1) + "|".join(pieces) + match.group(3))
    return " ".join(out)


def width(text: str, style: Style) -> float:
    """Printed width of ``text`` in ``style``."""
    return FONTS[style.font].text_length(text, fontsize=style.size)


def wrap(text: str, style: Style, max_width: float) -> tuple[list[str], list[str]]:
    """Greedy line breaking; a word with ``|`` markers may be hyphenated where it overflows.

    A line right after a hyphenated line is never hyphenated. Returns the lines and the hyphenated
    words (written ``head-/tail``).
    """
    lines: list[str] = []
    broken: list[str] = []
    current = ""
    for token in text.split(" "):
        word = token.replace("|", "")
        candidate = f"{current} {word}" if current else word
        if width(candidate, style) <= max_width:
            current = candidate
            continue
        after_break = bool(lines) and lines[-1].endswith("-") and bool(broken)
        split = None if after_break else _hyphenate(token, current, style, max_width)
        if split:
            head, tail = split
            lines.append(f"{current} {head}-" if current else f"{head}-")
            broken.append(f"{head}-/{tail.rstrip('.,;:!?)»')}")
            current = tail
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines, broken


def _hyphenate(token: str, current: str, style: Style, max_width: float) -> tuple[str, str] | None:
    """The rightmost marked split of ``token`` whose head (plus a hyphen) still fits the line."""
    parts = token.split("|")
    for cut in range(len(parts) - 1, 0, -1):
        head, tail = "".join(parts[:cut]), "".join(parts[cut:])
        candidate = f"{current} {head}-" if current else f"{head}-"
        if width(candidate, style) <= max_width:
            return head, tail
    return None


# --- layout ---------------------------------------------------------------------------------------


@dataclass
class Op:
    """One drawing operation; ``y`` is a baseline for text, the top edge for a chart."""

    kind: str  # "text", "chart" or "rule"
    x: float
    y: float
    text: str = ""
    style: str = "body"
    x1: float = 0.0
    height: float = 0.0
    seed: int = 0


@dataclass
class Box:
    """A laid-out block: its operations (y relative to the box top) and what it brings to the ledger."""

    ops: list[Op]
    height: float
    space_after: float = 0.0
    keep_with_next: bool = False
    page_break: bool = False
    plants: list[Plant] = field(default_factory=list)
    hyphenated: list[str] = field(default_factory=list)


@dataclass
class Placed:
    """The pages of a laid-out document and the ledger entries found while laying it out."""

    pages: list[list[Op]]
    events: list[tuple[int, Plant]]
    hyphenated: dict[int, list[str]]


def text_box(text: str, style_key: str, styles: dict, x: float = MARGIN_X, max_width: float = TEXT_WIDTH,
             space_after: float = 0.0, hanging: float = 0.0) -> Box:
    """A wrapped run of text in one style (``hanging``: indent of the lines after the first)."""
    style = styles[style_key]
    lines, broken = wrap(text, style, max_width - hanging)
    ops = [
        Op("text", x + (hanging if i else 0.0), style.size + i * style.leading, line, style_key)
        for i, line in enumerate(lines)
    ]
    return Box(ops, len(lines) * style.leading, space_after, hyphenated=broken)


def rows_box(rows: list[str], style_key: str, styles: dict, space_after: float) -> Box:
    """Short lines printed one per row (wrapped with a hanging indent if one is too long)."""
    ops: list[Op] = []
    y = 0.0
    for row in rows:
        sub = text_box(clean(row), style_key, styles, hanging=12.0)
        ops += [Op(o.kind, o.x, o.y + y, o.text, o.style) for o in sub.ops]
        y += sub.height
    return Box(ops, y, space_after)


def figure_box(caption: str, seed: int) -> Box:
    """A text-free bar chart with its caption underneath."""
    chart_w, chart_h = 250.0, 100.0
    x0 = MARGIN_X + (TEXT_WIDTH - chart_w) / 2
    cap = text_box(clean(caption), "caption", ARTICLE_STYLES, x=MARGIN_X + 20, max_width=TEXT_WIDTH - 40)
    ops = [Op("chart", x0, 4.0, x1=x0 + chart_w, height=chart_h, seed=seed)]
    ops += [Op(o.kind, o.x, o.y + chart_h + 14, o.text, o.style) for o in cap.ops]
    return Box(ops, chart_h + 14 + cap.height, space_after=12.0)


def table_box(caption: str, rows: list[tuple[str, ...]]) -> Box:
    """A caption above a small ruled table whose first row is the header."""
    cap = text_box(clean(caption), "caption", ARTICLE_STYLES, x=MARGIN_X + 20, max_width=TEXT_WIDTH - 40)
    style = ARTICLE_STYLES["table"]
    x0, first_col = MARGIN_X + 20, 140.0
    col = min(70.0, (TEXT_WIDTH - 40 - first_col) / max(len(rows[0]) - 1, 1))
    x1 = x0 + first_col + col * (len(rows[0]) - 1)
    top = cap.height + 6
    ops = list(cap.ops) + [Op("rule", x0, top, x1=x1)]
    for r, row in enumerate(rows):
        baseline = top + style.size + 3 + r * style.leading
        for c, cell in enumerate(row):
            ops.append(Op("text", x0 + (first_col + (c - 1) * col if c else 0.0), baseline, clean(cell), "table"))
        if r == 0:
            ops.append(Op("rule", x0, baseline + 3.2, x1=x1))
    bottom = baseline + 4
    ops.append(Op("rule", x0, bottom, x1=x1))
    return Box(ops, bottom + 2, space_after=12.0)


def paragraph_text(block: dict, article: dict) -> str:
    """A paragraph as printed: cleaned, with ligatures, mojibake or hyphenation marks when asked."""
    text = clean(block["text"])
    if article.get("ligatures"):
        text = ligate(text)
    if block.get("mojibake"):
        text = mojibake(text)
    elif article.get("hyphenate"):
        text = mark_hyphenation(text)
    return text


def block_boxes(block: dict, article: dict, index: int) -> list[Box]:
    """The boxes of one article block (a reference list gives one box per entry)."""
    kind = block["kind"]
    plants = list(block.get("plants", []))
    if kind == "heading":
        box = text_box(clean(block["text"]), "heading", ARTICLE_STYLES, space_after=3.0)
        box.keep_with_next = True
        return [box]
    if kind == "para":
        box = text_box(paragraph_text(block, article), "body", ARTICLE_STYLES, space_after=8.0)
        box.plants = plants
        if block.get("mojibake"):
            sample = mojibake(clean("prévalence, débit, à partir de l'équation"))
            box.plants.append(Plant(
                "heuristic_extract", "mojibake_fixed",
                f"Paragraph printed as mojibake (its UTF-8 bytes read as Windows-1252, e.g. '{sample}').",
            ))
        return [box]
    if kind == "figure":
        box = figure_box(block["caption"], seed=index)
        box.plants = [_caption_plant(block["caption"])]
        return [box]
    if kind == "table":
        box = table_box(block["caption"], block["rows"])
        box.plants = [_caption_plant(block["caption"])] + plants
        return [box]
    if kind == "references":
        return references_boxes(block)
    if kind == "lines":
        box = rows_box(block["rows"], "small", ARTICLE_STYLES, space_after=10.0)
        box.plants = plants
        return [box]
    if kind == "page_break":
        return [Box([], 0.0, page_break=True)]
    raise ValueError(f"unknown block kind {kind!r}")


def _caption_plant(caption: str) -> Plant:
    words = clean(caption).split()
    return Plant("heuristic_extract", "caption_removed", f"Caption '{' '.join(words[:7])} …' between paragraphs.")


def references_boxes(block: dict) -> list[Box]:
    """A reference list: its heading, then one box per numbered entry (entries may cross pages)."""
    head = text_box(clean(block["title"]), "heading", ARTICLE_STYLES, space_after=3.0)
    head.keep_with_next = True
    head.plants = [Plant(
        "heuristic_extract", "references_removed",
        f"Reference list '{block['title']}' at the end of the article: {len(block['entries'])} numbered "
        "entries (fictional authors, journal, year, DOI-like strings).",
    )]
    boxes = [head]
    for number, entry in enumerate(block["entries"], 1):
        boxes.append(text_box(f"{number}. {clean(entry)}", "ref", ARTICLE_STYLES, space_after=3.0, hanging=14.0))
    boxes[-1].space_after = 10.0
    return boxes


def title_boxes(article: dict) -> list[Box]:
    """Title, authors, affiliation and optional contact block at the top of page 1."""
    boxes = [
        text_box(clean(article["title"]), "title", ARTICLE_STYLES, space_after=6.0),
        text_box(", ".join(article["authors"]), "byline", ARTICLE_STYLES, space_after=2.0),
        text_box(clean(article["affiliation"]), "small", ARTICLE_STYLES, space_after=8.0),
    ]
    contact = article.get("contact")
    if contact:
        box = rows_box(contact["rows"], "small", ARTICLE_STYLES, space_after=8.0)
        box.plants = list(contact["plants"])
        boxes.append(box)
    boxes[-1].ops.append(Op("rule", MARGIN_X, boxes[-1].height + 4, x1=MARGIN_X + TEXT_WIDTH))
    boxes[-1].space_after += 10.0
    return boxes


def paginate(boxes: list[Box], top: float = TOP, bottom: float = BOTTOM) -> Placed:
    """Put boxes on pages: a box never splits, a heading stays with the box after it."""
    pages: list[list[Op]] = [[]]
    events: list[tuple[int, Plant]] = []
    hyphenated: dict[int, list[str]] = defaultdict(list)
    y = top
    for i, box in enumerate(boxes):
        if box.page_break:
            pages.append([])
            y = top
            continue
        need = box.height
        if box.keep_with_next and i + 1 < len(boxes):
            need += box.space_after + boxes[i + 1].height
        if y + need > bottom and y > top:
            pages.append([])
            y = top
        page_no = len(pages)
        pages[-1] += [Op(o.kind, o.x, o.y + y, o.text, o.style, o.x1, o.height, o.seed) for o in box.ops]
        events += [(page_no, plant) for plant in box.plants]
        hyphenated[page_no] += box.hyphenated
        y += box.height + box.space_after
    return Placed(pages, events, dict(hyphenated))


def layout_article(article: dict) -> Placed:
    """Lay out a whole article."""
    boxes = title_boxes(article)
    for index, block in enumerate(article["blocks"]):
        boxes += block_boxes(block, article, index)
    return paginate(boxes)


# --- drawing --------------------------------------------------------------------------------------


def header_ops(header: dict) -> list[Op]:
    """Running header of an article page: left and right parts and a rule (drawn first)."""
    right = clean(header["right"])
    return [
        Op("text", MARGIN_X, HEADER_BASELINE, clean(header["left"]), "running"),
        Op("text", PAGE.width - MARGIN_X - width(right, ARTICLE_STYLES["running"]), HEADER_BASELINE, right, "running"),
        Op("rule", MARGIN_X, HEADER_BASELINE + 5, x1=PAGE.width - MARGIN_X),
    ]


def footer_ops(header: dict, number: int, count: int) -> list[Op]:
    """Page number of an article page, centered at the bottom (drawn last)."""
    label = {"page_of": f"Page {number} / {count}", "bare": str(number), "dash": f"— {number} —"}[header["footer"]]
    return [Op("text", (PAGE.width - width(label, ARTICLE_STYLES["running"])) / 2, FOOTER_BASELINE, label, "running")]


def draw_ops(page: pymupdf.Page, ops: list[Op], styles: dict, morph=None) -> list[str]:
    """Draw operations on a page (text and rules in one content stream); returns the strings drawn."""
    for key, name in FONT_FILES.items():
        page.insert_font(fontname=key, fontfile=str(FONT_DIR / name))
    shape = page.new_shape()
    drawn = []
    for op in ops:
        if op.kind == "text":
            style = styles[op.style]
            shape.insert_text((op.x, op.y), op.text, fontname=style.font, fontsize=style.size, morph=morph)
            drawn.append(op.text)
        elif op.kind == "rule":
            shape.draw_line((op.x, op.y), (op.x1, op.y))
            shape.finish(color=(0.3, 0.3, 0.3), width=0.5, morph=morph)
    shape.commit()
    for op in ops:
        if op.kind == "chart":
            draw_chart(page, pymupdf.Rect(op.x, op.y, op.x1, op.y + op.height), op.seed)
    return drawn


def draw_chart(page: pymupdf.Page, rect: pymupdf.Rect, seed: int) -> None:
    """A simple bar chart without any text: axes, grid lines and a few gray bars."""
    rng = np.random.default_rng(seed)
    shape = page.new_shape()
    for k in range(1, 4):
        y = rect.y1 - k * rect.height / 4
        shape.draw_line((rect.x0, y), (rect.x1, y))
    shape.finish(color=(0.8, 0.8, 0.8), width=0.4)
    count = int(rng.integers(4, 7))
    slot = rect.width / count
    for k in range(count):
        height = rect.height * float(rng.uniform(0.25, 0.95))
        x = rect.x0 + k * slot + slot * 0.2
        shape.draw_rect(pymupdf.Rect(x, rect.y1 - height, x + slot * 0.6, rect.y1))
        shape.finish(color=(0.2, 0.2, 0.2), fill=(0.35 + 0.1 * (k % 3),) * 3, width=0.4)
    shape.draw_line(rect.bl, rect.tl)
    shape.draw_line(rect.bl, rect.br)
    shape.finish(color=(0, 0, 0), width=0.8)
    shape.commit()


def metadata(title: str, authors: list[str], subject: str) -> dict:
    """PDF metadata with fixed dates."""
    return {
        "title": clean(title),
        "author": ", ".join(authors),
        "subject": clean(subject),
        "keywords": "biomedfr; corpus d'exemple; texte original",
        "creator": "biomedfr sample corpus builder",
        "producer": "PyMuPDF",
        "creationDate": FIXED_DATE,
        "modDate": FIXED_DATE,
    }


def save(doc: pymupdf.Document, path: Path, **options) -> None:
    """Save small and reproducible: compressed, object streams, no new file identifier."""
    doc.save(path, garbage=4, deflate=True, use_objstms=1, no_new_id=True, **options)


# --- born-digital articles ------------------------------------------------------------------------


def render_article(article: dict, placed: Placed) -> tuple[pymupdf.Document, list[list[str]]]:
    """Draw an article's pages; returns the document and the strings drawn on each page."""
    doc = pymupdf.open()
    count = len(placed.pages)
    drawn_pages = []
    for number, ops in enumerate(placed.pages, 1):
        page = doc.new_page(width=PAGE.width, height=PAGE.height)
        header = article["header"]
        ops = header_ops(header) + ops + footer_ops(header, number, count)
        drawn_pages.append(draw_ops(page, ops, ARTICLE_STYLES))
    doc.set_metadata(metadata(article["title"], article["authors"], article["subject"]))
    doc.subset_fonts()
    return doc, drawn_pages


def build_article(article: dict) -> list[dict]:
    """Write one article PDF, verify it, return its ledger entries."""
    placed = layout_article(article)
    if len(placed.pages) > 3:
        raise AssertionError(f"{article['slug']}: {len(placed.pages)} pages, at most 3 expected")
    doc, drawn = render_article(article, placed)
    path = PDF_DIR / f"{article['slug']}.pdf"
    save(doc, path)
    doc.close()
    verify_born_digital(path, drawn)
    return article_ledger(article, placed, drawn)


def verify_born_digital(path: Path, drawn_pages: list[list[str]]) -> None:
    """Every drawn string must be found intact in the extracted text of its page."""
    with pymupdf.open(path) as doc:
        if doc.page_count != len(drawn_pages):
            raise AssertionError(f"{path.name}: {doc.page_count} pages, {len(drawn_pages)} drawn")
        for number, (page, drawn) in enumerate(zip(doc, drawn_pages), 1):
            extracted = " ".join(page.get_text().split())
            for text in drawn:
                if " ".join(text.split()) not in extracted:
                    lost = sorted(set(text) - set(extracted))
                    raise AssertionError(
                        f"{path.name} page {number}: drawn text not extracted intact: {text!r} "
                        f"(characters missing from the page text: {lost})"
                    )
        if not doc.metadata.get("title") or not doc.metadata.get("author"):
            raise AssertionError(f"{path.name}: title or author metadata missing")


def article_ledger(article: dict, placed: Placed, drawn_pages: list[list[str]]) -> list[dict]:
    """Ledger entries of one article: running parts, hyphenation, ligatures and planted blocks."""
    doc = f"pdf/{article['slug']}.pdf"
    header = article["header"]
    labels = [footer_ops(header, n, len(placed.pages))[0].text for n in range(1, len(placed.pages) + 1)]
    entries = [
        entry(doc, None, Plant(
            "heuristic_extract", "running_header_removed",
            f"Running header '{clean(header['left'])}' with '{clean(header['right'])}' on the right, "
            "repeated at the top of every page.",
        )),
        entry(doc, None, Plant(
            "heuristic_extract", "page_number_removed",
            "Page number at the bottom of every page: " + ", ".join(f"'{label}'" for label in labels) + ".",
        )),
    ]
    entries += [entry(doc, None, with_scores(plant, article)) for plant in article.get("plants", [])]
    entries += [entry(doc, page, with_scores(plant, article)) for page, plant in placed.events]
    for page, words in sorted(placed.hyphenated.items()):
        if words:
            entries.append(entry(doc, page, Plant(
                "heuristic_extract", "hyphenation_joined",
                f"{len(words)} word{'s' if len(words) > 1 else ''} hyphenated across line breaks: "
                f"{', '.join(words)}.",
            )))
    if article.get("ligatures"):
        entries += ligature_entries(doc, drawn_pages)
    return sorted(entries, key=lambda e: (e["page"] or 0))


def ligature_entries(doc: str, drawn_pages: list[list[str]]) -> list[dict]:
    """One entry per page whose text holds Unicode ligature characters."""
    out = []
    ligature_chars = "".join(lig for _, lig in LIGATURES)
    for number, drawn in enumerate(drawn_pages, 1):
        words = [w.strip(".,;:()«»-") for line in drawn for w in line.split() if set(w) & set(ligature_chars)]
        if words:
            examples = ", ".join(f"'{w}'" for w in list(dict.fromkeys(words))[:4])
            out.append(entry(doc, number, Plant(
                "heuristic_extract", "ligature_fixed",
                f"{len(words)} words set with Unicode ligatures (ﬀ ﬁ ﬂ ﬃ ﬄ), e.g. {examples}.",
            )))
    return out


def entry(document: str, page: int | None, plant: Plant) -> dict:
    """One ledger entry."""
    return {"document": document, "page": page, "problem": plant.problem, "step": plant.step, "reason": plant.reason}


# --- the truncated PDF ----------------------------------------------------------------------------


def build_corrupt(source_slug: str) -> list[dict]:
    """Re-save one article with object streams, keep the first 40 % of its bytes, check it is unreadable."""
    with pymupdf.open(PDF_DIR / f"{source_slug}.pdf") as doc:
        data = doc.tobytes(garbage=4, deflate=True, no_new_id=True, use_objstms=1)
    cut = data[: int(len(data) * CORRUPT_FRACTION)]
    path = PDF_DIR / "corrupt-truncated.pdf"
    path.write_bytes(cut)
    behaviour = corrupt_behaviour(path)
    problem = (
        f"Copy of pdf/{source_slug}.pdf (re-saved with object streams) truncated to {len(cut)} of its "
        f"{len(data)} bytes: no '%%EOF' marker, and {behaviour}."
    )
    return [entry("pdf/corrupt-truncated.pdf", None, Plant("read", "pdf_corrupt", problem))]


def corrupt_behaviour(path: Path) -> str:
    """How pymupdf reacts to the truncated file; fails if it would read it as a valid PDF."""
    pymupdf.TOOLS.mupdf_display_errors(False)
    try:
        with pymupdf.open(path) as doc:
            pages = doc.page_count
            repaired = doc.is_repaired
    except Exception as exc:  # pymupdf raises several types for unreadable files
        return f"pymupdf fails to open it ({exc.__class__.__name__})"
    finally:
        pymupdf.TOOLS.mupdf_display_errors(True)
    if pages:
        raise AssertionError(f"{path.name}: pymupdf still reads {pages} pages — truncate further")
    return f"pymupdf opens it {'after a silent repair ' if repaired else ''}with 0 pages"


# --- scanned documents ----------------------------------------------------------------------------


def layout_scan_page(scan: dict, blocks: list[dict], number: int) -> list[Op]:
    """The operations of one scanned page, in reading order: header, body, page label (if any)."""
    boxes = []
    for block in blocks:
        if block["kind"] == "heading":
            boxes.append(text_box(clean(block["text"]), "heading", SCAN_STYLES, space_after=12.0))
        else:
            boxes.append(text_box(clean(block["text"]), "body", SCAN_STYLES, space_after=12.0))
    placed = paginate(boxes, top=96.0, bottom=PAGE.height - 80.0)
    if len(placed.pages) != 1:
        raise AssertionError(f"{scan['slug']} page {number}: text does not fit on one page")
    ops = placed.pages[0]
    style = SCAN_STYLES["running"]
    if scan.get("header"):
        ops.insert(0, Op("text", MARGIN_X, 56.0, clean(scan["header"]), "running"))
    if scan.get("page_label"):
        label = scan["page_label"].format(n=number, count=len(scan["pages"]))
        ops.append(Op("text", (PAGE.width - width(label, style)) / 2, PAGE.height - 44.0, label, "running"))
    return ops


def render_scan_image(ops: list[Op], angle: float, rng: np.random.Generator) -> bytes:
    """Render text slightly rotated to a grayscale image, add scan noise, encode as JPEG."""
    with pymupdf.open() as tmp:
        page = tmp.new_page(width=PAGE.width, height=PAGE.height)
        draw_ops(page, ops, SCAN_STYLES, morph=(PAGE.tr / 2 + PAGE.bl / 2, pymupdf.Matrix(angle)))
        pix = page.get_pixmap(dpi=SCAN_DPI, colorspace=pymupdf.csGRAY, alpha=False)
    gray = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)[:, : pix.width]
    noisy = add_scan_noise(gray, rng)
    image = pymupdf.Pixmap(pymupdf.csGRAY, pix.width, pix.height, noisy.tobytes(), False)
    image.set_dpi(SCAN_DPI, SCAN_DPI)
    return image.tobytes("jpeg", jpg_quality=JPEG_QUALITY)


def add_scan_noise(gray: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Uneven light-gray paper, slightly blurred and worn ink, a shadow along one edge, speckles."""
    h, w = gray.shape
    ink = blur(1.0 - gray.astype(np.float32) / 255.0)
    paper = 0.92 + 0.025 * smooth_field(rng, h, w)
    shadow = 1.0 - EDGE_SHADOW * np.exp(-np.arange(w, dtype=np.float32) / 30.0)
    page = (paper * (1.0 - ink) + INK_LEVEL * ink) * shadow[None, :]
    count = int(h * w * SPECKLES)
    ys, xs = rng.integers(1, h - 2, count), rng.integers(1, w - 2, count)
    page[ys, xs] = rng.uniform(0.45, 0.75, count).astype(np.float32)
    count = int(h * w * DARK_SPECKS)
    ys, xs = rng.integers(1, h - 2, count), rng.integers(1, w - 2, count)
    level = rng.uniform(0.15, 0.4, count).astype(np.float32)
    for dy, dx in ((0, 0), (1, 0), (0, 1), (1, 1)):
        page[ys + dy, xs + dx] = level
    worn = (ink > 0.5) & (rng.random((h, w)) < SALT)
    page[worn] = rng.uniform(0.6, 0.9, int(worn.sum())).astype(np.float32)
    return np.clip(np.rint(page * 255.0), 0, 255).astype(np.uint8)


def blur(image: np.ndarray) -> np.ndarray:
    """3 x 3 binomial blur."""
    p = np.pad(image, 1, mode="edge")
    v = (p[:-2] + 2 * p[1:-1] + p[2:]) / 4
    return (v[:, :-2] + 2 * v[:, 1:-1] + v[:, 2:]) / 4


def smooth_field(rng: np.random.Generator, h: int, w: int, cells: tuple[int, int] = (7, 5)) -> np.ndarray:
    """A smooth random field in about [-1, 1]: a coarse random grid, bilinearly upsampled."""
    coarse = rng.uniform(-1.0, 1.0, cells).astype(np.float32)
    ys = np.linspace(0, cells[0] - 1, h)
    xs = np.linspace(0, cells[1] - 1, w)
    rows = np.stack([np.interp(xs, np.arange(cells[1]), row) for row in coarse])
    return np.stack([np.interp(ys, np.arange(cells[0]), rows[:, j]) for j in range(w)], axis=1).astype(np.float32)


def build_scan(scan: dict) -> tuple[list[dict], list[str]]:
    """Write one image-only PDF; returns its ledger entries and the text printed on each page."""
    rng = np.random.default_rng(scan["seed"])
    doc = pymupdf.open()
    entries = [entry(f"scans/{scan['slug']}.pdf", None, plant) for plant in scan.get("plants", [])]
    printed = []
    for number, blocks in enumerate(scan["pages"], 1):
        ops = layout_scan_page(scan, blocks, number)
        printed.append(" ".join(op.text for op in ops if op.kind == "text"))
        page = doc.new_page(width=PAGE.width, height=PAGE.height)
        page.insert_image(page.rect, stream=render_scan_image(ops, scan["angle"], rng))
        for block in blocks:
            entries += [entry(f"scans/{scan['slug']}.pdf", number, plant) for plant in block.get("plants", [])]
    doc.set_metadata(metadata(scan["title"], scan["authors"], "Document numérisé (image seule)"))
    path = SCAN_DIR / f"{scan['slug']}.pdf"
    save(doc, path)
    doc.close()
    verify_scan(path, len(scan["pages"]))
    return entries, printed


def verify_scan(path: Path, pages: int) -> None:
    """A scanned PDF has the expected pages, one image each, and no text layer at all."""
    with pymupdf.open(path) as doc:
        if doc.page_count != pages:
            raise AssertionError(f"{path.name}: {doc.page_count} pages, {pages} expected")
        for number, page in enumerate(doc, 1):
            if page.get_text() != "":
                raise AssertionError(f"{path.name} page {number}: has a text layer")
            if len(page.get_images()) != 1:
                raise AssertionError(f"{path.name} page {number}: expected exactly one image")


# --- similarity checks ----------------------------------------------------------------------------


def shingles(text: str, n: int = SHINGLE) -> set[tuple[str, ...]]:
    """Word n-grams of a text (lowercased words)."""
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + n]) for i in range(max(len(words) - n + 1, 1))}


def jaccard(a: str, b: str) -> float:
    """Jaccard similarity of the word 5-gram sets of two texts."""
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


def check_near_duplicates() -> list[str]:
    """Every paragraph with ``near_of`` must be similar enough to its original, but not identical."""
    report = []
    for article in texts.ARTICLES:
        pairs = [(plain(b["text"]), plain(b["near_of"])) for b in article["blocks"] if b.get("near_of")]
        for copy, original in pairs:
            score = jaccard(copy, original)
            changed = word_change_rate(original, copy)
            if not NEAR_DUP_MIN <= score < 1.0:
                where = f"{article['slug']}: near-duplicate {copy[:40]!r}"
                raise AssertionError(f"{where}: Jaccard {score:.3f} not in [{NEAR_DUP_MIN}, 1)")
            report.append(f"{article['slug']}: 5-gram Jaccard {score:.3f}, {changed:.1%} words changed: {copy[:50]}…")
        if pairs:
            whole = jaccard(" ".join(c for c, _ in pairs), " ".join(o for _, o in pairs))
            report.append(f"{article['slug']}: all near-duplicate paragraphs together: Jaccard {whole:.3f}")
    by_slug = {article["slug"]: article for article in texts.ARTICLES}
    for article in texts.ARTICLES:
        for plant in article.get("plants", []):
            if plant.reason == "minhash_duplicate":
                other = re.search(r"pdf/([\w-]+)\.pdf", plant.problem).group(1)
                score = jaccard(body_text(article), body_text(by_slug[other]))
                if score < 0.8:
                    raise AssertionError(f"{article['slug']}: body Jaccard with {other} is {score:.3f} < 0.8")
                report.append(f"{article['slug']} vs {other}: whole body (headings and paragraphs) Jaccard {score:.3f}")
    return report


def with_scores(plant: Plant, article: dict) -> Plant:
    """Fill ``{jaccard}``, ``{changed}`` and ``{whole}`` in a problem with the article's near-duplicate scores."""
    pairs = [(plain(b["text"]), plain(b["near_of"])) for b in article["blocks"] if b.get("near_of")]
    if not pairs or "{" not in plant.problem:
        return plant
    scores = [jaccard(copy, original) for copy, original in pairs]
    changed = [word_change_rate(original, copy) for copy, original in pairs]
    whole = jaccard(" ".join(c for c, _ in pairs), " ".join(o for _, o in pairs))
    span = f"{min(scores):.2f}" if len(scores) == 1 else f"{min(scores):.2f} to {max(scores):.2f}"
    return plant._replace(problem=plant.problem.format(
        jaccard=span, changed=f"{min(changed):.0%} to {max(changed):.0%}", whole=f"{whole:.2f}",
    ))


def body_text(article: dict) -> str:
    """The headings and paragraphs of an article, as a reader should recover them."""
    return " ".join(plain(b["text"]) for b in article["blocks"] if b["kind"] in ("heading", "para"))


def word_change_rate(original: str, copy: str) -> float:
    """Share of the original's words that a word-level diff does not keep."""
    a, b = original.split(), copy.split()
    kept = sum(block.size for block in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_matching_blocks())
    return 1.0 - kept / len(a)


# --- OCR check (optional) -------------------------------------------------------------------------


def tessdata_folder() -> str | None:
    """Tesseract's language folder, from ``tesseract --list-langs``."""
    if not shutil.which("tesseract"):
        return None
    done = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False)
    found = re.search(r'List of available languages in "(.+?)"', done.stdout + done.stderr)
    return found.group(1) if found else None


def ocr_check(printed: dict[str, list[str]], dpi: int) -> list[str]:
    """OCR every scanned page with tesseract ``fra``: time, word recall, character similarity, blocks."""
    tessdata = tessdata_folder()
    if tessdata is None:
        return ["OCR check skipped: tesseract is not installed"]
    report = []
    for slug, pages in printed.items():
        with pymupdf.open(SCAN_DIR / f"{slug}.pdf") as doc:
            for number, (page, expected) in enumerate(zip(doc, pages), 1):
                start = time.perf_counter()
                textpage = page.get_textpage_ocr(language="fra", dpi=dpi, full=True, tessdata=tessdata)
                text = page.get_text(textpage=textpage)
                seconds = time.perf_counter() - start
                blocks = sum(1 for b in page.get_text("blocks", textpage=textpage) if b[4].strip())
                report.append(
                    f"{slug} p{number} @{dpi} dpi: {seconds:.1f} s, word recall {word_recall(expected, text):.1%}, "
                    f"char similarity {char_similarity(expected, text):.1%}, {blocks} text blocks"
                )
    return report


def word_recall(expected: str, found: str) -> float:
    """Share of the expected words (with multiplicity) found in the OCR output."""
    want = re.findall(r"\w+", expected.lower())
    have = defaultdict(int)
    for word in re.findall(r"\w+", found.lower()):
        have[word] += 1
    hits = 0
    for word in want:
        if have[word]:
            have[word] -= 1
            hits += 1
    return hits / len(want)


def char_similarity(expected: str, found: str) -> float:
    """difflib ratio of the two texts with whitespace normalized."""
    return difflib.SequenceMatcher(a=" ".join(expected.split()), b=" ".join(found.split()), autojunk=False).ratio()


# --- ledger and main ------------------------------------------------------------------------------

LEDGER_HEADER = """\
# Planted problems of the sample corpus's born-digital PDFs (corpus/pdf) and scans (corpus/scans).
# Written by `python -m curation.sample.build.build_pdfs`; do not edit by hand, edit
# curation/sample/build/texts_pdf.py and rebuild.
# One entry per planted problem: the document (relative to curation/sample/corpus), the 1-based page
# (null: every page, or the whole document), the problem, and the step (and reason) expected to handle it.
"""


def write_ledger(entries: list[dict]) -> None:
    """Write the ledger YAML."""
    body = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)
    LEDGER_PATH.write_text(LEDGER_HEADER + body, encoding="utf-8")


def clear_outputs() -> None:
    """Remove previously generated PDFs so that renamed documents do not linger."""
    for folder in (PDF_DIR, SCAN_DIR):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.pdf"):
            old.unlink()


def main(argv: list[str] | None = None) -> int:
    """Build everything, verify it, print a short report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ocr-check", action="store_true", help="OCR every scanned page and report quality and time")
    parser.add_argument("--ocr-dpi", type=int, default=300, help="resolution of the OCR check (default: 300)")
    args = parser.parse_args(argv)

    for line in check_near_duplicates():
        print("near-dup:", line)
    clear_outputs()
    ledger: list[dict] = []
    for article in texts.ARTICLES:
        ledger += build_article(article)
    ledger += build_corrupt(texts.CORRUPT_SOURCE)
    printed: dict[str, list[str]] = {}
    for scan in texts.SCANS:
        entries, printed[scan["slug"]] = build_scan(scan)
        ledger += entries
    write_ledger(ledger)
    merge_ledger()
    total = 0
    for path in sorted(PDF_DIR.glob("*.pdf")) + sorted(SCAN_DIR.glob("*.pdf")):
        total += path.stat().st_size
        print(f"{path.relative_to(CORPUS_DIR)}: {path.stat().st_size / 1024:.0f} KB")
    ledger_name = LEDGER_PATH.relative_to(SAMPLE_DIR.parent.parent)
    print(f"total {total / 1024:.0f} KB, {len(ledger)} ledger entries in {ledger_name}")
    if args.ocr_check:
        for line in ocr_check(printed, args.ocr_dpi):
            print("ocr:", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
