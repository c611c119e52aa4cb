"""Word counts and letter share, as the passage filter measures them.

A word is a whitespace-separated token holding at least one letter or digit: ``l’hypertension`` is one
word, ``≥`` and ``—`` are none. The letter share is the number of alphabetic characters divided by
the number of non-space characters (0.0 for a text without any).
"""

from __future__ import annotations

__all__ = ["words", "count_words", "alpha_ratio"]


def words(text: str) -> list[str]:
    """Whitespace tokens that hold at least one letter or digit."""
    return [tok for tok in text.split() if any(ch.isalnum() for ch in tok)]


def count_words(text: str) -> int:
    """Number of ``words`` in ``text``."""
    return sum(1 for tok in text.split() if any(ch.isalnum() for ch in tok))


def alpha_ratio(text: str) -> float:
    """Share of alphabetic characters among the non-space characters (0.0 when there are none)."""
    visible = 0
    letters = 0
    for ch in text:
        if ch.isspace():
            continue
        visible += 1
        if ch.isalpha():
            letters += 1
    return letters / visible if visible else 0.0
