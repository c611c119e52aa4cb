"""PDF reader, driven like the engine does: text, ids, metadata, OCR, and every bad file in failed/."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pymupdf
import pytest

from curation.io import read_records
from curation.manifest import Manifest
from curation.readers.ocr import OcrConfig
from curation.readers.pdf import PdfReader, PdfReaderConfig
from curation.run.context import RunContext
from curation.run.sources import ResolvedSource
from tests.curation.readers.test_ocr import FONT, add_scanned_page

PAGE1 = ["Le cœur bat à 120/min, température ≥ 38,5 °C – fièvre.", "Deuxième paragraphe : l’œdème régresse."]
PAGE2 = ["Page deux : prise en charge en réanimation."]


def add_text_page(doc: pymupdf.Document, paragraphs: list[str]) -> None:
    """Append a born-digital page, one text block per paragraph, in an embedded TrueType font."""
    page = doc.new_page()
    page.insert_font(fontname="dv", fontfile=FONT)
    for i, para in enumerate(paragraphs):
        page.insert_text((60, 80 + 40 * i), para, fontname="dv", fontsize=11)


def born_digital() -> bytes:
    doc = pymupdf.open()
    add_text_page(doc, PAGE1)
    add_text_page(doc, PAGE2)
    doc.set_metadata({"title": "Cas clinique", "author": "Marie Curie; Louis Pasteur"})
    return doc.tobytes()


def write(root: Path, relpath: str, data: bytes) -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def run_reader(root: Path, out: Path, **config) -> tuple[PdfReader, dict, list[dict]]:
    """Run a reader over ``root`` as the engine does: documents by id, and the failed records."""
    manifest = Manifest(
        name="demo", title="Demo", license="CC-BY-4.0", redistribution=True, derivatives=True,
        commercial=True, attribution="Demo authors",
    )
    reader_config = PdfReaderConfig(path=str(root), **config)
    source = ResolvedSource(
        name="demo", manifest=manifest, manifest_path="demo.yaml", route="extraction", root=str(root),
        reader=reader_config,
    )
    reader = PdfReader(source, RunContext(out_dir=str(out)))
    docs = {doc.id: doc for doc in reader.run(None, rank=0, world_size=1)}
    failed = read_records(out / "failed") if (out / "failed").exists() else []
    return reader, docs, failed


def stat(reader: PdfReader, key: str) -> int:
    return reader.stats[key].n


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pdfs")
    good = born_digital()
    write(root, "articles/good.pdf", good)
    scan = pymupdf.open()
    add_text_page(scan, PAGE2)
    add_scanned_page(scan)
    write(root, "scans/mixed.pdf", scan.tobytes())
    write(root, "bad/empty.pdf", b"")
    write(root, "bad/truncated.pdf", good[: len(good) // 2])
    write(root, "bad/truncated_tail.pdf", good[:-10])
    write(root, "bad/notes.pdf", "Ceci n'est pas un PDF.\n".encode())
    blank = pymupdf.open()
    blank.new_page()
    write(root, "bad/blank.pdf", blank.tobytes())
    locked = pymupdf.open(stream=good, filetype="pdf")
    target = root / "bad/encrypted.pdf"
    locked.save(target, encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", user_pw="user")
    return root


@pytest.fixture(scope="module")
def result(corpus, tmp_path_factory):
    return run_reader(corpus, tmp_path_factory.mktemp("run") / "out")


def test_born_digital_text_and_metadata(corpus, result):
    _, docs, _ = result
    doc = docs["demo/articles/good.pdf"]
    page1, page2 = doc.text.split("\f")
    assert page1 == "\n\n".join(PAGE1)
    assert page2 == "\n\n" + PAGE2[0]
    for char in "œé≥–’":
        assert char in doc.text
    meta = doc.metadata
    assert meta["sha256"] == hashlib.sha256((corpus / "articles/good.pdf").read_bytes()).hexdigest()
    assert (meta["page_start"], meta["page_end"], meta["page_count"]) == (1, 2, 2)
    assert meta["title"] == "Cas clinique"
    assert meta["authors"] == ["Marie Curie", "Louis Pasteur"]
    assert meta["source"] == "demo" and meta["license"] == "CC-BY-4.0" and meta["route"] == "extraction"
    assert meta["source_id"] == meta["source_path"] == "articles/good.pdf"
    assert meta.get("locator") is None
    assert "ocr_pages" not in meta and "ocr_engine" not in meta


def test_scanned_page_is_ocred(result):
    _, docs, _ = result
    doc = docs["demo/scans/mixed.pdf"]
    assert doc.metadata["ocr_pages"] == [2]
    assert doc.metadata["ocr_engine"] == "tesseract:fra"
    page1, page2 = doc.text.split("\f")
    assert page1 == PAGE2[0]
    for word in ("fièvre", "typhoïde", "médecin", "antibiotique"):
        assert word in page2, page2


EXPECTED_FAILURES = {
    "bad/empty.pdf": "empty_file",
    "bad/truncated.pdf": "pdf_corrupt",
    "bad/truncated_tail.pdf": "pdf_corrupt",
    "bad/notes.pdf": "not_a_pdf",
    "bad/blank.pdf": "pdf_empty",
    "bad/encrypted.pdf": "pdf_encrypted",
}


def test_bad_files_fail_with_their_reason(result):
    _, docs, failed = result
    assert {r["source_path"]: r["reason"] for r in failed} == EXPECTED_FAILURES
    by_path = {r["source_path"]: r for r in failed}
    for relpath, record in by_path.items():
        assert record["id"] == f"demo/{relpath}"
        assert record["step"] == "00_read_demo"
        assert record["message"].startswith(f"demo:{relpath}: ")
    assert "qpdf --password=PASSWORD --decrypt" in by_path["bad/encrypted.pdf"]["message"]
    assert "%%EOF" in by_path["bad/truncated_tail.pdf"]["message"]
    assert "0 bytes" in by_path["bad/empty.pdf"]["message"]
    assert not any(path.startswith("demo/bad/") for path in docs)


def test_stats_account_for_every_file(result):
    reader, docs, failed = result
    assert stat(reader, "in") == 8
    assert stat(reader, "kept") == len(docs) == 2
    assert stat(reader, "failed") == len(failed) == 6
    assert stat(reader, "in") == stat(reader, "kept") + stat(reader, "failed")
    for reason in set(EXPECTED_FAILURES.values()):
        assert stat(reader, f"failed.{reason}") == list(EXPECTED_FAILURES.values()).count(reason)


@pytest.mark.parametrize(
    "ocr",
    [OcrConfig(tesseract_cmd="/nonexistent/tesseract"), OcrConfig(engine="none")],
    ids=["tesseract_missing", "ocr_disabled"],
)
def test_ocr_unavailable_fails_whole_document(corpus, tmp_path, ocr):
    reader, docs, failed = run_reader(corpus, tmp_path / "out", glob="scans/*.pdf", ocr=ocr)
    assert docs == {}
    assert [(r["id"], r["reason"]) for r in failed] == [("demo/scans/mixed.pdf", "ocr_unavailable")]
    message = failed[0]["message"]
    assert "page 2 has no text layer" in message and "apt-get install" in message
    assert stat(reader, "in") == stat(reader, "failed") == 1


def test_page_separator_is_configurable(corpus, tmp_path):
    _, docs, _ = run_reader(corpus, tmp_path / "out", glob="articles/*.pdf", page_separator="\n")
    assert docs["demo/articles/good.pdf"].text == "\n\n".join(PAGE1) + "\f\n" + PAGE2[0]
    with pytest.raises(Exception, match="page_separater"):
        PdfReaderConfig(path="x", page_separater="\n")
    assert all(f.description for f in PdfReaderConfig.model_fields.values())


def test_blocks_in_drawing_order_unless_sorted(tmp_path):
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_font(fontname="dv", fontfile=FONT)
    page.insert_text((60, 400), "Drawn first, placed low.", fontname="dv", fontsize=11)
    page.insert_text((60, 100), "Drawn second, placed high.", fontname="dv", fontsize=11)
    write(tmp_path, "in/order.pdf", doc.tobytes())
    _, drawn, _ = run_reader(tmp_path / "in", tmp_path / "out1")
    _, placed, _ = run_reader(tmp_path / "in", tmp_path / "out2", sort_blocks=True)
    assert drawn["demo/order.pdf"].text == "Drawn first, placed low.\n\nDrawn second, placed high."
    assert placed["demo/order.pdf"].text == "Drawn second, placed high.\n\nDrawn first, placed low."


def test_junk_before_header_and_filename_titles(tmp_path):
    doc = pymupdf.open(stream=born_digital(), filetype="pdf")
    doc.set_metadata({"title": "Microsoft Word - cas_clinique.docx", "author": "M. Curie, L. Pasteur"})
    write(tmp_path, "in/junk.pdf", b"\r\n\r\n" + doc.tobytes())
    _, docs, failed = run_reader(tmp_path / "in", tmp_path / "out")
    assert failed == []
    meta = docs["demo/junk.pdf"].metadata
    assert "title" not in meta
    assert meta["authors"] == ["M. Curie", "L. Pasteur"]


def test_owner_password_only_is_readable(tmp_path):
    doc = pymupdf.open(stream=born_digital(), filetype="pdf")
    (tmp_path / "in").mkdir()
    doc.save(tmp_path / "in/restricted.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", user_pw="")
    _, docs, failed = run_reader(tmp_path / "in", tmp_path / "out")
    assert failed == []
    assert "cœur" in docs["demo/restricted.pdf"].text
