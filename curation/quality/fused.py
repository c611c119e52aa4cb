"""The three FineWeb-2 quality filters fused: one tokenisation, one pass of statistics, same verdicts.

``FrenchQuality.check(text)`` gives the reason datatrove's ``GopherRepetitionFilter``,
``FineWebQualityFilter`` and ``GopherQualityFilter`` (configured by the same ``QualityThresholds``)
would give when run one after the other — the first failing check in datatrove's order — or ``None``
when all three keep the text. It reimplements their arithmetic exactly:

- words come from ``ChunkTokenizer`` (datatrove's spaCy words, tokenised once, cached per chunk);
- line and paragraph duplicates: ``len(x) - len(set(x))`` elements and the characters of the
  repeated ones, as ``find_duplicates``;
- most frequent word n-gram (``find_top_duplicate``): counts of n-grams of token ids (an n-gram's
  ``" ".join`` is one-to-one with its tokens, which hold no space); ties go to the n-gram seen first,
  as ``Counter.most_common(1)``; its length is the sum of its tokens' lengths plus ``n - 1``;
- repeated n-gram characters (``find_all_duplicate``, n-grams joined with ``""``, greedy scan that
  jumps ``n`` tokens after a repeat): a polynomial hash of each n-gram's joined string (vectorised) says
  which ``n`` have no repeat at all (then 0, the common case); for the others the greedy scan runs on
  the hashes, and every hash match is confirmed on the strings, so a hash collision cannot change a
  verdict (on a collision the scan falls back to strings);
- all ratios use the same integer operands and the same comparisons as datatrove.

``tests/curation/quality/test_parity.py`` checks verdicts and reasons against the stock filters.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from curation.quality.thresholds import QualityThresholds
from curation.quality.tokens import ChunkTokenizer, Powers

_PARAGRAPHS = re.compile(r"\n{2,}")
_LINE_RUNS = re.compile("\n+")
_MIX = np.uint64(0xD6E8FEB86659FD93)
_SIZE_BITS = 4  # n-gram size packed in the low bits of a hash key (sizes up to 15)


@dataclass(frozen=True, slots=True)
class QualityResult:
    """Outcome of the fused check: ``reason`` is ``None`` when the text is kept."""

    reason: str | None
    detail: str = ""


KEPT = QualityResult(None)


def _duplicates(elements: list[str]) -> tuple[int, int]:
    """(repeated elements, characters of repeated elements), as datatrove's ``find_duplicates``."""
    unique = set(elements)
    return len(elements) - len(unique), sum(map(len, elements)) - sum(map(len, unique))


def _fails(value: float, limit: float | None, above: bool = True) -> bool:
    """datatrove's ``if limit and value > limit`` (or ``<`` when ``above`` is False)."""
    if not limit:
        return False
    return value > limit if above else value < limit


class _Words:
    """The tokens of one text and the arrays derived from them, computed when first needed."""

    __slots__ = ("_powers", "_prefix", "_strings", "arr", "count", "ids", "offsets", "tok")

    def __init__(self, tok: ChunkTokenizer, ids: list[int], powers: Powers):
        self.tok = tok
        self.ids = ids
        self.count = len(ids)
        self.arr = np.fromiter(ids, dtype=np.int64, count=self.count)
        self.offsets = np.zeros(self.count + 1, dtype=np.int64)
        np.cumsum(tok.length[self.arr], out=self.offsets[1:])
        self._prefix = None
        self._strings = None
        self._powers = powers

    def strings(self) -> list[str]:
        """The tokens as strings."""
        if self._strings is None:
            self._strings = [self.tok.token(i) for i in self.ids]
        return self._strings

    def joined_length(self, start: int, n: int, sep: int) -> int:
        """Length of tokens ``start .. start+n-1`` joined with ``sep`` characters between them."""
        return int(self.offsets[start + n] - self.offsets[start]) + sep * (n - 1)

    # -- most frequent n-gram (" ".join, i.e. token tuples) ---------------------------------------
    def top_ngram(self, n: int) -> tuple[int, int]:
        """datatrove's ``find_top_duplicate(get_n_grams(words, n))`` (count x length of the most frequent
        n-gram, the first seen among ties) and that count."""
        ids = self.ids
        grams = list(zip(*(ids[k:] for k in range(n)), strict=False))
        counts = Counter(grams)
        best = max(counts.values())
        if best == 1:
            return self.joined_length(0, n, 1), 1
        top = next(gram for gram, count in counts.items() if count == best)  # first seen, as most_common(1)
        return best * self.joined_length(grams.index(top), n, 1), best

    # -- repeated n-gram characters ("".join, greedy) ----------------------------------------------
    def _ngram_keys(self, n: int) -> np.ndarray:
        """Hash of each n-gram's ``"".join`` string (polynomial hash of the string, mixed with its length)."""
        if self._prefix is None:
            self._powers.ensure(int(self.offsets[-1]) + 1)
            prefix = np.zeros(self.count + 1, dtype=np.uint64)
            np.cumsum(self.tok.hash[self.arr] * self._powers.up[self.offsets[:-1]], out=prefix[1:])
            self._prefix = prefix
        windows = self.count - n + 1
        starts = self.offsets[:windows]
        lengths = (self.offsets[n : n + windows] - starts).astype(np.uint64)
        return (self._prefix[n : n + windows] - self._prefix[:windows]) * self._powers.down[starts] * _MIX + lengths

    def sizes_with_repeats(self, sizes: list[int]) -> set[int]:
        """The sizes ``n`` for which some ``"".join`` n-gram hash occurs twice (a superset of the sizes
        with a repeated n-gram: equal strings have equal hashes). One sort for all sizes."""
        parts = [(self._ngram_keys(n) << _SIZE_BITS) | np.uint64(n) for n in sizes if self.count - n + 1 > 1]
        if not parts:
            return set()
        keys = np.sort(np.concatenate(parts))
        same = keys[1:][keys[1:] == keys[:-1]]
        return set((same & np.uint64((1 << _SIZE_BITS) - 1)).tolist())

    def duplicated_ngram_chars(self, n: int) -> int:
        """datatrove's ``find_all_duplicate(words, n)``: characters of repeated ``"".join`` n-grams
        (greedy scan on hashes; each hash match is confirmed on the strings)."""
        windows = self.count - n + 1
        if windows <= 1:
            return 0
        keys = self._ngram_keys(n).tolist()
        words = self.strings()
        offsets = self.offsets.tolist()
        first: dict[int, int] = {}
        repeated, idx = 0, 0
        while idx < windows:
            key = keys[idx]
            seen = first.get(key)
            if seen is None:
                first[key] = idx
                idx += 1
                continue
            if "".join(words[idx : idx + n]) != "".join(words[seen : seen + n]):
                return self._duplicated_ngram_chars_strings(n)  # hash collision: redo on strings
            repeated += offsets[idx + n] - offsets[idx]
            idx += n
        return repeated

    def _duplicated_ngram_chars_strings(self, n: int) -> int:
        words = self.strings()
        unique: set[str] = set()
        repeated, idx = 0, 0
        while idx < len(words) - n + 1:
            gram = "".join(words[idx : idx + n])
            if gram in unique:
                repeated += len(gram)
                idx += n
            else:
                unique.add(gram)
                idx += 1
        return repeated


class FrenchQuality:
    """The fused Gopher repetition + FineWeb quality + Gopher quality check (see the module docstring)."""

    def __init__(self, thresholds: QualityThresholds, tokenizer: ChunkTokenizer | None = None):
        from datatrove.utils.text import TERMINAL_PUNCTUATION

        self.thresholds = thresholds
        self.tokenizer = tokenizer or ChunkTokenizer(thresholds.language)
        self._terminal = frozenset(TERMINAL_PUNCTUATION)
        self._stop_words = tuple(dict.fromkeys(thresholds.gopher_quality.stop_words))

    def reason(self, text: str) -> str | None:
        """The first failing check's reason, or ``None`` when the text passes all three filters."""
        return self.check(text).reason

    def check(self, text: str) -> QualityResult:
        """The first failing check (reason and measured value), in datatrove's order."""
        state: dict = {}
        return (
            self._repetition(text, state)
            or self._fineweb(text, state)
            or self._gopher_quality(text, state)
            or KEPT
        )

    def _words(self, text: str, state: dict) -> _Words:
        words = state.get("words")
        if words is None:
            words = state["words"] = _Words(self.tokenizer, self.tokenizer.ids(text), self.tokenizer.powers)
        return words

    # -- Gopher repetition ------------------------------------------------------------------------
    def _repetition(self, text: str, state: dict) -> QualityResult | None:
        t = self.thresholds.gopher_repetition
        if not text:
            return QualityResult("gopher_rep_empty", "empty text")
        size = len(text)
        if t.dup_para_frac or t.dup_para_char_frac:
            paragraphs = _PARAGRAPHS.split(text.strip())
            dups, chars = _duplicates(paragraphs)
            if _fails(dups / len(paragraphs), t.dup_para_frac):
                return QualityResult("gopher_rep_dup_para_frac", f"{dups}/{len(paragraphs)} > {t.dup_para_frac}")
            if _fails(chars / size, t.dup_para_char_frac):
                return QualityResult("gopher_rep_dup_para_char_frac", f"{chars}/{size} > {t.dup_para_char_frac}")
        if t.dup_line_frac or t.dup_line_char_frac:
            lines = _LINE_RUNS.split(text)
            dups, chars = _duplicates(lines)
            if _fails(dups / len(lines), t.dup_line_frac):
                return QualityResult("gopher_rep_dup_line_frac", f"{dups}/{len(lines)} > {t.dup_line_frac}")
            if _fails(chars / size, t.dup_line_char_frac):
                return QualityResult("gopher_rep_dup_line_char_frac", f"{chars}/{size} > {t.dup_line_char_frac}")
        if not t.top_n_grams and not t.dup_n_grams:
            return None
        words = self._words(text, state)
        unique_from = None  # smallest n seen with no repeated n-gram: no longer n-gram repeats either
        for n, frac in t.top_n_grams:
            if words.count - n + 1 <= 0:
                continue
            if unique_from is not None and n >= unique_from:
                top = words.joined_length(0, n, 1)  # all counts 1: the first n-gram is the top one
            else:
                top, best = words.top_ngram(n)
                if best == 1:
                    unique_from = n if unique_from is None else min(unique_from, n)
            if top / size > frac:
                return QualityResult(f"gopher_rep_top_{n}_gram", f"{top}/{size} > {frac}")
        repeats = words.sizes_with_repeats([n for n, _ in t.dup_n_grams]) if t.dup_n_grams else set()
        for n, frac in t.dup_n_grams:
            chars = words.duplicated_ngram_chars(n) if n in repeats else 0
            if chars / size > frac:
                return QualityResult(f"gopher_rep_duplicated_{n}_n_grams", f"{chars}/{size} > {frac}")
        return None

    # -- FineWeb quality --------------------------------------------------------------------------
    def _fineweb(self, text: str, state: dict) -> QualityResult | None:
        t = self.thresholds.fineweb_quality
        lines = [line for line in text.split("\n") if line.strip() != ""]
        if not lines:
            return QualityResult("fineweb_empty", "no non-blank line")
        total = len(lines)
        terminal = self._terminal
        ratio = sum(1 for line in lines if line[-1] in terminal) / total
        if ratio < t.line_punct_thr and not (ratio == 0 and t.line_punct_exclude_zero):
            return QualityResult("fineweb_line_punct_ratio", f"{ratio:.3f} < {t.line_punct_thr}")
        limit = t.short_line_length
        ratio = sum(1 for line in lines if len(line) <= limit) / total
        if ratio > t.short_line_thr:
            return QualityResult("fineweb_short_line_ratio", f"{ratio:.3f} > {t.short_line_thr}")
        chars = _duplicates(lines)[1]
        ratio = chars / (len(text) - text.count("\n"))
        if ratio > t.char_duplicates_ratio:
            return QualityResult("fineweb_char_dup_ratio", f"{ratio:.3f} > {t.char_duplicates_ratio}")
        words = self._words(text, state)
        newlines = text.count("\n")
        if newlines / words.count > t.new_line_ratio:
            return QualityResult("fineweb_list_ratio", f"{newlines}/{words.count} > {t.new_line_ratio}")
        return None

    # -- Gopher quality ---------------------------------------------------------------------------
    def _gopher_quality(self, text: str, state: dict) -> QualityResult | None:
        t = self.thresholds.gopher_quality
        words = self._words(text, state)
        tok = self.tokenizer
        n_words = words.count
        non_symbol = tok.non_symbol[words.arr]
        n_non_symbol = int(non_symbol.sum())
        if t.min_doc_words and n_non_symbol < t.min_doc_words:
            return QualityResult("gopher_short_doc", f"{n_non_symbol} < {t.min_doc_words} words")
        if t.max_doc_words and n_non_symbol > t.max_doc_words:
            return QualityResult("gopher_long_doc", f"{n_non_symbol} > {t.max_doc_words} words")
        if n_non_symbol:
            average = int(tok.length[words.arr][non_symbol].sum()) / n_non_symbol
        else:
            average = float("nan")
        if _fails(average, t.min_avg_word_length, above=False):
            return QualityResult("gopher_below_avg_threshold", f"mean length {average:.2f} < {t.min_avg_word_length}")
        if _fails(average, t.max_avg_word_length):
            return QualityResult("gopher_above_avg_threshold", f"mean length {average:.2f} > {t.max_avg_word_length}")
        if t.max_symbol_word_ratio and text.count("#") / n_words > t.max_symbol_word_ratio:
            return QualityResult("gopher_too_many_hashes", f"{text.count('#')}/{n_words} > {t.max_symbol_word_ratio}")
        if t.max_symbol_word_ratio:
            ellipses = text.count("...") + text.count("…")
            if ellipses / n_words > t.max_symbol_word_ratio:
                return QualityResult("gopher_too_many_ellipsis", f"{ellipses}/{n_words} > {t.max_symbol_word_ratio}")
        lines = text.splitlines()
        if t.max_bullet_lines_ratio:
            bullets = sum(1 for s in lines if s.lstrip().startswith(("•", "-")))
            if bullets / len(lines) > t.max_bullet_lines_ratio:
                return QualityResult("gopher_too_many_bullets", f"{bullets}/{len(lines)} > {t.max_bullet_lines_ratio}")
        if t.max_ellipsis_lines_ratio:
            ending = sum(1 for s in lines if s.rstrip().endswith(("...", "…")))
            if ending / len(lines) > t.max_ellipsis_lines_ratio:
                return QualityResult(
                    "gopher_too_many_end_ellipsis", f"{ending}/{len(lines)} > {t.max_ellipsis_lines_ratio}"
                )
        if t.max_non_alpha_words_ratio:
            alpha = int(tok.alpha[words.arr].sum())
            if alpha / n_words < t.max_non_alpha_words_ratio:
                return QualityResult(
                    "gopher_below_alpha_threshold", f"{alpha}/{n_words} < {t.max_non_alpha_words_ratio}"
                )
        if t.min_stop_words:
            present = set(words.ids)
            found = 0
            for word in self._stop_words:
                token_id = tok.known(word)
                if token_id is not None and token_id in present:
                    found += 1
            if found < t.min_stop_words:
                return QualityResult("gopher_enough_stop_words", f"{found} < {t.min_stop_words} stop words")
        return None
