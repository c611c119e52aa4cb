"""PDF reader: one document per PDF file, text from pymupdf, OCR for pages without a text layer.

Text layout. Each page's text comes from its text blocks (``page.get_text("blocks")``): line breaks
inside a block are kept and blocks are separated by one blank line, so paragraph breaks stay blank
lines. Blocks are taken in the order the PDF draws them, which keeps the columns of a two-column
article apart (``sort_blocks: true`` orders them top to bottom, left to right instead).

Page boundaries. Each page but the last ends with a form feed (``\\f``, as ``pdftotext`` does), followed
by ``page_separator`` (default ``"\\n\\n"``, so pages are joined by ``"\\f\\n\\n"``). Every document
holds exactly ``page_count - 1`` form feeds (empty pages included; a form feed inside a page becomes a
line break), so page N is ``text.split("\\f")[N - 1]`` without its leading ``page_separator``, and a
page boundary is also a paragraph break (a blank line) for steps that cut at paragraph ends.

A page with fewer than ``ocr.min_text_chars`` characters (whitespace and U+FFFD not counted) and at
least one image has no text layer: the OCR engine (built once per reader) reads it, and the page is
listed in ``ocr_pages``. If OCR cannot run, the whole document fails with ``ocr_unavailable`` so a
``--retry-failed`` run reads it again once OCR is installed.

Failure reasons: ``empty_file``, ``not_a_pdf``, ``pdf_corrupt`` (cannot be opened, truncated, no
pages, a page cannot be read), ``pdf_encrypted``, ``pdf_empty`` (no text even after OCR),
``ocr_unavailable``, ``ocr_failed``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar, Iterator, Literal

from pydantic import Field

from curation.document import sha256_bytes
from curation.errors import DocumentError
from curation.readers.base import RawDoc, ReaderConfig, RecordFailure, SourceReader
from curation.readers.ocr import OcrConfig, OcrEngine, blocks_text, build_ocr

if TYPE_CHECKING:
    import pymupdf

__all__ = ["PdfReaderConfig", "PdfReader"]

HEADER_WINDOW = 1024
"""``%PDF-`` must appear in the first bytes (the spec tolerates junk before it), ``%%EOF`` in the last."""
FILENAME_TITLE = re.compile(r"(^Microsoft (Word|PowerPoint) - )|(\.(docx?|odt|rtf|tex|dvi|pdf|indd|qxd)$)", re.I)


class PdfReaderConfig(ReaderConfig):
    """Reads PDF files: one document per file."""

    format: Literal["pdf"] = "pdf"
    """Input format."""
    ocr: OcrConfig = Field(default_factory=OcrConfig)
    """OCR of pages without a text layer (scanned pages)."""
    page_separator: str = "\n\n"
    """Text put after the form feed that ends each page but the last."""
    sort_blocks: bool = False
    """Order text blocks top to bottom, left to right, instead of the order the PDF draws them."""


def _warnings() -> str:
    import pymupdf

    return pymupdf.TOOLS.mupdf_warnings().strip()


def _said(warnings: str) -> str:
    lines = list(dict.fromkeys(line for line in warnings.splitlines() if line.strip()))
    return f" (MuPDF said: {'; '.join(lines)[:600]})" if lines else ""


def _pages(count: int) -> str:
    return "its only page" if count == 1 else f"any of its {count} pages"


def _visible_chars(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace() and ch != "\ufffd")


def _authors(raw: str) -> list[str]:
    parts = raw.split(";") if ";" in raw else raw.split(",")
    return [p.strip() for p in parts if p.strip()]


def _check_bytes(data: bytes) -> None:
    """Reject what is not a whole PDF before pymupdf sees it (pymupdf silently repairs truncations)."""
    if not data:
        raise DocumentError("empty_file", "the file is empty (0 bytes) — download or copy it again")
    if b"%PDF-" not in data[:HEADER_WINDOW]:
        head = data[:16].decode("latin-1").encode("unicode_escape").decode("ascii")
        raise DocumentError(
            "not_a_pdf",
            f"not a PDF: no '%PDF-' header in the first {HEADER_WINDOW} bytes (starts with '{head}') — "
            "check what the file really is (`file <path>`), e.g. an HTML error page saved as .pdf",
        )
    if b"%%EOF" not in data[-HEADER_WINDOW:]:
        raise DocumentError(
            "pdf_corrupt",
            f"truncated PDF: no '%%EOF' marker in the last {HEADER_WINDOW} bytes ({len(data)} bytes in all) — "
            "the download or copy was cut: fetch the file again",
        )


class PdfReader(SourceReader):
    """One ``RawDoc`` per PDF file: pages' text, OCR where a page has no text layer."""

    format: ClassVar[str] = "pdf"
    default_glob: ClassVar[str] = "**/*.pdf"

    _ocr: OcrEngine | None = None

    @property
    def ocr(self) -> OcrEngine:
        """The OCR engine, built on first use."""
        if self._ocr is None:
            self._ocr = build_ocr(self.config.ocr)
        return self._ocr

    def records(self, relpath: str) -> Iterator[RawDoc | RecordFailure]:
        """The one document of a PDF file; ``DocumentError`` when the file cannot be read."""
        data = self.open_bytes(relpath)
        _check_bytes(data)
        doc = self._open(data)
        try:
            yield self._read(doc, data, relpath)
        finally:
            doc.close()

    def _open(self, data: bytes) -> "pymupdf.Document":
        import pymupdf

        pymupdf.TOOLS.mupdf_display_errors(False)
        pymupdf.TOOLS.mupdf_display_warnings(False)
        pymupdf.TOOLS.reset_mupdf_warnings()
        try:
            doc = pymupdf.open(stream=data, filetype="pdf")
        except Exception as exc:  # pymupdf raises several types for unreadable files
            raise DocumentError(
                "pdf_corrupt",
                f"pymupdf cannot open the PDF ({exc.__class__.__name__}: {exc}){_said(_warnings())} — "
                "the file is damaged: fetch it again, or try repairing it with `qpdf in.pdf out.pdf`",
            ) from exc
        if doc.needs_pass:
            doc.close()
            raise DocumentError(
                "pdf_encrypted",
                "the PDF is encrypted with a password — decrypt it first, e.g. "
                "`qpdf --password=PASSWORD --decrypt in.pdf out.pdf`, and replace the file",
            )
        if doc.page_count == 0:
            warnings = _warnings()
            doc.close()
            raise DocumentError(
                "pdf_corrupt", f"the PDF has no pages{_said(warnings)} — the file is damaged: fetch it again"
            )
        return doc

    def _read(self, doc: "pymupdf.Document", data: bytes, relpath: str) -> RawDoc:
        pages: list[str] = []
        ocr_pages: list[int] = []
        for index in range(doc.page_count):
            text, used_ocr = self._page_text(doc, index)
            pages.append(text)
            if used_ocr:
                ocr_pages.append(index + 1)
        if not any(p.strip() for p in pages):
            self._raise_empty(doc, ocr_pages)
        meta: dict = {"page_start": 1, "page_end": doc.page_count, "page_count": doc.page_count}
        info = doc.metadata or {}
        title = (info.get("title") or "").strip()
        if title and not FILENAME_TITLE.search(title):
            meta["title"] = title
        authors = _authors(info.get("author") or "")
        if authors:
            meta["authors"] = authors
        if ocr_pages:
            meta.update(ocr_pages=ocr_pages, ocr_engine=self.ocr.name)
        separator = "\f" + self.config.page_separator
        return RawDoc(
            text=separator.join(pages), native_id=relpath, locator="", sha256=sha256_bytes(data), metadata=meta
        )

    def _page_text(self, doc: "pymupdf.Document", index: int) -> tuple[str, bool]:
        """Text of one page and whether it came from OCR."""
        try:
            page = doc.load_page(index)
            text = blocks_text(page.get_text("blocks", sort=self.config.sort_blocks))
            scanned = _visible_chars(text) < self.config.ocr.min_text_chars and bool(page.get_image_info())
        except Exception as exc:  # a broken page breaks the document
            raise DocumentError(
                "pdf_corrupt",
                f"page {index + 1} of {doc.page_count} cannot be read ({exc.__class__.__name__}: {exc})"
                f"{_said(_warnings())} — the file is damaged: fetch it again, or repair it with `qpdf in.pdf out.pdf`",
            ) from exc
        if not scanned:
            return text, False
        return self.ocr.ocr_page(page), True

    def _raise_empty(self, doc: "pymupdf.Document", ocr_pages: list[int]) -> None:
        warnings = _warnings()
        if doc.is_repaired or warnings:
            raise DocumentError(
                "pdf_corrupt",
                f"no text could be read from {_pages(doc.page_count)} of a damaged PDF{_said(warnings)} — "
                "fetch it again, or repair it with `qpdf in.pdf out.pdf`",
            )
        where = f"OCR ({self.ocr.name}) of pages {ocr_pages} found no text either" if ocr_pages else (
            "no page has an image to OCR (text drawn as vector outlines, or blank pages)"
        )
        raise DocumentError(
            "pdf_empty",
            f"no text in {_pages(doc.page_count)}: {where} — check the file in a viewer; "
            "if it shows text, render it to images and OCR it, or leave it out of the source",
        )
