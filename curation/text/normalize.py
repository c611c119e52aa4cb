"""Typographic normalisation for comparing texts (fidelity, window dedup).

``normalize_for_match`` follows the paper's fidelity check (annex E): lowercase, diacritics removed,
punctuation removed, whitespace collapsed; digits are kept. Concretely each character is decomposed
(NFKD, which also expands compatibility forms: the ligature ``ﬁ`` becomes ``fi``, ``²`` becomes ``2``),
combining marks are dropped, letters are lowercased, and every character that is not a letter or a
digit becomes a space; runs of spaces collapse to one and the ends are stripped. The mapping is
computed once per distinct character and applied with ``str.translate``, so long texts are fast.
The result holds only lowercase letters, digits and single spaces, and normalising it again changes
nothing (the function is idempotent).
"""

from __future__ import annotations

import unicodedata

__all__ = ["normalize_for_match", "normalized_words"]


def _map_char(ch: str) -> str:
    """Normalised form of one character: a fixed point of the per-character rule."""
    current = ch
    for _ in range(4):  # converges in one or two rounds; bounded for safety
        decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", current).lower())
        kept = "".join(c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c) != "Mn")
        nxt = "".join(c if c.isalnum() else " " for c in kept)
        if nxt == current:
            break
        current = nxt
    return current


class _Table(dict):
    """A ``str.translate`` table filled lazily, one entry per distinct character seen."""

    def __missing__(self, codepoint: int) -> str:
        """Compute, store and return the normalised form of a character seen for the first time."""
        value = _map_char(chr(codepoint))
        self[codepoint] = value
        return value


_TABLE = _Table()


def normalize_for_match(text: str) -> str:
    """Lowercase, no diacritics, no punctuation, single spaces, digits kept. Idempotent."""
    return " ".join(text.translate(_TABLE).split())


def normalized_words(text: str) -> list[str]:
    """The words of ``normalize_for_match(text)``."""
    return text.translate(_TABLE).split()
