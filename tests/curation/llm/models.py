"""Output models and a scripted backend shared by the LLM-layer tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field

from curation.llm.backends.base import Backend, BackendOutput, BackendPrompt
from curation.llm.types import LLMRequest

ContentType = Literal["research_findings", "medical_knowledge", "clinical_guidance", "research_methodology",
                      "drug_information", "background_review", "policy_administrative", "patient_case", "other"]


class Passages(BaseModel):
    """The extraction answer: a list of passages."""

    passages: list[str]


class Annotation(BaseModel):
    """The annotation answer: four bounded scores and a content type."""

    edu: int = Field(ge=1, le=10)
    cont: int = Field(ge=1, le=10)
    writ: int = Field(ge=1, le=10)
    term: int = Field(ge=1, le=10)
    content_type: ContentType


def request(key: str, text: str, model: type[BaseModel] = Passages, version: str = "v1", **kw) -> LLMRequest:
    """A one-message request."""
    return LLMRequest(key=key, messages=[{"role": "system", "content": "Réponds en JSON."},
                                         {"role": "user", "content": text}],
                      output_model=model, prompt_version=version, **kw)


class ScriptedBackend(Backend):
    """A real ``Backend`` whose answers come from ``answer(prompt, nth_call_for_this_prompt_text)``."""

    def __init__(self, answer: Callable[[BackendPrompt, int], BackendOutput], model_id: str = "scripted-model"):
        self.model_id = model_id
        self.answer = answer
        self.batches: list[list[BackendPrompt]] = []
        self.seen: dict[str, int] = {}
        self._lock = threading.Lock()

    def generate(self, prompts: list[BackendPrompt]) -> list[BackendOutput]:
        """Record the batch and answer each prompt."""
        self.batches.append(list(prompts))
        out = []
        for p in prompts:
            text = p.messages[-1]["content"]
            with self._lock:
                n = self.seen.get(text, 0)
                self.seen[text] = n + 1
            out.append(self.answer(p, n))
        return out

    @property
    def calls(self) -> int:
        """Prompts received so far."""
        return sum(len(b) for b in self.batches)
