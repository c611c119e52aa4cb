"""OCR of pages without a text layer by a vision-language model, through the LLM layer.

``VlmOcr`` is an ``OcrEngine`` (``curation.readers.ocr``): each page is rendered with pymupdf at
``VlmOcrConfig.dpi`` to PNG bytes and sent, with the versioned prompt ``ocr_page.v1``
(``curation/prompts/ocr_page.v1.txt``: transcribe all the text of the page in reading order, change
nothing), as the image of one ``LLMRequest`` whose output model is ``PageText`` (``{"text": str}``). The
backend must accept images: ``openai`` (any OpenAI-compatible server, e.g. ``vllm serve`` with a VLM) or
``vllm`` (offline engine); ``transformers`` (a text model) is refused at construction. Answers are cached
by the LLM layer like every request (the image's sha256 is part of the key), so a re-run pays nothing.

A page whose request ends without a valid answer fails its document: ``DocumentError("ocr_unavailable")``
when the model could not be reached (``llm_timeout``, ``llm_unavailable``: re-run with ``--retry-failed``
once the server is up), ``DocumentError("ocr_failed")`` for an invalid answer (``llm_invalid_json``,
``llm_no_stop``, ``llm_repetition_loop``), with the model's raw output in the message.

The engine's ``name`` (``vlm:<model id>``) is recorded in the documents' ``ocr_engine``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from curation.errors import ConfigError, DocumentError
from curation.llm.types import LLMRequest, SamplingParams
from curation.prompts import load_prompt
from curation.readers.ocr import RETRY_HINT, OcrEngine, VlmOcrConfig

if TYPE_CHECKING:
    import pymupdf

    from curation.llm.client import LLMClient

__all__ = ["VLM_BACKENDS", "PageText", "VlmOcr", "VlmOcrConfig"]

VLM_BACKENDS: frozenset[str] = frozenset({"openai", "vllm"})
"""LLM backends that accept images."""
RAW_CHARS = 1000
"""Characters of the model's raw output kept in a failure message."""


class PageText(BaseModel):
    """The OCR answer for one page."""

    text: str
    """All the text of the page, in reading order, paragraphs separated by a blank line."""


class VlmOcr(OcrEngine):
    """OCR with a vision-language model: one LLM request per page, with the page's image."""

    def __init__(self, config: VlmOcrConfig, client: LLMClient | None = None):
        if config.llm.backend not in VLM_BACKENDS:
            raise ConfigError(f"ocr.llm.backend: {config.llm.backend!r} cannot read images — use "
                              f"{' or '.join(sorted(VLM_BACKENDS))} with a vision-language model")
        self.config = config
        self.prompt = load_prompt(config.prompt)
        self.name = f"vlm:{config.llm.model_id}"
        self._client = client

    @property
    def client(self) -> LLMClient:
        """The LLM client (built from ``config.llm`` on first use unless one was given)."""
        if self._client is None:
            from curation.llm import build_client

            self._client = build_client(self.config.llm)
        return self._client

    def __getstate__(self):
        """Picklable state (readers are shipped to workers): the client is rebuilt where it is used."""
        state = dict(self.__dict__)
        state["_client"] = None
        return state

    def request(self, png: bytes, key: str) -> LLMRequest:
        """The request for one rendered page."""
        llm = self.config.llm
        sampling = None
        if self.config.max_new_tokens is not None:
            sampling = SamplingParams(temperature=llm.temperature, max_new_tokens=self.config.max_new_tokens,
                                      top_p=llm.top_p, seed=llm.seed)
        return LLMRequest(key=key, messages=self.prompt.messages(""), output_model=PageText,
                          prompt_version=self.prompt.version, sampling=sampling, images=[png])

    def ocr_page(self, page: pymupdf.Page) -> str:
        """Text of ``page`` read by the model; ``ocr_unavailable`` or ``ocr_failed`` when it cannot."""
        number = page.number + 1
        try:
            png = page.get_pixmap(dpi=self.config.dpi).tobytes("png")
        except Exception as exc:  # a page that cannot be rendered fails its document, not the run
            raise DocumentError("ocr_failed", f"page {number}: rendering at {self.config.dpi} dpi for {self.name} "
                                              f"failed ({exc.__class__.__name__}: {exc}) — lower ocr.dpi if memory "
                                              f"ran out, {RETRY_HINT}") from exc
        (result,) = self.client.generate([self.request(png, f"page-{number}")])
        if result.ok:
            return result.value.text.strip()  # type: ignore[union-attr]
        raw = result.raw if len(result.raw) <= RAW_CHARS else result.raw[:RAW_CHARS] + f"… [{len(result.raw)} chars]"
        detail = f"({result.reason}: {result.message or 'no detail'}); raw output: {raw!r}"
        if result.reason in ("llm_timeout", "llm_unavailable"):
            raise DocumentError("ocr_unavailable", f"page {number} has no text layer and {self.name} could not be "
                                                   f"reached {detail} — check the server, {RETRY_HINT}")
        raise DocumentError("ocr_failed", f"page {number}: {self.name} gave no valid transcription after "
                                          f"{result.attempts} attempt(s) {detail} — {RETRY_HINT}")
