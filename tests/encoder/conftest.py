"""Fixtures of the encoder tests: torch on one thread, a tiny random ModernBERT on the sample tokenizer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.encoder.tiny import tiny_modernbert


@pytest.fixture(scope="session")
def tiny_encoder(sample_tokenizer, tmp_path_factory, torch_one_thread) -> Path:
    """A tiny random ModernBERT (3 layers: global, local, local; window 16) with the sample tokenizer."""
    return tiny_modernbert(tmp_path_factory.mktemp("encoders") / "tiny-modernbert", sample_tokenizer)
