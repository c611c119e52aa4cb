"""The heuristic extractor as a pure function: text in, passages with source spans and fixes out.

``extract_passages(text, params)`` runs, in order:

1. page edges (``layout``): page numbers, then running headers and footers, are removed;
2. paragraphs (``blocks``): the remaining lines grouped into paragraphs (joined across a page break
   when a sentence runs on); reference sections and figure/table captions are removed;
3. repairs (``repair``), paragraph by paragraph: Latin ligatures, mojibake, end-of-line hyphenation,
   line unwrapping, then mojibake again (a ``Ã`` + no-break space cut at a line end is only
   recognisable once the lines are joined); the result is put in Unicode NFC form;
4. passages: one per paragraph; a heading-like paragraph (fewer than ``merge_below_words`` words and
   no final ``.``, ``!``, ``…``, ``;`` or ``,``) is merged, with a line break, into the paragraph that
   follows it rather than dropped (several in a row all go to the next real paragraph).

Every passage keeps the span of the input covering the lines it came from (``start``, ``end``), and
the result lists the fixes that changed something (``FIX_KINDS`` order).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from curation.text.blocks import Block, is_caption, paragraphs, reference_ranges
from curation.text.layout import find_page_numbers, find_running_headers, split_lines
from curation.text.repair import fix_ligatures, fix_mojibake, join_hyphenation, unwrap, words_with_hyphens
from curation.text.words import count_words

__all__ = ["FIX_KINDS", "CleaningParams", "Passage", "Extraction", "extract_passages", "is_heading_like"]

FIX_KINDS: tuple[str, ...] = (
    "running_header_removed",
    "page_number_removed",
    "references_removed",
    "caption_removed",
    "hyphenation_joined",
    "ligature_fixed",
    "mojibake_fixed",
)
"""Every fix the heuristic extractor may report, in the order it reports them."""

_NOT_HEADING_END = ".!…;,"


@dataclass(frozen=True, slots=True)
class CleaningParams:
    """Knobs of ``extract_passages`` (the ``heuristic_extract`` config maps onto these)."""

    header_lines: int = 3
    """Non-empty lines examined at the top and at the bottom of each page for running headers."""
    header_min_pages: int = 2
    """A line repeated at the page edges of at least this many pages is a running header..."""
    header_min_share: float = 0.3
    """...and so is one repeated on at least this share of the pages that hold text (never fewer than 2)."""
    merge_below_words: int = 8
    """Heading-like paragraphs with fewer words are merged into the next paragraph."""


@dataclass(frozen=True, slots=True)
class Passage:
    """One extracted passage and the span of the input it comes from."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Extraction:
    """What the extractor made of one input: passages and the fixes that changed something."""

    passages: list[Passage]
    fixes: list[str]


def is_heading_like(text: str, merge_below_words: int) -> bool:
    """Short and without a sentence-final mark: a title or section heading, not a sentence."""
    stripped = text.rstrip()
    return count_words(stripped) < merge_below_words and stripped[-1:] not in _NOT_HEADING_END


def _repair(block: Block, hyphenated: set[str], applied: set[str]) -> str:
    """The repaired, unwrapped text of one paragraph; the fixes that changed it go to ``applied``."""
    raw = "\n".join(line.text for line in block.lines)
    text = fix_ligatures(raw)
    if text != raw:
        applied.add("ligature_fixed")
    fixed = fix_mojibake(text)
    if fixed != text:
        applied.add("mojibake_fixed")
    joined = join_hyphenation(fixed, hyphenated)
    if joined != fixed:
        applied.add("hyphenation_joined")
    flat = unwrap(joined)
    refixed = fix_mojibake(flat)
    if refixed != flat:
        applied.add("mojibake_fixed")
    return unicodedata.normalize("NFC", refixed)


def _merge_headings(parts: list[tuple[str, Block]], merge_below_words: int) -> list[Passage]:
    """One passage per paragraph, heading-like paragraphs merged into the next one."""
    passages: list[Passage] = []
    pending: list[tuple[str, Block]] = []
    for index, (text, block) in enumerate(parts):
        pending.append((text, block))
        if is_heading_like(text, merge_below_words) and index < len(parts) - 1:
            continue
        passages.append(Passage("\n".join(t for t, _ in pending), pending[0][1].start, pending[-1][1].end))
        pending = []
    return passages


def extract_passages(text: str, params: CleaningParams = CleaningParams()) -> Extraction:
    """Clean ``text`` and cut it into passages (see module doc)."""
    applied: set[str] = set()
    lines = split_lines(text)
    page_numbers = find_page_numbers(lines)
    headers = find_running_headers(
        lines, params.header_lines, params.header_min_pages, params.header_min_share, skip=page_numbers
    )
    if page_numbers:
        applied.add("page_number_removed")
    if headers:
        applied.add("running_header_removed")
    blocks = paragraphs(lines, page_numbers | headers)
    dropped = {i for start, end in reference_ranges(blocks) for i in range(start, end)}
    if dropped:
        blocks = [block for i, block in enumerate(blocks) if i not in dropped]
        applied.add("references_removed")
    kept = [block for block in blocks if not is_caption(block)]
    if len(kept) < len(blocks):
        applied.add("caption_removed")
    hyphenated = words_with_hyphens(text)
    parts = [(_repair(block, hyphenated, applied), block) for block in kept]
    parts = [(repaired, block) for repaired, block in parts if repaired]
    passages = _merge_headings(parts, params.merge_below_words)
    return Extraction(passages, [fix for fix in FIX_KINDS if fix in applied])
