"""Word n-gram shingles and Jaccard similarity (window dedup).

Shingles are the set of the text's consecutive ``n``-word sequences, each joined by a space; a text of
fewer than ``n`` words has no ``n``-gram, so ``similarity`` compares word sets instead when either
side is that short. Two empty sets have similarity 0.0: nothing to compare is never a duplicate.
"""

from __future__ import annotations

__all__ = ["word_shingles", "jaccard", "similarity"]


def word_shingles(words: list[str], n: int) -> frozenset[str]:
    """The set of ``n``-word shingles of ``words`` (empty when there are fewer than ``n`` words)."""
    if n < 1 or len(words) < n:
        return frozenset()
    return frozenset(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))


def jaccard(a: frozenset | set, b: frozenset | set) -> float:
    """|a ∩ b| / |a ∪ b|; 0.0 when both are empty."""
    if not a and not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def similarity(words_a: list[str], words_b: list[str], n: int) -> float:
    """Jaccard of ``n``-gram shingles, or of word sets when either text has fewer than ``n`` words."""
    if len(words_a) < n or len(words_b) < n:
        return jaccard(frozenset(words_a), frozenset(words_b))
    return jaccard(word_shingles(words_a, n), word_shingles(words_b, n))
