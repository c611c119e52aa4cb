"""Text normalisation for near-duplicate detection.

``normalize_text`` maps a text to the form its shingles are taken from:

1. Unicode NFKC (compatibility forms folded: ligatures ``ﬁ`` -> ``fi``, full-width digits, ``½`` -> ``1⁄2``);
2. lowercase;
3. punctuation, symbols and control/format characters (Unicode categories ``P*``, ``S*``, ``Cc``,
   ``Cf``, ``Cs``) replaced by a space — so ``l'enzyme`` gives the two words ``l enzyme``;
4. whitespace collapsed to single spaces, stripped at both ends.

Digits are kept as they are: ``5 mg`` and ``50 mg`` stay different words, so two leaflets that differ
only by a dosage differ by their shingles. Diacritics are kept (``côte`` and ``cote`` are different
words in French). The function is idempotent: ``normalize_text(normalize_text(t)) == normalize_text(t)``
for every string (property-tested).
"""

from __future__ import annotations

import unicodedata

NORMALIZER_VERSION = "nfkc-lower-nopunct-ws/1"
"""Recorded in signature files and in the persistent index: shingles from another version never mix."""

_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


class _SpaceTable(dict):
    """``str.translate`` table built on demand: punctuation, symbols, control and format -> space.

    Each code point is classified the first time it is seen and remembered, so the table only ever
    holds the characters that occur in the corpus.
    """

    def __missing__(self, codepoint: int) -> str:
        """Classify a code point seen for the first time, and remember it."""
        category = unicodedata.category(chr(codepoint))
        value = " " if category[0] in "PS" or category in _REMOVED_CATEGORIES else chr(codepoint)
        self[codepoint] = value
        return value


_TABLE = _SpaceTable()


def normalize_text(text: str) -> str:
    """The normalised form of ``text`` (see the module docstring); ``""`` for a text without words."""
    text = unicodedata.normalize("NFKC", text).lower()
    # Lowercasing a precomposed Greek capital followed by a combining mark (``Ϊ́``, ``Άͅ``) gives a
    # string that is no longer NFKC; normalising again keeps the function idempotent.
    text = unicodedata.normalize("NFKC", text)
    return " ".join(text.translate(_TABLE).split())
