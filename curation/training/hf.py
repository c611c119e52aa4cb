"""Small helpers around transformers shared by the classifier student and the recipes (no import at load).

Every model and tokenizer is a local folder (nothing is downloaded): ``checkpoint_folder`` and
``local_tokenizer`` check them with one set of messages that say what is missing and how to fix it.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from curation.errors import ConfigError, require

__all__ = ["checkpoint_folder", "local_tokenizer", "quiet_transformers"]


@contextlib.contextmanager
def quiet_transformers():
    """No progress bars, load reports nor length warnings from transformers inside the block."""
    logging = require("transformers", "train", "a transformers model").utils.logging
    bars, verbosity = logging.is_progress_bar_enabled(), logging.get_verbosity()
    logging.disable_progress_bar()
    logging.set_verbosity_error()
    try:
        yield
    finally:
        logging.set_verbosity(verbosity)
        if bars:
            logging.enable_progress_bar()


def checkpoint_folder(path: str | Path, where: str, fix: str = "give a local folder saved with save_pretrained") -> Path:
    """``path`` as a folder holding ``config.json``; a ``ConfigError`` naming ``where`` otherwise."""
    folder = Path(path).expanduser()
    relative = "" if folder.is_absolute() else f" (relative to the working directory {Path.cwd()})"
    if not folder.is_dir():
        raise ConfigError(f"{where}: {folder}{relative} is not a folder — {fix}: a local HF checkpoint (config.json, "
                          "weights, tokenizer files); nothing is downloaded")
    if not (folder / "config.json").is_file():
        raise ConfigError(f"{where}: {folder}{relative} has no config.json — not a transformers checkpoint ({fix}: "
                          "model.save_pretrained and tokenizer.save_pretrained)")
    return folder


def local_tokenizer(path: str | Path, where: str) -> Any:
    """``AutoTokenizer`` from a local folder, quietly; a ``ConfigError`` naming ``where`` when it cannot load."""
    transformers = require("transformers", "train", "a transformers tokenizer")
    with quiet_transformers():
        try:
            return transformers.AutoTokenizer.from_pretrained(str(path), local_files_only=True)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"{where}: no usable tokenizer in {path} ({exc}) — save the tokenizer next to the model "
                              "(tokenizer.save_pretrained; a tokenizer.json for fast tokenizers)") from None
