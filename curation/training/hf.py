"""Small helpers around transformers shared by the classifier student and the recipes (no import at load)."""

from __future__ import annotations

import contextlib

from curation.errors import require

__all__ = ["quiet_transformers"]


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
