"""``segment``: cut a document into segments of about ``max_tokens`` tokens at paragraph ends.

Paragraphs are separated by blank lines, and a page break (``\\f``) also ends a paragraph
(``curation.text.split.paragraph_spans``). Paragraphs are packed greedily, in order, while the
segment stays within ``max_tokens`` (counted with the run's token counter, paragraph by paragraph).
A paragraph is never cut unless it alone exceeds the limit: then it is cut at sentence ends, and a
sentence longer than the limit is cut at the limit (at a space when it has one). The cut is
deterministic.

Segments tile the text: segment ``i`` is ``text[char_start:char_end]``, the first starts at 0, each
starts where the previous ends, the last ends at ``len(text)``; the whitespace between two paragraphs
stays at the end of the earlier segment, so concatenating the segments gives the text back.

Each segment is a document ``<doc id>#s<index>`` (``#s0`` for a document that fits in one) with the
parent's metadata (transient ``_`` keys left out) plus ``root_id`` (the original document's id, kept
when the parent already has one), ``parent_id``, ``passage_index`` (the segment index),
``char_start``/``char_end`` in the parent text, ``token_count`` and, for paged inputs, its own
``page_start``/``page_end``. Stats: ``segments`` (segments written). Reason: ``empty_document`` (the
text is empty or whitespace only).
"""

from __future__ import annotations

from typing import Callable, Literal

from datatrove.data import Document
from pydantic import Field

from curation.document import segment_id
from curation.steps.base import CurationStep, Excluded, StepConfig
from curation.steps.passages import page_span
from curation.steps.registry import register
from curation.text.split import paragraph_spans, sentence_spans, word_spans

__all__ = ["SegmentConfig", "Segmenter", "segment_spans"]

Span = tuple[int, int]


class SegmentConfig(StepConfig):
    """Config of ``segment``."""

    step: Literal["segment"] = "segment"
    """Step name."""
    max_tokens: int = Field(default=5000, ge=1)
    """Largest segment, in tokens of the run's token counter (the paper cuts ~5 000-token segments)."""


def _fit(text: str, start: int, cuts: list[int] | range, limit: int, count: Callable[[str], int]) -> int:
    """Index of the furthest cut in ``cuts`` with ``count(text[start:cut]) <= limit`` (-1 when none)."""
    lo, hi, best = 0, len(cuts) - 1, -1
    while lo <= hi:
        mid = (lo + hi) // 2
        if count(text[start : cuts[mid]]) <= limit:
            best, lo = mid, mid + 1
        else:
            hi = mid - 1
    return best


def _cut_at_limit(text: str, span: Span, limit: int, count: Callable[[str], int]) -> list[Span]:
    """Cut an oversize sentence into pieces of at most ``limit`` tokens, at spaces when possible.

    A whitespace-separated word holds at least one token, so a piece never holds more than ``limit``
    words: only that many cut points are tried (binary search). A single word longer than the limit is
    cut between characters.
    """
    pieces: list[Span] = []
    words = word_spans(text, *span)
    i = 0
    while i < len(words):
        start = words[i][0]
        window = words[i : i + limit]
        best = _fit(text, start, [e for _, e in window], limit, count)
        if best >= 0:
            pieces.append((start, window[best][1]))
            i += best + 1
            continue
        cursor, word_end = words[i]
        while cursor < word_end:  # one whitespace-free run longer than the limit
            stop = cursor + 1 + max(0, _fit(text, cursor, range(cursor + 1, word_end + 1), limit, count))
            pieces.append((cursor, stop))
            cursor = stop
        i += 1
    return pieces


def _pieces(text: str, limit: int, count: Callable[[str], int], counts: Callable[[list[str]], list[int]]):
    """Paragraph spans, or sentence (and sub-sentence) spans of oversize paragraphs, with token counts."""
    paragraphs = paragraph_spans(text)
    sizes = counts([text[s:e] for s, e in paragraphs])
    for (start, end), size in zip(paragraphs, sizes):
        if size <= limit:
            yield start, end, size
            continue
        for sentence in sentence_spans(text, start, end):
            size = count(text[sentence[0] : sentence[1]])
            if size <= limit:
                yield sentence[0], sentence[1], size
                continue
            for piece in _cut_at_limit(text, sentence, limit, count):
                yield piece[0], piece[1], count(text[piece[0] : piece[1]])


def segment_spans(
    text: str, limit: int, count: Callable[[str], int], counts: Callable[[list[str]], list[int]] | None = None
) -> list[Span]:
    """Spans tiling ``text`` into segments of at most ``limit`` tokens (greedy, see module doc)."""
    counts = counts or (lambda texts: [count(t) for t in texts])
    starts: list[int] = []
    total = 0
    for start, _, size in _pieces(text, limit, count, counts):
        if not starts or total + size > limit:
            starts.append(start)
            total = 0
        total += size
    if not starts:
        return []
    starts[0] = 0
    return list(zip(starts, starts[1:] + [len(text)]))


@register
class Segmenter(CurationStep):
    """Cuts each document into ~``max_tokens``-token segments at paragraph ends."""

    name = "segment"
    Config = SegmentConfig
    reasons = frozenset({"empty_document"})
    default_routes = frozenset({"extraction"})

    def process(self, doc: Document) -> list[Document] | Excluded:
        """The segments of ``doc``, or ``empty_document`` when it has no text."""
        text = doc.text
        if not text.strip():
            return Excluded("empty_document", f"{len(text)} characters, all whitespace")
        counter = self.context.token_counter
        spans = segment_spans(text, self.config.max_tokens, counter.count, counter.count_batch)
        base = {k: v for k, v in doc.metadata.items() if not k.startswith("_")}
        root = doc.metadata.get("root_id") or doc.id
        segments = []
        for index, (start, end) in enumerate(spans):
            piece = text[start:end]
            meta = dict(base, root_id=root, parent_id=doc.id, passage_index=index, char_start=start, char_end=end,
                        token_count=counter.count(piece))
            meta.update(page_span(doc, start, end))
            segments.append(Document(text=piece, id=segment_id(doc.id, index), metadata=meta))
        self.stat_update("segments", value=len(segments))
        return segments
