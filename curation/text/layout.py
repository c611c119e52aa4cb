"""Page edges of PDF text: lines with their offsets, page numbers, running headers and footers.

The PDF reader ends each page but the last with a form feed (``\\f``); text without one is a single
page. ``split_lines`` cuts the text into ``Line``\\ s that remember their page and their span in the
text. Only the *edges* of a page are examined: its first and last few non-empty lines.

- Page numbers (``find_page_numbers``): a line alone at one of the first or last ``PAGE_NUMBER_EDGE``
  non-empty lines of a page that reads ``Page 3 / 8``, ``Page 3``, ``p. 3``, ``3/8``, ``3``, ``— 3 —`` or
  ``- 3 -`` (a bare number has at most 4 digits).
- Running headers and footers (``find_running_headers``): a line among the first or last
  ``edge_lines`` non-empty lines of a page whose normalised form (lowercase, spaces collapsed, every
  run of digits replaced by ``0``, so ``vol. 9, p. 12`` and ``vol. 9, p. 13`` are the same line) is
  found at the edges of at least ``min_pages`` different pages *or* of at least ``min_share`` of the
  pages that hold text, and never fewer than 2 pages: ``max(2, min(min_pages, ceil(min_share × pages)))``.
  With the defaults (2 pages, 30 %) that is any line at the edges of two pages; raising ``min_pages``
  on long inputs makes the share decide. Text of one page has no running header.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = ["Line", "split_lines", "find_page_numbers", "find_running_headers", "page_edges"]

PAGE_NUMBER_EDGE = 2
"""Page numbers are looked for among this many non-empty lines at the top and at the bottom of a page."""

_PAGE_NUMBER = re.compile(
    r"""^(?:
        (?:page|p\.)\s*\d{1,4}(?:\s*(?:/|sur|of|de)\s*\d{1,4})?   # Page 3 / 8, Page 3, p. 3
      | \d{1,4}\s*/\s*\d{1,4}                                      # 3/8
      | \d{1,4}                                                    # 3
      | [—–-]{1,2}\s*\d{1,4}\s*[—–-]{1,2}                          # — 3 —, - 3 -
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the text: its span (without the line break) and its page (0-based)."""

    start: int
    end: int
    page: int
    text: str

    @property
    def blank(self) -> bool:
        """Whether the line holds only whitespace."""
        return not self.text.strip()


def split_lines(text: str) -> list[Line]:
    """Every line of ``text``, pages cut at form feeds; a form feed never belongs to a line."""
    lines: list[Line] = []
    page_start = 0
    for page, page_text in enumerate(text.split("\f")):
        pos = page_start
        for raw in page_text.split("\n"):
            lines.append(Line(pos, pos + len(raw), page, raw))
            pos += len(raw) + 1
        page_start += len(page_text) + 1
    return lines


def page_edges(lines: list[Line], size: int, skip: set[int] | frozenset[int] = frozenset()) -> dict[int, list[int]]:
    """For each page, the indices of its first and last ``size`` non-empty lines not in ``skip``."""
    by_page: dict[int, list[int]] = {}
    for index, line in enumerate(lines):
        if not line.blank and index not in skip:
            by_page.setdefault(line.page, []).append(index)
    edges: dict[int, list[int]] = {}
    for page, indices in by_page.items():
        chosen = indices[:size] + indices[-size:] if len(indices) > 2 * size else indices
        edges[page] = sorted(set(chosen))
    return edges


def is_page_number(line: str) -> bool:
    """Whether a line is nothing but a page number (``Page 3 / 8``, ``3``, ``— 3 —``...)."""
    return bool(_PAGE_NUMBER.match(line.strip()))


def find_page_numbers(lines: list[Line]) -> set[int]:
    """Indices of the page-number lines at the page edges."""
    found: set[int] = set()
    for indices in page_edges(lines, PAGE_NUMBER_EDGE).values():
        found.update(i for i in indices if is_page_number(lines[i].text))
    return found


def header_key(line: str) -> str:
    """The form under which header lines are compared: lowercase, single spaces, digits as ``0``."""
    return _DIGITS.sub("0", " ".join(line.lower().split()))


def find_running_headers(
    lines: list[Line], edge_lines: int = 3, min_pages: int = 2, min_share: float = 0.3,
    skip: set[int] | frozenset[int] = frozenset(),
) -> set[int]:
    """Indices of the running header and footer lines at the page edges (lines in ``skip`` ignored)."""
    edges = page_edges(lines, edge_lines, skip)
    if len(edges) < 2:
        return set()
    needed = max(2, min(min_pages, math.ceil(min_share * len(edges))))
    pages_of: dict[str, set[int]] = {}
    for page, indices in edges.items():
        for i in indices:
            pages_of.setdefault(header_key(lines[i].text), set()).add(page)
    repeated = {key for key, pages in pages_of.items() if len(pages) >= needed}
    return {i for indices in edges.values() for i in indices if header_key(lines[i].text) in repeated}
