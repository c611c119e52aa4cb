"""Paragraphs of a page layout, and the blocks the heuristic extractor drops: references and captions.

``paragraphs`` groups the lines that survive page-edge cleaning into paragraphs: a paragraph ends at a
blank line, at a page break and at a removed line. A paragraph that ends a page without final
punctuation and whose continuation on the next page starts with a lowercase letter is one paragraph
cut by the page break: the two are joined.

- References (``reference_ranges``): a paragraph whose first line is a reference heading
  (``Références``, ``Références bibliographiques``, ``Bibliographie``, ``References``, ``Bibliography``,
  optionally numbered and followed by a colon) and the reference entries that follow it, up to the
  first paragraph that is not an entry (a copyright notice or an annex after the list survives); and,
  without a heading, a trailing run of numbered entries holding at least two entries. An entry has a
  year (1900–2099) and either starts with a number (``1.``, ``[1]``, ``1)``) or carries a
  bibliographic mark (``doi:10.``, ``et al``, ``2021;15``, ``15(4):301``, ``(2020)``); only numbered
  entries count for a trailing run without heading.
- Captions (``is_caption``): a paragraph whose first line starts with ``Figure``, ``Fig.``, ``Tableau``,
  ``Table``, ``Graphique``, ``Schéma`` or ``Encadré``, a number (or roman numeral), then ``.``, ``:``,
  ``–``, ``—`` or ``-``: ``Figure 1.``, ``Fig. 2 :``, ``Tableau 3 –``, ``Table 1:``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from curation.text.layout import Line

__all__ = ["Block", "paragraphs", "reference_ranges", "is_caption"]

_FINAL_PUNCTUATION = ".!?…:;»\")]”"
_REFERENCE_HEADING = re.compile(
    r"^(?:[\dIVX]{1,4}[.)]?\s*)?(?:r[ée]f[ée]rences?(?:\s+bibliographiques?)?|bibliographie|bibliography)\s*:?$",
    re.IGNORECASE,
)
_REFERENCE_ENTRY = re.compile(r"^\s*(?:\[\d{1,3}\]|\d{1,3}[.)])\s+\S")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_BIBLIOGRAPHIC = re.compile(
    r"doi\s*:?\s*10\.\d|\bet al\b|(?<!\d)(?:19|20)\d\d[a-z]?\s*;\s*\d|\d\s*\(\d+\)\s*:\s*\d|\((?:19|20)\d\d[a-z]?\)",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"^(?:figure|fig\.|tableau|table|tab\.|graphique|sch[ée]ma|encadr[ée])\s*(?:\d{1,3}|[IVXL]{1,5})[a-z]?\s*[.:–—-]",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Block:
    """A paragraph: its lines (in text order) and their span in the text."""

    lines: list[Line]

    @property
    def start(self) -> int:
        """Start of the first line."""
        return self.lines[0].start

    @property
    def end(self) -> int:
        """End of the last line."""
        return self.lines[-1].end

    @property
    def text(self) -> str:
        """The lines joined by line breaks, stripped."""
        return "\n".join(line.text for line in self.lines).strip()

    @property
    def first_line(self) -> str:
        """The first line, stripped."""
        return self.lines[0].text.strip()


def paragraphs(lines: list[Line], removed: set[int]) -> list[Block]:
    """Group the kept, non-blank lines into paragraphs, joining paragraphs cut by a page break."""
    blocks: list[Block] = []
    current: list[Line] = []
    for index, line in enumerate(lines):
        breaks = index in removed or line.blank or (current and line.page != current[-1].page)
        if breaks and current:
            blocks.append(Block(current))
            current = []
        if index in removed or line.blank:
            continue
        current.append(line)
    if current:
        blocks.append(Block(current))
    return _join_across_pages(blocks)


def _join_across_pages(blocks: list[Block]) -> list[Block]:
    """Join each paragraph that continues the previous one across a page break."""
    joined: list[Block] = []
    for block in blocks:
        if joined and _continues(joined[-1], block):
            joined[-1] = Block(joined[-1].lines + block.lines)
        else:
            joined.append(block)
    return joined


def _continues(before: Block, after: Block) -> bool:
    """Whether ``after`` (next page) carries on the sentence ``before`` leaves unfinished."""
    if after.lines[0].page <= before.lines[-1].page:
        return False
    last = before.text[-1:]
    first = after.first_line[:1]
    return bool(last) and last not in _FINAL_PUNCTUATION and first.isalpha() and first.islower()


def _is_numbered_entry(block: Block) -> bool:
    """A numbered reference entry: ``1.``, ``[1]`` or ``1)`` first, and a year."""
    return bool(_REFERENCE_ENTRY.match(block.first_line)) and bool(_YEAR.search(block.text))


def _is_entry(block: Block) -> bool:
    """A reference entry: numbered, or a year with a bibliographic mark."""
    return _is_numbered_entry(block) or (bool(_YEAR.search(block.text)) and bool(_BIBLIOGRAPHIC.search(block.text)))


def _entries_in(block: Block) -> int:
    """How many numbered entries a numbered-entry paragraph holds (one per line that starts one)."""
    return sum(1 for line in block.lines if _REFERENCE_ENTRY.match(line.text)) if _is_numbered_entry(block) else 0


def reference_ranges(blocks: list[Block]) -> list[tuple[int, int]]:
    """``(start, end)`` index ranges of the paragraphs that belong to reference sections, in order."""
    ranges: list[tuple[int, int]] = []
    index = 0
    while index < len(blocks):
        if _REFERENCE_HEADING.match(blocks[index].first_line):
            end = index + 1
            while end < len(blocks) and _is_entry(blocks[end]):
                end += 1
            ranges.append((index, end))
            index = end
        else:
            index += 1
    start = len(blocks)
    while start > 0 and _is_numbered_entry(blocks[start - 1]) and not (ranges and start <= ranges[-1][1]):
        start -= 1
    if start < len(blocks) and sum(_entries_in(block) for block in blocks[start:]) >= 2:
        ranges.append((start, len(blocks)))
    return ranges


def is_caption(block: Block) -> bool:
    """Whether a paragraph is a figure or table caption."""
    return bool(_CAPTION.match(block.first_line))
