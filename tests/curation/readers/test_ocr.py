"""OCR engines: tesseract really reads a scanned French page; unavailable engines say how to fix it."""

from __future__ import annotations

import time

import pymupdf
import pytest
from pydantic import ValidationError

from curation.errors import DocumentError
from curation.readers.ocr import NoOcr, OcrConfig, TesseractOcr, build_ocr, tesseract_status

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SCAN_LINES = [
    "La fièvre typhoïde est une maladie infectieuse.",
    "Le médecin prescrit un traitement antibiotique.",
    "Les symptômes disparaissent après une semaine.",
]


def add_scanned_page(doc: pymupdf.Document, lines: list[str] = SCAN_LINES, dpi: int = 150) -> None:
    """Append an image-only page: text rendered to a pixmap, inserted as a picture (no text layer)."""
    src = pymupdf.open()
    page = src.new_page()
    page.insert_font(fontname="dv", fontfile=FONT)
    for i, line in enumerate(lines):
        page.insert_text((60, 100 + 30 * i), line, fontname="dv", fontsize=14)
    pix = page.get_pixmap(dpi=dpi)
    scan = doc.new_page(width=page.rect.width, height=page.rect.height)
    scan.insert_image(scan.rect, pixmap=pix)


@pytest.fixture(scope="module")
def scanned() -> pymupdf.Document:
    doc = pymupdf.open()
    add_scanned_page(doc)
    return pymupdf.open(stream=doc.tobytes(), filetype="pdf")


def test_config_defaults_and_strictness():
    config = OcrConfig()
    assert (config.engine, config.language, config.dpi, config.min_text_chars) == ("tesseract", "fra", 300, 20)
    with pytest.raises(ValidationError):
        OcrConfig(langage="fra")
    assert all(f.description for f in OcrConfig.model_fields.values())


def test_build_ocr_picks_the_engine():
    assert isinstance(build_ocr(OcrConfig()), TesseractOcr)
    assert build_ocr(OcrConfig()).name == "tesseract:fra"
    assert isinstance(build_ocr(OcrConfig(engine="none")), NoOcr)


def test_tesseract_reads_french_scan(scanned):
    engine = TesseractOcr(OcrConfig())
    start = time.perf_counter()
    text = engine.ocr_page(scanned[0])
    elapsed = time.perf_counter() - start
    for word in ("fièvre", "typhoïde", "maladie", "médecin", "antibiotique", "symptômes"):
        assert word in text, text
    assert elapsed < 15


def test_missing_binary_is_unavailable(scanned):
    engine = TesseractOcr(OcrConfig(tesseract_cmd="/nonexistent/tesseract"))
    with pytest.raises(DocumentError) as info:
        engine.ocr_page(scanned[0])
    assert info.value.reason == "ocr_unavailable"
    message = str(info.value)
    assert "page 1 has no text layer" in message
    assert "apt-get install tesseract-ocr tesseract-ocr-fra" in message
    assert "--retry-failed" in message


def test_missing_language_pack_is_unavailable(scanned):
    status = tesseract_status(None, "fra+xyz")
    assert status.tessdata is None and "'xyz'" in status.problem
    with pytest.raises(DocumentError) as info:
        TesseractOcr(OcrConfig(language="fra+xyz")).ocr_page(scanned[0])
    assert info.value.reason == "ocr_unavailable"
    assert "tesseract-ocr-fra tesseract-ocr-xyz" in str(info.value)


def test_status_is_cached_per_process():
    assert tesseract_status(None, "fra") is tesseract_status(None, "fra")
    assert tesseract_status(None, "fra").tessdata


def test_disabled_ocr_says_so(scanned):
    with pytest.raises(DocumentError) as info:
        NoOcr().ocr_page(scanned[0])
    assert info.value.reason == "ocr_unavailable"
    assert "ocr.engine: none" in str(info.value) and "apt-get install" in str(info.value)
