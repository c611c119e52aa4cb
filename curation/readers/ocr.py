"""OCR of pages without a text layer, behind one small interface so a VLM can replace tesseract.

An ``OcrEngine`` turns one ``pymupdf.Page`` into text. ``TesseractOcr`` uses pymupdf's built-in
OCR (MuPDF links the tesseract library; it only needs the language files, ``tessdata``), found
through the tesseract binary (``tesseract --list-langs`` prints the folder) or ``TESSDATA_PREFIX``.
When the engine cannot run, ``ocr_page`` raises ``DocumentError("ocr_unavailable")``: the reader
fails the whole document, so ``biomedfr curate ... --retry-failed`` reads it again once OCR is
installed. An engine error on a page is ``DocumentError("ocr_failed")``.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from curation.config import StrictModel
from curation.errors import ConfigError, DocumentError
from curation.llm.config import LLMConfig

if TYPE_CHECKING:
    import pymupdf

__all__ = ["OcrConfig", "OcrEngine", "TesseractOcr", "NoOcr", "build_ocr", "tesseract_status", "blocks_text"]

RETRY_HINT = "then re-run with `biomedfr curate ... --retry-failed`"


class VlmOcrConfig(StrictModel):
    """How a vision-language model reads pages without a text layer."""

    llm: LLMConfig
    """The vision-language model and how to reach it (backend ``openai`` or ``vllm``)."""
    dpi: int = Field(default=150, ge=36, le=600)
    """Resolution at which a page is rendered before it is sent (VLMs resize large images anyway)."""
    prompt: str = "ocr_page.v1"
    """Prompt file in ``curation/prompts/`` (its name is its version, part of every cache key)."""
    max_new_tokens: int | None = Field(default=4096, ge=1)
    """Cap on generated tokens per page; None: the ``llm`` section's ``max_new_tokens``."""



class OcrConfig(StrictModel):
    """How pages without a text layer are turned into text."""

    engine: Literal["tesseract", "vlm", "none"] = "tesseract"
    """OCR engine: ``tesseract`` (CPU), ``vlm`` (a vision-language model through the LLM layer, see
    ``vlm``), or ``none`` (a page needing OCR fails its document)."""
    vlm: VlmOcrConfig | None = None
    """The vision-language model for ``engine: vlm`` (backend ``openai`` or ``vllm``)."""
    language: str = "fra"
    """Tesseract language code(s), several joined with ``+`` (``fra+eng``)."""
    dpi: int = 300
    """Resolution at which a page is rendered for OCR."""
    min_text_chars: int = 20
    """A page with fewer extractable characters than this and at least one image has no text layer."""
    tesseract_cmd: str | None = None
    """Path to the tesseract binary (used to find its language files); default: found on PATH."""


def blocks_text(blocks: list[tuple]) -> str:
    """Text of a page from ``page.get_text("blocks")``: lines kept, one blank line between blocks.

    Image blocks are skipped, trailing spaces removed, and form feeds (page boundaries in a
    document's text) replaced by line breaks.
    """
    out = []
    for block in blocks:
        if block[6] != 0:
            continue
        lines = [line.rstrip() for line in block[4].replace("\f", "\n").splitlines()]
        text = "\n".join(lines).strip("\n")
        if text.strip():
            out.append(text)
    return "\n\n".join(out)


class OcrEngine(ABC):
    """Turns the image of one page into text."""

    name: str
    """Recorded in ``ocr_engine`` metadata, e.g. ``tesseract:fra``."""

    @abstractmethod
    def ocr_page(self, page: "pymupdf.Page") -> str:
        """Text of ``page``; ``DocumentError`` ``ocr_unavailable`` or ``ocr_failed`` when it cannot."""


@dataclass(frozen=True, slots=True)
class TesseractStatus:
    """Result of looking for tesseract: its language folder, or why it cannot run."""

    tessdata: str | None
    problem: str | None
    languages: tuple[str, ...] = ()


def _install_hint(language: str) -> str:
    packs = " ".join(f"tesseract-ocr-{code.lower().replace('_', '-')}" for code in language.split("+") if code)
    return f"install it with `apt-get install tesseract-ocr {packs}` (or set ocr.tesseract_cmd), {RETRY_HINT}"


def _list_langs(cmd: str) -> tuple[str | None, tuple[str, ...], str | None]:
    """Run ``<cmd> --list-langs``: (tessdata folder, languages, problem)."""
    try:
        done = subprocess.run([cmd, "--list-langs"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        return None, (), f"no runnable tesseract at {cmd} ({exc.__class__.__name__}: {exc})"
    output = f"{done.stdout}\n{done.stderr}"
    found = re.search(r'List of available languages in "(.+?)"', output)
    if done.returncode != 0 or not found:
        return None, (), f"`{cmd} --list-langs` failed (exit {done.returncode}): {output.strip()[:300]}"
    langs = tuple(line.strip() for line in output[found.end():].splitlines()[1:] if line.strip())
    return found.group(1), langs, None


def _folder_langs(folder: str) -> tuple[str, ...]:
    return tuple(sorted(p.name.removesuffix(".traineddata") for p in Path(folder).glob("*.traineddata")))


@functools.lru_cache(maxsize=None)
def tesseract_status(tesseract_cmd: str | None, language: str) -> TesseractStatus:
    """Find tesseract's language folder and check ``language`` is installed (cached per process)."""
    if tesseract_cmd:
        tessdata, langs, problem = _list_langs(tesseract_cmd)
    elif os.environ.get("TESSDATA_PREFIX"):
        tessdata = os.environ["TESSDATA_PREFIX"]
        langs, problem = _folder_langs(tessdata), None
    elif shutil.which("tesseract"):
        tessdata, langs, problem = _list_langs("tesseract")
    else:
        tessdata, langs, problem = None, (), "no `tesseract` on PATH"
    if problem or not tessdata:
        return TesseractStatus(None, f"tesseract is not installed ({problem})")
    if not langs:
        langs = _folder_langs(tessdata)
    missing = [code for code in language.split("+") if code and code not in langs]
    if missing:
        have = ", ".join(langs) or "none"
        return TesseractStatus(
            None, f"the tesseract language pack {'+'.join(missing)!r} is not installed (in {tessdata}: {have})", langs
        )
    return TesseractStatus(tessdata, None, langs)


class TesseractOcr(OcrEngine):
    """OCR with tesseract through pymupdf (``Page.get_textpage_ocr``), full page."""

    def __init__(self, config: OcrConfig):
        self.config = config
        self.name = f"tesseract:{config.language}"

    def ocr_page(self, page: "pymupdf.Page") -> str:
        import pymupdf

        number = page.number + 1
        status = tesseract_status(self.config.tesseract_cmd, self.config.language)
        if status.tessdata is None:
            raise DocumentError(
                "ocr_unavailable",
                f"page {number} has no text layer and {status.problem} — {_install_hint(self.config.language)}",
            )
        pymupdf.TOOLS.reset_mupdf_warnings()
        try:
            textpage = page.get_textpage_ocr(
                language=self.config.language, dpi=self.config.dpi, full=True, tessdata=status.tessdata
            )
            blocks = page.get_text("blocks", textpage=textpage)
        except Exception as exc:  # any engine error fails this document, not the run
            warnings = pymupdf.TOOLS.mupdf_warnings().strip()
            detail = f"; MuPDF said: {warnings[:500]}" if warnings else ""
            raise DocumentError(
                "ocr_failed",
                f"page {number}: OCR with {self.name} at {self.config.dpi} dpi failed "
                f"({exc.__class__.__name__}: {exc}){detail} — check the page renders (e.g. open it in a viewer), "
                f"or lower ocr.dpi if memory ran out, {RETRY_HINT}",
            ) from exc
        return blocks_text(blocks)


class NoOcr(OcrEngine):
    """OCR disabled in the recipe: any page that needs OCR fails its document."""

    name = "none"

    def ocr_page(self, page: "pymupdf.Page") -> str:
        raise DocumentError(
            "ocr_unavailable",
            f"page {page.number + 1} has no text layer and OCR is disabled in the recipe (`ocr.engine: none`) — "
            f"set `ocr.engine: tesseract` and install it with `apt-get install tesseract-ocr tesseract-ocr-fra`, "
            f"{RETRY_HINT}",
        )


def build_ocr(config: OcrConfig) -> OcrEngine:
    """The OCR engine a config asks for."""
    if config.engine == "none":
        return NoOcr()
    if config.engine == "vlm":
        if config.vlm is None:
            raise ConfigError("ocr.engine: vlm needs an ocr.vlm section with llm: {backend: openai|vllm, model: ...}")
        from curation.readers.vlm_ocr import VlmOcr

        return VlmOcr(config.vlm)
    return TesseractOcr(config)
