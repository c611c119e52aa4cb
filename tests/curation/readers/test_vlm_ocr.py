"""``VlmOcr`` at the protocol level: a scripted ``Backend`` inside a real ``LLMClient`` and ``LLMCache``.

The rendered page must reach the request as PNG bytes; the answer's text is returned; failures map to
``ocr_failed`` / ``ocr_unavailable`` with the raw output; answers are cached (image hash in the key).
"""

from __future__ import annotations

import json
import pickle

import pymupdf
import pytest

from curation.errors import ConfigError, DocumentError
from curation.llm import LLMCache, LLMClient, LLMConfig
from curation.llm.backends.base import BackendOutput
from curation.readers.ocr import OcrEngine
from curation.readers.vlm_ocr import PageText, VlmOcr, VlmOcrConfig
from tests.curation.llm.models import ScriptedBackend

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def page():
    """One A6 page with a line of text (rendered, it is what a scan would give)."""
    pdf = pymupdf.open()
    p = pdf.new_page(width=298, height=420)
    p.insert_text((40, 60), "Le diabete de type 2.", fontsize=12)
    yield p
    pdf.close()


def make(tmp_path, answer, dpi=72):
    llm = LLMConfig(backend="openai", model="scripted-vlm", cache_dir=str(tmp_path / "cache"), max_retries=1)
    backend = ScriptedBackend(answer, model_id="scripted-vlm")
    client = LLMClient(llm, backend, LLMCache(llm.resolved_cache_dir()))
    return VlmOcr(VlmOcrConfig(llm=llm, dpi=dpi), client=client), backend


def ok(prompt, n):
    return BackendOutput(text=json.dumps({"text": "  Le diabète de type 2.\n"}, ensure_ascii=False), tokens_in=900,
                         tokens_out=12, finish_reason="stop")


def test_page_image_reaches_the_request_and_text_comes_back(tmp_path, page):
    engine, backend = make(tmp_path, ok)
    assert isinstance(engine, OcrEngine) and engine.name == "vlm:scripted-vlm"
    assert engine.ocr_page(page) == "Le diabète de type 2."
    (prompt,) = backend.batches[0]
    (image,) = prompt.images
    assert image.startswith(PNG_MAGIC)
    rendered = pymupdf.Pixmap(image)
    assert (rendered.width, rendered.height) == (298, 420)  # 72 dpi: one pixel per point
    assert prompt.schema == PageText.model_json_schema() and prompt.sampling.max_new_tokens == 4096
    assert "OCR" in prompt.messages[0]["content"]
    # same page again: served from the cache (the image's hash is part of the key)
    assert engine.ocr_page(page) == "Le diabète de type 2." and backend.calls == 1
    # another resolution is another image, hence another request
    other, again = make(tmp_path, ok, dpi=100)
    other.ocr_page(page)
    assert again.calls == 1


def test_invalid_answer_is_ocr_failed_with_the_raw_text(tmp_path, page):
    engine, backend = make(tmp_path, lambda p, n: BackendOutput(text="Voici le texte : Le diabète", finish_reason="stop"))
    with pytest.raises(DocumentError) as caught:
        engine.ocr_page(page)
    assert caught.value.reason == "ocr_failed" and "Voici le texte" in str(caught.value)
    assert "llm_invalid_json" in str(caught.value) and backend.calls == 2


def test_unreachable_model_is_ocr_unavailable(tmp_path, page):
    engine, _ = make(tmp_path, lambda p, n: BackendOutput(error="llm_timeout", message="no answer in 120 s"))
    with pytest.raises(DocumentError) as caught:
        engine.ocr_page(page)
    assert caught.value.reason == "ocr_unavailable" and "no answer in 120 s" in str(caught.value)
    assert "--retry-failed" in str(caught.value)


def test_text_backends_are_refused_and_the_engine_pickles(tmp_path):
    with pytest.raises(ConfigError, match="cannot read images"):
        VlmOcr(VlmOcrConfig(llm=LLMConfig(backend="transformers", model="m")))
    engine, _ = make(tmp_path, ok)
    clone = pickle.loads(pickle.dumps(engine))
    assert clone.name == engine.name and clone._client is None
    for name, field in VlmOcrConfig.model_fields.items():
        assert field.description, name


def test_ocr_config_selects_the_vlm_engine():
    import pytest as _pytest

    from curation.errors import ConfigError as _ConfigError
    from curation.readers.ocr import OcrConfig, build_ocr
    from curation.readers.vlm_ocr import VlmOcr as _VlmOcr

    config = OcrConfig.model_validate(
        {"engine": "vlm", "vlm": {"llm": {"backend": "openai", "model": "Qwen/Qwen2.5-VL-7B-Instruct",
                                          "base_url": "http://127.0.0.1:9/v1"}}})
    assert isinstance(build_ocr(config), _VlmOcr)
    with _pytest.raises(_ConfigError, match="ocr.vlm section"):
        build_ocr(OcrConfig(engine="vlm"))
