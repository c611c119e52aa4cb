"""Word tokens identical to datatrove's ``split_into_words`` (spaCy's blank tokenizer), computed once.

datatrove's Gopher and FineWeb filters split a text into words with ``SpaCyTokenizer.word_tokenize``:
``spacy.blank("fr")`` run inside a ``memory_zone``, tokens stripped and empty ones dropped. Inside a
memory zone spaCy neither keeps the lexemes it creates nor caches the tokenisation of a chunk, so
every text pays the whole tokenizer again (most of the stock filters' time).

spaCy's tokenizer handles each whitespace-delimited chunk on its own (``Tokenizer.__call__`` splits
on ``str.isspace``; whitespace tokens are then dropped by datatrove), so the words of a text are the
concatenation, chunk by chunk (``text.split()``), of the tokens of each chunk, and a chunk's tokens
can be cached. ``ChunkTokenizer`` keeps that cache (token ids per chunk) and per-token attributes
(length, letters, punctuation-only, a polynomial hash) in numpy arrays indexed by token id.

A new chunk is tokenised by ``AffixRules``: spaCy's own algorithm (``Tokenizer._split_affixes`` and
``_attach_tokens`` of spaCy 3.8: special cases, ``token_match``, prefixes and suffixes stripped in a
loop, ``url_match``, infixes) ported to Python and driven by the tokenizer's own rules (its regexes
and special cases), without building spaCy documents and lexemes. The one part not ported is spaCy's
last pass, which re-applies special cases to token sequences; it can only act when some run of
consecutive tokens spells a special case, so such chunks, and chunks that are special cases
themselves, go to spaCy (inside a memory zone, as datatrove). In French, a chunk of letters only
(``str.isalpha``) is one token without asking anything: no prefix, suffix, infix or ``token_match``
rule of spaCy's French tokenizer matches letters alone (they need punctuation, symbols, digits,
quotes, hyphens or apostrophes). tests/curation/quality/test_tokens.py checks all of this against
spaCy (corpus chunks, special cases with affixes, random chunks).

Two cases use datatrove's tokenizer on the whole text instead (same words, no cache): a language whose
datatrove tokenizer is not spaCy's standard tokenizer, and texts containing ``IS_ALPHA`` (datatrove
works around a spaCy failure on that string by deleting it and tokenising again, and spaCy's answer
on it depends on what it tokenised before).
"""

from __future__ import annotations

from itertools import chain
from typing import Any

import numpy as np

from curation.errors import require

HASH_BASE = 0x9E3779B97F4A7C15 | 1
"""Odd base of the polynomial string hash (mod 2**64): ``hash(s) = sum(ord(s[k]) * BASE**k)``."""
LETTER_CHUNK_LANGUAGES = frozenset({"fr"})
"""spaCy languages whose tokenizer is checked to keep a letters-only chunk as one token (the fast path)."""


def _spacy_pipeline(language: str) -> Any:
    """A fresh copy of the spaCy pipeline datatrove uses for ``language``, or ``None`` when datatrove
    does not tokenise that language with spaCy's standard whitespace-and-affix tokenizer."""
    require("spacy", "quality", "the FineWeb-2 quality filters (spaCy word tokenizer)")
    from datatrove.utils.word_tokenizers import SpaCyTokenizer, load_tokenizer_assignments
    from spacy.tokenizer import Tokenizer

    factory = load_tokenizer_assignments().get(language)
    if factory is None:
        return None
    tokenizer = factory()
    if type(tokenizer) is not SpaCyTokenizer or tokenizer.config is not None:
        return None
    nlp = tokenizer.tokenizer
    if type(nlp.tokenizer) is not Tokenizer:
        return None
    return nlp


class AffixRules:
    """spaCy's tokenisation of one whitespace-free chunk, in Python, with a tokenizer's own rules.

    ``split(chunk)`` returns the chunk's tokens, or ``None`` when spaCy itself must be asked (the
    chunk is a special case, or a run of its tokens spells one: see the module docstring).
    """

    def __init__(self, nlp: Any):
        tokenizer = nlp.tokenizer
        self.token_match = tokenizer.token_match
        self.url_match = tokenizer.url_match
        self.prefix_search = tokenizer.prefix_search
        self.suffix_search = tokenizer.suffix_search
        self.infix_finditer = tokenizer.infix_finditer
        rules = tokenizer.rules or {}
        self.specials = frozenset(rules)
        self.longest_special = max(map(len, rules), default=0)
        self.letters_are_tokens = nlp.lang in LETTER_CHUNK_LANGUAGES

    def split(self, chunk: str) -> list[str] | None:
        """The tokens of ``chunk`` (no whitespace in it), or ``None``: ask spaCy."""
        if chunk in self.specials:
            return None
        if self.letters_are_tokens and chunk.isalpha():
            return [chunk]
        try:
            chunk.encode("utf-8")
        except UnicodeEncodeError:  # spaCy raises on it (datatrove too): let it
            return None
        prefixes: list[str] = []
        suffixes: list[str] = []
        core, matched = self._split_affixes(chunk, prefixes, suffixes)
        tokens = prefixes
        if core:
            if core in self.specials:
                return None
            tokens.extend(self._attach(core, matched))
        tokens.extend(reversed(suffixes))
        if len(tokens) > 1 and self._spells_special(tokens):
            return None
        return tokens

    def _split_affixes(self, string: str, prefixes: list[str], suffixes: list[str]) -> tuple[str, bool | None]:
        """``Tokenizer._split_affixes``: strip prefixes and suffixes until none is left. Also returns
        whether ``token_match`` matched the core (``None``: not asked for that exact string)."""
        specials = self.specials
        token_match = self.token_match
        letters = self.letters_are_tokens
        last_size = 0
        matched: bool | None = None
        while string and len(string) != last_size:
            if letters and string.isalpha():
                return string, False  # letters only: no rule applies (see the module docstring)
            matched = bool(token_match and token_match(string))
            if matched:
                break
            if string in specials:
                break
            last_size = len(string)
            pre_len = self._match_length(self.prefix_search, string)
            if pre_len:
                prefix, minus_pre = string[:pre_len], string[pre_len:]
                if minus_pre and minus_pre in specials:
                    prefixes.append(prefix)
                    return minus_pre, None
            suf_len = self._match_length(self.suffix_search, string[pre_len:])
            if suf_len:
                suffix, minus_suf = string[-suf_len:], string[:-suf_len]
                if minus_suf and minus_suf in specials:
                    suffixes.append(suffix)
                    return minus_suf, None
            if pre_len and suf_len and pre_len + suf_len <= len(string):
                prefixes.append(prefix)
                suffixes.append(suffix)
                string = string[pre_len:-suf_len]
            elif pre_len:
                prefixes.append(prefix)
                string = minus_pre
            elif suf_len:
                suffixes.append(suffix)
                string = minus_suf
            else:
                return string, matched  # unchanged: token_match was just asked about this string
        return string, matched  # left by a break: token_match was asked about this very string

    def _attach(self, string: str, matched: bool | None) -> list[str]:
        """``Tokenizer._attach_tokens`` for the core left by ``_split_affixes`` (not a special case);
        ``matched``: ``token_match``'s known answer for it, if any."""
        if self.letters_are_tokens and string.isalpha():
            return [string]
        if matched is None:
            matched = bool(self.token_match and self.token_match(string))
        if matched or (self.url_match and self.url_match(string)):
            return [string]
        matches = list(self.infix_finditer(string)) if self.infix_finditer is not None else []
        if not matches:
            return [string]
        tokens = []
        start = 0
        for match in matches:
            infix_start, infix_end = match.start(), match.end()
            if infix_start == 0:
                continue
            if infix_start != start:
                tokens.append(string[start:infix_start])
            if infix_start != infix_end:
                tokens.append(string[infix_start:infix_end])
            start = infix_end
        if string[start:]:
            tokens.append(string[start:])
        return tokens

    @staticmethod
    def _match_length(search: Any, string: str) -> int:
        if search is None:
            return 0
        match = search(string)
        return match.end() - match.start() if match is not None else 0

    def _spells_special(self, tokens: list[str]) -> bool:
        """Whether some run of consecutive tokens spells a special case (spaCy's last pass could act)."""
        specials, longest = self.specials, self.longest_special
        for i in range(len(tokens)):
            run = tokens[i]
            if run in specials:
                return True
            for token in tokens[i + 1 :]:
                run += token
                if len(run) > longest:
                    break
                if run in specials:
                    return True
        return False


class Powers:
    """Powers of ``HASH_BASE`` and of its inverse mod 2**64 (``up[k]``, ``down[k]``), grown on demand."""

    def __init__(self):
        self.up = np.ones(1, dtype=np.uint64)
        self.down = np.ones(1, dtype=np.uint64)

    def ensure(self, size: int) -> None:
        """Make ``up`` and ``down`` hold at least ``size`` powers."""
        if size <= len(self.up):
            return
        size = max(size, 2 * len(self.up))
        one = np.ones(1, dtype=np.uint64)
        inverse = pow(HASH_BASE, -1, 1 << 64)
        self.up = np.concatenate((one, np.cumprod(np.full(size - 1, HASH_BASE, dtype=np.uint64))))
        self.down = np.concatenate((one, np.cumprod(np.full(size - 1, inverse, dtype=np.uint64))))


def string_hashes(strings: list[str], powers: Powers) -> np.ndarray:
    """``sum(ord(s[k]) * HASH_BASE**k) mod 2**64`` of each non-empty string, vectorised."""
    if not strings:
        return np.zeros(0, dtype=np.uint64)
    lengths = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))
    starts = np.zeros(len(strings), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    codes = np.frombuffer("".join(strings).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    powers.ensure(int(lengths.max()) + 1)
    positions = np.arange(len(codes), dtype=np.int64) - np.repeat(starts, lengths)
    return np.add.reduceat(codes.astype(np.uint64) * powers.up[positions], starts)


class ChunkTokenizer:
    """datatrove's words of a text as token ids, with a bounded cache per whitespace-delimited chunk.

    After ``ids(text)``: ``token(i)`` is the token string, and the arrays ``length``, ``alpha`` (holds a
    letter), ``non_symbol`` (holds a character outside datatrove's ``PUNCTUATION_SET``) and ``hash``
    (polynomial hash, see ``HASH_BASE``) describe each token id. Ids are valid until the next call:
    when the cache exceeds ``max_chunks`` it is emptied (between two texts) and ids start again.
    """

    def __init__(self, language: str = "fra_Latn", max_chunks: int = 300_000):
        self.language = language
        self.max_chunks = max_chunks
        self.powers = Powers()
        self._nlp: Any = None
        self._rules: AffixRules | None = None
        self._ready = False
        self._reset()

    def __getstate__(self) -> dict:
        return {"language": self.language, "max_chunks": self.max_chunks}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["language"], state["max_chunks"])

    def _reset(self) -> None:
        self._chunks: dict[str, tuple[int, ...]] = {}
        self._vocab: dict[str, int] = {}
        self._tokens: list[str] = []
        capacity = 1024
        self.length = np.zeros(capacity, dtype=np.int64)
        self.alpha = np.zeros(capacity, dtype=bool)
        self.non_symbol = np.zeros(capacity, dtype=bool)
        self.hash = np.zeros(capacity, dtype=np.uint64)

    def prepare(self) -> bool:
        """Load spaCy (once); return whether texts are tokenised chunk by chunk with the cache (else:
        whole texts by datatrove's tokenizer). ``MissingDependencyError`` when spaCy is not installed."""
        if not self._ready:
            self._nlp = _spacy_pipeline(self.language)
            self._rules = AffixRules(self._nlp) if self._nlp is not None else None
            self._ready = True
        return self._nlp is not None

    # -- vocabulary -------------------------------------------------------------------------------
    def token(self, token_id: int) -> str:
        """The string of a token id."""
        return self._tokens[token_id]

    def known(self, token: str) -> int | None:
        """The id of a token string already in the vocabulary, or ``None``."""
        return self._vocab.get(token)

    def token_id(self, token: str) -> int:
        """The id of a token string, adding it to the vocabulary when new."""
        found = self._vocab.get(token)
        if found is None:
            self._add_tokens([token])
            found = self._vocab[token]
        return found

    def _add_tokens(self, tokens: list[str]) -> None:
        """Add new, distinct, non-empty token strings to the vocabulary with their attributes."""
        from datatrove.utils.text import PUNCTUATION_SET

        start = len(self._tokens)
        end = start + len(tokens)
        if end > len(self.length):
            self._grow(max(2 * len(self.length), end))
        for offset, token in enumerate(tokens):
            self._vocab[token] = start + offset
        self._tokens.extend(tokens)
        self.length[start:end] = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
        self.alpha[start:end] = [any(map(str.isalpha, token)) for token in tokens]
        self.non_symbol[start:end] = [not PUNCTUATION_SET.issuperset(token) for token in tokens]
        self.hash[start:end] = string_hashes(tokens, self.powers)

    def _grow(self, capacity: int) -> None:
        for name in ("length", "alpha", "non_symbol", "hash"):
            old = getattr(self, name)
            new = np.zeros(capacity, dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)

    # -- tokenisation -----------------------------------------------------------------------------
    def words(self, text: str) -> list[str]:
        """datatrove's ``split_into_words(text, language)``, as strings."""
        return [self._tokens[i] for i in self.ids(text)]

    def ids(self, text: str) -> list[int]:
        """Token ids of datatrove's ``split_into_words(text, language)``, in order."""
        self.prepare()
        if self._nlp is None or "IS_ALPHA" in text:
            from datatrove.utils.text import split_into_words

            return [self.token_id(w) for w in split_into_words(text, self.language)]
        chunks = text.split()
        if len(self._chunks) > self.max_chunks:
            self._reset()
        table = self._chunks
        try:
            return list(chain.from_iterable(map(table.__getitem__, chunks)))
        except KeyError:
            self._learn([c for c in dict.fromkeys(chunks) if c not in table])
            return list(chain.from_iterable(map(table.__getitem__, chunks)))

    def _learn(self, chunks: list[str]) -> None:
        """Tokenise new chunks (``AffixRules``, spaCy for the few it defers) and cache their token ids."""
        learned: dict[str, list[str]] = {}
        deferred = []
        split = self._rules.split
        for chunk in chunks:
            tokens = split(chunk)
            if tokens is None:
                deferred.append(chunk)
            else:
                learned[chunk] = tokens
        if deferred:
            learned.update(zip(deferred, self._spacy_tokens(deferred), strict=True))
        vocab = self._vocab
        new = list(dict.fromkeys(w for words in learned.values() for w in words if w not in vocab))
        if new:
            self._add_tokens(new)
        for chunk, words in learned.items():
            self._chunks[chunk] = tuple(vocab[w] for w in words)

    def _spacy_tokens(self, chunks: list[str]) -> list[list[str]]:
        """spaCy's tokens of each chunk, one chunk per call, inside a memory zone (as datatrove)."""
        nlp = self._nlp
        out = []
        for chunk in chunks:
            with nlp.memory_zone():
                out.append([t.text.strip() for t in nlp.tokenizer(chunk) if t.text.strip()])
        return out
