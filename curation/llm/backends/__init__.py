"""LLM backends: one class per way of running a model, all behind ``Backend.generate``.

Concrete backends import their heavy dependency (``openai``, ``vllm``) only when instantiated.
"""

from curation.llm.backends.base import Backend, BackendOutput, BackendPrompt

__all__ = ["Backend", "BackendOutput", "BackendPrompt"]
