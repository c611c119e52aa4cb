"""Paragraph and sentence spans, as ``(start, end)`` offsets into the text they come from.

Paragraphs are separated by a blank line (a run of whitespace holding two line breaks or more) or by a
page break (a run of whitespace holding a form feed ``\\f``, which is how the PDF reader ends pages).
Sentences end after ``.``, ``!``, ``?`` or ``…`` (and any closing quote or bracket right after) followed
by whitespace. Spans never include leading or trailing whitespace; empty paragraphs do not exist.
"""

from __future__ import annotations

import re

__all__ = ["paragraph_spans", "sentence_spans", "word_spans"]

_WHITESPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[»\"”’)\]]*\s+")
_NON_SPACE = re.compile(r"\S+")


def _is_paragraph_break(run: str) -> bool:
    """Whether a whitespace run separates paragraphs (a form feed, or two line breaks)."""
    return "\f" in run or run.count("\n") >= 2


def paragraph_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the paragraphs of ``text[start:end]`` (offsets into ``text``)."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _WHITESPACE.finditer(text, start, end):
        if match.start() == start:
            cursor = match.end()
            continue
        if _is_paragraph_break(match.group()):
            if match.start() > cursor:
                spans.append((cursor, match.start()))
            cursor = match.end()
    tail = text[cursor:end].rstrip()
    if tail:
        spans.append((cursor, cursor + len(tail)))
    return spans


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text[start:end]`` (offsets into ``text``)."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if match.start() > cursor:
            spans.append((cursor, match.start()))
        cursor = match.end()
    piece = text[cursor:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        spans.append((cursor + lead, cursor + lead + len(stripped)))
    return [_strip(text, s, e) for s, e in spans if text[s:e].strip()]


def word_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the whitespace-separated tokens of ``text[start:end]``."""
    end = len(text) if end is None else end
    return [(m.start(), m.end()) for m in _NON_SPACE.finditer(text, start, end)]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without its leading and trailing whitespace."""
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    return start + lead, start + len(piece.rstrip())
