"""Encoding documents: exactly the ids of ``tokenizer.encode_batch_fast(texts, add_special_tokens=False)``,
faster, by encoding each distinct *pre-token* (word) once.

A fast tokenizer runs, per text: added-token extraction, normalizer, pre-tokenizer (for byte-level
BPE: a regex split, then the byte-to-unicode mapping), then the model on each pre-token separately.
On French prose most of the time goes into the pre-tokenization machinery (alignment tracking in
Rust), not into the model. When the pipeline has a shape we can reproduce exactly, we split each text
into pre-tokens with the same regex (Python ``regex``, which has ``\\p{L}``/``\\p{N}`` like Oniguruma),
encode the pre-tokens not seen yet in one call of a copy of the tokenizer that does not split (the
byte-level mapping only), and concatenate the cached ids. The model sees exactly the same pre-tokens,
so the ids are the same.

Supported shape ("word path"): no normalizer, no ``add_special_tokens``, no BPE dropout, and a
pre-tokenizer that is ``ByteLevel(use_regex=True)`` (GPT-2 family; ``add_prefix_space`` honoured) or
``Sequence([Split(Regex, "isolated"), ByteLevel(use_regex=False)])`` (Llama-3 family). Anything else
uses the tokenizer directly. A text also goes the direct way when it holds an added token's content
(added tokens are extracted before pre-tokenization), a character outside ``SAFE_RANGES`` (ranges
where Oniguruma and ``regex`` are checked to agree), or when the split does not cover it.

Guards: at start, every assigned safe character is probed in a few contexts (its pre-tokens compared
with the tokenizer's own pre-tokenizer), characters that disagree are removed from the safe set, and a
disagreement on the generic probes (ids and pre-tokens) turns the word path off; the first texts of
every part are encoded both ways and a disagreement turns the word path off for the rest of the task
(``stats`` counts the texts encoded each way).

The cache holds at most ``MAX_CACHE`` pre-tokens (emptied when full), so memory stays bounded on any
corpus; on a Zipfian vocabulary most pre-tokens are hits after a few thousand documents.
"""

from __future__ import annotations

import json
from itertools import chain
from typing import Any

__all__ = ["SAFE_RANGES", "DocumentEncoder"]

BYTE_LEVEL_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
"""The split regex of ``tokenizers``' ``ByteLevel`` pre-tokenizer (``byte_level.rs``)."""

SAFE_RANGES = (
    (0x0000, 0x024F),  # ASCII, Latin-1, Latin Extended-A/B (œ, æ, ÿ...)
    (0x0300, 0x03FF),  # combining diacritics, Greek (α, β, µ...)
    (0x2000, 0x200A),  # spaces
    (0x2010, 0x2029),  # dashes, quotes, bullets, ellipsis, line and paragraph separators
    (0x202F, 0x205F),  # narrow no-break space (French typography), ‰, prime, medium space
    (0x2070, 0x209F),  # superscripts and subscripts
    (0x20A0, 0x20C0),  # currency signs
    (0x2100, 0x22FF),  # letterlike symbols, number forms, arrows, mathematical operators (≥, ±, →)
)
"""Code point ranges where the word path is used (typical French biomedical text stays inside)."""
SAFE_CHARACTERS = "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in SAFE_RANGES)
"""``SAFE_RANGES`` as the inside of a regex character class."""

GENERIC_PROBES = [
    "", " ", "  ", "\n", "\n\n", " \n ", "\t\tx", "a", " a", "a ", "l'enzyme", "it's we're I'd", "'S",
    "Le patient, 45 ans, présente une HTA (140/90 mmHg) depuis 2019.\n\n  Traitement : IEC 5 mg/j — suivi à J7.",
    "x  y   z    ", "123456 7.5 1,25 ½ ²", "«  guillemets  »", "a\u00a0%\u202f;", "___--__", "..!?", "'''",
    "end   ", "  start", "\r\n\r\n", "mixed\t \n\u2003text",
]
"""Texts probed both ways at start (whitespace runs, contractions, digits, punctuation, French typography)."""

MAX_CACHE = 500_000
"""Distinct pre-tokens kept in memory; the cache is emptied when it grows past this."""
VERIFY_FIRST = 8
"""Texts encoded both ways at the start of every part."""


def _word_path(config: dict[str, Any]) -> tuple[str | None, bool, str]:
    """``(split pattern, add_prefix_space, reason)`` when the pipeline has a supported shape, else
    ``(None, False, why not)``."""
    if config.get("normalizer") is not None:
        return None, False, "the tokenizer has a normalizer"
    model = config.get("model") or {}
    if model.get("dropout"):
        return None, False, "BPE dropout is on"
    pre = config.get("pre_tokenizer") or {}
    if pre.get("type") == "ByteLevel" and pre.get("use_regex", True):
        return BYTE_LEVEL_PATTERN, bool(pre.get("add_prefix_space")), "ByteLevel"
    if pre.get("type") == "Sequence":
        steps = pre.get("pretokenizers") or []
        if (len(steps) == 2 and steps[0].get("type") == "Split" and "Regex" in (steps[0].get("pattern") or {})
                and str(steps[0].get("behavior")).lower() == "isolated" and not steps[0].get("invert")
                and steps[1].get("type") == "ByteLevel" and not steps[1].get("use_regex", True)
                and not steps[1].get("add_prefix_space")):
            return steps[0]["pattern"]["Regex"], False, "Split + ByteLevel"
    return None, False, f"pre-tokenizer {pre.get('type')!r} is not reproduced"


class DocumentEncoder:
    """``encode(texts)``: the ids of each text, equal to the tokenizer's own (see the module docstring)."""

    def __init__(self, backend: Any, add_special_tokens: bool = False, max_cache: int = MAX_CACHE):
        import re

        self.backend = backend
        self.add_special_tokens = add_special_tokens
        self.max_cache = max_cache
        self.cache: dict[str, tuple[int, ...]] = {}
        self.stats = {"word_path": 0, "direct": 0}
        """Texts encoded each way."""
        self._verify = 0
        config = json.loads(backend.to_str())
        pattern, self.prefix_space, self.reason = _word_path(config)
        self.enabled = pattern is not None and not add_special_tokens
        if add_special_tokens:
            self.reason = "add_special_tokens is on"
        if not self.enabled:
            return
        try:
            import regex
        except ImportError:  # pragma: no cover - regex comes with transformers
            self.enabled, self.reason = False, "the 'regex' package is not installed"
            return
        from tokenizers import Tokenizer, pre_tokenizers

        try:
            self.split = regex.compile(pattern)
        except regex.error as exc:  # an Oniguruma pattern that Python's regex reads otherwise
            self.enabled, self.reason = False, f"the split pattern does not compile in Python ({exc})"
            return
        self.words = Tokenizer.from_str(backend.to_str())
        self.words.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
        self.words.no_truncation()
        self.words.no_padding()
        self.mapping = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
        added = [t["content"] for t in config.get("added_tokens") or [] if t.get("content")]
        self.added = re.compile("|".join(map(re.escape, sorted(added, key=len, reverse=True)))) if added else None
        self.unsafe = re.compile(f"[^{SAFE_CHARACTERS}]")
        self._probe()

    def _direct(self, texts: list[str]) -> list[list[int]]:
        encode = getattr(self.backend, "encode_batch_fast", self.backend.encode_batch)
        return [e.ids for e in encode(texts, add_special_tokens=self.add_special_tokens)]

    def _pieces(self, text: str) -> list[str] | None:
        """Our pre-tokens of ``text`` after the byte-level mapping (None when the split does not cover it)."""
        if self.prefix_space and text and not text.startswith(" "):
            text = " " + text
        words = self.split.findall(text)
        if sum(map(len, words)) != len(text):
            return None
        return [self.mapping.pre_tokenize_str(w)[0][0] for w in words if w]

    def _probe(self) -> None:
        """Check the word path against the tokenizer: ids on generic texts, and pre-tokens (a stricter test
        than ids: rare bytes may get the same ids however they are split) on every safe character."""
        import re
        import unicodedata

        def theirs(text: str) -> list[str]:
            return [p for p, _ in self.backend.pre_tokenizer.pre_tokenize_str(text)]

        if (self._words_path(GENERIC_PROBES) != self._direct(GENERIC_PROBES)
                or any(self._pieces(t) != theirs(t) for t in GENERIC_PROBES)):
            self.enabled, self.reason = False, "the generic probes disagree"
            return
        good = []
        for code in (c for lo, hi in SAFE_RANGES for c in range(lo, hi + 1)):
            char = chr(code)
            if unicodedata.category(char) == "Cn" or (self.added is not None and self.added.search(char)):
                continue  # unassigned (Unicode versions differ) or an added token
            probe = f"a{char}b {char}{char}1{char} x{char}\n{char}  {char}'s{char}'t{char}"
            if self._pieces(probe) == theirs(probe):
                good.append(code)
        runs, start = [], None
        for k, code in enumerate(good):
            if start is None:
                start = code
            if k + 1 == len(good) or good[k + 1] != code + 1:
                runs.append(f"\\u{start:04x}-\\u{code:04x}")
                start = None
        self.unsafe = re.compile(f"[^{''.join(runs)}]")
        self.cache.clear()
        self.stats = {"word_path": 0, "direct": 0}

    def _words_path(self, texts: list[str]) -> list[list[int] | None]:
        """Ids by the word path; None for the texts that must go the direct way."""
        split: list[tuple[int, list[str]]] = []
        out: list[list[int] | None] = [None] * len(texts)
        for k, text in enumerate(texts):
            if (self.added is not None and self.added.search(text)) or self.unsafe.search(text):
                continue
            if self.prefix_space and text and not text.startswith(" "):  # tokenizers leaves "" alone
                text = " " + text
            words = self.split.findall(text)
            if sum(map(len, words)) == len(text):
                split.append((k, words))
        cache = self.cache
        if len(cache) > self.max_cache:
            cache.clear()
        seen: set[str] = set()
        for _, words in split:
            seen.update(words)
        missing = list(seen - cache.keys())
        if missing:
            for word, enc in zip(missing, self.words.encode_batch_fast(missing, add_special_tokens=False)):
                cache[word] = tuple(enc.ids)
        get = cache.__getitem__
        for k, words in split:
            out[k] = list(chain.from_iterable(map(get, words)))
        return out

    def start_part(self) -> None:
        """Verify the next ``VERIFY_FIRST`` texts both ways (called at the start of every part)."""
        self._verify = VERIFY_FIRST

    def encode(self, texts: list[str]) -> list[list[int]]:
        """The ids of each text (no special tokens added unless ``add_special_tokens``)."""
        if not self.enabled:
            self.stats["direct"] += len(texts)
            return self._direct(texts)
        out = self._words_path(texts)
        check = self._verify
        if check:
            sample = [k for k, ids in enumerate(out) if ids is not None][:check]
            self._verify = max(0, check - len(sample))
            if sample and [out[k] for k in sample] != self._direct([texts[k] for k in sample]):
                self.enabled, self.reason = False, "a document disagreed with the tokenizer"
                self.stats["direct"] += len(texts)
                return self._direct(texts)
        direct = [k for k, ids in enumerate(out) if ids is None]
        if direct:
            for k, ids in zip(direct, self._direct([texts[k] for k in direct])):
                out[k] = ids
        self.stats["direct"] += len(direct)
        self.stats["word_path"] += len(texts) - len(direct)
        return out  # type: ignore[return-value]
